"""The service's right of reply as a workflow.

An owner invites the assessed service's contact to respond to one version by a deadline
(``invite``). The e-mail carries a link with a random token; only its SHA-256 is stored, so
the link cannot be shown again: sending it again (``resend``) makes a new token and the old
link stops working. The link needs no account and works until the end of the deadline day
(Europe/Amsterdam), until it is revoked, or until the response is submitted, whichever comes
first. A later round (a further letter) is a new invitation.

``submit`` writes the response into the appendix as a ``ServiceResponse`` through the one
write path (``editing``, channel "reply"), stores its PDF attachments under a private
prefix of the default storage and tells the owners and the inviter (``events``).
``send_reminders`` (the ``send_reply_reminders`` command, run by cron) reminds each open
invitation once, ``REMIND_BEFORE`` before its deadline.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.domain import editing, events
from assessments.domain.constants import Channel, Role
from assessments.domain.models import (
    Assessment,
    Membership,
    ReplyInvitation,
    ResponseAttachment,
    ServiceResponse,
    Version,
)
from assessments.domain.rowkinds import next_order
from assessments.infra import mail

REMIND_BEFORE = datetime.timedelta(days=3)

LinkFor = Callable[[str], str]  # the raw token -> the absolute URL of the reply page


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def find(raw: str) -> ReplyInvitation | None:
    """The invitation whose link is ``raw``, whatever its state (for its receipt)."""
    if not raw or len(raw) > 100:
        return None
    return (
        ReplyInvitation.objects.select_related("assessment__organisation", "version")
        .filter(token_hash=hash_token(raw))
        .first()
    )


def find_open(raw: str) -> ReplyInvitation | None:
    """The invitation whose link is ``raw``, if that link still opens (else None)."""
    invitation = find(raw)
    return invitation if invitation is not None and invitation.is_open else None


# --- The owner's side -----------------------------------------------------------------------


def invite(
    *,
    version: Version,
    contact_name: str,
    contact_organisation: str,
    email: str,
    deadline: datetime.date,
    note: str,
    user: Any,
    link_for: LinkFor,
) -> ReplyInvitation:
    """Create the invitation and e-mail its link (after the transaction commits)."""
    raw = new_token()
    with transaction.atomic():
        invitation = ReplyInvitation.objects.create(
            assessment=version.assessment,
            version=version,
            contact_name=contact_name,
            contact_organisation=contact_organisation,
            email=email,
            deadline=deadline,
            note=note,
            token_hash=hash_token(raw),
            created_by=user,
        )
        _send_invitation(invitation, link_for(raw), user)
    return invitation


def resend(
    invitation: ReplyInvitation, *, deadline: datetime.date, user: Any, link_for: LinkFor
) -> bool:
    """A new link (the old one stops working) and possibly a new deadline; False if the
    invitation was answered or revoked in the meantime."""
    raw = new_token()
    with transaction.atomic():
        claimed = ReplyInvitation.objects.filter(
            pk=invitation.pk, responded_at__isnull=True, revoked_at__isnull=True
        ).update(
            token_hash=hash_token(raw), deadline=deadline, sent_at=timezone.now(), reminded_at=None
        )
        if not claimed:
            return False
        invitation.refresh_from_db()
        _send_invitation(invitation, link_for(raw), user)
    return True


def revoke(invitation: ReplyInvitation) -> bool:
    """Close the link at once; False if it was answered or revoked already."""
    return bool(
        ReplyInvitation.objects.filter(
            pk=invitation.pk, responded_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    )


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _send_invitation(invitation: ReplyInvitation, link: str, user: Any) -> None:
    assessment = invitation.assessment
    with translation.override(assessment.language):
        values = _mail_values(invitation)
        values.update(link=link, sender=_person(user) or assessment.organisation.name)
        body = (
            _(
                "Dear %(name)s,\n\n"
                "%(sender)s of %(organisation)s invites you to respond on behalf of "
                "%(contact_organisation)s to version %(version)s of the children's rights impact "
                "assessment “%(title)s”.\n\n"
                "With the link below you can read that version (as a web page and as PDF) and "
                "send your written response (zienswijze), with PDF attachments if you wish. You "
                "need no account. Your response is printed verbatim in the appendix of the report, "
                "marked as your own text, followed by the reply of the assessor.\n\n"
                "%(link)s\n\n"
                "The link works until the end of %(deadline)s and only once: after you have "
                "sent your response it closes. Do not pass it on; anyone with the link can respond "
                "in your name.\n"
            )
            % values
        )
        if invitation.note.strip():
            body += "\n" + _("Message from %(sender)s:") % values + "\n\n" + invitation.note + "\n"
        subject = _("Invitation to respond: %(title)s (version %(version)s)") % values
    mail.queue(to=[invitation.email], subject=subject, body=body)


def _mail_values(invitation: ReplyInvitation) -> dict[str, Any]:
    assessment = invitation.assessment
    return {
        "name": invitation.contact_name,
        "contact_organisation": invitation.contact_organisation,
        "organisation": assessment.organisation.name,
        "title": assessment.title,
        "version": invitation.version.number,
        "deadline": date_format(invitation.deadline, "DATE_FORMAT"),
        "sent": date_format(timezone.localtime(invitation.sent_at).date(), "DATE_FORMAT"),
    }


# --- Reminders --------------------------------------------------------------------------------


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Remind every open invitation whose deadline is ``REMIND_BEFORE`` away or nearer,
    once (``reminded_at`` is claimed by a conditional update, so two runs at once send one).
    Returns the number of reminders queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = ReplyInvitation.objects.filter(
        responded_at__isnull=True,
        revoked_at__isnull=True,
        reminded_at__isnull=True,
        deadline__gte=today,
        deadline__lte=today + REMIND_BEFORE,
    ).select_related("assessment__organisation", "version")
    sent = 0
    for invitation in due:
        if invitation.sent_at > now - datetime.timedelta(days=1):
            continue  # the link itself went out less than a day ago
        with transaction.atomic():
            claimed = ReplyInvitation.objects.filter(
                pk=invitation.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                _send_reminder(invitation)
                sent += 1
    return sent


def _send_reminder(invitation: ReplyInvitation) -> None:
    # The link is not stored (only its hash): the reminder points to the first e-mail.
    with translation.override(invitation.assessment.language):
        values = _mail_values(invitation)
        subject = _("Reminder: respond by %(deadline)s to “%(title)s”") % values
        body = (
            _(
                "Dear %(name)s,\n\n"
                "You were invited on %(sent)s to respond on behalf of %(contact_organisation)s to "
                "version %(version)s of the children's rights impact assessment “%(title)s” of "
                "%(organisation)s. The link in that e-mail works until the end of %(deadline)s.\n\n"
                "Can you not find the e-mail, or do you need more time? Reply to the person who "
                "invited you; they can send a new link.\n"
            )
            % values
        )
    mail.queue(to=[invitation.email], subject=subject, body=body)


# --- The service's side -----------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A checked PDF attachment: its original name and its bytes."""

    name: str
    content: bytes


