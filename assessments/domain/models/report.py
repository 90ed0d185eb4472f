"""Rendered PDF reports, cached by the content they were made from."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.domain.models.assessment import Assessment


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be generated")
    RUNNING = "running", _("being generated")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class ReportFormat(models.TextChoices):
    """The forms a report is made in: the PDF (WeasyPrint), Word and OpenDocument (pandoc)."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (.docx)"
    ODT = "odt", "OpenDocument (.odt)"


# A running render reports every HEARTBEAT; one silent for STALE_RUNNING lost its worker.
HEARTBEAT = timedelta(seconds=10)
STALE_RUNNING = timedelta(seconds=60)
# A render nobody picked up for this long waits for a worker that is not there.
STALE_PENDING = timedelta(minutes=10)


def _upload_to(instance: ReportFile, filename: str) -> str:
    return f"reports/{instance.assessment_id}/{instance.content_hash[:24]}.{instance.format}"


class ReportFile(models.Model):
    """One report file of an assessment (a PDF, or a Word or ODT file), made in the background.

    ``content_hash`` is the SHA-256 of everything the report shows (the assessment's rows,
    the report's templates and stylesheet, the language and the risk matrix), so an
    unchanged draft reuses its PDF. The PDF of a recorded version (what a final or published
    assessment serves) names that ``version`` and is kept with it.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="report_files"
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    language = models.CharField(_("language"), max_length=2)
    format = models.CharField(
        _("format"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.PDF
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to=_upload_to, blank=True)
    error = models.TextField(_("error"), blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    version = models.ForeignKey(
        "assessments.Version",
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_files",
        help_text=_("The recorded version this PDF was made from; empty for a draft's PDF."),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_("When it was queued, or when its render last reported progress."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("PDF report")
        verbose_name_plural = _("PDF reports")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "format", "content_hash"],
                name="reportfile_once_per_format_and_content",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="reportfile_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ({self.get_status_display()}, {self.content_hash[:12]})"

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY and bool(self.file)

    @property
    def is_busy(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)

    @property
    def is_stale(self) -> bool:
        """Busy, but with no sign of life for too long: its worker died or is missing."""
        if not self.is_busy:
            return False
        since = self.heartbeat_at or self.started_at or self.created_at
        limit = STALE_RUNNING if self.status == ReportStatus.RUNNING else STALE_PENDING
        return since is not None and since < timezone.now() - limit
