"""Reuse rendered reports: a content hash per draft, and one file per recorded version.

The same holds for each format (``ReportFormat``: the PDF, Word and ODT): a file is found
by its assessment, its format and its key; Word and ODT are made by the same background
task as the PDF, with the same limits (``docx.render_document``).

* A draft's PDF is keyed by ``content_hash``: the SHA-256 of everything the report shows
  (the assessment's rows, one ``values_list`` query per table, no Markdown rendering, so it
  is cheap), the report's templates and stylesheet, the translations of its language and the
  assessment's risk matrix. An unchanged draft therefore downloads the PDF it already has.
* A final or published assessment stands for its newest version (``versions``); its PDF is
  made from that version's snapshot, never from the live rows, and kept with the version
  (``ReportFile.version``). The public PDF is that file.
* ``prepare`` never renders: it finds or creates the ``ReportFile``; ``report.tasks`` queues
  the background task for it, which calls ``generate``.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from assessments.domain import scoring, versions
from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Figure,
    Goal,
    Measure,
    ProportionalityItem,
    ReportFile,
    ReportFormat,
    ReportStatus,
    Risk,
    ServiceResponse,
    Source,
    Version,
)
from assessments.outputs.report import docx, render
from assessments.outputs.report.child import RenderFailed
from assessments.outputs.report.data import REPORT_FORMAT_VERSION

logger = logging.getLogger(__name__)

# Bookkeeping columns that the report does not print.
NOT_HASHED = {"created_at", "updated_at", "updated_by"}
# (model, the lookup from the model to its assessment), in a fixed order.
ROWS = (
    (Answer, "assessment"),
    (Goal, "assessment"),
    (Contribution, "assessment"),
    (Risk, "assessment"),
    (Measure, "risk__assessment"),
    (ProportionalityItem, "assessment"),
    (Source, "assessment"),
    (ServiceResponse, "assessment"),
    (Figure, "assessment"),
)
# How many earlier PDFs of a draft are kept (the PDFs of versions are always kept).
KEEP = 3


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name not in NOT_HASHED]


@cache
def template_fingerprint() -> str:
    """The report's templates, stylesheet and translations (read once per process)."""
    digest = hashlib.sha256(f"format {REPORT_FORMAT_VERSION}".encode())
    files = sorted((Path(settings.BASE_DIR) / "templates" / "report").rglob("*.html"))
    files.append(Path(finders.find("report/report.css")))
    files.extend(sorted(Path(p) for p in settings.LOCALE_PATHS for p in Path(p).rglob("*.mo")))
    for path in files:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _matrix_fingerprint(matrix: scoring.RiskMatrix, language: str) -> str:
    with translation.override(language):
        levels = [(lv.key, str(lv.label), lv.colour, lv.rank) for lv in matrix.levels]
    grid = sorted((lk, ik, key) for lk, row in matrix.grid.items() for ik, key in row.items())
    return repr((levels, grid))


def content_hash(assessment: Assessment) -> str:
    """SHA-256 of everything the report of ``assessment`` shows (a few cheap queries)."""
    digest = hashlib.sha256(template_fingerprint().encode())
    digest.update(_matrix_fingerprint(assessment.matrix, assessment.language).encode())
    # The assessment's own row as stored (not the instance, which may hold enums or edits).
    row = Assessment.objects.filter(pk=assessment.pk).values_list(
        *_columns(Assessment), "organisation__name"
    )
    digest.update(repr(list(row)).encode())
    for model, lookup in ROWS:
        digest.update(f"\x00{model.__name__}\x00".encode())
        rows = model.objects.filter(**{lookup: assessment.pk}).order_by("pk")
        for row in rows.values_list(*_columns(model)):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def version_hash(version: Version) -> str:
    """The key of a version's PDF: its content (which includes its matrix and language) and
    the report's templates, stylesheet and translations."""
    digest = hashlib.sha256(template_fingerprint().encode())
    digest.update(f"version {version.pk} {version.content_hash}".encode())
    return digest.hexdigest()


def version_file(version: Version, format: str = ReportFormat.PDF) -> ReportFile | None:
    """The file (in any state) of a recorded version, or None if never requested."""
    return ReportFile.objects.filter(
        assessment_id=version.assessment_id, format=format, content_hash=version_hash(version)
    ).first()


def current_file(assessment: Assessment, format: str = ReportFormat.PDF) -> ReportFile | None:
    """The file (in any state) for the assessment as it stands, or None if never requested:
    a final or published assessment's is the file of its version; a draft's, of its rows."""
    version = versions.published_version(assessment)
    if version is not None:
        return version_file(version, format)
    return ReportFile.objects.filter(
        assessment=assessment, format=format, content_hash=content_hash(assessment)
    ).first()


def latest_ready(assessment: Assessment, format: str = ReportFormat.PDF) -> ReportFile | None:
    """The newest file that is ready, whatever content it was made from."""
    return (
        ReportFile.objects.filter(assessment=assessment, format=format, status=ReportStatus.READY)
        .exclude(file="")
        .first()
    )