class InvitationClosed(Exception):
    """The link was revoked, answered or expired while the response was being sent."""


def submit(invitation: ReplyInvitation, *, text: str, files: Sequence[Upload]) -> ServiceResponse:
    """Write the response into the appendix (verbatim, marked as the service's own) and
    close the invitation. Raises ``InvitationClosed`` if it closed in the meantime."""
    now = timezone.now()
    assessment = invitation.assessment
    stored: list[str] = []
    try:
        with transaction.atomic():
            claimed = ReplyInvitation.objects.filter(
                Q(pk=invitation.pk, responded_at__isnull=True, revoked_at__isnull=True),
                Q(deadline__gte=timezone.localdate(now)),
            ).update(responded_at=now)
            if not claimed:
                raise InvitationClosed
            actor = editing.Actor(
                None,
                Channel.REPLY,
                label=f"{invitation.contact_name} ({invitation.contact_organisation})",
            )
            response = ServiceResponse(
                assessment=assessment,
                author=invitation.contact_organisation,
                received_on=timezone.localdate(now),
                text=text,
                version_number=invitation.version.number,
                submitted_by_service=True,
                invitation=invitation,
                order=next_order(assessment.responses.all()),
            )
            editing.create(response, actor=actor, assessment=assessment)
            for upload in files:
                attachment = ResponseAttachment(
                    response=response, key=secrets.token_hex(16), name=upload.name[:200]
                )
                attachment.size = len(upload.content)
                attachment.file.save("attachment.pdf", ContentFile(upload.content), save=False)
                stored.append(str(attachment.file.name))
                attachment.save()
            events.emit(
                events.EventKind.RESPONSE_RECEIVED,
                assessment=assessment,
                recipients=_told_about_responses(invitation),
                path=reverse("assessments:appendix", args=[assessment.slug])
                + f"#response-{response.pk}",
                organisation=invitation.contact_organisation,
                contact=invitation.contact_name,
                version=invitation.version.number,
                title=assessment.title,
            )
    except BaseException:
        for name in stored:  # nothing half-saved: the files go with the rolled-back rows
            default_storage.delete(name)
        raise
    return response


def tell_of_appendix(version: Version, responses: Sequence[ServiceResponse], *, link: str) -> int:
    """E-mail the contact of each response the service sent through an invitation that
    ``version`` (recorded by ``lifecycle.add_to_appendix``) now holds the reply to it, with
    ``link`` to read it when there is one. Returns the number of e-mails queued."""
    assessment = version.assessment
    sent = 0
    for response in responses:
        invitation = response.invitation
        if invitation is None or not invitation.email:
            continue
        with translation.override(assessment.language):
            values = _mail_values(invitation)
            values.update(
                new=version.number,
                recorded=date_format(timezone.localtime(version.created_at).date(), "DATE_FORMAT"),
                link=link,
            )
            subject = _("The reply to your response: %(title)s (version %(new)s)") % values
            body = (
                _(
                    "Dear %(name)s,\n\n"
                    "%(organisation)s has replied to the response you sent on behalf of "
                    "%(contact_organisation)s about the children's rights impact assessment "
                    "“%(title)s”. Your response and the reply are in the appendix of version "
                    "%(new)s, recorded on %(recorded)s; the earlier versions stay available as "
                    "they were.\n"
                )
                % values
            )
            if link:
                body += "\n" + _("Read the published version here:") + "\n\n" + link + "\n"
        mail.queue(
            to=[invitation.email], subject=subject, body=body, organisation=assessment.organisation
        )
        sent += 1
    return sent


def _told_about_responses(invitation: ReplyInvitation) -> list[Any]:
    owners = [
        m.user
        for m in Membership.objects.filter(
            organisation_id=invitation.assessment.organisation_id, role=Role.OWNER
        ).select_related("user")
    ]
    inviter = invitation.created_by
    is_member = (
        inviter is not None
        and Membership.objects.filter(
            organisation_id=invitation.assessment.organisation_id, user=inviter
        ).exists()
    )
    return [*owners, *([inviter] if is_member else [])]


def invitations_of(assessment: Assessment) -> list[ReplyInvitation]:
    return list(
        ReplyInvitation.objects.filter(assessment=assessment)
        .select_related("version", "created_by")
        .order_by("-created_at")
    )
