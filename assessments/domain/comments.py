"""Comment threads on the questions and rows of an assessment, and who may do what with them.

A thread is a first comment and its replies, about one target: a question (by number: every
question, also the pre-scan 1.x, the contributions 2.8-2.14 and chapter 5), a goal, a risk,
a measure, a row of the 5.3 table or a source. Threads are resolved and reopened; a comment
names members with ``@username``, who are then told (``events.emit``).

Comments are not assessment content: they are not exported, versioned or in the history of
changes, and never in the report. They are not editable by others: the author edits or
deletes their own text while the thread is open; owners may delete any comment.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain import events, instrument, states
from assessments.domain.constants import CommentOn, EventKind, Role
from assessments.domain.models import (
    Assessment,
    Comment,
    Membership,
)
from assessments.domain.models.review import SOURCES_CHAPTER
from assessments.domain.rowkinds import KINDS, RowKind

MAX_LENGTH = 10_000
MENTION_RE = re.compile(r"(?<![\w@])@([\w.+-]*\w)")

# The kinds of rows that carry threads (``rowkinds``, ``commentable``), by ``Comment.on``.
COMMENTABLE: dict[str, RowKind] = {kind.key: kind for kind in KINDS if kind.commentable}


def _chapter(kind: RowKind) -> int:
    """The chapter a thread on a row of ``kind`` counts towards (0: the sources tab)."""
    return int(kind.chapter) if kind.chapter.isdigit() else SOURCES_CHAPTER


class CommentRefused(Exception):
    """Not allowed now; ``message`` says why. Nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    """What a thread is about."""

    on: str
    key: str  # the question's number or the row's id
    chapter: int
    row: models.Model | None = None

    @property
    def dom_id(self) -> str:
        return f"comments-{self.on}-{self.key.replace('.', '-')}"

    @property
    def label(self) -> str:
        if self.on == CommentOn.QUESTION:
            return _("question %(number)s") % {"number": self.key}
        kind = CommentOn(self.on).label
        return f"{kind}: {self.row}"

    def page_url(self, assessment: Assessment) -> str:
        """The page that shows the target, at the target."""
        slug = assessment.slug
        if self.on == CommentOn.SOURCE:
            return (
                reverse("assessments:sources", args=[slug])
                + f"#source-{getattr(self.row, 'key', '')}"
            )
        url = reverse("assessments:chapter", args=[slug, self.chapter])
        anchor = {
            CommentOn.QUESTION: "q-" + self.key.replace(".", "-"),
            CommentOn.GOAL: f"goal-{self.key}",
            CommentOn.RISK: f"risk-{self.key}",
            CommentOn.MEASURE: f"risk-{getattr(self.row, 'risk_id', '')}",
            CommentOn.ITEM: "q-5-3",
        }[CommentOn(self.on)]
        return f"{url}#{anchor}"

    def thread_url(self, assessment: Assessment) -> str:
        return reverse("assessments:comments", args=[assessment.slug, self.on, self.key])

    def fields(self) -> dict[str, object]:
        """The comment's fields that name the target."""
        if self.on == CommentOn.QUESTION:
            return {"on": self.on, "question": self.key, "chapter": self.chapter}
        return {"on": self.on, self.on: self.row, "chapter": self.chapter}


def target(assessment: Assessment, on: str, key: str) -> Target | None:
    """The target ``on``/``key`` of this assessment, or None if it does not exist."""
    if on == CommentOn.QUESTION:
        question = instrument.QUESTION_BY_NUMBER.get(key)
        return Target(on, key, question.chapter) if question else None
    kind = COMMENTABLE.get(on)
    if kind is None or not key.isdigit():
        return None
    row = kind.rows_of(assessment).filter(pk=int(key)).first()
    return Target(on, key, _chapter(kind), row) if row else None


def target_of(comment: Comment) -> Target:
    if comment.on == CommentOn.QUESTION:
        return Target(comment.on, comment.question, comment.chapter)
    row_id = getattr(comment, f"{comment.on}_id")
    return Target(comment.on, str(row_id), comment.chapter, getattr(comment, comment.on))


def key_of(comment: Comment) -> tuple[str, str]:
    if comment.on == CommentOn.QUESTION:
        return (comment.on, comment.question)
    return (comment.on, str(getattr(comment, f"{comment.on}_id")))


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class Thread:
    root: Comment
    replies: list[Comment] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.root.is_open

    @property
    def pk(self) -> int:
        return self.root.pk


