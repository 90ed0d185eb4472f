"""What the second newcomer walk found in the words (issue 22, items 13 to 15): what a
settled assessment's page still asks, the report's cooperation where it does not apply,
the Dutch "u", the user name's help, numbers in words, dates in the project's style, and
how to get an account."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.domain import versions
from assessments.domain.constants import AssessmentKind, VersionReason
from assessments.domain.editing import Actor
from assessments.domain.models import Assessment, Invitation
from assessments.domain.states import Status
from assessments.outputs.comparison import version_diff
from assessments.outputs.report.data import build_report
from assessments.outputs.report.docx import report_docx
from assessments.outputs.report.render import render_html
from tests import factories
from tests.factories import logged_in, u

pytestmark = pytest.mark.django_db


def dutch(user) -> Client:
    client = logged_in(user)
    client.cookies["django_language"] = "nl"
    return client


# --- 13. A settled assessment is past "before it can be final" -----------------------------------


@pytest.mark.parametrize("status", [Status.FINAL, Status.PUBLISHED])
def test_a_final_or_published_assessment_does_not_say_what_stands_before_final(team, status):
    assessment, _editor, owner = team
    page = dutch(owner).get(u(assessment, "detail")).content.decode()
    assert "Voordat het definitief kan worden" in page  # a draft: it says so
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    page = dutch(owner).get(u(assessment, "detail")).content.decode()
    assert "Voordat het definitief kan worden" not in page
    assert 'id="gaps-heading"' not in page


# --- 14. Cooperation of the service, only where it applies -------------------------------------


def _word_text(assessment) -> str:
    with zipfile.ZipFile(io.BytesIO(report_docx(build_report(assessment)))) as docx:
        return re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())


def test_a_self_assessment_s_report_says_nothing_about_the_service_s_cooperation():
    own = factories.assessment(kind=AssessmentKind.SELF, service_cooperated=None, language="nl")
    html = render_html(own)
    assert "Medewerking van de dienst" not in html and "Onbekend" not in html
    assert 'href="#cooperation"' not in html  # nor in the table of contents
    word = _word_text(own)
    assert "Medewerking van de dienst" not in word and "Onbekend of" not in word


def test_a_self_assessment_s_note_on_cooperation_is_printed_without_the_verdict():
    own = factories.assessment(
        kind=AssessmentKind.SELF, cooperation_note="Het productteam werkte mee.", language="nl"
    )
    html = render_html(own)
    assert "Medewerking van de dienst" in html and "Het productteam werkte mee." in html
    assert 'class="cooperation"' not in html


def test_an_external_assessment_still_says_that_cooperation_is_unknown():
    other = factories.assessment(
        kind=AssessmentKind.EXTERNAL, service_cooperated=None, language="en"
    )
    html = render_html(other)
    assert "Unknown whether the service cooperated." in html
    assert 'href="#cooperation"' in html


# --- 15. The words ----------------------------------------------------------------------------


def test_the_members_page_says_reviewers_comment_now(team):
    assessment, _editor, owner = team
    page = dutch(owner).get(reverse("assessments:members", args=[assessment.organisation.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "straks" not in text and "beoordelaars lezen en plaatsen opmerkingen" in text


INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE)
PO = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _translations() -> list[str]:
    """The Dutch texts of our catalogue (each msgstr with its continuation lines)."""
    found: list[str] = []
    inside = False
    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            inside = True
            found.append(line.split(" ", 1)[1].strip('"'))
        elif inside and line.startswith('"'):
            found[-1] += line.strip('"')
        else:
            inside = False
    return found


def test_the_dutch_interface_says_u_not_je():
    informal = [text for text in _translations() if INFORMAL.search(text)]
    assert not informal
    with translation.override("nl"):  # the notifications, as sent
        said = translation.gettext("%(actor)s asks you to review “%(assessment)s”.")
    assert said == "%(actor)s vraagt u “%(assessment)s” te reviewen."


def test_the_user_name_help_lists_a_full_stop_in_dutch():
    invitation = Invitation.objects.create(
        organisation=factories.organisation(), email="n@example.org"
    )
    client = Client()
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("assessments:invitation", args=[invitation.token]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "@/./+/-/_" in text and "@/,/+/-/_" not in text


def test_the_compare_picker_writes_its_numbers_in_words(team):
    _assessment, _editor, owner = team
    page = dutch(owner).get(reverse("assessments:compare")).content.decode()
    assert "Kies twee tot vier assessments of versies." in page
    assert "twee tot 4" not in page


def test_comparisons_print_dates_in_the_project_s_style(team):
    assessment, editor, owner = team
    other = factories.assessment(assessment.organisation, slug="andere")
    with translation.override("nl"):
        page = dutch(owner).get(
            reverse("assessments:compare")
            + f"?a={assessment.organisation.slug}/{assessment.slug}"
            + f"&a={other.organisation.slug}/{other.slug}"
        )
    body = page.content.decode()
    assert page.status_code == 200
    today = datetime.date.today()
    assert today.isoformat() not in body
    # The version comparison: a changed period in the project's style.
    versions.record(assessment, actor=Actor(editor), reason=VersionReason.MANUAL)
    Assessment.objects.filter(pk=assessment.pk).update(period_start=datetime.date(2026, 11, 29))
    assessment.refresh_from_db()
    with translation.override("nl"):
        diff = version_diff.compare(
            versions.of(assessment.versions.get()), versions.current(assessment)
        )
    shown = [f.new for s in diff.sections for r in s.rows for f in r.fields]
    assert "29 november 2026" in shown and "2026-11-29" not in shown


def test_the_log_in_page_says_how_to_get_an_account():
    client = Client()
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("login")).content.decode()
    assert "uitnodiging" in page and "eigenaar" in page
