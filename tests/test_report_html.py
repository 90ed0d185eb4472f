"""The report's HTML and the data behind it: content, numbering, tables, heat map, queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from assessments.domain import instrument, scoring
from assessments.domain.constants import MeasureStatus
from assessments.domain.models import Answer, Measure, ProportionalityItem
from assessments.outputs.report.data import build_report
from assessments.outputs.report.render import render_html, report_html
from assessments.outputs.report.typography import typeset
from tests import factories
from tests.builders import full_assessment

pytestmark = pytest.mark.django_db

FOOTNOTE = re.compile(r'<sup class="fn-call"><a href="#fn-(\d+)" id="fnref-\1"[^>]*>\1</a></sup>'
                      r'<span class="footnote"><a class="fn-number" id="fn-(\d+)" '
                      r'href="#fnref-\2"[^>]*>\2</a> ([^<]*)')  # fmt: skip


def table_of(html: str, css_class: str) -> str:
    """The first table with ``css_class``."""
    start = html.index(f'class="{css_class}')
    return html[start : html.index("</table>", start)]


def test_every_question_appears_with_its_official_text_in_the_report_language():
    english = render_html(full_assessment(language="en"))
    dutch = render_html(full_assessment(language="nl"))
    for q in instrument.QUESTIONS:  # verbatim, typeset (quotes, no-break spaces)
        en = typeset(escape(q.text.en), "en")
        nl = typeset(escape(q.text.nl), "nl")
        assert f'<span class="number">{q.number}</span> {en}</h3>' in english
        assert f'<span class="number">{q.number}</span> {nl}</h3>' in dutch
    for part in instrument.question("2.3").parts:
        assert f'<span class="number">{part.number}</span> {part.title.en}' in english
    assert '<html lang="en">' in english and '<html lang="nl">' in dutch


def test_answers_are_rendered_as_markdown_in_document_order():
    html = render_html(full_assessment())
    positions = [html.index(f"Answer to {key}.") for key in ("2.2", "2.4", "3.1", "4.1", "5.6")]
    assert positions == sorted(positions)
    assert "<li>No data on likelihood.</li>" in html  # limitations, a Markdown list
    assert "Children from 13 may sign up." in html  # pre-scan note
    assert "a KIA is needed: continue with the questions" in html  # stop rule outcome
    assert "Next re-assessment: 1 June 2026" in html


def test_cover_and_front_matter():
    html = render_html(full_assessment())
    cover = html[html.index('class="cover"') : html.index('class="toc"')]
    for text in (
        "Children’s Rights Impact Assessment of ClipShare",  # typeset
        "ClipShare Ltd.",
        "Research Bureau",
        "Ministry of the Interior",
        "external assessment of someone else’s service",
        "1 October 2024 – 31 December 2024",
        "draft",
        "working draft of",
        "not a recorded version",
    ):
        assert text in cover
    assert "The service did not cooperate in this assessment." in html
    assert "ClipShare declined every request." in html
    assert 'name="author" content="Research Bureau"' in html
    assert "<title>Children&#x27;s Rights Impact Assessment of ClipShare</title>" in html


def test_table_of_contents_links_to_every_heading_it_lists():
    html = render_html(full_assessment())
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    anchors = re.findall(r'<a href="#([^"]+)">', toc)
    assert {"chapter-1", "chapter-5", "q-1-1", "q-5-6", "risk-map", "appendix", "sources"} <= set(
        anchors
    )
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_footnotes_are_numbered_through_the_document_with_repeats():
    a = full_assessment()
    report = build_report(a)
    html = report_html(report)
    calls = FOOTNOTE.findall(html)
    numbers = [int(call) for call, _, _ in calls]
    assert numbers == list(range(1, len(numbers) + 1)) == [f.number for f in report.footnotes]
    assert all(call == marker for call, marker, _ in calls)
    # reading guide, cooperation note, 2.1 (twice the same source), risk R1, R2's reason
    assert [f.key for f in report.footnotes] == [
        "ofcom-2024", "dpc-2023", "ofcom-2024", "ofcom-2024", "nicam-2023", "dpc-2023",
    ]  # fmt: skip
    assert calls[2][2].startswith("Ofcom (2024). Children and parents") and calls[2] != calls[3]
    assert "(accessed on 4 November 2024)" in html
    assert 'href="https://www.ofcom.org.uk/kids"' in html


def test_unknown_citation_is_flagged_and_listed():
    report = build_report(full_assessment())
    html = report_html(report)
    assert '<span class="citation-missing">[source missing: no-such-key]</span>' in html
    assert report.missing_citations == ["no-such-key"]
    assert "no-such-key" not in [f.key for f in report.footnotes]
    sources = html[html.index('id="sources"') :]
    assert "Cited but not in the list of sources" in sources and "no-such-key" in sources


def test_source_list_names_the_footnotes_of_each_source():
    report = build_report(full_assessment())
    entries = {e.key: e.footnotes for e in report.sources}
    assert entries == {"ofcom-2024": "1, 3, 4", "dpc-2023": "2, 6", "nicam-2023": "5"}
    assert [e.citation[:4] for e in report.sources] == ["Data", "NICA", "Ofco"]  # alphabetical


def test_chapter_3_per_category_evidence_then_judgement_then_one_score_table():
    a = full_assessment()
    factories.risk(
        a, category="content", topic="Misinformation", description="False claims spread.",
        likelihood="medium", likelihood_justification="Seen weekly.", impact="low",
    )  # fmt: skip
    html = render_html(a)
    risks = html[html.index('id="chapter-3"') : html.index('id="chapter-4"')]
    assert risks.count('<table class="score-table">') == 3  # one per category with risks
    content = risks[risks.index('id="q-3-1"') : risks.index('id="q-3-2"')]
    assert content.count('<table class="score-table">') == 1
    order = [
        "Self-harm videos reach children.",  # R1's evidence
        "False claims spread.",  # the next risk's evidence
        "Risk estimate: judgement",
        "Often seen.",  # R1's likelihood judgement
        "Severe harm.",
        "Seen weekly.",
        "Risk estimate: 3.1 Content risks",  # the table's caption
    ]
    assert [content.index(text) for text in order] == sorted(content.index(t) for t in order)
    table = content[content.index('<table class="score-table">') :]
    rows = rows_of(table[: table.index("</table>")])[1:]
    assert len(rows) == 2 and "Harmful content" in rows[0] and "Misinformation" in rows[1]
    with translation.override("en"):
        high = scoring.score("high", "high")
        label = high.label
    assert f'style="background-color: {high.level.colour}">{label}</td>' in rows[0]
    assert "2 (low)" in rows[1]
    contact = risks[risks.index('id="q-3-3"') : risks.index('id="q-3-4"')]
    row = rows_of(contact[contact.index('<table class="score-table">') :])[1]
    assert "cannot be assessed" in row and "No data from the platform." in row  # the reason
    assert 'class="estimate estimate-not_assessable">cannot be assessed</td>' in row
    assert "No risks described in this category." in risks  # e.g. 3.2
    for header in ("Risk", "Likelihood", "Impact", "Risk estimate", "Reasons"):
        assert f'<th scope="col">{header}</th>' in table


def rows_of(table: str) -> list[str]:
    return [row.split("</tr>")[0] for row in table.split("<tr")[1:]]


def test_measures_tables_one_row_per_measure_with_its_own_owner():
    a = full_assessment()
    risk = a.risks.get(topic="Grooming")
    Measure.objects.create(risk=risk, title="Report button", status=MeasureStatus.IN_PLACE)
    html = render_html(a)
    chapter = html[html.index('id="chapter-4"') : html.index('id="chapter-5"')]
    assert chapter.count('<table class="measures-table">') == 3  # content, contact, privacy
    assert "Risk classification: 3.1 Content risks" in chapter
    for header in ("Risk description", "Measure", "Status and due date", "Owner"):
        assert f">{header}</th>" in chapter
    rows = rows_of(table_of(chapter, "measures-table"))[1:]  # after the header
    # R1: two measures, each with its own owner, then the residual risk once.
    assert "Harmful content" in rows[0] and "Content moderation" in rows[0]
    assert "in place" in rows[0] and "Trust &amp; Safety" in rows[0]
    assert "Product team" not in rows[0]
    assert "R1 (continued)" in rows[1] and "Age-appropriate feed" in rows[1]
    assert "Product team" in rows[1] and "due 1 September 2025" in rows[1]
    assert '<strong class="alert">overdue</strong>' in rows[1]  # planned, date passed
    assert "Residual risk" in rows[2] and "Moderation helps a little." in rows[2]
    assert len(rows) == 3 and chapter.count("Moderation helps a little.") == 1
    contact = rows_of(chapter.split('<table class="measures-table">')[2])
    assert "Report button" in contact[1] and '<strong class="alert">no owner</strong>' in contact[1]
    assert "overdue" not in contact[1]
    assert "Effect unknown." in chapter  # residual reason of R2
    privacy = chapter[chapter.index("3.6 Privacy") :]
    assert "No measures: the residual risk equals the gross risk." in privacy


def test_heat_map_places_risks_by_score_and_lists_the_rest():
    report = build_report(full_assessment())
    before, after = report.heatmaps
    assert [row.label for row in before.rows] == [
        "likelihood high", "likelihood medium", "likelihood low",
    ]  # fmt: skip
    assert before.rows[0].cells[2].risks == "R1"  # likelihood high × impact high
    assert after.rows[1].cells[2].risks == "R1"  # residual: medium × high
    for row, likelihood in zip(before.rows, ("high", "medium", "low"), strict=True):
        for cell, impact in zip(row.cells, ("low", "medium", "high"), strict=True):
            assert cell.colour == scoring.score(likelihood, impact).level.colour
    assert [str(u) for u in before.unplaced] == [
        "R2 Grooming (cannot be assessed)", "R3 Profiling (not scored yet)",
    ]  # fmt: skip
    assert "No data from the platform." in before.unplaced[0].details[0]  # the reason
    html = report_html(report)
    grid = table_of(html, "heatmap")
    assert '<span class="risks">R1</span>' in grid
    assert grid.count("<td style=") == 9
    assert '<span class="label">R2 Grooming</span> (cannot be assessed)' in html


def test_no_placed_risk_gives_one_sentence_and_the_reasons_instead_of_empty_maps():
    a = full_assessment()
    a.risks.update(likelihood="not_assessable", likelihood_reason="No data.", residual_impact="")
    html = render_html(a)
    risk_map = html[html.index('id="risk-map"') :]
    assert '<table class="heatmap">' not in risk_map
    assert risk_map.count("No risk can be placed in a heat map") == 1
    assert risk_map.count("No data.") == 3  # each risk with its reason, once


def test_method_note_states_scale_product_and_bands_from_the_matrix():
    html = render_html(full_assessment())
    note = html[html.index('class="method-note"') :]
    note = note[: note.index("</aside>")]
    assert "likelihood × impact" in note
    for level in scoring.get_matrix().levels:
        assert level.colour in note
    assert "1–2 low" in note and "3–4 medium" in note and "6–9 high" in note


def test_stopped_prescan_prints_chapter_1_and_says_the_rest_was_not_required():
    a = full_assessment()
    a.prescan_accessible_to_minors = "no"
    a.prescan_can_exclude_minors = "yes"
    a.save()
    html = render_html(a)
    assert 'id="chapter-1"' in html and 'id="chapter-2"' not in html
    assert "no KIA is needed" in html
    assert "chapters 2 to 5 were not required" in html
    assert "Not answered." not in html


def test_proportionality_table_with_question_numbers():
    html = render_html(full_assessment())
    table = table_of(html, "proportionality-table")
    assert ">Benefits (see the intended goals)</th>" in table
    assert ">Harms (negative impact on children)</th>" in table
    organisation = table.index("Benefits for the organisation")
    children = table.index("Benefits for children’s wellbeing")
    assert organisation < table.index("Profit") < children
    assert children < table.index("Fun and creativity") < table.index("Harmful content")
    assert '<span class="ref">(see 2.5)</span>' in table
    assert '<span class="ref">(see 2.10)</span>' in table
    assert 'Harmful content <span class="ref">(3.1)</span>' in table
    assert "Answer to 5.3." in html  # the weighing under the table


def test_proportionality_table_falls_back_to_goals_contributions_and_risks():
    a = full_assessment()
    ProportionalityItem.objects.filter(assessment=a).delete()
    table = table_of(render_html(a), "proportionality-table")
    assert 'Making a profit <span class="ref">(see 2.5)</span>' in table
    assert 'Benefit 2.14 <span class="ref">(see 2.14)</span>' in table
    assert 'Grooming <span class="ref">(3.3)</span>' in table


def test_appendix_shows_responses_and_replies():
    html = render_html(full_assessment())
    appendix = html[html.index('id="appendix"') : html.index('id="sources"')]
    assert "Response of ClipShare Ltd." in appendix and "Received on 10 March 2025" in appendix
    assert "We disagree with the findings on moderation." in appendix
    assert "Reply of Research Bureau" in appendix and "The findings stand; see 3.1." in appendix


def test_draft_has_a_watermark_and_final_has_none():
    assert '<div class="watermark pdf-artifact" aria-hidden="true">DRAFT</div>' in render_html(
        full_assessment()
    )
    assert 'class="watermark' not in render_html(full_assessment(status="final"))
    dutch = render_html(full_assessment(language="nl"))
    assert '<div class="watermark pdf-artifact" aria-hidden="true">CONCEPT</div>' in dutch
    assert "niet te beoordelen" in dutch  # score labels follow the report's language


def test_user_html_is_shown_as_text_and_never_becomes_markup():
    a = full_assessment()
    Answer.objects.filter(assessment=a, question="2.2").update(
        text='<img src="http://127.0.0.1:1/x"> <link rel=stylesheet href="http://127.0.0.1:1/s">'
        " <style>body{display:none}</style> ![x](file:///etc/passwd)"
    )
    html = render_html(a)
    assert "<img" not in html
    assert html.count("<link") == 1 and html.count("<style") == 1  # the report's own
    assert "&lt;style&gt;body{display:none}&lt;/style&gt;" in html


def test_browser_preview_links_the_stylesheet_under_static_url():
    a = full_assessment()
    assert 'href="kia-static:report/report.css"' in render_html(a)
    assert 'href="/static/report/report.css"' in render_html(a, for_pdf=False)


def query_count(assessment) -> int:
    with CaptureQueriesContext(connection) as context:
        build_report(assessment)
    return len(context)


def test_building_the_report_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    small = full_assessment()
    large = full_assessment(extra_risks=10, measures_per_risk=3, cite="nicam-2023")
    assert query_count(small) == query_count(large)
    # One query per kind of row the report prints (and a few for the assessment itself);
    # the consultations of children and their findings are two of them.
    with django_assert_max_num_queries(14):
        report = build_report(large)
    assert len(report.risks) == 13
    assert report.footnote_count == 6 + 10 * (1 + 3)  # each risk and measure cites once


def test_prescan_answers_and_question_1_3_when_it_does_not_apply():
    html = render_html(full_assessment())
    chapter = html[html.index('id="chapter-1"') : html.index('id="chapter-2"')]
    assert chapter.count('<span class="tick ticked"><span class="box">☑</span> Yes</span>') == 2
    assert "Not applicable: question 1.2 was answered ‘yes’." in chapter


def test_citations_next_to_each_other_are_separated():
    a = full_assessment()
    Answer.objects.filter(assessment=a, question="2.2").update(
        text="Two sources.[^ofcom-2024][^dpc-2023] Then text.[^nicam-2023]"
    )
    html = render_html(a)
    assert html.count('<sup class="citation-sep">,\u202f</sup>') == 1
    assert re.search(
        r'</span><sup class="citation-sep">,\u202f</sup><sup class="fn-call"><a href="#fn-6"', html
    )


def test_instrument_texts_and_the_ten_instruction_boxes_in_place():
    a = full_assessment(language="nl")
    html = render_html(a)
    assert len(instrument.INSTRUCTIONS) == 10
    positions = []
    for box in instrument.INSTRUCTIONS:
        text = typeset(escape(box.text.nl), "nl")
        assert html.count(text) == 1, box.text.nl
        positions.append(html.index(text))
    assert positions == sorted(positions)  # in the form's order
    assert html.count('<aside class="instruction"') == 10
    # Each box where the form has it: after its chapter's (or section's) own introduction.
    for place, before, after in (
        ("introduction", 'id="introduction"', 'id="chapter-1"'),
        ("chapter-1", 'id="chapter-1"', 'id="q-1-1"'),
        ("chapter-3", 'id="chapter-3"', 'id="q-3-1"'),
        ("chapter-5", 'id="chapter-5"', 'id="q-5-1"'),
        ("section-2.8", 'id="q-2-7"', 'id="q-2-8"'),
    ):
        part = html[html.index(before) : html.index(after)]
        for text in instrument.instructions(place):
            assert typeset(escape(text.nl), "nl") in part
    for text in (*instrument.INTRODUCTION, *instrument.CHAPTER_INTRODUCTIONS.values()):
        assert typeset(escape(text.nl), "nl") in html
    assert typeset(escape(instrument.SECTION_INTRODUCTIONS["3.5"].nl), "nl") in html


def test_instrument_texts_can_be_left_out():
    a = full_assessment(language="nl", report_instrument_texts=False)
    html = render_html(a)
    assert '<aside class="instruction"' not in html and 'id="introduction"' not in html
    assert typeset(escape(instrument.CHAPTER_INTRODUCTIONS[2].nl), "nl") not in html
    assert (
        typeset(escape(instrument.CHAPTERS[1].intro.nl), "nl") in html
    )  # our short summary instead
    assert typeset(instrument.STOP_RULE.nl, "nl") in html  # the stop rule stays with the outcome


def test_stop_rule_text_next_to_the_outcome_and_ticks_for_yes_no():
    html = render_html(full_assessment())
    chapter = html[html.index('id="chapter-1"') : html.index('id="chapter-2"')]
    outcome = chapter[chapter.index('class="prescan-outcome"') :]
    assert typeset(escape(instrument.STOP_RULE.en), "en") in outcome
    assert outcome.index("Stop rule of the form") < outcome.index("Outcome of the pre-scan")
    q11 = chapter[chapter.index('id="q-1-1"') : chapter.index('id="q-1-2"')]
    assert '<span class="tick ticked"><span class="box">☑</span> Yes</span>' in q11
    assert '<span class="tick"><span class="box">☐</span> No</span>' in q11


def test_5_3_references_are_in_the_report_language_whoever_filled_the_table():
    a = full_assessment(language="nl")
    ProportionalityItem.objects.filter(assessment=a).delete()
    goal = a.goals.first()
    ProportionalityItem.objects.create(
        assessment=a, side="organisation_benefit", text=goal.title, goal=goal
    )
    with translation.override("en"):  # the interface language of whoever renders it
        table = table_of(render_html(a), "proportionality-table")
    assert f'{escape(goal.title)} <span class="ref">(zie 2.5)</span>' in table
