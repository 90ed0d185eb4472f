"""The children's own voice in the outputs (issue 20): the report and its page for children,
the one-page PDF of the summary, the public page, the comparisons, the exchange document
and the REST API."""

from __future__ import annotations

import copy
import io
import re
import zipfile

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from assessments.domain import editing, versions
from assessments.domain.constants import Role, VersionReason
from assessments.domain.exchange import export_assessment
from assessments.domain.exchange.errors import InvalidAssessment
from assessments.domain.exchange.importer import import_document
from assessments.domain.models import Assessment, Consultation, ConsultationFinding
from assessments.domain.states import Status
from assessments.outputs.comparison import version_diff
from assessments.outputs.report.render import render_html
from assessments.outputs.report.summary_pdf import render_summary_pdf
from tests import builders, factories
from tests.test_api import bearer, where

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_the_report_prints_the_summary_after_the_cover_and_the_consultations():
    assessment = builders.rich_assessment()
    html = render_html(assessment, for_pdf=False)
    cover, summary = html.index('class="cover"'), html.index('id="child-summary"')
    contents, voice = html.index('id="toc-title"'), html.index('id="children-voice"')
    assert cover < summary < contents < voice
    assert "<strong>Dit</strong> vonden we." in html
    page = html[summary : html.index('id="toc-title"')]
    assert "You asked us to follow this up" in page or "Jullie vroegen ons" in page
    assert "Ze zien vaak enge video" in page and "Risico hoger ingeschat." in page
    assert "Ze willen een betere meldknop." not in page  # not asked to be followed up
    section = html[voice:]
    assert "Kinderpanel" in section and "Ze zien vaak enge video" in section
    assert "Risico hoger ingeschat." in section  # what changed
    assert "Schadelijke content" in section  # the risk the finding informs
    assert "Wat we met hun antwoorden deden." in section  # the feedback
    assert "Anoniem, zonder gegevens" in section  # the survey asked no consent, and why
    # The finding is cited where the report prints the risk it informs.
    risk = html[html.index('id="risk-r1"') : html.index('id="children-voice"')]
    assert '<a href="#finding-c1-1">C1.1</a>' in risk[: risk.index("</section>")]
    assert 'id="finding-c1-1"' in section


def test_the_summary_is_a_tagged_pdf_of_one_page(tmp_path):
    assessment = builders.rich_assessment()
    content = render_summary_pdf(assessment)
    pdf = PdfReader(io.BytesIO(content))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "We keken naar de app." in text and "Ze zien vaak enge video" in text
    assert "/StructTreeRoot" in pdf.trailer["/Root"]  # tagged, like the report
    pdfua = pytest.importorskip("pdfua")
    path = tmp_path / "summary.pdf"
    path.write_bytes(content)
    found = pdfua.validate(str(path)).findings
    assert [f.rule_id for f in found if f.severity >= pdfua.Severity.ERROR] == []


