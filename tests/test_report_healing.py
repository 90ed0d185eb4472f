"""The PDF pipeline heals: limits on a render, lost workers, missing files, busy databases.

Issue 11, "The PDF pipeline does not heal". The child-process tests fork real processes
with small limits; the rest replace WeasyPrint by a fake (see test_report_cache.py).
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from assessments.domain.constants import Role
from assessments.domain.models import Answer, ReportFile, ReportStatus
from assessments.outputs.report import cache, engine, recovery, tasks
from assessments.outputs.report import render as render_module
from assessments.outputs.report.child import Limits, RenderFailed, render_limited
from tests import factories


@pytest.fixture(autouse=True)
def _media(media):
    """Generated files go to a folder of each test alone (``media`` in conftest)."""


@pytest.fixture
def assessment(db):
    a = factories.assessment(language="en")
    Answer.objects.create(assessment=a, question="2.1", text="A video app.")
    return a


def url(name: str, a, *args) -> str:
    return reverse(f"assessments:{name}", args=[a.slug, *args])


# --- the child process: time and memory limits, crashes ---------------------------------


def _slow(html: str) -> str:
    time.sleep(30)
    return html


def _spin(html: str) -> str:
    while True:
        pass


def _greedy(html: str) -> bytes:
    return b"x" * (2 * 1024 * 1024 * 1024)  # 2 GB: over the limit below


def _killed(html: str) -> str:
    os.kill(os.getpid(), signal.SIGKILL)
    return html


def _broken(html: str) -> str:
    raise ValueError("secret detail /srv/kia/path")


def test_a_render_that_succeeds_returns_its_value_and_beats():
    beats = []
    limits = Limits(seconds=10, memory_mb=1024, heartbeat_seconds=0.05)

    def slowish(html: str) -> str:
        time.sleep(0.3)
        return html.upper()

    assert render_limited(slowish, "pdf", limits, lambda: beats.append(1)) == "PDF"
    assert beats  # the parent reported progress while the child worked


def test_a_render_over_its_wall_clock_limit_is_stopped():
    started = time.monotonic()
    with pytest.raises(RenderFailed, match="time limit of 1 s"):
        render_limited(_slow, "", Limits(seconds=1, memory_mb=1024, heartbeat_seconds=0.2))
    assert time.monotonic() - started < 10


def test_a_render_over_its_cpu_limit_is_stopped():
    with pytest.raises(RenderFailed, match="time limit"):
        render_limited(_spin, "", Limits(seconds=1, memory_mb=1024, heartbeat_seconds=5))


def test_a_render_over_its_memory_limit_fails_plainly():
    with pytest.raises(RenderFailed, match="memory limit of 512 MB"):
        render_limited(_greedy, "", Limits(seconds=20, memory_mb=512))


def test_a_renderer_killed_by_a_signal_fails_plainly():
    with pytest.raises(RenderFailed, match="renderer stopped"):
        render_limited(_killed, "", Limits(seconds=20, memory_mb=1024))


def test_a_renderer_error_keeps_its_details_in_the_log(caplog):
    with pytest.raises(RenderFailed) as failed:
        render_limited(_broken, "", Limits(seconds=20, memory_mb=1024))
    assert "secret" not in failed.value.reason and "/srv" not in failed.value.reason
    assert "secret detail /srv/kia/path" in caplog.text


@pytest.mark.django_db
def test_the_real_renderer_runs_in_the_child(assessment, settings):
    settings.KIA_RENDER_SECONDS = 60
    rendered = render_module.render_pdf_document(assessment, limited=True)
    assert rendered.content.startswith(b"%PDF") and rendered.pages >= 1


@pytest.mark.django_db
def test_a_render_over_the_limit_is_a_failed_file_with_a_plain_message(
    assessment, settings, monkeypatch, client
):
    settings.KIA_RENDER_SECONDS = 1
    monkeypatch.setattr(engine, "weasyprint_document", lambda html, **kw: _slow(html))
    report_file = tasks.request_render(assessment)
    assert report_file.status == ReportStatus.FAILED
    assert report_file.error == "time limit of 1 s exceeded"
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    client.cookies["django_language"] = "en"
    page = client.get(url("report", assessment)).content.decode()
    assert "Generating the PDF failed" in page and "Try again" in page
    assert "time limit" not in page
    status = client.get(url("report_status", assessment)).json()
    assert status["status"] == "failed" and "Traceback" not in status["error"]


# --- a worker that died: stale renders are detected and queued again -------------------


def _running(assessment, *, beat_ago: timedelta, attempts: int = 1) -> ReportFile:
    return ReportFile.objects.create(
        assessment=assessment,
        content_hash=cache.content_hash(assessment),
        language="en",
        status=ReportStatus.RUNNING,
        started_at=timezone.now() - beat_ago,
        heartbeat_at=timezone.now() - beat_ago,
        attempts=attempts,
    )


@pytest.mark.django_db
def test_a_render_whose_worker_died_is_requeued_within_a_minute(assessment, renders):
    alive = _running(assessment, beat_ago=timedelta(seconds=20))
    assert recovery.requeue_stale() == [] and renders == []
    ReportFile.objects.filter(pk=alive.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=61)
    )
    assert recovery.requeue_stale() == [alive.pk]
    alive.refresh_from_db()
    assert alive.status == ReportStatus.READY and renders == [assessment.slug]


@pytest.mark.django_db
def test_a_render_that_kills_its_worker_every_time_ends_as_failed(assessment, renders):
    doomed = _running(assessment, beat_ago=timedelta(minutes=5), attempts=recovery.MAX_ATTEMPTS)
    assert recovery.requeue_stale() == []
    doomed.refresh_from_db()
    assert doomed.status == ReportStatus.FAILED and renders == []


@pytest.mark.django_db
def test_the_page_offers_try_again_for_a_stale_render(assessment, client, renders):
    stale = _running(assessment, beat_ago=timedelta(minutes=2))
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    client.cookies["django_language"] = "en"
    page = client.get(url("report", assessment)).content.decode()
    assert "stopped without finishing" in page and "Try again" in page
    assert "hx-trigger" not in page  # no endless polling of a dead render
    assert client.get(url("report_status", assessment)).json()["stale"] is True
    client.post(url("report_start", assessment))
    stale.refresh_from_db()
    assert stale.status == ReportStatus.READY and renders == [assessment.slug]


@pytest.mark.django_db
def test_a_waiting_render_with_a_recent_heartbeat_is_not_stale(assessment):
    fresh = _running(assessment, beat_ago=timedelta(seconds=5))
    assert not fresh.is_stale
    fresh.status = ReportStatus.PENDING
    fresh.heartbeat_at = timezone.now() - timedelta(minutes=11)
    assert fresh.is_stale


# --- a missing file is "not made", not a 500 ---------------------------------------------


@pytest.mark.django_db
def test_a_missing_pdf_file_is_made_again_instead_of_a_500(assessment, client, renders):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    client.post(url("report_start", assessment))
    made = ReportFile.objects.get(assessment=assessment)
    made.file.storage.delete(made.file.name)
    response = client.get(url("report_pdf", assessment))
    assert response.status_code == 302 and response["Location"] == url("report", assessment)
    made.refresh_from_db()
    assert made.status == ReportStatus.READY and renders == [assessment.slug] * 2
    pdf = client.get(url("report_pdf", assessment))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == b"%PDF-1.7 fake"


@pytest.mark.django_db
def test_a_missing_earlier_pdf_is_a_404_not_a_500(assessment, client, renders):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    client.post(url("report_start", assessment))
    made = ReportFile.objects.get(assessment=assessment)
    made.file.storage.delete(made.file.name)
    assert client.get(url("report_file", assessment, made.pk)).status_code == 404


# --- a busy database when starting a render ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_locked_database_when_starting_a_render_is_a_message_not_a_500(
    assessment, client, monkeypatch, htmx
):
    def locked(assessment):
        raise OperationalError("database is locked")

    monkeypatch.setattr(tasks, "request_render", locked)
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    headers = {"HX-Request": "true"} if htmx else {}
    client.cookies["django_language"] = "en"
    response = client.post(url("report_start", assessment), headers=headers, follow=True)
    assert response.status_code == 200
    assert "The server is busy and could not start the PDF" in response.content.decode()


@pytest.mark.django_db
def test_task_rows_left_running_by_a_dead_worker_are_closed(settings):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASK_BACKEND = "database"
    settings.KIA_RENDER_SECONDS = 60
    now = timezone.now()

    def row(started_ago: timedelta) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING,
            started_at=now - started_ago,
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="assessments.outputs.report.tasks.render_report",
            backend_name="default",
            run_after=now,
            exception_class_path="",
            traceback="",
        )

    orphan, current = row(timedelta(minutes=5)), row(timedelta(seconds=30))
    recovery.requeue_stale()
    orphan.refresh_from_db()
    current.refresh_from_db()
    assert orphan.status == TaskResultStatus.FAILED and orphan.finished_at is not None
    assert current.status == TaskResultStatus.RUNNING
