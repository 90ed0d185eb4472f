"""Pages that wait for a PDF update themselves the same way everywhere (the report page, a
version's page, the public and the reply link's PDF): a status box polls its page every
``POLL_SECONDS`` (htmx, swapping in the box of the answer) and becomes the download link
once the PDF is ready; without JavaScript the page refreshes itself (``<noscript>``)."""

from __future__ import annotations

from django.http import HttpResponse

from assessments.domain.models import ReportFile, ReportStatus

POLL_SECONDS = 3

# The query that asks a PDF's address for its wait page instead of the file (the box polls
# it, and a browser without JavaScript refreshes to it): when ready, the page has the link.
WAIT_QUERY = "wait=1"


def wait_state(found: ReportFile | None, *, status_url: str, download_url: str) -> dict:
    """What ``_pdf_wait.html`` shows for ``found`` (the PDF in any state, or None)."""
    stale = found is not None and found.is_stale
    return {
        "busy": found is not None and found.is_busy and not stale,
        "ready": found is not None and found.is_ready,
        "failed": found is not None and (found.status == ReportStatus.FAILED or stale),
        "status_url": status_url,
        "download_url": download_url,
        "poll_seconds": POLL_SECONDS,
    }


def not_stored(response: HttpResponse) -> HttpResponse:
    """A wait page changes within seconds: no cache keeps it."""
    response["Cache-Control"] = "no-store"
    return response
