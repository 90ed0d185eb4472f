"""The scheduler's claim book: one row per periodic job, naming the period it last ran for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.constants import RunStatus


class ScheduledRun(models.Model):
    """The last run of one periodic job (``assessments.scheduler``). A worker runs a job for
    a period only after it moved ``period`` to that period with one conditional UPDATE:
    with several workers on several machines exactly one of them gets the row."""

    job = models.CharField(_("job"), max_length=64, unique=True)
    period = models.CharField(_("period"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.DONE
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("last success"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["job"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return f"{self.job} {self.period} ({self.status})"
