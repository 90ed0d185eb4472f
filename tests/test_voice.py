"""The children's own voice (issue 20): consultations of children and their findings as
rows of the assessment, the completeness check on consent, the pages and the summary for
children with its reading level and its limit."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.domain import completeness, editing, readability
from assessments.domain.constants import Role
from assessments.domain.models import Assessment, Change, Consultation, ConsultationFinding
from assessments.domain.models.assessment import CHILD_SUMMARY_MAX_CHARS
from assessments.domain.rowkinds import BY_KEY
from assessments.domain.workspace import Workspace
from assessments.outputs.report.render import render_html
from tests import builders, factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Messages are checked in English (the pages' client asks for English too)."""
    with translation.override("en"):
        yield


CONSENT = {
    "assent": "Mondeling, na uitleg in gewone taal.",
    "parental_consent": "Schriftelijk via de school.",
    "withdrawal": "Kinderen konden op elk moment stoppen.",
}


def _add(kind: str, parent, **values):
    row = BY_KEY[kind].new(parent, **values)
    return editing.create(row, actor=editing.SYSTEM, assessment=_assessment_of(parent))


def _assessment_of(parent) -> Assessment:
    return parent if isinstance(parent, Assessment) else parent.assessment


def _gaps(assessment: Assessment) -> list[str]:
    return [gap.message for gap in completeness.check(Workspace(assessment)).gaps]


@pytest.fixture
def team():
    org = factories.organisation()
    assessment = factories.assessment(org, language="nl")
    user = factories.member(org, Role.EDITOR, username="eva")
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return assessment, client


# --- Step 1: the record, history and completeness ------------------------------------------------


def test_final_needs_a_consultation_or_why_none_was_held():
    assessment = builders.berenschot_size(factories.organisation(), risks=1, sources=1)
    assert completeness.check(Workspace(assessment)).can_finalise
    Assessment.objects.filter(pk=assessment.pk).update(no_consultation_reason="")
    assessment.refresh_from_db()
    assert "Record a consultation of children, or why no children were consulted." in _gaps(
        assessment
    )


def test_missing_consent_blocks_final_with_a_clear_reason():
    assessment = builders.berenschot_size(factories.organisation(), risks=1, sources=1)
    panel = _add("consultation", assessment, title="Kinderpanel", method="panel")
    gaps = _gaps(assessment)
    assert any("Kinderpanel" in gap and "consent" in gap for gap in gaps)
    assert not completeness.check(Workspace(assessment)).can_finalise
    # Assent alone is not enough; all three, or a reason why none was asked.
    panel.assent = CONSENT["assent"]
    editing.save(panel, actor=editing.SYSTEM, expected=panel.lock_version, assessment=assessment)
    assert not completeness.check(Workspace(assessment)).can_finalise
    for name, value in CONSENT.items():
        setattr(panel, name, value)
    editing.save(panel, actor=editing.SYSTEM, expected=panel.lock_version, assessment=assessment)
    assert completeness.check(Workspace(assessment)).can_finalise


def test_a_reason_why_no_consent_was_asked_also_completes_it():
    assessment = builders.berenschot_size(factories.organisation(), risks=1, sources=1)
    _add(
        "consultation",
        assessment,
        title="Enquête",
        method="survey",
        no_consent_reason="Anonieme enquête zonder herleidbare gegevens.",
    )
    assert completeness.check(Workspace(assessment)).can_finalise


def test_consultations_and_findings_are_in_the_history():
    assessment = factories.assessment()
    risk = factories.risk(assessment)
    panel = _add("consultation", assessment, title="Klas 7B", method="focus_group", **CONSENT)
    finding = _add("finding", panel, text="Ze willen een pauzeknop.", risk=risk)
    changes = Change.objects.filter(assessment=assessment)
    assert changes.filter(entity="consultation", object_id=panel.pk, chapter="consultations")
    assert changes.filter(entity="consultationfinding", object_id=finding.pk, field="risk_id")
    assert finding.order == 0 and _add("finding", panel, text="Nog een.").order == 1


