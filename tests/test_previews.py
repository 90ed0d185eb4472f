"""The Markdown preview of a form says what the saved page will say (issue 22, item 7)."""

from __future__ import annotations

import pytest

from assessments.domain.models import Answer, Risk, Source
from tests import factories
from tests.factories import logged_in, u

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TEXT = "Kinderen hebben rechten.[^gc25] Zie ook [^ghost]."


def test_the_answer_preview_marks_an_unknown_source_as_the_saved_page_does(team):
    assessment, editor, _ = team
    Source.objects.create(assessment=assessment, key="gc25", citation="General Comment 25")
    client = logged_in(editor)
    preview = client.post(u(assessment, "answer", "2.1"), {"text": TEXT, "preview": "1"})
    assert preview.status_code == 200
    shown = preview.content.decode().split('id="preview-heading"')[1]
    assert not Answer.objects.filter(assessment=assessment, question="2.1").exists()
    # The unknown key is marked, as on the chapter page once saved; the known one links.
    assert 'class="citation citation-missing"' in shown and "[ghost?]" in shown
    assert 'href="' + u(assessment, "sources") + '#source-gc25"' in shown
    Answer.objects.create(assessment=assessment, question="2.1", text=TEXT)
    chapter = client.get(u(assessment, "chapter", 2)).content.decode()
    assert "[ghost?]" in chapter


def test_a_risk_preview_marks_an_unknown_source(team):
    assessment, editor, _ = team
    risk = factories.risk(assessment)
    response = logged_in(editor).post(
        u(assessment, "risk_edit", risk.pk),
        {
            "category": risk.category,
            "topic": risk.topic,
            "description": "Zie [^nergens].",
            "lock_version": risk.lock_version,
            "preview": "1",
        },
    )
    assert response.status_code == 200
    shown = response.content.decode().split('id="preview-heading"')[1]
    assert "citation-missing" in shown and "[nergens?]" in shown
    assert Risk.objects.get(pk=risk.pk).description == ""
