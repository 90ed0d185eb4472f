"""The service's right of reply (``assessments.domain.replies``): the owners' side (invite, revoke,
send again, download attachments) and the pages a reply link opens without an account.

A reply link opens only: the page with the response form, the invited version as a web
page and as PDF, and, in the browser that submitted, the receipt with its own attachments.
A link that does not open (unknown, expired, revoked or already used) gets one and the same
page, which names nothing; a client address that tries many is made to wait
(``throttle.reserve_reply``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import ResolverMatch, path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.domain import replies, versions
from assessments.domain.constants import Role
from assessments.domain.models import ReplyInvitation, ResponseAttachment
from assessments.domain.permissions import Access
from assessments.infra import throttle
from assessments.interfaces.forms.replies import (
    ReplyInvitationForm,
    ReplyResendForm,
    ServiceReplyForm,
)
from assessments.interfaces.web.views.common import assessment_view, pdf_response
from assessments.interfaces.web.views.waiting import WAIT_QUERY, wait_state
from assessments.outputs.markdown import render as render_markdown
from assessments.outputs.markdown import without_citations
from assessments.outputs.report import cache, recovery, tasks
from assessments.outputs.report.render import render_html

RECEIPT_SESSION_KEY = "kia_reply_receipts"


def _link_for(request: HttpRequest) -> Callable[[str], str]:
    return lambda raw: request.build_absolute_uri(reverse("assessments:reply", args=[raw]))


# --- The owners' side ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@assessment_view(Role.OWNER, allow_locked=True)
def invite(request: HttpRequest, access: Access) -> HttpResponse:
    """Invite the assessed service's contact to respond to one version."""
    assessment = access.assessment
    versions.published_version(assessment)  # a settled assessment has its version 1
    choices = [
        (v.number, f"{v.label}{' · ' + v.name if v.name else ''} ({v.get_status_display()})")
        for v in assessment.versions.order_by("-number")
    ]
    form = ReplyInvitationForm(request.POST or None, versions=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = replies.invite(
            version=assessment.versions.get(number=data["version"]),
            contact_name=data["contact_name"],
            contact_organisation=data["contact_organisation"],
            email=data["email"],
            deadline=data["deadline"],
            note=data["note"],
            user=request.user,
            link_for=_link_for(request),
        )
        messages.success(
            request,
            _("The invitation to respond was sent to %(email)s.") % {"email": invitation.email},
        )
        return redirect("assessments:appendix", slug=assessment.slug)
    return render(
        request,
        "assessments/reply_invite.html",
        {"access": access, "assessment": assessment, "form": form, "has_versions": choices},
        status=400 if form.errors else 200,
    )


@require_POST
@assessment_view(Role.OWNER, allow_locked=True)
def change_invitation(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Revoke an invitation, or send it again with a new link (and deadline)."""
    invitation = get_object_or_404(ReplyInvitation, pk=pk, assessment=access.assessment)
    action = request.POST.get("action")
    if action == "revoke":
        if replies.revoke(invitation):
            messages.success(
                request,
                _("The link sent to %(email)s no longer works.") % {"email": invitation.email},
            )
        else:
            messages.info(request, _("This invitation was already answered or revoked."))
    elif action == "resend":
        form = ReplyResendForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.get("deadline", [])))
        elif replies.resend(
            invitation,
            deadline=form.cleaned_data["deadline"],
            user=request.user,
            link_for=_link_for(request),
        ):
            messages.success(
                request,
                _("A new link was sent to %(email)s; the old link no longer works.")
                % {"email": invitation.email},
            )
        else:
            messages.info(request, _("This invitation was already answered or revoked."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect(reverse("assessments:appendix", args=[access.assessment.slug]) + "#invitations")


@assessment_view()
def attachment(request: HttpRequest, access: Access, key: str) -> HttpResponse:
    """An attachment of a response, for members of the organisation, as a download."""
    found = get_object_or_404(ResponseAttachment, key=key, response__assessment=access.assessment)
    return _download(found)


def _download(found: ResponseAttachment) -> HttpResponse:
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=found.name
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- The pages a reply link opens ---------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """Nothing of a reply page is cached or indexed, and its address (the link is the key)
    never goes to another site in a Referer header. Not "no-referrer": browsers then send
    ``Origin: null`` with the form, which the CSRF check rightly refuses."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def closed(request: HttpRequest, *, status: int = 404, wait: int = 0) -> HttpResponse:
    """The one page for every link that does not open: it names nothing."""
    response = render(
        request,
        "assessments/reply_closed.html",
        {"wait_message": throttle.wait_message(wait) if wait else ""},
        status=status,
    )
    if wait:
        response["Retry-After"] = str(wait)
    return _private(response)


def reply_link(*, open_only: bool = True):
    """The view gets the invitation of the link ``token``; a link that does not open gets
    ``closed`` (and counts against the client's address). With ``open_only=False`` the
    view decides (the receipt of the browser that submitted)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
            wait = throttle.reserve_reply(request)  # counted as not opening until it opens
            if wait:
                return closed(request, status=429, wait=wait)
            invitation = replies.find_open(token) if open_only else replies.find(token)
            if invitation is None:
                return closed(request)
            throttle.reply_opened(request)
            # The service reads in the assessment's language unless it chose one itself.
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            with translation.override(language or invitation.assessment.language):
                return _private(view(request, invitation, token, *args, **kwargs))

        return wrapper

    return decorate


def _body_limit(request: HttpRequest, match: ResolverMatch) -> int | None:
    """The reply page takes its attachments only for a link that opens (the request size
    middleware asks before reading the body)."""
    if replies.find_open(match.kwargs.get("token", "")) is None:
        return None
    return int(settings.KIA_REPLY_MAX_FILE_BYTES) * int(settings.KIA_REPLY_MAX_FILES)


def _context(invitation: ReplyInvitation, token: str, **more: Any) -> dict[str, Any]:
    return {"invitation": invitation, "token": token, "title": invitation.assessment.title, **more}


@require_http_methods(["GET", "POST"])
@reply_link()
def reply(request: HttpRequest, invitation: ReplyInvitation, token: str) -> HttpResponse:
    """The invitation: what to read, and the response form."""
    form = ServiceReplyForm(request.POST or None, request.FILES or None)
    preview = ""
    chosen: list[str] = []
    # "Preview" with JavaScript asks for the preview alone (htmx): the chosen files stay in
    # the browser's field. Without it the page comes back, and a browser never puts files
    # back into a field: the page names them so they can be chosen again.
    inline = request.headers.get("HX-Request") == "true"
    valid = request.method == "POST" and form.is_valid()
    if request.method == "POST":
        chosen = [f.name for f in request.FILES.getlist("attachments") if f.name]
        text = form.cleaned_data.get("text") if hasattr(form, "cleaned_data") else None
        if text and ("preview" in request.POST or not valid):
            # Also when an attachment is refused: the text is fine, show what it looks like.
            preview = render_markdown(without_citations(text))
    if valid and "preview" not in request.POST:
        uploads = [
            replies.Upload(name=f.name or "bijlage.pdf", content=f.read())
            for f in form.cleaned_data["attachments"]
        ]
        try:
            response = replies.submit(invitation, text=form.cleaned_data["text"], files=uploads)
        except replies.InvitationClosed:
            return closed(request)
        receipts = request.session.get(RECEIPT_SESSION_KEY, [])
        request.session[RECEIPT_SESSION_KEY] = [*receipts, response.pk][-10:]
        return redirect("assessments:reply_received", token=token)
    return render(
        request,
        "assessments/reply.html",
        _context(
            invitation,
            token,
            form=form,
            preview=preview,
            inline=inline,
            refused=list(form.refused_files.values()),
            kept=[name for name in chosen if name not in form.refused_files],
        ),
        status=400 if form.errors and not inline else 200,  # htmx swaps 2xx answers only
    )


reply.kia_body_limit = _body_limit


@reply_link()
def reply_version(request: HttpRequest, invitation: ReplyInvitation, token: str) -> HttpResponse:
    """The invited version as a web page, made from its snapshot."""
    ws = versions.workspace(invitation.version)
    return HttpResponse(render_html(ws.assessment, for_pdf=False, workspace=ws))


@reply_link()
def reply_pdf(request: HttpRequest, invitation: ReplyInvitation, token: str) -> HttpResponse:
    """The invited version's PDF; while it is being made, a page that says so."""
    version = invitation.version
    found = cache.version_file(version)
    if found is not None and found.is_ready and not recovery.ensure_stored(found):
        found.refresh_from_db()
    if found is None or not found.is_ready:
        found = tasks.request_version_render(version)
    waiting = request.GET.get("wait") == "1"  # the wait page asks (see views/waiting.py)
    if found.is_ready and not waiting:
        return pdf_response(found)
    url = reverse("assessments:reply_pdf", args=[token])
    wait = wait_state(found, status_url=f"{url}?{WAIT_QUERY}", download_url=url)
    response = render(
        request,
        "assessments/reply_preparing.html",
        _context(invitation, token, retry_seconds=15, wait=wait),
        status=200 if found.is_ready else 503,
    )
    if not found.is_ready:
        response["Retry-After"] = "15"
    return response


def _receipt(request: HttpRequest, invitation: ReplyInvitation):
    """The response this browser submitted through ``invitation`` (None for anyone else)."""
    mine = request.session.get(RECEIPT_SESSION_KEY, [])
    return invitation.responses.filter(pk__in=mine, submitted_by_service=True).first()


@reply_link(open_only=False)
def reply_received(request: HttpRequest, invitation: ReplyInvitation, token: str) -> HttpResponse:
    """The receipt, only in the browser that submitted the response."""
    response = _receipt(request, invitation)
    if response is None:
        return closed(request)
    return render(
        request,
        "assessments/reply_received.html",
        _context(invitation, token, response=response, files=list(response.attachments.all())),
    )


@reply_link(open_only=False)
def reply_attachment(
    request: HttpRequest, invitation: ReplyInvitation, token: str, key: str
) -> HttpResponse:
    """An attachment of the response this browser submitted."""
    response = _receipt(request, invitation)
    found = response.attachments.filter(key=key).first() if response is not None else None
    if found is None:
        return closed(request)
    return _download(found)


urlpatterns = [
    path("a/<slug:slug>/appendix/invite/", invite, name="reply_invite"),
    path(
        "a/<slug:slug>/appendix/invitations/<int:pk>/",
        change_invitation,
        name="reply_invitation_change",
    ),
    path("a/<slug:slug>/appendix/attachments/<str:key>/", attachment, name="response_attachment"),
    path("reply/<str:token>/", reply, name="reply"),
    path("reply/<str:token>/version/", reply_version, name="reply_version"),
    path("reply/<str:token>/version.pdf", reply_pdf, name="reply_pdf"),
    path("reply/<str:token>/received/", reply_received, name="reply_received"),
    path("reply/<str:token>/attachments/<str:key>/", reply_attachment, name="reply_attachment"),
]
