"""Rendering in the background and reusing PDFs by content; the PDF of a version.

WeasyPrint is replaced by a counting fake here (the PDF tests exercise the real one);
tasks run with the "immediate" backend (tests/settings.py).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessments.domain import editing, versions
from assessments.domain.constants import VersionReason
from assessments.domain.models import Answer, Assessment, ReportFile, ReportStatus
from assessments.domain.states import Status
from assessments.outputs.report import cache, tasks
from assessments.outputs.report import render as render_module
from assessments.outputs.report.render import RenderedPdf
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def renders(monkeypatch):
    """Replace WeasyPrint by a fake that counts calls; returns the list of rendered slugs."""
    calls: list[str] = []

    def fake(assessment, **kwargs):
        calls.append(assessment.slug)
        return RenderedPdf(b"%PDF-1.7 fake " + str(len(calls)).encode(), 3)

    monkeypatch.setattr(render_module, "render_pdf_document", fake)
    return calls


def make(**kwargs) -> Assessment:
    a = factories.assessment(language="en", **kwargs)
    Answer.objects.create(assessment=a, question="2.1", text="First version.")
    return a


def fresh(a: Assessment) -> Assessment:
    return Assessment.objects.select_related("organisation").get(pk=a.pk)


def settle(a: Assessment, status: Status, *, record: bool = True) -> Assessment:
    """Move ``a`` to ``status`` through the write path, recording a version as finalising
    and publishing do (without the completeness gate, which these small assessments fail)."""
    values = {"status": status, "finalised_at": None if status == Status.DRAFT else timezone.now()}
    editing.transition(fresh(a), values, actor=editing.SYSTEM, reason="", name="test")
    if record and status != Status.DRAFT:
        versions.record(fresh(a), actor=editing.SYSTEM, reason=VersionReason.FINALISED)
    return fresh(a)


def test_a_request_renders_in_the_background_task_and_stores_the_pdf(renders):
    a = make()
    report_file = tasks.request_render(a)
    assert renders == [a.slug]
    assert report_file.status == ReportStatus.READY and report_file.is_ready
    assert report_file.page_count == 3 and report_file.size == len(b"%PDF-1.7 fake 1")
    with report_file.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.7 fake 1"
    assert report_file.content_hash == cache.content_hash(a)


def test_an_unchanged_assessment_is_not_rendered_again(renders):
    a = make()
    first = tasks.request_render(a)
    second = tasks.request_render(fresh(a))
    assert second.pk == first.pk and renders == [a.slug]
    assert cache.current_file(fresh(a)).pk == first.pk


def test_a_change_gives_a_new_hash_and_a_new_pdf(renders):
    a = make()
    first = tasks.request_render(a)
    Answer.objects.filter(assessment=a).update(text="Second version.")
    assert cache.content_hash(fresh(a)) != first.content_hash
    assert cache.current_file(fresh(a)) is None
    second = tasks.request_render(fresh(a))
    assert second.pk != first.pk and len(renders) == 2
    assert cache.latest_ready(fresh(a)).pk == second.pk


@pytest.mark.parametrize(
    "change",
    [
        {"language": "nl"},
        {"status": Status.FINAL},
        {"title": "Another title"},
    ],
)
def test_the_hash_covers_language_status_and_front_matter(change):
    a = make()
    before = cache.content_hash(a)
    Assessment.objects.filter(pk=a.pk).update(**change)
    assert cache.content_hash(fresh(a)) != before


def test_bookkeeping_does_not_change_the_hash():
    a = make()
    before = cache.content_hash(a)
    Answer.objects.filter(assessment=a).update(updated_at=timezone.now())
    Assessment.objects.filter(pk=a.pk).update(updated_at=timezone.now())
    assert cache.content_hash(fresh(a)) == before


def test_a_final_assessment_serves_the_pdf_of_its_version(renders):
    a = make()
    tasks.request_render(a)  # a draft's PDF
    final = settle(a, Status.FINAL)
    kept = tasks.request_render(final)
    version = versions.latest(final)
    assert len(renders) == 2 and kept.version == version and version.number == 1
    # Edits that reach a final assessment anyway (e.g. through the admin) don't change it,
    # and publishing without a new version keeps it too.
    Answer.objects.filter(assessment=a).update(text="Changed after finalising.")
    settle(a, Status.PUBLISHED, record=False)
    assert cache.current_file(fresh(a)).pk == kept.pk
    assert tasks.request_render(fresh(a)).pk == kept.pk
    assert len(renders) == 2
    # Reopened: the draft has no PDF yet. Finalised again: version 2 gets its own PDF.
    settle(a, Status.DRAFT)
    assert cache.current_file(fresh(a)) is None
    again = tasks.request_render(settle(a, Status.FINAL))
    assert again.pk != kept.pk and again.version.number == 2
    assert len(renders) == 3
    assert ReportFile.objects.filter(pk=kept.pk).exists()  # version 1 keeps its PDF


def test_a_version_pdf_is_made_from_its_snapshot_not_the_live_rows(monkeypatch, settings):
    seen = []

    def fake(assessment, **kwargs):
        ws = kwargs.get("workspace")
        seen.append(ws.answers["2.1"].text if ws else "live")
        return RenderedPdf(b"%PDF-1.7 fake", 1)

    monkeypatch.setattr(render_module, "render_pdf_document", fake)
    a = make()
    final = settle(a, Status.FINAL)
    Answer.objects.filter(assessment=a).update(text="Changed behind its back.")
    tasks.request_render(final)
    assert seen == ["First version."]


def test_an_assessment_final_before_versions_existed_gets_version_1(renders):
    a = make()
    settle(a, Status.FINAL, record=False)
    assert not fresh(a).versions.exists()
    kept = tasks.request_render(fresh(a))
    version = versions.latest(fresh(a))
    assert version.number == 1 and version.reason == VersionReason.UPGRADE
    assert kept.version == version
    assert version.document["answers"]["2.1"] == "First version."


def test_serving_the_pdf_of_a_version_does_not_hash_the_rows(renders, monkeypatch):
    a = make()
    kept = tasks.request_render(settle(a, Status.FINAL))

    def no_hashing(assessment):
        raise AssertionError("hashed")

    monkeypatch.setattr(cache, "content_hash", no_hashing)
    assert cache.current_file(fresh(a)).pk == kept.pk


def test_a_failed_render_is_recorded_and_can_be_retried(monkeypatch, renders, caplog):
    a = make()

    def broken(assessment, **kwargs):
        raise RuntimeError("no fonts in /srv/secret/path")

    monkeypatch.setattr(render_module, "render_pdf_document", broken)
    failed = tasks.request_render(a)
    # The row keeps a plain reason; the exception and its text go to the log only.
    assert failed.status == ReportStatus.FAILED
    assert "no fonts" not in failed.error and "/srv" not in failed.error
    assert "no fonts in /srv/secret/path" in caplog.text
    monkeypatch.undo()
    monkeypatch.setattr(
        render_module, "render_pdf_document", lambda a, **kw: RenderedPdf(b"%PDF ok", 1)
    )
    retried = tasks.request_render(fresh(a))
    assert retried.pk == failed.pk and retried.status == ReportStatus.READY


def test_a_change_while_queued_is_rendered_under_the_new_hash(renders):
    a = make()
    queued = ReportFile.objects.create(
        assessment=a, content_hash=cache.content_hash(a), language="en"
    )
    Answer.objects.filter(assessment=a).update(text="Changed while waiting.")
    cache.generate(queued.pk)
    queued.refresh_from_db()
    assert queued.is_ready and queued.content_hash == cache.content_hash(fresh(a))


def test_a_render_already_taken_by_a_worker_is_not_done_twice(renders):
    a = make()
    running = ReportFile.objects.create(
        assessment=a, content_hash="x" * 64, language="en", status=ReportStatus.RUNNING
    )
    assert cache.generate(running.pk)["skipped"] is True
    assert renders == []


def test_old_pdfs_are_pruned_but_the_pdf_of_a_version_stays(renders):
    a = make()
    kept = tasks.request_render(settle(a, Status.FINAL))
    settle(a, Status.DRAFT)
    for n in range(cache.KEEP + 2):
        Answer.objects.filter(assessment=a).update(text=f"Version {n}.")
        tasks.request_render(fresh(a))
    files = ReportFile.objects.filter(assessment=a)
    assert files.count() == cache.KEEP + 1
    assert files.filter(pk=kept.pk).exists()