def test_questions_must_name_questions_of_the_instrument():
    consultation = Consultation(
        assessment=factories.assessment(),
        title="Panel",
        method="panel",
        questions=[{"text": "Wat zie je?", "informs": ["3.1", "9.9"]}],
    )
    with pytest.raises(ValidationError, match=r"9\.9"):
        consultation.full_clean()
    consultation.questions = [{"text": "", "informs": []}]
    with pytest.raises(ValidationError, match="needs a text"):
        consultation.full_clean()
    consultation.questions = [{"text": "Wat zie je?", "informs": ["3.1"]}]
    consultation.requirements = {"fun": {"met": True}}
    with pytest.raises(ValidationError, match="Unknown requirement: fun"):
        consultation.full_clean()
    consultation.requirements = {"safe": {"met": "ja"}}
    with pytest.raises(ValidationError, match="safe"):
        consultation.full_clean()
    consultation.requirements = {"safe": {"met": True, "note": "Vertrouwenspersoon."}}
    consultation.full_clean()
    assert consultation.checklist[7] == {
        "key": "safe",
        "label": consultation.checklist[7]["label"],
        "met": True,
        "note": "Vertrouwenspersoon.",
    }
    assert len(consultation.checklist) == 9


def test_a_consultation_cannot_end_before_it_began():
    consultation = Consultation(
        assessment=factories.assessment(),
        title="Panel",
        method="panel",
        held_from=datetime.date(2025, 3, 2),
        held_until=datetime.date(2025, 3, 1),
    )
    with pytest.raises(ValidationError, match="cannot end before it began"):
        consultation.full_clean()


def test_a_finding_links_only_rows_of_its_own_assessment():
    assessment = factories.assessment()
    other = factories.risk(factories.assessment())
    panel = _add("consultation", assessment, title="Panel", method="panel")
    finding = ConsultationFinding(consultation=panel, text="Eng.", risk=other)
    with pytest.raises(ValidationError, match="another assessment"):
        finding.full_clean()


# --- Step 2: the pages ---------------------------------------------------------------------------


