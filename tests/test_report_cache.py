"""Rendering in the background and reusing PDFs by content; the PDF a final report keeps.

WeasyPrint is replaced by a counting fake here (the PDF tests exercise the real one);
tasks run with the "immediate" backend (tests/settings.py).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessments.constants import Status
from assessments.models import Answer, Assessment, ReportFile, ReportStatus
from assessments.report import cache
from assessments.report import render as render_module
from assessments.report.render import RenderedPdf
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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


def test_a_request_renders_in_the_background_task_and_stores_the_pdf(renders):
    a = make()
    report_file = cache.request_render(a)
    assert renders == [a.slug]
    assert report_file.status == ReportStatus.READY and report_file.is_ready
    assert report_file.page_count == 3 and report_file.size == len(b"%PDF-1.7 fake 1")
    with report_file.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.7 fake 1"
    assert report_file.content_hash == cache.content_hash(a)


def test_an_unchanged_assessment_is_not_rendered_again(renders):
    a = make()
    first = cache.request_render(a)
    second = cache.request_render(fresh(a))
    assert second.pk == first.pk and renders == [a.slug]
    assert cache.current_file(fresh(a)).pk == first.pk


def test_a_change_gives_a_new_hash_and_a_new_pdf(renders):
    a = make()
    first = cache.request_render(a)
    Answer.objects.filter(assessment=a).update(text="Second version.")
    assert cache.content_hash(fresh(a)) != first.content_hash
    assert cache.current_file(fresh(a)) is None
    second = cache.request_render(fresh(a))
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


def test_a_final_assessment_keeps_the_pdf_it_was_finalised_with(renders):
    a = make()
    cache.request_render(a)  # a draft's PDF
    Assessment.objects.filter(pk=a.pk).update(status=Status.FINAL, finalised_at=timezone.now())
    final = fresh(a)
    kept = cache.request_render(final)
    assert len(renders) == 2 and kept.frozen_for == final.finalised_at
    # Edits that reach a final assessment anyway (e.g. through the admin) don't replace it,
    # and publishing keeps it too.
    Answer.objects.filter(assessment=a).update(text="Changed after finalising.")
    Assessment.objects.filter(pk=a.pk).update(status=Status.PUBLISHED)
    assert cache.current_file(fresh(a)).pk == kept.pk
    assert cache.request_render(fresh(a)).pk == kept.pk
    assert len(renders) == 2
    # Reopened and finalised again: a new PDF is made and kept.
    Assessment.objects.filter(pk=a.pk).update(status=Status.DRAFT, finalised_at=None)
    assert cache.current_file(fresh(a)) is None
    Assessment.objects.filter(pk=a.pk).update(status=Status.FINAL, finalised_at=timezone.now())
    again = cache.request_render(fresh(a))
    assert again.pk != kept.pk and again.frozen_for == fresh(a).finalised_at
    assert len(renders) == 3


def test_serving_the_frozen_pdf_does_not_hash(renders, monkeypatch):
    a = make()
    Assessment.objects.filter(pk=a.pk).update(status=Status.FINAL, finalised_at=timezone.now())
    kept = cache.request_render(fresh(a))

    def no_hashing(assessment):
        raise AssertionError("hashed")

    monkeypatch.setattr(cache, "content_hash", no_hashing)
    assert cache.current_file(fresh(a)).pk == kept.pk


def test_a_failed_render_is_recorded_and_can_be_retried(monkeypatch, renders, caplog):
    a = make()

    def broken(assessment, **kwargs):
        raise RuntimeError("no fonts in /srv/secret/path")

    monkeypatch.setattr(render_module, "render_pdf_document", broken)
    failed = cache.request_render(a)
    # The row keeps a plain reason; the exception and its text go to the log only.
    assert failed.status == ReportStatus.FAILED
    assert "no fonts" not in failed.error and "/srv" not in failed.error
    assert "no fonts in /srv/secret/path" in caplog.text
    monkeypatch.undo()
    monkeypatch.setattr(
        render_module, "render_pdf_document", lambda a, **kw: RenderedPdf(b"%PDF ok", 1)
    )
    retried = cache.request_render(fresh(a))
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


def test_old_pdfs_are_pruned_but_the_frozen_one_stays(renders):
    a = make()
    Assessment.objects.filter(pk=a.pk).update(status=Status.FINAL, finalised_at=timezone.now())
    kept = cache.request_render(fresh(a))
    Assessment.objects.filter(pk=a.pk).update(status=Status.DRAFT, finalised_at=None)
    for n in range(cache.KEEP + 2):
        Answer.objects.filter(assessment=a).update(text=f"Version {n}.")
        cache.request_render(fresh(a))
    files = ReportFile.objects.filter(assessment=a)
    assert files.count() == cache.KEEP + 1
    assert files.filter(pk=kept.pk).exists()