def test_the_longest_summary_fits_two_pages():
    from assessments.domain.models.assessment import CHILD_SUMMARY_MAX_CHARS

    sentence = "Kinderen vertelden ons wat ze van de app vinden en wat er beter kan. "
    text = (sentence * (CHILD_SUMMARY_MAX_CHARS // len(sentence)))[:CHILD_SUMMARY_MAX_CHARS]
    assessment = builders.rich_assessment(child_summary=text.strip())
    assert len(PdfReader(io.BytesIO(render_summary_pdf(assessment))).pages) <= 2


def test_the_document_carries_the_consultations_and_imports_them_again():
    assessment = builders.rich_assessment()
    document = export_assessment(assessment)
    assert document["assessment"]["child_summary"] == assessment.child_summary
    assert [c["title"] for c in document["consultations"]] == ["Kinderpanel", "Enquête"]
    assert document["consultations"][0]["id"] == "consultation-1"
    first = document["consultation_findings"][0]
    assert first["consultation"] == "consultation-1"
    assert first["risk"] == "risk-1" and first["contribution"] == "2.10"
    assert first["library_items"] == ["urn:kia:ivrk:art-12"]
    user = factories.member(assessment.organisation, Role.EDITOR)
    copied = document | {"assessment": document["assessment"] | {"slug": "kopie"}}
    imported = import_document(
        copied, organisation=assessment.organisation, user=user, slug="kopie"
    ).assessment
    again = export_assessment(imported)
    for key in ("consultations", "consultation_findings"):
        assert again[key] == document[key]
    assert again["assessment"]["child_summary"] == assessment.child_summary


def test_an_import_with_a_finding_of_an_unknown_consultation_is_refused_whole():
    assessment = builders.rich_assessment()
    document = copy.deepcopy(export_assessment(assessment))
    document["consultation_findings"][0]["consultation"] = "consultation-9"
    document["assessment"]["child_summary"] = "x" * 4001
    with pytest.raises(InvalidAssessment) as refused:
        import_document(
            document,
            organisation=assessment.organisation,
            user=factories.member(assessment.organisation, Role.EDITOR),
            slug="kapot",
        )
    text = str(refused.value.problems)
    assert ("consultation-9" in text and "4001" in text) or "4000" in text
    assert Consultation.objects.filter(assessment__slug="kapot").count() == 0


def test_unknown_library_items_of_a_finding_are_left_out_with_a_notice():
    assessment = builders.rich_assessment()
    document = copy.deepcopy(export_assessment(assessment))
    document["consultation_findings"][0]["library_items"] = ["urn:kia:elders:x-1"]
    result = import_document(
        document,
        organisation=assessment.organisation,
        user=factories.member(assessment.organisation, Role.EDITOR),
        slug="elders",
    )
    assert any("urn:kia:elders:x-1" in str(notice) for notice in result.notices)
    finding = ConsultationFinding.objects.filter(consultation__assessment=result.assessment)
    assert finding.order_by("consultation__order", "order").first().library_items == []


def test_versions_and_their_comparison_show_what_changed_in_the_voice():
    assessment = builders.rich_assessment(status="draft")
    old = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    finding = ConsultationFinding.objects.filter(consultation__assessment=assessment).first()
    finding.change = "Meldknop verplaatst naar de feed."
    editing.save(
        finding, actor=editing.SYSTEM, expected=finding.lock_version, assessment=assessment
    )
    new = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    comparison = version_diff.compare(versions.of(old), versions.of(new))
    shown = str(comparison.__dict__)
    assert "Meldknop verplaatst naar de feed." in shown
    # A version read back holds the consultation and its findings.
    ws = versions.workspace(old)
    assert [c.title for c in ws.consultations] == ["Kinderpanel", "Enquête"]
    assert ws.consultations[0].finding_rows[0].risk.label.startswith("R")


def test_the_public_page_shows_the_summary_for_children_first(client):
    assessment = builders.rich_assessment(status="draft", slug="openbaar")
    # Published as test_public does it: the status set, then a version recorded.
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Status.PUBLISHED, finalised_at=timezone.now(), published_at=timezone.now()
    )
    assessment.refresh_from_db()
    versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.PUBLISHED)
    url = f"/public/{assessment.organisation.slug}/{assessment.slug}/"
    reader = Client()
    reader.cookies["django_language"] = "en"
    body = reader.get(url).content.decode()
    assert body.index("Summary for children") < body.index("Read and download")
    assert "Kinderpanel" in body and "Risico hoger ingeschat." in body
    version = assessment.versions.order_by("-number").first()
    pdf = Client().get(f"{url}v{version.number}/summary-for-children.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_api_reads_and_writes_consultations_with_if_match(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    client = bearer(editor)
    base = where(assessment)
    made = client.post(
        f"{base}/consultations",
        {"title": "Panel", "method": "panel", "questions": [{"text": "Wat?", "informs": ["3.1"]}]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    url = made["Location"]
    read = client.get(url)
    assert read.json()["questions"] == [{"text": "Wat?", "informs": ["3.1"]}]
    assert client.patch(url, {"assent": "Ja."}, content_type="application/json").status_code == 428
    saved = client.patch(
        url, {"assent": "Mondeling."}, content_type="application/json", HTTP_IF_MATCH=read["ETag"]
    )
    assert saved.status_code == 200 and saved.json()["assent"] == "Mondeling."
    stale = client.patch(
        url, {"assent": "Later."}, content_type="application/json", HTTP_IF_MATCH=read["ETag"]
    )
    assert stale.status_code == 412
    bad = client.patch(
        url,
        {"questions": [{"text": "Wat?", "informs": ["8.8"]}], "method": "magic"},
        content_type="application/json",
        HTTP_IF_MATCH=saved["ETag"],
    )
    assert bad.status_code == 400
    assert {p["name"] for p in bad.json()["invalid-params"]} == {"questions", "method"}
    pk = made.json()["id"]
    finding = client.post(
        f"{base}/consultations/{pk}/findings",
        {
            "text": "Te veel meldingen.",
            "risk_id": risk.pk,
            "library_items": ["urn:kia:ivrk:art-12"],
        },
        content_type="application/json",
    )
    assert finding.status_code == 201, finding.content
    assert finding["Location"].endswith(f"/consultation-findings/{finding.json()['id']}")
    listed = client.get(f"{base}/consultations/{pk}/findings").json()
    assert listed[0]["risk"] == risk.pk, listed
    other = factories.risk(factories.assessment())
    refused = client.post(
        f"{base}/consultations/{pk}/findings",
        {"text": "Elders.", "risk_id": other.pk},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert ConsultationFinding.objects.filter(consultation_id=pk).count() == 1


def test_the_side_by_side_comparison_shows_whom_each_consulted_and_what_changed():
    from assessments.outputs.comparison import side_by_side

    org = factories.organisation(slug="vergelijk")
    first = builders.rich_assessment(org, slug="met-kinderen", status="draft")
    builders.rich_assessment(org, slug="zonder", status="draft")
    Consultation.objects.filter(assessment__slug="zonder").delete()
    Assessment.objects.filter(slug="zonder").update(
        no_consultation_reason="Geen tijd.", child_summary=""
    )
    user = factories.member(org, Role.VIEWER)
    columns = side_by_side.resolve(
        user, side_by_side.parse(["vergelijk/met-kinderen", "vergelijk/zonder"])
    )
    with translation.override("en"):
        voice = {row.label: row.cells for row in side_by_side.build(columns).voice}
    consulted = voice["Consultations of children"]
    assert consulted[0][0].startswith("Kinderpanel, panel, 12 children")
    assert consulted[1] == ["None: Geen tijd."]
    said = voice["What the children said, and what changed"]
    assert any("→ Risico hoger ingeschat." in line for line in said[0]) and said[1] == []
    assert voice["Summary for children"] == [["We keken naar de app. Dit vonden we."], []]
    assert first.child_summary.startswith("We keken")


# --- Markdown in the consultation's texts ---------------------------------------------------------

MARKED = "Wat de kinderen zeiden:\n\n- **pesten** in de chat\n- te veel meldingen"
HOSTILE = "Klein panel.<script>alert('x')</script> <img src=x onerror=alert(1)>"


def _marked_assessment(**fields) -> Assessment:
    assessment = builders.rich_assessment(**fields)
    panel = Consultation.objects.get(assessment=assessment, title="Kinderpanel")
    Consultation.objects.filter(pk=panel.pk).update(
        feedback=MARKED, recruitment="Via *scholen* [^ofcom-2024]", limitations=HOSTILE
    )
    ConsultationFinding.objects.filter(consultation=panel, follow_up=True).update(
        text="Ze zien **vaak** enge video's:\n\n1. op de feed\n2. in de chat"
    )
    return assessment


def _safe(html: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html  # escaped or dropped


def test_a_consultations_markdown_is_rendered_in_the_report_with_its_citation():
    assessment = _marked_assessment()
    html = render_html(assessment, for_pdf=False)
    section = html[html.index('id="children-voice"') :]
    assert "<strong>pesten</strong> in de chat</li>" in section  # the feedback, a list
    assert "<li>te veel meldingen</li>" in section
    assert "<strong>vaak</strong>" in section and "<li>op de feed</li>" in section  # finding
    assert "Via <em>scholen</em>" in section
    recruitment = section[section.index("Via <em>scholen</em>") :][:400]
    assert 'class="fn-call"' in recruitment  # the citation is a footnote, numbered in order
    assert "**" not in section[: section.index('id="sources"')]
    _safe(html)
    # The summary for children lists what the children asked to be followed up, rendered.
    summary = html[html.index('id="child-summary"') : html.index('id="toc-title"')]
    assert "<strong>vaak</strong>" in summary and "**vaak**" not in summary


def test_the_members_page_and_the_public_page_render_the_markdown(team):
    assessment = _marked_assessment(status="draft", slug="markdown")
    org = assessment.organisation
    viewer = factories.logged_in(factories.member(org, Role.VIEWER))
    page = viewer.get(factories.u(assessment, "consultations")).content.decode()
    assert "<strong>pesten</strong> in de chat</li>" in page and "Via <em>scholen</em>" in page
    assert 'class="citation"' in page  # the recruitment's citation links to its source
    _safe(page)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Status.PUBLISHED, finalised_at=timezone.now(), published_at=timezone.now()
    )
    assessment.refresh_from_db()
    versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.PUBLISHED)
    public = Client().get(f"/public/{org.slug}/{assessment.slug}/").content.decode()
    assert "Ze zien <strong>vaak</strong> enge video" in public and "<li>op de feed</li>" in public
    assert "**vaak**" not in public
    _safe(public)


def test_the_word_report_follows_the_same_html(media):
    from assessments.domain.models import ReportFormat
    from assessments.outputs.report.data import build_report
    from assessments.outputs.report.docx import report_document

    assessment = _marked_assessment()
    content = report_document(build_report(assessment), ReportFormat.DOCX)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        document = archive.read("word/document.xml").decode()
    assert "**" not in document and "<script" not in document
    bold = re.search(r"<w:b\s*/>.*?pesten", document, re.S)
    assert bold is not None and "<w:numPr>" in document  # bold and a list, not asterisks
