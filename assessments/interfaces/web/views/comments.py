"""Comment threads: the page of one question's or row's threads, and posting, replying,
editing, deleting, resolving and reopening (inline with htmx, or as plain forms)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.domain import comments
from assessments.domain.comments import CommentRefused, Target
from assessments.domain.constants import Role
from assessments.domain.models import Comment
from assessments.domain.permissions import Access, role_refusal
from assessments.interfaces.templatetags.review import panel
from assessments.interfaces.web.views.common import assessment_view


def _next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _answer(
    request: HttpRequest,
    access: Access,
    about: Target,
    *,
    error: str = "",
    text: str = "",
    reply_to: int | None = None,
) -> HttpResponse:
    """After an action: the panel (htmx), else back to the page (or the thread page with the
    message at the field when something was refused)."""
    threads = comments.index(access.assessment).on(about.on, about.key)
    next_url = _next(request, about.thread_url(access.assessment))
    context = panel(
        request,
        access,
        about,
        threads,
        next_url=next_url,
        opened=True,
        error=error,
        text=text,
        reply_to=reply_to,
    )
    if request.htmx:
        return render(request, "assessments/comments/_panel.html", context)
    if not error:
        return redirect(next_url)
    return _page(request, access, about, context, status=400)


def _page(
    request: HttpRequest, access: Access, about: Target, context: dict, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "assessments/comments/page.html",
        {
            **context,
            "access": access,
            "about": about,
            "page_url": about.page_url(access.assessment),
        },
        status=status,
    )


@assessment_view()
def threads(request: HttpRequest, access: Access, on: str, key: str) -> HttpResponse:
    """GET: the threads on one question or row; POST (reviewer and up): a new thread."""
    about = comments.target(access.assessment, on, key)
    if about is None:
        raise Http404("Nothing to comment on here.")
    if request.method == "POST":
        if not Role(access.role).includes(Role.REVIEWER):
            raise PermissionDenied(role_refusal())
        text = request.POST.get("text", "")
        try:
            comments.start_thread(
                access.assessment, about, user=request.user, role=access.role, text=text
            )
        except CommentRefused as refused:
            return _answer(request, access, about, error=refused.message, text=text)
        if not request.htmx:
            messages.success(request, _("Comment posted."))
        return _answer(request, access, about)
    found = comments.index(access.assessment).on(about.on, about.key)
    next_url = request.path
    return _page(
        request, access, about, panel(request, access, about, found, next_url=next_url, opened=True)
    )


ACTIONS = {"reply", "edit", "delete", "resolve", "reopen"}


@require_POST
@assessment_view(Role.REVIEWER)
def comment_action(request: HttpRequest, access: Access, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action.")
    comment = get_object_or_404(
        Comment.objects.select_related("parent"), pk=pk, assessment=access.assessment
    )
    about = comments.target_of(comment.parent or comment)
    text = request.POST.get("text", "")
    user, role = request.user, access.role
    try:
        if action == "reply":
            comments.reply(comment, user=user, role=role, text=text)
        elif action == "edit":
            comments.edit(comment, user=user, text=text)
        elif action == "delete":
            comments.delete(comment, user=user, role=role)
        elif action == "resolve":
            comments.resolve(comment, user=user, role=role)
        else:
            comments.reopen(comment, user=user, role=role)
    except CommentRefused as refused:
        return _answer(
            request,
            access,
            about,
            error=refused.message,
            text=text,
            reply_to=comment.pk if action == "reply" else None,
        )
    return _answer(request, access, about)


urlpatterns = [
    path("a/<slug:slug>/comments/<str:on>/<str:key>/", threads, name="comments"),
    path("a/<slug:slug>/comment/<int:pk>/<str:action>/", comment_action, name="comment_action"),
]