def _is_stale(report_file: ReportFile) -> bool:
    return report_file.is_stale


def prepare(
    assessment: Assessment,
    version: Version | None,
    format: str = ReportFormat.PDF,
    *,
    retry_failed: bool = True,
) -> tuple[ReportFile, bool]:
    """The ``ReportFile`` in ``format`` for the draft as it is now (``version`` None) or for
    ``version``, and whether a render must be queued for it (none yet, or it was lost, or it
    failed and ``retry_failed``). ``assessments.outputs.report.tasks.request_render`` queues
    it; nothing here renders."""
    found = version_file(version, format) if version else current_file(assessment, format)
    failed = found is not None and found.status == ReportStatus.FAILED
    if found is not None and (not failed or not retry_failed) and not _is_stale(found):
        return found, False
    if found is None:
        key = version_hash(version) if version else content_hash(assessment)
        language = version.document["assessment"]["language"] if version else assessment.language
        try:
            with transaction.atomic():
                found = ReportFile.objects.create(
                    assessment=assessment,
                    format=format,
                    content_hash=key,
                    language=language,
                    version=version,
                    heartbeat_at=timezone.now(),
                )
        except IntegrityError:  # another request queued the same content just now
            return ReportFile.objects.get(
                assessment=assessment, format=format, content_hash=key
            ), False
    else:  # failed or lost: try again
        ReportFile.objects.filter(pk=found.pk).update(
            status=ReportStatus.PENDING,
            error="",
            started_at=None,
            finished_at=None,
            heartbeat_at=timezone.now(),
            attempts=0,
        )
    return found, True


def generate(report_file_id: int) -> dict:
    """Render and store one queued file (the background task's body): a PDF, or a Word or
    ODT file.

    The layout (WeasyPrint, or pandoc) runs in a child process with time and memory limits;
    while it runs, the row's ``heartbeat_at`` is refreshed so that a render whose worker
    died shows as stale (``ReportFile.is_stale``) and is queued again
    (``recovery.requeue_stale``). A failure stores a plain reason; the details go to the
    log, never to the page.
    """

    now = timezone.now()
    claimed = ReportFile.objects.filter(pk=report_file_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return {"report_file": report_file_id, "skipped": True}
    report_file = ReportFile.objects.select_related("assessment__organisation", "version").get(
        pk=report_file_id
    )
    assessment = report_file.assessment

    def heartbeat() -> None:
        try:
            ReportFile.objects.filter(pk=report_file_id, status=ReportStatus.RUNNING).update(
                heartbeat_at=timezone.now()
            )
        except DatabaseError as error:  # the render goes on; the next beat may get through
            logger.warning("Heartbeat of report file %s not stored: %s", report_file_id, error)

    format = report_file.format

    def made(shown: Assessment, workspace) -> tuple[bytes, int | None]:
        if format == ReportFormat.PDF:
            pdf = render.render_pdf_document(
                shown, workspace=workspace, limited=True, heartbeat=heartbeat
            )
            return pdf.content, pdf.pages
        content = docx.render_document(
            shown, format, workspace=workspace, limited=True, heartbeat=heartbeat
        )
        return content, None

    try:
        if report_file.version is not None:  # a version: from its snapshot, never the rows
            workspace = versions.workspace(report_file.version)
            content, pages = made(workspace.assessment, workspace)
        else:
            now_hash = content_hash(assessment)
            if now_hash != report_file.content_hash:
                # Changed since it was requested: render it as it is now, under its new hash.
                if ReportFile.objects.filter(
                    assessment=assessment, format=format, content_hash=now_hash
                ).exists():
                    report_file.delete()
                    return {"report_file": report_file_id, "superseded": True}
                report_file.content_hash = now_hash
            content, pages = made(assessment, None)
        report_file.file.save(f"{assessment.slug}.{format}", ContentFile(content), save=False)
        report_file.page_count = pages
        report_file.size = len(content)
        report_file.status = ReportStatus.READY
        report_file.error = ""
        report_file.finished_at = timezone.now()
        report_file.save()
    except Exception as error:
        reason = error.reason if isinstance(error, RenderFailed) else "error (details in the log)"
        logger.exception("Rendering the report of %s failed: %s", assessment.slug, reason)
        ReportFile.objects.filter(pk=report_file_id).update(
            status=ReportStatus.FAILED, error=reason, finished_at=timezone.now()
        )
        return {"report_file": report_file_id, "failed": reason}
    prune(assessment, format)
    return {"report_file": report_file_id, "pages": pages, "size": report_file.size}


def prune(assessment: Assessment, format: str = ReportFormat.PDF) -> None:
    """Delete all but the newest few finished files of drafts (per format); versions keep
    theirs."""
    finished = ReportFile.objects.filter(
        assessment=assessment,
        format=format,
        status__in=[ReportStatus.READY, ReportStatus.FAILED],
        version__isnull=True,
    ).order_by("-created_at", "-pk")
    for old in finished[KEEP:]:
        if old.file:
            old.file.delete(save=False)
        old.delete()
