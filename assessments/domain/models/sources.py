"""Sources that answers cite, and the right of reply (the report's appendix)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.domain.citations import validate_source_key
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.base import Tracked


class Source(Tracked):
    """A public source (report, article, web page) that any answer can cite as [^key]."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sources")
    key = models.CharField(
        _("key"),
        max_length=64,
        validators=[validate_source_key],
        help_text=_("Short name used to cite the source in answers, as [^key]."),
    )
    citation = models.TextField(_("title / citation"))
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["assessment", "key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "key"],
                name="source_key_unique_per_assessment",
                violation_error_message=_("Another source of this assessment has this key."),
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.key}] {self.citation[:80]}"


class ServiceResponse(Tracked):
    """The right of reply: the assessed service's written response (zienswijze) and the
    assessor's reply to it, printed as the report's appendix.

    A response the service submitted itself through an invitation
    (``submitted_by_service``) is verbatim: members write the reply, never its text."""

    # What the service wrote; fixed once it submitted it (see ``is_verbatim``).
    SERVICE_FIELDS = ("author", "received_on", "text", "version_number", "submitted_by_service")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    author = models.CharField(
        _("from"), max_length=200, help_text=_("Who sent the response, e.g. the provider.")
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    text = models.TextField(_("response (zienswijze)"))
    reply = models.TextField(_("reply of the assessor"), blank=True)
    reply_author = models.CharField(_("reply by"), max_length=200, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    version_number = models.PositiveIntegerField(
        _("about version"),
        null=True,
        blank=True,
        help_text=_("The number of the version of the assessment this response is about."),
    )
    submitted_by_service = models.BooleanField(_("submitted by the service itself"), default=False)
    invitation = models.ForeignKey(
        "assessments.ReplyInvitation",
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )

    class Meta:
        ordering = ["assessment", "order", "pk"]
        verbose_name = _("response of the service")
        verbose_name_plural = _("responses of the service")

    def __str__(self) -> str:
        return f"{self.author} ({self.received_on or '?'})"

    @property
    def is_verbatim(self) -> bool:
        return self.submitted_by_service
