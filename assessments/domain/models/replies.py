"""The service's right of reply as a workflow: an invitation with a link that needs no
account, and the files the service attaches to its response (``assessments.domain.replies``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.domain.models.assessment import Assessment
from assessments.domain.models.sources import ServiceResponse
from assessments.domain.models.versions import Version


class ReplyStatus(models.TextChoices):
    OPEN = "open", _("open")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    ANSWERED = "answered", _("answered")


class ReplyInvitation(models.Model):
    """The assessed service's contact is invited to respond to one version by a deadline.

    The link carries a random token; only its SHA-256 is stored (``token_hash``), so the
    database alone never opens a link. The link works until the end of the deadline day
    (Europe/Amsterdam), until it is revoked, or until the response is submitted.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="reply_invitations"
    )
    version = models.ForeignKey(
        Version, verbose_name=_("version"), on_delete=models.CASCADE, related_name="+"
    )
    contact_name = models.CharField(_("name of the contact"), max_length=200)
    contact_organisation = models.CharField(_("organisation of the contact"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    deadline = models.DateField(_("deadline"))
    note = models.TextField(_("note in the e-mail"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_at = models.DateTimeField(_("link sent"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "-created_at"]
        verbose_name = _("invitation to respond")
        verbose_name_plural = _("invitations to respond")

    def __str__(self) -> str:
        return f"{self.contact_organisation} ({self.email}) → {self.assessment}"

    @property
    def closes_at(self) -> datetime.datetime:
        """The moment the link stops working: the end of the deadline day, local time."""
        next_day = datetime.datetime.combine(
            self.deadline + datetime.timedelta(days=1), datetime.time()
        )
        return timezone.make_aware(next_day)

    def status_at(self, now: datetime.datetime) -> ReplyStatus:
        if self.responded_at is not None:
            return ReplyStatus.ANSWERED
        if self.revoked_at is not None:
            return ReplyStatus.REVOKED
        if now >= self.closes_at:
            return ReplyStatus.EXPIRED
        return ReplyStatus.OPEN

    @property
    def status(self) -> ReplyStatus:
        return self.status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.status == ReplyStatus.OPEN


def _attachment_path(instance: ResponseAttachment, filename: str) -> str:
    # A private prefix (MEDIA_ROOT is never served directly) and a random name: the
    # service's own file name is kept in ``name`` only.
    return f"private/replies/{instance.response.assessment_id}/{instance.key}.pdf"


class ResponseAttachment(models.Model):
    """A PDF the service attached to its response; served only to members of the
    organisation (and to the service right after submitting), always as a download."""

    response = models.ForeignKey(
        ServiceResponse, on_delete=models.CASCADE, related_name="attachments"
    )
    key = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["response", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
