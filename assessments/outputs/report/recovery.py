"""Heal the PDF pipeline: renders whose worker died, and PDFs whose file went missing.

* ``requeue_stale`` (run by ``kia_worker`` every few seconds): a running render whose
  heartbeat is older than ``STALE_RUNNING`` lost its worker; it is queued again, at most
  ``MAX_ATTEMPTS`` times, then marked failed (the page offers "try again"). The task
  rows such a worker left "running" are closed as failed too.
* ``ensure_stored``: a PDF marked ready whose file is gone from storage is treated as
  never made: its row goes back to the queue and the caller sends the user to the page.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from assessments.domain.models import ReportFile, ReportStatus
from assessments.domain.models.report import STALE_RUNNING
from assessments.outputs.report.tasks import render_report

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def _enqueue(report_file_id: int) -> None:
    render_report.enqueue(report_file_id)


def requeue_stale() -> list[int]:
    """Queue again every running render that stopped reporting; returns their ids."""
    now = timezone.now()
    cutoff = now - STALE_RUNNING
    stale = ReportFile.objects.filter(status=ReportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    requeued = []
    for found in stale.only("pk", "heartbeat_at", "attempts"):
        # Compare-and-swap on the heartbeat: two sweeping workers never both requeue it.
        same = ReportFile.objects.filter(
            pk=found.pk, status=ReportStatus.RUNNING, heartbeat_at=found.heartbeat_at
        )
        if found.attempts >= MAX_ATTEMPTS:
            if same.update(
                status=ReportStatus.FAILED,
                error=f"the worker stopped during {found.attempts} attempts",
                finished_at=now,
            ):
                logger.error("Report file %s lost its worker %s times", found.pk, found.attempts)
            continue
        if same.update(status=ReportStatus.PENDING, heartbeat_at=now, started_at=None):
            logger.warning("Report file %s lost its worker; queued again", found.pk)
            _enqueue(found.pk)
            requeued.append(found.pk)
    _close_orphaned_tasks(now)
    return requeued


def _close_orphaned_tasks(now) -> None:
    """Task rows left "running" by a dead worker: no render lives longer than its limit."""
    if settings.TASK_BACKEND != "database":
        return

    limit = timedelta(seconds=settings.KIA_RENDER_SECONDS) + 2 * STALE_RUNNING
    closed = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path="assessments.outputs.report.tasks.render_report",
        started_at__lt=now - limit,
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="assessments.outputs.report.recovery.WorkerLost",
        traceback="The worker stopped while running this task.",
    )
    if closed:
        logger.warning("Closed %s task rows left running by a stopped worker", closed)


def ensure_stored(report_file: ReportFile) -> bool:
    """Whether the ready PDF's file is in storage; if not, queue it to be made again."""
    if report_file.file and default_storage.exists(report_file.file.name or ""):
        return True
    logger.warning("The file of report file %s is missing; rendering it again", report_file.pk)
    updated = ReportFile.objects.filter(pk=report_file.pk, status=ReportStatus.READY).update(
        status=ReportStatus.PENDING,
        file="",
        heartbeat_at=timezone.now(),
        started_at=None,
        finished_at=None,
        attempts=0,
    )
    if updated:
        _enqueue(report_file.pk)
    return False
