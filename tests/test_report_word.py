"""The Word and ODT report: made by the worker with the PDF's limits, served from the cache
(members and, for a published assessment, anyone), contents after the cover and filled,
tables across the text width, a settled assessment's file of its version; and citations
whose inline Markdown is rendered in every form of the report."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pypandoc
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.domain import tokens, versions
from assessments.domain.constants import Role
from assessments.domain.models import Assessment, ReportFile, ReportFormat, ReportStatus, Source
from assessments.domain.states import Status
from assessments.outputs.report import cache, tablewidths, tasks
from assessments.outputs.report.data import build_report
from assessments.outputs.report.docx import report_document
from assessments.outputs.report.render import report_html
from tests import factories
from tests.builders import full_assessment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def queued(settings):
    """A worker that has not run yet: tasks are queued, not run in the request. Returns the
    ids of the report files queued (read when asked)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }

    class Queued(list):
        def __eq__(self, other):
            return list(self._ids()) == other

        def __len__(self):
            return len(self._ids())

        def __getitem__(self, index):
            return self._ids()[index]

        @staticmethod
        def _ids():
            results = tasks.render_report.get_backend().results
            return [result.args[0] for result in results]

    return Queued()


@pytest.fixture
def no_pandoc_here(monkeypatch):
    """pandoc in this process (the web request) fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("pandoc ran in the request")

    monkeypatch.setattr(pypandoc, "convert_text", refuse)


def published(**fields) -> Assessment:
    a = full_assessment(language="nl", **fields)
    Assessment.objects.filter(pk=a.pk).update(
        status=Status.PUBLISHED, finalised_at=timezone.now(), published_at=timezone.now()
    )
    a.refresh_from_db()
    return a


def xml(content: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name).decode()


# -- item 18: made by the worker, with the PDF's limits ---------------------------------------


@pytest.mark.parametrize("format", ["docx", "odt"])
def test_a_viewers_word_file_is_made_by_the_worker_and_served_from_the_cache(
    client, queued, monkeypatch, format
):
    a = full_assessment(language="en")
    client.force_login(factories.member(a.organisation, Role.VIEWER))
    download = reverse(f"assessments:report_{format}", args=[a.slug])
    with monkeypatch.context() as m:
        m.setattr(pypandoc, "convert_text", lambda *a, **k: pytest.fail("pandoc in request"))
        wait = client.get(download)
        assert wait.status_code == 202 and wait["Retry-After"]
        page = wait.content.decode()
        assert '<meta http-equiv="refresh"' in page and "being made" in page
        assert client.get(download).status_code == 202  # asked again: still the one task
    assert len(queued) == 1
    found = ReportFile.objects.get(pk=queued[0])
    assert (found.format, found.status) == (format, ReportStatus.PENDING)

    assert cache.generate(found.pk)["size"] > 0  # the worker
    found.refresh_from_db()
    assert found.is_ready and found.file.name.endswith(f".{format}")
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == {"docx": DOCX_TYPE, "odt": ODT_TYPE}[format]
    assert zipfile.is_zipfile(io.BytesIO(b"".join(response.streaming_content)))
    factories.close(response)
    assert len(queued) == 1  # served from the cache, nothing made again
    assert ReportFile.objects.filter(assessment=a, format="pdf").count() == 0


def test_a_versions_word_file_through_the_api_is_made_by_the_worker(queued, monkeypatch):
    a = published()
    version = versions.published_version(a)
    _token, secret = tokens.issue(factories.member(a.organisation, Role.VIEWER), name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = (
        f"/api/v1/assessments/{a.organisation.slug}/{a.slug}/versions/{version.number}/report.docx"
    )
    with monkeypatch.context() as m:
        m.setattr(pypandoc, "convert_text", lambda *a, **k: pytest.fail("pandoc in request"))
        wait = api.get(url)
        assert wait.status_code == 202 and wait["Location"] == url and wait["Retry-After"]
        assert wait.json()["ready"] is False
    assert len(queued) == 1
    cache.generate(queued[0])  # the worker
    response = api.get(url)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert zipfile.is_zipfile(io.BytesIO(b"".join(response.streaming_content)))
    factories.close(response)
    assert len(queued) == 1


def test_word_is_made_under_the_pdfs_time_limit(settings, monkeypatch):
    a = full_assessment(language="en")
    settings.KIA_RENDER_SECONDS = 1

    def slow(*args, **kwargs):
        time.sleep(30)

    monkeypatch.setattr(pypandoc, "convert_text", slow)
    found, _queue = cache.prepare(a, None, ReportFormat.DOCX)
    started = time.monotonic()
    outcome = cache.generate(found.pk)
    assert time.monotonic() - started < 15
    assert outcome["failed"] == "time limit of 1 s exceeded"
    found.refresh_from_db()
    assert found.status == ReportStatus.FAILED


def test_a_failed_word_file_waits_for_the_reader_to_try_again(client, queued):
    a = full_assessment(language="en")
    client.force_login(factories.member(a.organisation, Role.VIEWER))
    found, _queue = cache.prepare(a, None, ReportFormat.DOCX)
    ReportFile.objects.filter(pk=found.pk).update(status=ReportStatus.FAILED)
    download = reverse("assessments:report_docx", args=[a.slug])
    page = client.get(download)
    assert page.status_code == 503 and "could not be made" in page.content.decode()
    assert '<meta http-equiv="refresh"' not in page.content.decode()
    assert queued == []  # a page that refreshes itself never starts a failing render again
    assert client.get(download + "?retry=1").status_code == 202
    assert queued == [found.pk]


# -- item 3: the public Word and ODT files ---------------------------------------------------


def test_the_public_page_offers_the_published_versions_word_and_odt_files(client):
    a = published()
    detail = client.get(reverse("assessments:public_detail", args=[a.organisation.slug, a.slug]))
    page = detail.content.decode()
    for format, content_type in (("docx", DOCX_TYPE), ("odt", ODT_TYPE)):
        link = reverse(f"assessments:public_report_{format}", args=[a.organisation.slug, a.slug])
        assert link in page
        response = client.get(link)  # the "immediate" backend: made at once
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert response["Content-Disposition"].endswith(f'-v1.{format}"')
        factories.close(response)
        found = ReportFile.objects.get(assessment=a, format=format)
        assert found.version == versions.latest(a)


def test_the_public_word_file_waits_politely_and_is_only_for_published(client, queued):
    a = published()
    link = reverse("assessments:public_report_docx", args=[a.organisation.slug, a.slug])
    wait = client.get(link)
    assert wait.status_code == 503 and wait["Retry-After"]
    assert '<meta http-equiv="refresh"' in wait.content.decode()
    draft = full_assessment()
    for format in ("docx", "odt"):
        name = f"assessments:public_report_{format}"
        link = reverse(name, args=[draft.organisation.slug, draft.slug])
        assert client.get(link).status_code == 404


# -- item 5: the file as a regulator opens it --------------------------------------------------


def test_word_contents_come_after_the_cover_filled_and_updated_on_opening():
    report = build_report(full_assessment(language="nl"))
    content = report_document(report, ReportFormat.DOCX)
    document = xml(content, "word/document.xml")
    contents = document.index('w:docPartGallery w:val="Table of Contents"')
    assert document.index("ClipShare") < contents  # the cover first
    assert document.index("Leeswijzer") > contents or "Leeswijzer" not in document
    block = document[contents : document.index("</w:sdt>", contents)]
    entries = re.findall(r'<w:hyperlink w:anchor="([^"]+)"', block)
    assert entries[:2] == [e.anchor for e in report.toc if e.level <= 2][:2]
    assert len(entries) == len([e for e in report.toc if e.level <= 2])
    assert "TOC \\o" in block and "Inhoud" in block
    assert '<w:updateFields w:val="true" />' in xml(content, "word/settings.xml")
    styles = re.findall(r'<w:pStyle w:val="([^"]+)"', document[:contents])
    assert "Heading1" not in styles  # the title is not a chapter of the contents


def test_every_word_table_spans_the_text_width():
    report = build_report(full_assessment(language="nl"))
    document = xml(report_document(report, ReportFormat.DOCX), "word/document.xml")
    widths = re.findall(r"<w:tblW ([^>]*)/>", document)
    assert len(widths) >= 8
    assert all('w:type="pct" w:w="5000"' in w for w in widths), widths


def test_table_columns_follow_their_content_or_the_stylesheet():
    html = (
        "<table><caption>c</caption><tr><th>R1</th><td>"
        + "a long measure that needs room " * 5
        + "</td></tr></table>"
        '<table class="measures-table"><colgroup><col class="col-risk"><col class="col-measure">'
        '<col class="col-status"><col class="col-owner"></colgroup><tr><td>x</td><td>y</td>'
        "<td>z</td><td>w</td></tr></table>"
    )
    fitted = tablewidths.fit(html)
    first = re.findall(r"width: ([\d.]+)%", fitted.split("</table>")[0])
    assert fitted.startswith("<table><caption>c</caption><colgroup>")  # caption stays first
    assert float(first[1]) > 80 and sum(map(float, first)) == 100
    second = re.findall(r"width: ([\d.]+)%", fitted.split("</table>")[1])
    assert second == ["23.0", "42.0", "17.0", "18.0"]  # the PDF's widths
    assert fitted.count("<colgroup>") == 2


def test_a_published_assessments_word_file_is_its_versions(tmp_path):
    a = published()
    version = versions.published_version(a)
    target = tmp_path / "report.docx"
    call_command("kia_export", a.slug, "--format", "docx", "--output", str(target))
    text = re.sub(r"<[^>]+>", "", xml(target.read_bytes(), "word/document.xml"))
    assert f"versie {version.number}" in text and "werkversie" not in text


def test_kia_export_writes_an_odt_with_filled_contents_and_full_width_tables(tmp_path):
    a = published()
    target = tmp_path / "report.odt"
    call_command("kia_export", a.slug, "--format", "odt", "--output", str(target))
    with zipfile.ZipFile(target) as odt:
        assert odt.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = odt.read("content.xml").decode()
    contents = content.index("<text:table-of-content ")
    assert content.index("ClipShare") < contents
    body = content[contents : content.index("</text:table-of-content>")]
    assert body.count("<text:bookmark-ref") >= 10  # page numbers LibreOffice counts
    tables = re.findall(r"<style:table-properties[^>]*>", content)
    assert tables and all('style:rel-width="100%"' in t for t in tables), tables
    assert "werkversie" not in content


def test_the_report_page_offers_word_and_odt(client):
    a = full_assessment(language="en")
    client.force_login(factories.member(a.organisation, Role.VIEWER))
    page = client.get(reverse("assessments:report", args=[a.slug])).content.decode()
    assert reverse("assessments:report_docx", args=[a.slug]) in page
    assert reverse("assessments:report_odt", args=[a.slug]) in page


# -- item 8: citations' inline Markdown --------------------------------------------------------


def test_a_citations_markdown_is_rendered_in_the_pdf_html_and_word():
    a = full_assessment(language="nl")
    Source.objects.filter(assessment=a, key="ofcom-2024").update(
        citation="Stichting Lezen (2024). *Leesmonitor*. <b>vet</b> [^x] `code`"
    )
    report = build_report(a)
    html = report_html(report)
    footnotes = re.findall(r'<span class="footnote">.*?</span>', html, re.S)
    assert any("<em>Leesmonitor</em>" in note for note in footnotes)
    sources = html[html.index('id="sources"') :]
    assert "<em>Leesmonitor</em>" in sources and "<code>code</code>" in sources
    assert "*Leesmonitor*" not in html
    assert "<b>vet</b>" not in html and "&lt;b&gt;vet&lt;/b&gt;" in html  # never markup
    notes = xml(report_document(build_report(a), ReportFormat.DOCX), "word/footnotes.xml")
    assert re.search(r"<w:i\s*/>.*?Leesmonitor", notes, re.S)
    assert "*Leesmonitor*" not in notes
