"""The chapters of the instrument and their questions, in print order: each question as
its kind of answer is printed (yes/no, goals, a contribution, parts, per goal, text); the
risks, measures and the 5.3 table come from ``risks``, ``heatmaps`` and ``weighing``."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from assessments.domain import instrument
from assessments.domain.constants import YesNo
from assessments.domain.instrument import AnswerKind
from assessments.outputs.report.content import heatmaps, risks, weighing
from assessments.outputs.report.content.blocks import (
    EMPTY,
    Chapter,
    ContributionBlock,
    GoalAnswer,
    Part,
    Question,
    Section,
    Tick,
    TocEntry,
)
from assessments.outputs.report.content.walk import Walk


def chapter(walk: Walk, chapter: instrument.Chapter) -> Chapter:
    anchor = f"chapter-{chapter.number}"
    title = chapter.title.get(walk.language)
    walk.toc.append(TocEntry(1, anchor, f"{chapter.number}. {title}"))
    sections = []
    texts = walk.a.report_instrument_texts  # the form's own texts, or our summaries
    for section in chapter.sections:
        first = section.questions[0].number
        official = instrument.SECTION_INTRODUCTIONS.get(first) if texts else None
        intro = section.intro.get(walk.language) if section.intro else ""
        block = Section(
            section.title.get(walk.language),
            official.get(walk.language) if official else intro,
            [],
            official=official is not None,
            boxes=walk.boxes(f"section-{first}"),
        )
        block.questions = [question(walk, q) for q in section.questions]
        sections.append(block)
    extra = lead = ""
    if chapter.number == 3:
        lead = "report/method_note.html"
    if chapter.number == 1:
        walk.prescan_note = walk.md(walk.a.prescan_note)
        extra = "report/prescan_outcome.html"
    if chapter.number == 4:
        heatmaps.risk_map(walk)
        extra = "report/risk_map.html"
    official = instrument.CHAPTER_INTRODUCTIONS.get(chapter.number) if texts else None
    return Chapter(
        chapter.number,
        title,
        (official or chapter.intro).get(walk.language),
        anchor,
        sections,
        extra,
        lead_template=lead,
        official=official is not None,
        boxes=walk.boxes(f"chapter-{chapter.number}"),
    )


def question(walk: Walk, q: instrument.Question) -> Question:
    text = q.text.get(walk.language)
    short = q.short.get(walk.language) if q.short else ""
    if q.values:  # 2.8-2.14 are known by the wellbeing value they are built on
        short = capfirst(", ".join(v.name.get(walk.language) for v in q.values))
    block = Question(
        number=q.number,
        kind=str(q.kind),
        text=text,
        anchor=f"q-{q.number.replace('.', '-')}",
        bookmark=f"{q.number} {short or text}",
        template=f"report/questions/{q.kind}.html",
    )
    walk.toc.append(TocEntry(2, block.anchor, f"{q.number} {short or _shorten(text)}"))
    if q.kind == AnswerKind.YES_NO:
        field_name = instrument.PRESCAN_FIELDS[q.number]
        value = getattr(walk.a, field_name)
        block.yes_no = _yes_no(value)
        block.ticks = [Tick(capfirst(str(choice.label)), value == choice) for choice in YesNo]
        if q.number == "1.3" and walk.a.prescan_accessible_to_minors == YesNo.YES:
            block.yes_no = _("Not applicable: question 1.2 was answered 'yes'.")
            block.ticks = []
    elif q.kind == AnswerKind.GOALS:
        block.goals = [
            GoalAnswer(capfirst(goal.get_kind_display()), goal.title, walk.md4(goal.description))
            for goal in walk.goals
        ]
    elif q.kind == AnswerKind.CONTRIBUTION:
        row = walk.contributions.get(q.number)
        block.contribution = ContributionBlock(
            values=", ".join(v.name.get(walk.language) for v in q.values),
            elements=", ".join(e.get(walk.language) for e in q.elements),
            html=walk.md(row.text) if row else EMPTY,
        )
    elif q.kind == AnswerKind.RISKS:
        block.category = risks.category(walk, q)
    elif q.kind == AnswerKind.MEASURES:
        block.answer = walk.answer(q.number)
        block.measure_groups = risks.measure_groups(walk)
    elif q.kind == AnswerKind.PROPORTIONALITY:
        block.proportionality = weighing.proportionality(walk)
    elif q.parts:
        block.parts = [
            Part(
                part.number,
                part.title.get(walk.language),
                walk.md4(walk.answers.get(part.number, "")),
            )
            for part in q.parts
        ]
    else:
        block.answer = walk.answer(q.number)
    if q.per_goal:
        attribute = instrument.GOAL_FIELDS
        block.goals = [
            GoalAnswer(
                capfirst(goal.get_kind_display()),
                goal.title,
                walk.md4(getattr(goal, attribute[q.number])),
            )
            for goal in walk.goals
        ]
    block.note = weighing.reassessment_note(walk, q)
    return block


def _yes_no(value: str) -> str:
    return capfirst(str(YesNo(value).label) if value else _("not answered"))


def _shorten(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + " …"