@dataclass
class Index:
    """All threads of an assessment, by target, loaded with one query."""

    threads: dict[tuple[str, str], list[Thread]]

    def on(self, on: str, key: object) -> list[Thread]:
        return self.threads.get((on, str(key)), [])

    def open_on(self, on: str, key: object) -> int:
        return sum(1 for t in self.on(on, key) if t.is_open)

    @property
    def open_threads(self) -> list[Thread]:
        return [t for threads in self.threads.values() for t in threads if t.is_open]

    def open_by_chapter(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for thread in self.open_threads:
            counts[thread.root.chapter] += 1
        return dict(counts)


def index(assessment: Assessment) -> Index:
    rows = (
        Comment.objects.filter(assessment=assessment)
        .select_related("assessment", "resolved_by", "goal", "risk", "measure", "item", "source")
        .order_by("created_at", "pk")
    )
    roots: dict[int, Thread] = {}
    replies: list[Comment] = []
    threads: dict[tuple[str, str], list[Thread]] = defaultdict(list)
    for comment in rows:
        if comment.parent_id is None:
            roots[comment.pk] = Thread(comment)
            threads[key_of(comment)].append(roots[comment.pk])
        else:
            replies.append(comment)
    for reply in replies:
        if reply.parent_id in roots:
            roots[reply.parent_id].replies.append(reply)
    return Index(dict(threads))


def open_counts(assessment: Assessment) -> dict[int, int]:
    """Open threads per chapter (0: sources), with one query."""
    rows = (
        Comment.objects.filter(assessment=assessment, parent__isnull=True, resolved_at__isnull=True)
        .values("chapter")
        .annotate(n=models.Count("pk"))
    )
    return {row["chapter"]: row["n"] for row in rows}


def members_to_mention(assessment: Assessment) -> list[str]:
    """The usernames the comment form offers for ``@`` mentions."""
    return sorted(
        Membership.objects.filter(organisation_id=assessment.organisation_id).values_list(
            "user__username", flat=True
        ),
        key=str.casefold,
    )


def mentioned(assessment: Assessment, text: str) -> list:
    """The members of the assessment's organisation that ``text`` names as ``@username``;
    names that are not members are ignored."""
    names = {name.casefold() for name in MENTION_RE.findall(text)}
    if not names:
        return []
    users = get_user_model().objects.filter(memberships__organisation_id=assessment.organisation_id)
    return [u for u in users if u.get_username().casefold() in names]


# --- Writing ------------------------------------------------------------------------------------


def may_comment(role: Role | None, assessment: Assessment) -> bool:
    """Reviewers and up comment while the assessment is a draft or in review; a final or
    published assessment's threads are read only."""

    return (
        role is not None
        and Role(role).includes(Role.REVIEWER)
        and not states.is_settled(assessment)
    )


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CommentRefused(_("Write a comment first."))
    if len(text) > MAX_LENGTH:
        raise CommentRefused(
            _("A comment can be at most %(max)d characters long.") % {"max": MAX_LENGTH}
        )
    return text


def _name(user) -> str:
    return (user.get_full_name() or user.get_username())[:150]


def _tell_mentioned(comment: Comment, text: str, *, already: frozenset[int] = frozenset()) -> None:
    people = [u for u in mentioned(comment.assessment, text) if u.pk not in already]
    if not people:
        return
    thread_target = target_of(comment.parent or comment)
    events.emit(
        EventKind.MENTION,
        assessment=comment.assessment,
        recipients=people,
        actor=comment.author,
        path=thread_target.thread_url(comment.assessment) + f"#comment-{comment.pk}",
        target=str(thread_target.label),
        text=text[:500],
    )


def start_thread(
    assessment: Assessment, about: Target, *, user, role: Role | None, text: str
) -> Comment:
    if not may_comment(role, assessment):
        raise CommentRefused(_("Comments can be added while it is a draft or in review."))
    text = _clean(text)
    with transaction.atomic():
        comment = Comment.objects.create(
            assessment=assessment, author=user, author_name=_name(user), text=text, **about.fields()
        )
        _tell_mentioned(comment, text)
    return comment


def reply(thread: Comment, *, user, role: Role | None, text: str) -> Comment:
    if not may_comment(role, thread.assessment):
        raise CommentRefused(_("Comments can be added while it is a draft or in review."))
    if thread.parent_id is not None:
        raise CommentRefused(_("Reply to the first comment of a thread."))
    if not thread.is_open:
        raise CommentRefused(_("This thread is resolved; reopen it to reply."))
    text = _clean(text)
    with transaction.atomic():
        fields = {
            name: getattr(thread, name)
            for name in ("on", "question", "goal", "risk", "measure", "item", "source", "chapter")
        }
        comment = Comment.objects.create(
            assessment=thread.assessment,
            parent=thread,
            author=user,
            author_name=_name(user),
            text=text,
            **fields,
        )
        _tell_mentioned(comment, text)
    return comment


def _thread_open(comment: Comment) -> bool:
    return (comment.parent or comment).is_open


def may_edit(comment: Comment, user) -> bool:
    return comment.author_id == user.pk and _thread_open(comment)


def may_delete(comment: Comment, user, role: Role | None) -> bool:
    if role is not None and Role(role).includes(Role.OWNER):
        return True
    if not may_edit(comment, user):
        return False
    return comment.parent_id is not None or not comment.replies.exists()


def edit(comment: Comment, *, user, text: str) -> Comment:
    if not may_edit(comment, user):
        raise CommentRefused(
            _("Only the author can change a comment, and only while its thread is open.")
        )
    text = _clean(text)
    with transaction.atomic():
        before = {u.pk for u in mentioned(comment.assessment, comment.text)}
        comment.text = text
        comment.edited_at = timezone.now()
        comment.save(update_fields=["text", "edited_at"])
        _tell_mentioned(comment, text, already=frozenset(before))
    return comment


def delete(comment: Comment, *, user, role: Role | None) -> None:
    if not may_delete(comment, user, role):
        raise CommentRefused(
            _(
                "Only the author can delete a comment (while its thread is open and before "
                "anyone replied); owners can delete any comment."
            )
        )
    comment.delete()


def resolve(thread: Comment, *, user, role: Role | None) -> None:
    _set_resolved(thread, user=user, role=role, resolved=True)


def reopen(thread: Comment, *, user, role: Role | None) -> None:
    _set_resolved(thread, user=user, role=role, resolved=False)


def _set_resolved(thread: Comment, *, user, role: Role | None, resolved: bool) -> None:
    if not may_comment(role, thread.assessment):
        raise CommentRefused(_("Comments can be added while it is a draft or in review."))
    if thread.parent_id is not None:
        raise CommentRefused(_("Only a whole thread is resolved or reopened."))
    thread.resolved_at = timezone.now() if resolved else None
    thread.resolved_by = user if resolved else None
    thread.save(update_fields=["resolved_at", "resolved_by"])
