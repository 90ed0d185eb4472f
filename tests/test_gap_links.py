"""The overview's gap links land on the question or row, not the top of the chapter
(issue 22, item 12)."""

from __future__ import annotations

import re

import pytest

from assessments.domain.constants import PrescanOutcome
from assessments.domain.models import Answer, Assessment, Measure
from assessments.domain.scoring import Score
from assessments.domain.workspace import Workspace
from tests import factories
from tests.factories import logged_in, u

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _gap_links(client, assessment) -> list[tuple[str, str, str]]:
    page = client.get(u(assessment, "detail")).content.decode()
    section = page.split('id="gaps-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="([^"#]*)(?:#([^"]*))?">([^<]*)</a>', section)


def test_every_gap_link_names_a_place_that_is_on_its_chapter_page(team):
    assessment, editor, _ = team
    Assessment.objects.filter(pk=assessment.pk).update(
        prescan_offers_service="yes", prescan_accessible_to_minors="yes"
    )
    assessment.refresh_from_db()
    assert assessment.prescan_outcome() != PrescanOutcome.STOP
    Answer.objects.create(assessment=assessment, question="2.1", text="Zie [^spook].")
    high = factories.risk(
        assessment,
        category="contact",
        topic="Contact met vreemden",
        impact=Score.HIGH,
        likelihood=Score.HIGH,
        description="Zie [^nergens].",
    )
    unscored = factories.risk(assessment, category="conduct", topic="Pesten")
    other = factories.risk(assessment, category="content", topic="Geweld")
    Measure.objects.create(risk=other, title="Meldknop", owner="")
    labelled = {r.pk: r for r in Workspace(assessment).risks}
    high, unscored = labelled[high.pk], labelled[unscored.pk]
    client = logged_in(editor)
    links = _gap_links(client, assessment)
    wanted = {"2.3.1", "5.6", f"{high.category_info.number} {high.label}", high.label}
    assert wanted <= {text for _url, _fragment, text in links}
    for url, fragment, text in links:
        assert fragment, f"the link of gap {text} goes to the top of the chapter"
        chapter = client.get(url).content.decode()
        assert f'id="{fragment}"' in chapter, f"gap {text}: no #{fragment} on {url}"
    by_text = {text: fragment for _url, fragment, text in links}
    assert by_text["2.3.1"] == "q-2-3-1" and by_text["5.6"] == "q-5-6"
    assert by_text[high.label] == f"risk-{high.pk}"  # chapter 4: the risk's row
    assert by_text[f"{unscored.category_info.number} {unscored.label}"] == f"risk-{unscored.pk}"


@pytest.mark.parametrize("prescan", ["", "yes"])
def test_an_empty_assessment_links_every_gap_to_a_place_on_its_page(team, prescan):
    assessment, editor, _ = team
    Assessment.objects.filter(pk=assessment.pk).update(
        prescan_offers_service=prescan, prescan_accessible_to_minors=prescan
    )
    client = logged_in(editor)
    links = _gap_links(client, assessment)
    assert links and (prescan == "" or "4.1" in {text for _u, _f, text in links})
    for url, fragment, text in links:
        assert fragment and f'id="{fragment}"' in client.get(url).content.decode(), text
