"""What axe-core found on the second walk (issue 22, item 16), without a browser: the
site's icon, the report page's landmarks, the history's entries, the headings of the
service's own text, and empty header cells in Markdown tables."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from assessments.domain.models import Answer, ServiceResponse
from assessments.outputs.markdown import render
from assessments.outputs.report.render import render_html
from tests.builders import full_assessment
from tests.factories import logged_in, u

pytestmark = pytest.mark.django_db

CORNER = "| | Nu | Straks |\n|---|---|---|\n| Kans | hoog | laag |\n"


def test_favicon_ico_answers_with_the_icon_and_pages_link_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in page
    assert 'rel="icon" href="/static/favicon.svg"' in page


def test_the_report_page_has_one_main_and_no_two_landmarks_of_one_name():
    html = render_html(full_assessment())
    assert html.count("<main>") == 1 and html.count("</main>") == 1
    body = html[html.index("<body>") :]
    assert body.index("<main>") < body.index('class="cover"')
    assert body.index("</main>") > body.index('class="colophon"')
    # Boxes of the form and the method note are notes, not complementary landmarks.
    asides = re.findall(r"<aside [^>]*>", html)
    assert asides and all('role="note"' in a for a in asides)
    # Regions (sections with a name) are named uniquely: by their ids' headings.
    names = Counter(re.findall(r'<section [^>]*aria-labelledby="([^"]+)"', html))
    assert names and max(names.values()) == 1
    judgements = [n for n in names if "judgement" in n]
    assert judgements and all(len(n.split()) == 2 for n in judgements)


def test_the_history_lists_writes_as_articles_not_as_regions(team):
    assessment, editor, _owner = team
    client = logged_in(editor)
    for text in ("Een", "Twee"):
        client.post(u(assessment, "answer", "2.1"), {"text": text, "lock_version": 0})
        Answer.objects.filter(assessment=assessment).delete()
    page = client.get(u(assessment, "history")).content.decode()
    assert page.count('<article class="history-write') >= 2
    assert '<section class="history-write' not in page


def test_the_service_s_own_text_has_its_headings_below_the_box_s_heading(team):
    assessment, editor, _owner = team
    response = ServiceResponse.objects.create(
        assessment=assessment,
        author="De aanbieder",
        text="# Reactie\n\nTekst.\n\n## Details\n\nMeer.",
        submitted_by_service=True,
    )
    page = logged_in(editor).get(u(assessment, "response_edit", response.pk)).content.decode()
    box = page[
        page.index('id="verbatim-heading"') : page.index("</section>", page.index("verbatim"))
    ]
    assert "<h3>Reactie</h3>" in box and "<h4>Details</h4>" in box


def test_an_empty_header_cell_of_a_markdown_table_is_a_plain_cell():
    html = render(CORNER)
    assert "<th></th>" not in html and "<td></td>" in html
    assert "<th>Nu</th>" in html


def test_a_markdown_table_on_a_page_scrolls_in_its_own_named_focusable_box(team):
    assessment, editor, _owner = team
    Answer.objects.create(assessment=assessment, question="2.1", text=CORNER)
    Answer.objects.create(
        assessment=assessment, question="2.2", text="| A & B | C |\n|---|---|\n| 1 | 2 |"
    )
    page = logged_in(editor).get(u(assessment, "chapter", 2)).content.decode()
    assert (
        '<div class="table-responsive answer-table" tabindex="0" role="region" '
        'aria-label="Table: Nu, Straks"><table>' in page
    )
    assert 'aria-label="Table: A &amp; B, C"' in page
