"""Background jobs (django-tasks). Run a worker with ``manage.py db_worker``."""

from __future__ import annotations

from django_tasks import task


@task()
def render_report(report_file_id: int) -> dict:
    """Render the PDF report queued as ``ReportFile`` ``report_file_id`` and store it."""
    from assessments.report.cache import generate

    return generate(report_file_id)