def test_recording_a_consultation_on_the_page(team):
    assessment, client = team
    page = reverse("assessments:consultations", args=[assessment.slug])
    body = client.get(page).content.decode()
    assert "Children&#x27;s voice" in body or "Children's voice" in body
    new = reverse("assessments:consultation_new", args=[assessment.slug])
    form = client.get(new).content.decode()
    assert "Do not record children&#x27;s names" in form or "Do not record children's names" in form
    data = {
        "title": "Kinderpanel",
        "method": "panel",
        "uses_service": "some",
        "children_count": "12",
        "questions": "Wat zie je in je feed? [3.1, 3.4]\nWat wil je anders?",
        "met_safe": "yes",
        "note_safe": "Een vertrouwenspersoon was erbij.",
        "met_voluntary": "no",
        **CONSENT,
    }
    response = client.post(new, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    panel = Consultation.objects.get(assessment=assessment)
    assert panel.questions == [
        {"text": "Wat zie je in je feed?", "informs": ["3.1", "3.4"]},
        {"text": "Wat wil je anders?", "informs": []},
    ]
    assert panel.requirements == {
        "safe": {"met": True, "note": "Een vertrouwenspersoon was erbij."},
        "voluntary": {"met": False, "note": ""},
    }
    edit = client.get(reverse("assessments:consultation_edit", args=[assessment.slug, panel.pk]))
    assert "Wat zie je in je feed? [3.1, 3.4]" in edit.content.decode()
    body = client.get(page).content.decode()
    assert "Kinderpanel" in body and "Wat zie je in je feed?" in body


def test_a_question_informing_an_unknown_question_is_refused_on_the_page(team):
    assessment, client = team
    new = reverse("assessments:consultation_new", args=[assessment.slug])
    response = client.post(
        new, {"title": "Panel", "method": "panel", "uses_service": "all", "questions": "Wat? [7.7]"}
    )
    assert response.status_code == 400
    assert "7.7" in response.content.decode()
    assert not Consultation.objects.exists()


def test_findings_on_the_page_link_risks_and_refuse_unknown_library_items(team):
    assessment, client = team
    risk = factories.risk(assessment, topic="Eindeloos scrollen")
    panel = _add("consultation", assessment, title="Panel", method="panel", **CONSENT)
    new = reverse("assessments:finding_new", args=[assessment.slug, panel.pk])
    data = {
        "text": "Ze kunnen moeilijk stoppen.",
        "risk": str(risk.pk),
        "evidence": "illustrative",
        "change": "Risico 3.4 hoger ingeschat.",
        "library_items": "urn:kia:ivrk:art-31 urn:kia:ivrk:does-not-exist",
    }
    response = client.post(new, data)
    assert response.status_code == 400
    assert "urn:kia:ivrk:does-not-exist" in response.content.decode()
    assert not ConsultationFinding.objects.exists()
    data["library_items"] = "urn:kia:ivrk:art-31"
    assert client.post(new, data).status_code == 302
    finding = ConsultationFinding.objects.get()
    assert finding.risk == risk and finding.library_items == ["urn:kia:ivrk:art-31"]
    page = client.get(reverse("assessments:consultations", args=[assessment.slug]))
    assert "Ze kunnen moeilijk stoppen." in page.content.decode()
    assert "R1 Eindeloos scrollen" in page.content.decode()
    # The library item by its short name, as in the report; not its URN.
    assert "art. 31" in page.content.decode()
    assert "urn:kia:ivrk:art-31" not in page.content.decode()
    voice = render_html(assessment).split('id="children-voice"', 1)[1]
    assert re.search(r"art\.(\s|&nbsp;|\xa0)31", voice) and "urn:kia" not in voice
    other = factories.risk(factories.assessment())
    data["risk"] = str(other.pk)
    edit = reverse("assessments:finding_edit", args=[assessment.slug, panel.pk, finding.pk])
    assert client.post(edit, {**data, "lock_version": finding.lock_version}).status_code == 400
    finding.refresh_from_db()
    assert finding.risk == risk


def test_a_summary_for_children_longer_than_two_pages_is_refused_with_its_length(team):
    assessment, client = team
    url = reverse("assessments:voice_edit", args=[assessment.slug])
    too_long = ("Wij keken naar de app. " * 200).strip()
    response = client.post(url, {"child_summary": too_long, "lock_version": "1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{len(too_long)} characters long" in body.replace("\u202f", "")
    assert str(CHILD_SUMMARY_MAX_CHARS) in body
    assessment.refresh_from_db()
    assert assessment.child_summary == ""
    short = "Wij keken naar de app. Kinderen vertelden ons wat ze eng vinden. Dat pakken we aan."
    assert client.post(url, {"child_summary": short, "lock_version": "1"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.child_summary == short
    assert Change.objects.filter(field="child_summary", chapter="consultations").exists()


def test_the_reading_level_rises_as_the_summary_gets_simpler(team):
    assessment, client = team
    url = reverse("assessments:reading_level", args=[assessment.slug])
    hard = (
        "Het aanbevelingsalgoritme personaliseert de inhoudsstroom op basis van "
        "interactiegegevens, waardoor minderjarige gebruikers mogelijk langdurig worden "
        "blootgesteld aan potentieel schadelijke audiovisuele content."
    )
    easy = "De app kiest filmpjes voor je. Soms zijn die eng. Je kunt dat melden. Wij helpen je."
    hard_level = readability.reading_level(hard, "nl")
    easy_level = readability.reading_level(easy, "nl")
    assert hard_level is not None and easy_level is not None
    assert hard_level.measure == "Flesch-Douma"
    assert easy_level.score > readability.CHILD_TARGET > hard_level.score
    body = client.post(url, {"child_summary": easy}).content.decode()
    assert f"Flesch-Douma: {easy_level.percent}" in body
    assert "suits children" in body
    body = client.post(url, {"child_summary": hard}).content.decode()
    assert "aim for 80 or more" in body
    assert "at least ten words" in client.post(url, {"child_summary": "Kort."}).content.decode()


# --- Step 4: the demos ---------------------------------------------------------------------------


def test_the_demos_record_the_childrens_voice(media):
    from django.core.management import call_command

    call_command("kia_demo", stdout=io.StringIO(), stderr=io.StringIO())
    tiktok = Assessment.objects.get(slug="tiktok-2025")
    assert tiktok.status == "published"  # consent information did not block final
    [panel] = tiktok.consultations.all()
    assert panel.method == "panel" and "Berenschot 2025, par. 1.4" in panel.limitations
    assert {f.evidence for f in panel.findings.all()} == {"illustrative"}
    homework = Assessment.objects.get(slug="voorbeeld-huiswerkapp")
    [klas] = homework.consultations.all()
    assert klas.consent_recorded and klas.feedback_on and klas.feedback
    risks = {f.risk.topic for f in klas.findings.all() if f.risk}
    assert len(risks) >= 2 and any("Pesten" in topic for topic in risks)
    assert any(f.follow_up for f in klas.findings.all())
    for demo in (tiktok, homework):
        level = readability.reading_level(demo.child_summary, "nl")
        assert level is not None and level.for_children, (demo.slug, level)
