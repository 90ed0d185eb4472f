"""The children's-rights library on the pages (issue 19): the picker with its search and
chips, risks and measures from the catalogue, the coverage page with "not relevant"
marks, the notice of newer item texts and an organisation's own catalogue."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from assessments.domain.constants import Role
from assessments.domain.library import own
from assessments.domain.models import (
    Change,
    Contribution,
    CoverageExclusion,
    LibraryFile,
    LibraryItem,
    LibraryItemText,
    LibraryLink,
    Measure,
    Risk,
)
from assessments.domain.states import Status
from tests import factories
from tests.factories import logged_in, u

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def item(urn: str) -> LibraryItem:
    return LibraryItem.objects.get(urn=urn)


def test_the_picker_searches_the_library_and_answers_htmx_with_the_results_alone(team):
    assessment, editor, _owner = team
    client = logged_in(editor)
    url = u(assessment, "links", "contribution", "2.10")
    page = client.get(url, {"q": "art. 31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="search"' in html and "art. 31" in html
    fragment = client.get(url, {"q": "art. 31"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="lib-results"') and "art. 31" in body
    assert "<html" not in body


def test_linking_a_contribution_to_article_31_creates_its_row_and_is_in_the_history(team):
    assessment, editor, _owner = team
    client = logged_in(editor)
    art31 = item("urn:kia:ivrk:art-31")
    response = client.post(u(assessment, "link_add", "contribution", "2.10"), {"item": art31.pk})
    assert response.status_code == 302
    contribution = Contribution.objects.get(assessment=assessment, question="2.10")
    link = LibraryLink.objects.get(contribution=contribution)
    assert link.item == art31 and link.item_version == art31.changed_in
    assert Change.objects.filter(assessment=assessment, entity="librarylink").exists()
    chapter = client.get(u(assessment, "chapter", 2)).content.decode()
    assert "lib-chip" in chapter and "art. 31" in chapter
    # Removing it: gone, and that is in the history too.
    assert client.post(u(assessment, "link_remove", link.pk)).status_code == 302
    assert not LibraryLink.objects.filter(pk=link.pk).exists()
    assert Change.objects.filter(entity="librarylink", action="delete").exists()


def test_linking_on_a_final_assessment_is_refused_and_writes_nothing(team):
    assessment, _editor, owner = team
    risk = factories.risk(assessment)
    assessment.status = Status.FINAL
    assessment.save()
    client = logged_in(owner)
    art16 = item("urn:kia:ivrk:art-16")
    response = client.post(u(assessment, "link_add", "risk", risk.pk), {"item": art16.pk})
    assert response.status_code == 403
    typical = LibraryItem.objects.filter(kind="typical-risk").first()
    refused = client.post(u(assessment, "risk_from_catalogue"), {"item": typical.pk})
    assert refused.status_code == 403
    assert not LibraryLink.objects.exists() and assessment.risks.count() == 1


def test_a_risk_from_the_catalogue_is_prefilled_in_the_assessments_language_and_linked(team):
    assessment, editor, _owner = team
    assessment.language = "en"
    assessment.save()
    client = logged_in(editor)
    page = client.get(u(assessment, "risk_catalogue"), {"category": "content"})
    assert page.status_code == 200
    typical = item("urn:kia:risks:content-1")
    html = page.content.decode()
    assert typical.title["en"] in html and "art. 17" in html  # the rights it concerns
    response = client.post(u(assessment, "risk_from_catalogue"), {"item": typical.pk})
    risk = Risk.objects.get(assessment=assessment)
    assert response.status_code == 302 and response["Location"] == u(
        assessment, "risk_edit", risk.pk
    )
    assert risk.topic == typical.title["en"] and risk.description == typical.text["en"]
    assert risk.category == "content"
    assert LibraryLink.objects.filter(risk=risk, item=typical).exists()


def test_a_suggested_measure_is_added_in_one_click_with_its_link(team):
    assessment, editor, _owner = team
    client = logged_in(editor)
    typical = item("urn:kia:risks:content-1")
    client.post(u(assessment, "risk_from_catalogue"), {"item": typical.pk})
    risk = Risk.objects.get(assessment=assessment)
    chapter = client.get(u(assessment, "chapter", 4)).content.decode()
    assert "Suggested measures from the catalogue" in chapter
    from assessments.domain.library import catalogue

    suggestion = catalogue.suggested_measures(risk)[0]
    response = client.post(
        u(assessment, "measure_from_catalogue", risk.pk), {"item": suggestion.pk}
    )
    assert response.status_code == 302
    measure = Measure.objects.get(risk=risk)
    assert LibraryLink.objects.filter(measure=measure, item=suggestion).exists()
    assert suggestion not in catalogue.suggested_measures(risk)  # taken: no longer offered


def test_the_coverage_page_names_the_rows_and_keeps_reasons_for_not_relevant(team):
    assessment, editor, _owner = team
    client = logged_in(editor)
    art31 = item("urn:kia:ivrk:art-31")
    client.post(u(assessment, "link_add", "contribution", "2.10"), {"item": art31.pk})
    client.post(u(assessment, "risk_from_catalogue"), {"item": item("urn:kia:risks:content-1").pk})
    page = client.get(u(assessment, "coverage"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2.10" in html and "R1" in html and "through R-content-1" in html
    # Not relevant: a reason is required, and nothing is stored without one.
    art38 = item("urn:kia:ivrk:art-38")
    client.post(u(assessment, "coverage_exclude"), {"item": art38.pk, "reason": "  "})
    assert not CoverageExclusion.objects.exists()
    client.post(u(assessment, "coverage_exclude"), {"item": art38.pk, "reason": "No armed forces."})
    exclusion = CoverageExclusion.objects.get(assessment=assessment)
    assert exclusion.item == art38
    assert "No armed forces." in client.get(u(assessment, "coverage")).content.decode()
    assert Change.objects.filter(entity="coverageexclusion").exists()
    client.post(u(assessment, "coverage_unexclude", exclusion.pk))
    assert not CoverageExclusion.objects.exists()


def test_the_dsa_view_groups_the_guidelines_by_section(team):
    assessment, editor, _owner = team
    html = logged_in(editor).get(u(assessment, "coverage"), {"view": "dsa"}).content.decode()
    sections = LibraryItem.objects.filter(file__ref="dsa28", parent=None)
    assert sections.exists()
    for section in sections:
        assert f'id="dsa-{section.pk}"' in html


def test_a_changed_item_shows_a_notice_and_the_team_can_take_the_new_text(team):
    assessment, editor, _owner = team
    client = logged_in(editor)
    art31 = item("urn:kia:ivrk:art-31")
    client.post(u(assessment, "link_add", "contribution", "2.10"), {"item": art31.pk})
    # A newer library version changes the text of art. 31.
    new_text = {"nl": "Nieuwe tekst over spel.", "en": "New text about play."}
    LibraryItemText.objects.create(item=art31, version=99, title=art31.title, text=new_text)
    LibraryItem.objects.filter(pk=art31.pk).update(changed_in=99, text=new_text)
    coverage = client.get(u(assessment, "coverage")).content.decode()
    assert "A newer version of the library changed or withdrew 1 item" in coverage
    page = client.get(u(assessment, "library_updates")).content.decode()
    assert "<ins>" in page and "play" in page, page[page.find("<main") :][:3000]
    link = LibraryLink.objects.get(item=art31)
    assert client.post(u(assessment, "library_take_update", link.pk)).status_code == 302
    link.refresh_from_db()
    assert link.item_version == 99
    assert (
        "Every linked item is up to date."
        in client.get(u(assessment, "library_updates")).content.decode()
    )


def test_a_withdrawn_item_stays_linked_and_shows_as_withdrawn(team):
    assessment, editor, _owner = team
    client = logged_in(editor)
    risk = factories.risk(assessment)
    art16 = item("urn:kia:ivrk:art-16")
    client.post(u(assessment, "link_add", "risk", risk.pk), {"item": art16.pk})
    LibraryItem.objects.filter(pk=art16.pk).update(withdrawn_in=2)
    chapter = client.get(u(assessment, "chapter", 3)).content.decode()
    assert "lib-chip-withdrawn" in chapter and "(withdrawn)" in chapter
    assert LibraryLink.objects.filter(item=art16).exists()


def test_an_owner_adds_exports_and_imports_the_organisations_own_catalogue(team):
    assessment, editor, owner = team
    org = assessment.organisation
    client = logged_in(owner)
    url = reverse("assessments:org_catalogue", args=[org.slug])
    assert client.get(url).status_code == 200
    art31 = item("urn:kia:ivrk:art-31")
    response = client.post(
        url,
        {
            "kind": "typical-risk",
            "category": "health",
            "title_nl": "Te lang spelen",
            "title_en": "Playing too long",
            "text_nl": "Kinderen spelen door tot laat.",
            "text_en": "Children keep playing late.",
            "source_url": "https://example.org/bron",
            "concerns": [art31.pk],
        },
    )
    assert response.status_code == 302
    own_item = LibraryItem.objects.get(file__organisation=org)
    assert own_item.title["en"] == "Playing too long" and own_item.category == "health"
    # It is offered in the catalogue of the assessment's category.
    offers = logged_in(editor).get(u(assessment, "risk_catalogue"), {"category": "health"})
    assert (
        "Te lang spelen" in offers.content.decode() or "Playing too long" in offers.content.decode()
    )
    exported = client.get(reverse("assessments:org_catalogue_export", args=[org.slug]))
    document = yaml.safe_load(exported.content)
    assert document["items"][0]["title"]["en"] == "Playing too long"
    # A bad file is refused with the file, item and reason; nothing changes.
    document["items"][0]["title"] = {"nl": "Kapot"}  # no English
    before = LibraryFile.objects.get(organisation=org).version
    bad = client.post(
        reverse("assessments:org_catalogue", args=[org.slug]),
        {"action": "import", "file": _upload(yaml.safe_dump(document))},
    )
    assert bad.status_code == 400
    assert "eigen.yaml" in bad.content.decode() and own_item.urn in bad.content.decode()
    assert LibraryFile.objects.get(organisation=org).version == before
    # A good one loads as a new version.
    document["items"][0]["title"] = {"nl": "Te laat spelen", "en": "Playing too late"}
    document["version"] = before + 1
    good = client.post(url, {"action": "import", "file": _upload(yaml.safe_dump(document))})
    assert good.status_code == 302
    assert item(own_item.urn).title["en"] == "Playing too late"
    # Editors may look but not change it.
    assert logged_in(editor).post(url, {"action": "import"}).status_code == 403


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("eigen.yaml", text.encode(), content_type="application/yaml")


def test_own_catalogue_export_is_loadable_by_the_loader(team):
    assessment, _editor, _owner = team
    org = assessment.organisation
    own.add_item(
        org, kind="typical-measure", category="", title={"nl": "Pauze", "en": "Break"},
        text={"nl": "Een pauzeknop.", "en": "A break button."},
        source_url="https://example.org/", concerns=[],
    )  # fmt: skip
    text = own.export(org)
    assert yaml.safe_load(text)["version"] == 1
    assert own.import_text(org, text, "same.yaml")[0].unchanged
    assert Role.OWNER  # the page itself is tested above
