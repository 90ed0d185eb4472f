"""The report's background job (django-tasks), run by ``manage.py kia_worker``.

The views ask for report files here (the PDF, and the Word and ODT files, which the same
task makes with the same limits): ``request_render`` finds or creates the ``ReportFile``
(``report.cache.prepare``) and queues ``render_report`` for it when needed. The request never
renders (except with the "immediate" task backend, in tests). A transition that settles a
version (``lifecycle.version_settled``) has its PDF made at once (``on_version_settled``,
connected in ``kia.apps``).
"""

from __future__ import annotations

from django_tasks import task

from assessments.domain import versions
from assessments.domain.models import Assessment, ReportFile, ReportFormat, Version
from assessments.outputs.report import cache


@task()
def render_report(report_file_id: int) -> dict:
    """Render the report file queued as ``ReportFile`` ``report_file_id`` and store it."""
    return cache.generate(report_file_id)


def request_render(
    assessment: Assessment, format: str = ReportFormat.PDF, *, retry_failed: bool = True
) -> ReportFile:
    """The file in ``format`` for the assessment as it stands (a final or published one: of
    its version). A failed one is queued again only with ``retry_failed``."""
    return _request(
        assessment, versions.published_version(assessment), format, retry_failed=retry_failed
    )


def request_version_render(
    version: Version, format: str = ReportFormat.PDF, *, retry_failed: bool = True
) -> ReportFile:
    return _request(version.assessment, version, format, retry_failed=retry_failed)


def on_version_settled(sender: object, *, version: Version, **kwargs: object) -> None:
    """The receiver of ``lifecycle.version_settled``: the version's PDF is made (and kept)
    as soon as the transition has committed; a version under review waits to be asked."""
    request_version_render(version)


def _request(
    assessment: Assessment, version: Version | None, format: str, *, retry_failed: bool
) -> ReportFile:
    found, queue = cache.prepare(assessment, version, format, retry_failed=retry_failed)
    if not queue:
        return found
    render_report.enqueue(found.pk)
    try:
        found.refresh_from_db()  # the "immediate" backend has rendered it already
    except ReportFile.DoesNotExist:  # superseded by a render of newer content
        return cache.current_file(assessment, format) or found
    return found
