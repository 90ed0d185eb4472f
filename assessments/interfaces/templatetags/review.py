"""Template tags for comment threads: the panel under each item and the open counts."""

from __future__ import annotations

from html import unescape

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator

from assessments.domain import comments
from assessments.domain.models import Assessment
from assessments.outputs.markdown import render as render_markdown

register = template.Library()


def _index(assessment: Assessment) -> comments.Index:
    """The assessment's threads, loaded once per page (kept on the instance)."""
    found = getattr(assessment, "_comment_index", None)
    if found is None:
        found = comments.index(assessment)
        assessment._comment_index = found  # type: ignore[attr-defined]
    return found


def _mention_names(assessment: Assessment) -> list[str]:
    found = getattr(assessment, "_mention_names", None)
    if found is None:
        found = comments.members_to_mention(assessment)
        assessment._mention_names = found  # type: ignore[attr-defined]
    return found


def panel(
    request,
    access,
    about: comments.Target,
    threads: list[comments.Thread],
    *,
    next_url: str = "",
    opened: bool = False,
    error: str = "",
    text: str = "",
    reply_to: int | None = None,
) -> dict:
    """The context of ``assessments/comments/_panel.html`` for one target."""
    user = request.user
    is_owner = access.is_owner
    for thread in threads:
        for comment in [thread.root, *thread.replies]:
            # What the template shows of each comment (set on the instance it prints).
            can_edit = comments.may_edit(comment, user)
            vars(comment).update(
                html=render_markdown(comment.text),
                can_edit=can_edit,
                can_delete=is_owner
                or (can_edit and (comment.parent_id is not None or not thread.replies)),
            )
    open_count = sum(1 for t in threads if t.is_open)
    return {
        "assessment": access.assessment,
        "about": about,
        "threads": threads,
        "open_count": open_count,
        "can_comment": comments.may_comment(access.role, access.assessment),
        "next_url": next_url or request.get_full_path(),
        "opened": opened or bool(error),
        "error": error,
        "text": text,
        "reply_to": reply_to,
        "mention_names": _mention_names(access.assessment)
        if comments.may_comment(access.role, access.assessment)
        else [],
        "action_url": about.thread_url(access.assessment),
    }


@register.inclusion_tag("assessments/comments/_panel.html", takes_context=True)
def comment_panel(context, on: str, key) -> dict:
    """The comments on one question or row: a collapsed list of threads with a form."""
    access = context["access"]
    request = context["request"]
    row = context.get("comment_row")
    about = comments.Target(on, str(key), 0, row)
    threads = _index(access.assessment).on(on, key)
    next_url = f"{request.path}#{about.dom_id}"
    return {
        **panel(request, access, about, threads, next_url=next_url),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def open_comment_counts(assessment: Assessment) -> dict[int, int]:
    """Open threads per chapter (0: the sources)."""
    found = getattr(assessment, "_open_comment_counts", None)
    if found is None:
        found = comments.open_counts(assessment)
        assessment._open_comment_counts = found  # type: ignore[attr-defined]
    return found


@register.filter
def count_of(counts: dict, chapter) -> int:
    return counts.get(int(chapter), 0) if counts else 0


@register.filter
def sum_of(values) -> int:
    return sum(values or ())


@register.simple_tag(takes_context=True)
def comment_link(context, thread: comments.Thread) -> str:
    """A link to the item a thread is about, named after it."""
    about = comments.target_of(thread.root)
    return format_html('<a href="{}">{}</a>', about.page_url(thread.root.assessment), about.label)


@register.filter
def excerpt(text: str, length: int = 160) -> str:
    """A comment as one line of plain text (its Markdown rendered, then the tags removed)."""
    plain = " ".join(unescape(strip_tags(render_markdown(text or ""))).split())
    return Truncator(plain).chars(length)
