"""Report drift: every field of every content model is printed in the report (PDF and Word),
or listed in ``LEFT_OUT`` with the reason why not. A field a team fills in that no reader
ever sees is a defect.

The content models are ``rowkinds.CONTENT_MODELS``, their fields ``editing.recorded_fields``
(bookkeeping such as ids, lock versions and who changed a row is not there). A few
assessments are built through the write path (``editing``, ``lifecycle``), every field of
every row with a value of its own: a marker such as ``mk-risk-description-a-mk`` for a text,
and distinctive dates, choices and numbers. Their reports are rendered once for the module
(``render.render_html``, and the Word file through ``docx.render_docx``, which converts the
same HTML) inside a transaction that is rolled back; each field then is one test case that
looks for the field's value where a reader would find it: a choice by its printed label, a
date as the report prints it (``j F Y`` in the report's language), a link to another row
by what the report shows of that row, ``order`` by position.

The report prints some parts only in some cases, so there are variants:

* ``full-en``: an external assessment in English, submitted for review, in which every part
  prints: the pre-scan says a KIA is needed, the 5.3 table is filled in, one risk is scored
  and another cannot be assessed (with all four reasons), one measure is dropped;
* ``full-nl``: the same content in Dutch, as a draft;
* ``published-en``: ``full-en`` finalised and published, printed from its version (what
  the public PDF is made from);
* ``plain-en``: a self-assessment without the instrument's own texts, whose service did
  not cooperate, with an empty 5.3 table (printed from goals, contribution summaries and
  risks);
* ``stopped-nl``: a pre-scan that says no KIA is needed (chapters 2-5 are not printed).

A field that is not printed without a good reason is a case marked ``xfail(strict=True)``
with ``defect=...``: visible in every run, and failing (as a strict xpass) once it is fixed,
so the mark must go then.
"""

from __future__ import annotations

import datetime
import html as html_lib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext
from PIL import Image

from assessments.domain import editing, figures, instrument, lifecycle, versions
from assessments.domain.constants import (
    AssessmentKind,
    Channel,
    GoalKind,
    MeasureStatus,
    ProportionalitySide,
    Role,
    VersionReason,
    YesNo,
)
from assessments.domain.editing import recorded_fields
from assessments.domain.models import (
    Answer,
    Assessment,
    Consultation,
    ConsultationFinding,
    Contribution,
    Figure,
    Goal,
    Measure,
    ProportionalityItem,
    ReplyInvitation,
    Risk,
    ServiceResponse,
    Source,
)
from assessments.domain.models.consultations import Evidence, Method, UsesService
from assessments.domain.rowkinds import CONTENT_MODELS
from assessments.domain.scoring import Score
from assessments.domain.states import Status
from assessments.outputs.report.docx import render_docx
from assessments.outputs.report.render import render_html
from assessments.outputs.report.typography import typeset
from tests import factories

# The reports are rendered once, by a module fixture; marking the tests makes pytest-django
# set up the test database for it (a run of this file alone would otherwise have none).
pytestmark = pytest.mark.django_db

# --- What is deliberately not printed -----------------------------------------------------------

LEFT_OUT: dict[tuple[str, str], str] = {
    # The links to the children's rights library and the items marked not relevant are
    # printed in the annex "Kinderrechten" and the "Raakt:" lines, which
    # tests/test_library_outputs.py checks on the report itself (this test's document has
    # no library rows).
    **{
        (model, field): "printed in the children's rights annex (tests/test_library_outputs.py)"
        for model, fields in {
            "LibraryLink": ("item", "goal", "contribution", "risk", "measure", "note"),
            "CoverageExclusion": ("item", "reason"),
        }.items()
        for field in fields
    },
    ("LibraryLink", "item_version"): (
        "which text of the item the team linked: bookkeeping for the notice of a newer "
        "library version; the report prints the item's reference and title"
    ),
    ("Assessment", "slug"): (
        "the short name in the app's links (/a/<slug>/); it means nothing on paper"
    ),
    ("Assessment", "finalised_at"): (
        "set by the lifecycle, not filled in; the report dates itself by the version it is "
        "made from (cover and colophon 'Version n, date') and by the sign-off's date"
    ),
    ("Assessment", "published_at"): (
        "set by the lifecycle, not filled in; the public report is made from the version "
        "recorded on publishing, whose date the cover and colophon print"
    ),
    ("Source", "key"): (
        "the handle answers cite the source by ([^key]); the report prints each citation as "
        "a numbered footnote with the source's citation, and the source list names the "
        "footnotes that cite it"
    ),
    ("Figure", "key"): (
        "the handle answers show the figure by ([[fig:key]]); the report numbers figures "
        "('Figure n') and refers to them by that number"
    ),
    ("Figure", "width"): (
        "measured from the uploaded image by the app (figures.attach), not filled in; the "
        "picture itself is printed, scaled to the page"
    ),
    ("Figure", "height"): (
        "measured from the uploaded image by the app (figures.attach), not filled in; the "
        "picture itself is printed, scaled to the page"
    ),
    ("ServiceResponse", "invitation"): (
        "the link the service replied through (contact, e-mail, hashed token) is this "
        "deployment's workflow, not set by hand; what a reader needs of it (who responded, "
        "when, about which version, verbatim) is printed from author, received_on, "
        "version_number and submitted_by_service"
    ),
}

# --- Values -------------------------------------------------------------------------------------


MARKERS: set[str] = set()  # every marker made, for test_no_marker_hides_another


def mk(model: str, name: str, row: str = "") -> str:
    """The marker text of a field: ``mk-risk-likelihood-justification-a-mk`` (the closing
    "-mk" keeps one marker from being the start of another)."""
    parts = ["mk", model.lower(), name.replace("_", "-"), *([row] if row else []), "mk"]
    marker = "-".join(parts)
    MARKERS.add(marker)
    return marker


PERIOD_START = datetime.date(2027, 2, 3)
PERIOD_END = datetime.date(2028, 11, 14)
NEXT_REASSESSMENT = datetime.date(2033, 6, 21)
DUE = datetime.date(2034, 8, 9)  # in the future: the measure is not overdue
ACCESSED = datetime.date(2023, 1, 17)
RECEIVED = datetime.date(2022, 4, 5)
RECEIVED_BY_SERVICE = datetime.date(2022, 5, 6)
REPLIED = datetime.date(2022, 9, 28)
VERSION_A, VERSION_B, VERSION_C = 47, 53, 61  # a response's "about version n"

SOURCE_URL = "https://example.org/mk-source-url-a"
FIGURE_SOURCE_URL = "https://example.org/mk-figure-source-url-b"
FIGURE_SOURCE_URL_C = "https://example.org/mk-figure-source-url-c"
OWNER_FIRST, OWNER_LAST = "Mira", "mk-measure-owner-user-a"


def slug_of(key: str) -> str:
    return key.replace(".", "-")


def answer_text(key: str) -> str:
    return mk("answer", "text", slug_of(key))


def contribution_text(number: str) -> str:
    return mk("contribution", "text", slug_of(number))


def contribution_summary(number: str) -> str:
    return mk("contribution", "summary", slug_of(number))


def png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


# --- Building the assessments through the write path ---------------------------------------------


@dataclass
class People:
    editor: object
    owner: object
    reviewer: object
    measure_owner: object


def people(org) -> People:
    return People(
        editor=factories.member(org, Role.EDITOR, first_name="Eddie", last_name="Editor"),
        owner=factories.member(org, Role.OWNER, first_name="Olga", last_name="Owner"),
        reviewer=factories.member(org, Role.REVIEWER, first_name="Rudi", last_name="Reviewer"),
        measure_owner=factories.member(
            org, Role.EDITOR, first_name=OWNER_FIRST, last_name=OWNER_LAST
        ),
    )


def new_assessment(org, actor: editing.Actor, **values) -> Assessment:
    assessment = Assessment(organisation=org, **values)
    return editing.create(assessment, actor=actor, assessment=None)  # type: ignore[return-value]


def figure(assessment: Assessment, image: bytes, **values) -> Figure:
    row = Figure(assessment=assessment, **values)
    figures.attach(row, figures.check(image))
    return row


def build_full(org, who: People, language: str) -> tuple[Assessment, dict[str, str]]:
    """Every part of the report has something to print; every field a value of its own."""
    actor = editing.Actor(who.editor)
    a = new_assessment(
        org,
        actor,
        slug=f"drift-full-{language}",
        title=mk("assessment", "title"),
        kind=AssessmentKind.EXTERNAL,
        service_name=mk("assessment", "service_name"),
        service_provider=mk("assessment", "service_provider"),
        assessor=mk("assessment", "assessor"),
        commissioner=mk("assessment", "commissioner"),
        period_start=PERIOD_START,
        period_end=PERIOD_END,
        service_cooperated=True,
        cooperation_note=mk("assessment", "cooperation_note"),
        language=language,
        reading_guide=mk("assessment", "reading_guide"),
        disclaimers=mk("assessment", "disclaimers"),
        limitations=mk("assessment", "limitations"),
        report_instrument_texts=True,
        prescan_offers_service=YesNo.YES,
        prescan_accessible_to_minors=YesNo.NO,
        prescan_can_exclude_minors=YesNo.NO,  # with 1.2 "no": a KIA is needed
        prescan_note=mk("assessment", "prescan_note"),
        next_reassessment_on=NEXT_REASSESSMENT,
        child_summary=mk("assessment", "child_summary"),
    )
    data: dict[str, str] = {}
    with transaction.atomic():
        batch = editing.Batch(actor, a)
        sources = {
            "a": Source(
                assessment=a,
                key="drift-source-a",
                citation=mk("source", "citation", "a"),
                url=SOURCE_URL,
                accessed_on=ACCESSED,
                note=mk("source", "note", "a"),
            ),
            "b": Source(assessment=a, key="drift-source-b", citation=mk("source", "citation", "b")),
        }
        for source in sources.values():
            batch.create(source)
        for key in instrument.ANSWER_KEYS:
            text = answer_text(key)
            if key == "2.1":
                text += " [^drift-source-a]"
            batch.create(Answer(assessment=a, question=key, text=text))
        goals = {
            "main": Goal(
                assessment=a,
                kind=GoalKind.MAIN,
                title=mk("goal", "title", "main"),
                description=mk("goal", "description", "main"),
                effectiveness=mk("goal", "effectiveness", "main"),
                achievement=mk("goal", "achievement", "main"),
                subsidiarity=mk("goal", "subsidiarity", "main"),
            ),
            # Created first but placed second: ``order`` decides.
            "x": Goal(assessment=a, kind=GoalKind.SUB, title=mk("goal", "title", "x"), order=1),
            "y": Goal(assessment=a, kind=GoalKind.SUB, title=mk("goal", "title", "y"), order=0),
        }
        for goal in goals.values():
            batch.create(goal)
        contributions = {}
        for q in instrument.CONTRIBUTION_QUESTIONS:
            contributions[q.number] = Contribution(
                assessment=a,
                question=q.number,
                text=contribution_text(q.number),
                summary=contribution_summary(q.number),
            )
            batch.create(contributions[q.number])
        risks = {
            "a": Risk(  # scored, before and after measures
                assessment=a,
                category="content",
                topic=mk("risk", "topic", "a"),
                raised_in="2.10",
                description=mk("risk", "description", "a"),
                order=1,
                likelihood=Score.HIGH,
                likelihood_justification=mk("risk", "likelihood_justification", "a"),
                impact=Score.LOW,
                impact_justification=mk("risk", "impact_justification", "a"),
                residual_description=mk("risk", "residual_description", "a"),
                residual_likelihood=Score.LOW,
                residual_impact=Score.MEDIUM,
            ),
            "b": Risk(  # cannot be assessed, before or after measures: four reasons
                assessment=a,
                category="contact",
                topic=mk("risk", "topic", "b"),
                description=mk("risk", "description", "b"),
                likelihood=Score.NOT_ASSESSABLE,
                likelihood_reason=mk("risk", "likelihood_reason", "b"),
                impact=Score.NOT_ASSESSABLE,
                impact_reason=mk("risk", "impact_reason", "b"),
                residual_description=mk("risk", "residual_description", "b"),
                residual_likelihood=Score.NOT_ASSESSABLE,
                residual_likelihood_reason=mk("risk", "residual_likelihood_reason", "b"),
                residual_impact=Score.NOT_ASSESSABLE,
                residual_impact_reason=mk("risk", "residual_impact_reason", "b"),
            ),
            "c": Risk(  # created after a, printed before it (order)
                assessment=a,
                category="content",
                topic=mk("risk", "topic", "c"),
                order=0,
                likelihood=Score.LOW,
                impact=Score.LOW,
                residual_likelihood=Score.LOW,
                residual_impact=Score.LOW,
            ),
        }
        for risk in risks.values():
            batch.create(risk)
        batch.create(
            Measure(
                risk=risks["a"],
                title=mk("measure", "title", "a"),
                description=mk("measure", "description", "a"),
                status=MeasureStatus.IN_PROGRESS,
                owner_user=who.measure_owner,
                due_date=DUE,
                order=1,
            )
        )
        batch.create(
            Measure(
                risk=risks["a"],
                title=mk("measure", "title", "b"),
                status=MeasureStatus.DROPPED,
                status_reason=mk("measure", "status_reason", "b"),
                owner=mk("measure", "owner", "b"),
                order=0,
            )
        )
        for item in (
            ProportionalityItem(
                assessment=a,
                side=ProportionalitySide.ORGANISATION_BENEFIT,
                text=mk("item", "text", "organisation"),
                goal=goals["main"],
            ),
            ProportionalityItem(
                assessment=a,
                side=ProportionalitySide.CHILD_BENEFIT,
                text=mk("item", "text", "children"),
                contribution=contributions["2.10"],
            ),
            ProportionalityItem(
                assessment=a,
                side=ProportionalitySide.HARM,
                text=mk("item", "text", "harm-a"),
                risk=risks["b"],
                order=1,
            ),
            ProportionalityItem(
                assessment=a,
                side=ProportionalitySide.HARM,
                text=mk("item", "text", "harm-b"),
                order=0,
            ),
        ):
            batch.create(item)
        figure_a = figure(
            a,
            png((40, 30), (21, 66, 115)),
            key="drift-figure-a",
            caption=mk("figure", "caption", "a"),
            alt_text=mk("figure", "alt_text", "a"),
            source=sources["b"],
            order=1,
        )
        figure_b = figure(
            a,
            png((50, 20), (200, 30, 30)),
            key="drift-figure-b",
            caption=mk("figure", "caption", "b"),
            alt_text=mk("figure", "alt_text", "b"),
            source_text=mk("figure", "source_text", "b"),
            source_url=FIGURE_SOURCE_URL,
            order=0,
        )
        batch.create(figure_a)
        batch.create(figure_b)
        data["image-a"] = figure_a.image.name
        data["image-b"] = figure_b.image.name
        batch.create(
            ServiceResponse(
                assessment=a,
                author=mk("serviceresponse", "author", "a"),
                received_on=RECEIVED,
                text=mk("serviceresponse", "text", "a"),
                reply=mk("serviceresponse", "reply", "a"),
                reply_author=mk("serviceresponse", "reply_author", "a"),
                replied_on=REPLIED,
                version_number=VERSION_A,
                order=1,
            )
        )
        _consultations(batch, a, goals["main"], contributions["2.10"], risks["b"])
        batch.finish()
    # The service's own response, through an invitation to a recorded version.
    version = versions.record(a, actor=actor, reason=VersionReason.MANUAL)
    invitation = ReplyInvitation.objects.create(
        assessment=a,
        version=version,
        contact_name="Contact",
        contact_organisation=mk("serviceresponse", "author", "b"),
        email="contact@example.org",
        deadline=datetime.date(2099, 1, 1),
        token_hash=f"{a.pk:064d}",
    )
    editing.create(
        ServiceResponse(
            assessment=a,
            author=mk("serviceresponse", "author", "b"),
            received_on=RECEIVED_BY_SERVICE,
            text=mk("serviceresponse", "text", "b"),
            version_number=VERSION_B,
            submitted_by_service=True,
            invitation=invitation,
            order=0,
        ),
        actor=editing.Actor(None, Channel.REPLY, label="Contact"),
        assessment=a,
    )
    a.refresh_from_db()
    return a, data


HELD_FROM, HELD_UNTIL, FEEDBACK_ON = (datetime.date(2026, 3, d) for d in (4, 11, 27))
CHILDREN = 37


def _consultations(batch, a: Assessment, goal, contribution, risk) -> None:
    """A consultation of children with every field, a finding linked to every kind of row,
    and a second one whose consent was not asked (issue 20)."""
    text = {
        name: mk("consultation", name)
        for name in (
            "title", "method_note", "facilitator", "facilitator_expertise", "age_bands",
            "recruitment", "groups", "vulnerable_groups", "assent", "parental_consent",
            "withdrawal", "safeguarding", "data_handling", "feedback_form", "feedback",
            "limitations",
        )
    }  # fmt: skip
    consultation = Consultation(
        assessment=a,
        held_from=HELD_FROM,
        held_until=HELD_UNTIL,
        method=Method.FOCUS_GROUP,
        children_count=CHILDREN,
        uses_service=UsesService.SOME,
        questions=[{"text": mk("consultation", "questions"), "informs": ["3.4"]}],
        feedback_on=FEEDBACK_ON,
        requirements={"inclusive": {"met": True, "note": mk("consultation", "requirements")}},
        order=0,
        **text,
    )
    batch.create(
        Consultation(
            assessment=a,
            title="Survey",
            method=Method.SURVEY,
            no_consent_reason=mk("consultation", "no_consent_reason"),
            order=1,
        )
    )
    batch.create(consultation)  # created after the survey, printed before it (``order``)
    batch.create(
        ConsultationFinding(
            consultation=consultation,
            order=1,
            text=mk("consultationfinding", "text"),
            contribution=contribution,
            goal=goal,
            risk=risk,
            measure=Measure.objects.filter(risk__assessment=a).order_by("pk").first(),
            library_items=["urn:kia:ivrk:art-12"],
            weight=mk("consultationfinding", "weight"),
            change=mk("consultationfinding", "change"),
            evidence=Evidence.EVIDENTIAL,
            follow_up=True,
        )
    )
    batch.create(
        ConsultationFinding(consultation=consultation, order=0, text="Second finding, first")
    )


def build_plain(org, who: People) -> Assessment:
    """A self-assessment in English: no instrument texts, the service did not cooperate, an
    empty 5.3 table, and the cases the full assessment cannot show at once."""
    actor = editing.Actor(who.editor)
    a = new_assessment(
        org,
        actor,
        slug="drift-plain",
        title="Plain",
        kind=AssessmentKind.SELF,
        service_name="Plain service",
        assessor=mk("assessment", "assessor", "self"),
        commissioner=mk("assessment", "commissioner", "self"),
        service_cooperated=False,
        language="en",
        report_instrument_texts=False,
        prescan_offers_service=YesNo.YES,
        prescan_accessible_to_minors=YesNo.YES,
        no_consultation_reason=mk("assessment", "no_consultation_reason"),
    )
    with transaction.atomic():
        batch = editing.Batch(actor, a)
        source = Source(assessment=a, key="drift-source-c", citation=mk("source", "citation", "c"))
        batch.create(source)
        batch.create(Goal(assessment=a, kind=GoalKind.MAIN, title="Plain goal"))
        for q in instrument.CONTRIBUTION_QUESTIONS:
            batch.create(
                Contribution(
                    assessment=a,
                    question=q.number,
                    text=contribution_text(q.number),
                    summary=contribution_summary(q.number),
                )
            )
        # A response recorded by a member, about a version, without the date it came in.
        batch.create(
            ServiceResponse(
                assessment=a,
                author=mk("serviceresponse", "author", "c"),
                text=mk("serviceresponse", "text", "c"),
                version_number=VERSION_C,
            )
        )
        # A figure with a linked source and a source described in words as well (the
        # figure form takes both).
        batch.create(
            figure(
                a,
                png((30, 30), (10, 120, 10)),
                key="drift-figure-c",
                alt_text=mk("figure", "alt_text", "c"),
                source=source,
                source_text=mk("figure", "source_text", "c"),
                source_url=FIGURE_SOURCE_URL_C,
            )
        )
        batch.finish()
    return a


def build_stopped(org, who: People) -> Assessment:
    """The pre-scan says no KIA is needed: no digital service, and children can be kept out."""
    return new_assessment(
        org,
        editing.Actor(who.editor),
        slug="drift-stopped",
        title="Stopped",
        service_name="Stopped service",
        service_cooperated=None,
        language="nl",
        prescan_offers_service=YesNo.NO,
        prescan_accessible_to_minors=YesNo.NO,
        prescan_can_exclude_minors=YesNo.YES,
        prescan_note=mk("assessment", "prescan_note", "stopped"),
    )


# --- The printed reports ------------------------------------------------------------------------


@dataclass
class Printed:
    """One rendered report and what was put into it."""

    name: str
    language: str
    html: str
    status: str
    kind: str
    cooperated: bool | None
    prescan: dict[str, str]  # "1.1" -> "yes"/"no"
    data: dict[str, str] = field(default_factory=dict)
    word: str = ""  # the Word file's text and XML ("" when not made for this variant)

    # Reading the HTML.

    def printed(self, text: str) -> str:
        """``text`` as the template prints it: escaped, then typeset."""
        return typeset(str(escape(text)), self.language)

    def label(self, text) -> str:
        """A (lazy) label in the report's language, as printed."""
        with translation.override(self.language):
            return self.printed(str(text))

    def gettext(self, message: str) -> str:
        with translation.override(self.language):
            return self.printed(gettext(message))

    def date(self, day: datetime.date) -> str:
        """A date as the report prints it (``long_date``: "3 February 2027")."""
        with translation.override(self.language):
            return self.printed(date_format(day, "j F Y"))

    def element(self, start: str, within: str | None = None) -> str:
        return element(within if within is not None else self.html, start)

    def question(self, number: str) -> str:
        return self.element(f'aria-labelledby="q-{slug_of(number)}"')

    def cover(self) -> dict[str, str]:
        table = self.element('class="cover-facts"')
        return dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table, re.S))

    def fact(self, label: str) -> str:
        facts = self.cover()
        key = self.gettext(label)
        assert key in facts, f"the cover has no row {key!r} (it has {sorted(facts)})"
        return facts[key]


def _starts(html: str, start: str):
    """Where the start tags that contain ``start`` begin: ``start`` is a piece of a start
    tag (``class="risk"``) or a tag's beginning (``<tr``, not matching ``<track``)."""
    pattern = re.escape(start) + (r"\b" if start.startswith("<") else "")
    for found in re.finditer(pattern, html):
        begin = html.rfind("<", 0, found.start() + 1)
        if html.find(">", begin) >= found.end() - 1:  # inside that tag
            yield begin


def _closed(html: str, begin: int, start: str) -> str:
    name = re.match(r"<(\w+)", html[begin:])
    assert name is not None, f"{start!r} is not in a start tag"
    depth = 0
    for tag in re.finditer(rf"<(/?){name.group(1)}\b[^>]*>", html[begin:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[begin : begin + tag.end()]
    raise AssertionError(f"the element with {start!r} is not closed")


def element(html: str, start: str) -> str:
    """The first element (start tag to its end tag) whose start tag contains ``start``."""
    for begin in _starts(html, start):
        return _closed(html, begin, start)
    raise AssertionError(f"nothing with {start!r} in the report")


def elements(html: str, start: str) -> list[str]:
    """Every element whose start tag contains ``start``, in document order."""
    return [_closed(html, begin, start) for begin in _starts(html, start)]


def containing(blocks: list[str], text: str, what: str) -> str:
    matching = [block for block in blocks if text in block]
    assert matching, f"no {what} contains {text!r}"
    return matching[0]


def cells(row: str) -> list[str]:
    return re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)


def plain_text(html: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def shows(text: str, within: str, where: str) -> str:
    """Assert that ``text`` (as printed) is in ``within``; returns it for the Word check."""
    assert text, "nothing to look for"
    assert text in within, f"{text!r} is not printed {where}"
    return text


def in_order(html: str, first: str, second: str, where: str) -> list[str]:
    assert first in html, f"{first!r} is not printed {where}"
    assert second in html, f"{second!r} is not printed {where}"
    assert html.index(first) < html.index(second), (
        f"{first!r} (order 0) is not printed before {second!r} (order 1) {where}"
    )
    return [first, second]


def ticked(page: Printed, number: str) -> str:
    """The label of the ticked box of a yes/no question of the pre-scan."""
    section = page.question(number)
    boxes = re.findall(
        r'<span class="tick ticked"><span class="box">[^<]*</span> ([^<]*)</span>', section
    )
    assert len(boxes) == 1, f"question {number} has {len(boxes)} ticked boxes"
    return boxes[0]


# --- The cases: one per field (and variant) -----------------------------------------------------

FULL = ("full-en", "full-nl", "published-en")
WORD_VARIANTS = ("full-en", "plain-en")  # the Word file is made from the same HTML


@dataclass(frozen=True)
class Case:
    model: str
    field: str
    variant: str
    check: Callable[[Printed], list[str]]  # raises AssertionError; returns what it found
    note: str = ""  # what sets this case apart from the field's other cases
    defect: str = ""  # not printed without a good reason: an xfail(strict=True)

    @property
    def id(self) -> str:
        note = f"-{self.note}" if self.note else ""
        return f"{self.model}.{self.field}-{self.variant}{note}"


CASES: list[Case] = []


def case(model: str, name: str, *variants: str, note: str = "", defect: str = ""):
    def register(check: Callable[[Printed], list[str]]):
        for variant in variants:
            CASES.append(Case(model, name, variant, check, note, defect))
        return check

    return register


# Assessment: the cover, the front matter, the pre-scan and 5.6.


@case("Assessment", "title", *FULL)
def _title(r: Printed) -> list[str]:
    title = r.element('id="report-title"')
    return [shows(mk("assessment", "title"), title, "as the report's title")]


@case("Assessment", "kind", *FULL, "plain-en")
def _kind(r: Printed) -> list[str]:
    label = r.label(AssessmentKind(r.kind).label)
    assert r.fact("Kind of assessment") == label, f"the cover does not say {label!r}"
    return [label]


@case("Assessment", "service_name", *FULL)
def _service_name(r: Printed) -> list[str]:
    value = mk("assessment", "service_name")
    assert r.fact("Assessed service") == value
    return [value]


@case("Assessment", "service_provider", *FULL)
def _service_provider(r: Printed) -> list[str]:
    value = mk("assessment", "service_provider")
    assert r.fact("Provider") == value
    return [value]


@case("Assessment", "assessor", *FULL, "plain-en")
def _assessor(r: Printed) -> list[str]:
    value = mk("assessment", "assessor", "self" if r.kind == AssessmentKind.SELF else "")
    assert r.fact("Assessor") == value
    return [value]


@case("Assessment", "commissioner", *FULL, "plain-en")
def _commissioner(r: Printed) -> list[str]:
    value = mk("assessment", "commissioner", "self" if r.kind == AssessmentKind.SELF else "")
    assert r.fact("Commissioned by") == value
    return [value]


@case("Assessment", "period_start", *FULL)
def _period_start(r: Printed) -> list[str]:
    period = r.fact("Period")
    assert period.startswith(r.date(PERIOD_START)), f"the period {period!r} starts otherwise"
    return [r.date(PERIOD_START)]


@case("Assessment", "period_end", *FULL)
def _period_end(r: Printed) -> list[str]:
    period = r.fact("Period")
    assert period.endswith(r.date(PERIOD_END)), f"the period {period!r} ends otherwise"
    return [r.date(PERIOD_END)]


COOPERATION = {
    True: "The service cooperated in this assessment.",
    False: "The service did not cooperate in this assessment.",
    None: "Unknown whether the service cooperated.",
}


@case("Assessment", "service_cooperated", *FULL, "plain-en", "stopped-nl")
def _service_cooperated(r: Printed) -> list[str]:
    if r.kind == AssessmentKind.SELF:  # written by the service's own team: left out
        assert 'class="cooperation"' not in r.html, "a self-assessment says whether it cooperated"
        return []
    said = r.element('class="cooperation"')
    return [shows(r.gettext(COOPERATION[r.cooperated]), said, "under 'Cooperation'")]


@case("Assessment", "cooperation_note", *FULL)
def _cooperation_note(r: Printed) -> list[str]:
    front = r.element('class="front-matter"')
    return [shows(mk("assessment", "cooperation_note"), front, "in the front matter")]


@case("Assessment", "language", *FULL, "stopped-nl")
def _language(r: Printed) -> list[str]:
    assert f'<html lang="{r.language}">' in r.html, f"the report is not marked {r.language!r}"
    heading = r.gettext("Contents")
    return [shows(heading, r.element('id="toc-title"'), "as the contents' heading")]


@case("Assessment", "status", *FULL, "plain-en")
def _status(r: Printed) -> list[str]:
    label = r.label(Status(r.status).label)
    assert r.fact("Status") == label, f"the cover does not give the status {label!r}"
    return [label]


for _name in ("reading_guide", "disclaimers", "limitations"):

    @case("Assessment", _name, *FULL)
    def _front(r: Printed, name: str = _name) -> list[str]:
        front = r.element('class="front-matter"')
        return [shows(mk("assessment", name), front, "in the front matter")]


@case("Assessment", "report_instrument_texts", *FULL, note="true")
def _instrument_texts(r: Printed) -> list[str]:
    intro = r.element('aria-labelledby="introduction"')
    assert 'class="instrument-text"' in intro, "the form's introduction is not printed"
    return [r.gettext("Introduction")]


@case("Assessment", "report_instrument_texts", "plain-en", note="false")
def _no_instrument_texts(r: Printed) -> list[str]:
    assert 'id="introduction"' not in r.html, "the form's introduction is printed after all"
    assert 'class="instruction-box' not in r.html, "the form's instruction boxes are printed"
    return []


PRESCAN_VARIANTS = {  # each answer is printed as ticked, in variants that answer it differently
    "1.1": (*FULL, "stopped-nl"),
    "1.2": (*FULL, "plain-en"),
    "1.3": (*FULL, "stopped-nl"),
}

for _number, _name in instrument.PRESCAN_FIELDS.items():

    @case("Assessment", _name, *PRESCAN_VARIANTS[_number])
    def _prescan(r: Printed, number: str = _number) -> list[str]:
        label = capfirst(r.label(YesNo(r.prescan[number]).label))
        found = ticked(r, number)
        assert found == label, f"question {number} ticks {found!r}, not {label!r}"
        return [label]


@case("Assessment", "prescan_note", *FULL)
@case("Assessment", "prescan_note", "stopped-nl", note="stopped")
def _prescan_note(r: Printed) -> list[str]:
    outcome = r.element('class="prescan-outcome"')
    stopped = r.name.startswith("stopped")
    return [
        shows(
            mk("assessment", "prescan_note", "stopped" if stopped else ""),
            outcome,
            "under the pre-scan's outcome",
        )
    ]


@case("Assessment", "next_reassessment_on", *FULL)
def _next_reassessment_on(r: Printed) -> list[str]:
    return [shows(r.date(NEXT_REASSESSMENT), r.question("5.6"), "at question 5.6")]


# Answers: every answer key, under its question (and part).


@case("Answer", "text", *FULL)
def _answer_text(r: Printed) -> list[str]:
    return [shows(answer_text(key), r.html, "") for key in instrument.ANSWER_KEYS]


def _answer_place(r: Printed, key: str) -> str:
    question = next(q for q in instrument.QUESTIONS if key in q.answer_keys)
    section = r.question(question.number)
    if question.parts:  # under the part's own heading, before the next part
        heading = f'<span class="number">{key}</span>'
        assert heading in section, f"part {key} has no heading"
        section = section.split(heading, 1)[1].split("<h4", 1)[0]
    return section


@case("Answer", "question", *FULL)
def _answer_question(r: Printed) -> list[str]:
    return [
        shows(answer_text(key), _answer_place(r, key), f"under question {key}")
        for key in instrument.ANSWER_KEYS
    ]


# Goals: 2.5, and per goal in 2.6, 5.1 and 5.2.


@case("Goal", "title", *FULL)
def _goal_title(r: Printed) -> list[str]:
    section = r.question("2.5")
    return [shows(mk("goal", "title", row), section, "at 2.5") for row in ("main", "x", "y")]


@case("Goal", "kind", *FULL)
def _goal_kind(r: Printed) -> list[str]:
    section = r.question("2.5")
    found = []
    for kind, row in ((GoalKind.MAIN, "main"), (GoalKind.SUB, "x"), (GoalKind.SUB, "y")):
        label = capfirst(r.label(kind.label))
        shows(
            f'<span class="goal-kind">{label}:</span> {mk("goal", "title", row)}', section, "at 2.5"
        )
        found.append(label)
    return found


@case("Goal", "description", *FULL)
def _goal_description(r: Printed) -> list[str]:
    goal = containing(
        elements(r.question("2.5"), 'class="goal"'), mk("goal", "title", "main"), "goal"
    )
    return [shows(mk("goal", "description", "main"), goal, "under the main goal at 2.5")]


for _number, _name in instrument.GOAL_FIELDS.items():

    @case("Goal", _name, *FULL)
    def _per_goal(r: Printed, number: str = _number, name: str = _name) -> list[str]:
        goal = containing(
            elements(r.question(number), 'class="goal-answer"'),
            mk("goal", "title", "main"),
            f"goal at {number}",
        )
        return [shows(mk("goal", name, "main"), goal, f"under the main goal at {number}")]


@case("Goal", "order", *FULL)
def _goal_order(r: Printed) -> list[str]:
    return in_order(r.question("2.5"), mk("goal", "title", "y"), mk("goal", "title", "x"), "at 2.5")


# Contributions: 2.8-2.14, and their summaries in a 5.3 table the team did not fill in.


@case("Contribution", "text", *FULL)
def _contribution_text(r: Printed) -> list[str]:
    return [
        shows(contribution_text(q.number), r.html, "") for q in instrument.CONTRIBUTION_QUESTIONS
    ]


@case("Contribution", "question", *FULL)
def _contribution_question(r: Printed) -> list[str]:
    return [
        shows(contribution_text(q.number), r.question(q.number), f"at question {q.number}")
        for q in instrument.CONTRIBUTION_QUESTIONS
    ]


@case("Contribution", "summary", "plain-en", note="derived-5.3")
def _contribution_summary(r: Printed) -> list[str]:
    table = r.element('class="proportionality-table"')
    children = elements(cells(element(table, "<tbody"))[0], "<ul")[1]
    return [
        shows(contribution_summary(q.number), children, "among the benefits for children (5.3)")
        for q in instrument.CONTRIBUTION_QUESTIONS
    ]


# Risks (chapter 3) and their residual risk (chapter 4).


def _risk_section(r: Printed, row: str) -> str:
    return containing(elements(r.html, 'class="risk"'), mk("risk", "topic", row), "risk")


def _score_row(r: Printed, number: str, row: str) -> list[str]:
    table = r.element('class="score-table"', r.question(number))
    found = containing(elements(table, "<tr"), mk("risk", "topic", row), "row of the score table")
    return cells(found)  # risk, likelihood, impact, estimate, reasons


def _measure_rows(r: Printed, row: str) -> str:
    """The rows of the chapter 4 table about risk ``row``: its measures and residual risk."""
    return containing(
        elements(r.question("4.1"), 'class="risk-rows"'),
        mk("risk", "topic", row),
        "risk in the measures table",
    )


def _residual(r: Printed, row: str) -> tuple[str, str]:
    """The residual likelihood and impact as printed: (label, reason)."""
    scores = r.element('class="residual-scores"', _measure_rows(r, row))
    parts = scores.split(" · ")
    found = []
    for part in parts[:2]:
        value = re.sub(r'^.*?<span class="label">[^<]*</span> ', "", part, flags=re.S)
        found.append(value)
    return found[0], found[1]


@case("Risk", "category", *FULL)
def _risk_category(r: Printed) -> list[str]:
    found = []
    for row, number in (("a", "3.1"), ("b", "3.3")):
        section = r.question(number)
        found.append(shows(mk("risk", "topic", row), section, f"at {number}"))
        shows(f'<span class="ref">({number})</span>', _measure_rows(r, row), "in chapter 4")
    return found


@case("Risk", "topic", *FULL)
def _risk_topic(r: Printed) -> list[str]:
    found = []
    for row in ("a", "b", "c"):
        heading = r.element('class="risk-title"', _risk_section(r, row))
        found.append(shows(mk("risk", "topic", row), heading, "as the risk's heading"))
    return found


@case("Risk", "raised_in", *FULL)
def _risk_raised_in(r: Printed) -> list[str]:
    origin = r.element('class="risk-origin"', _risk_section(r, "a"))
    shows('<a href="#q-2-10">2.10</a>', origin, "as where risk a came up")
    return ["2.10"]


@case("Risk", "description", *FULL)
def _risk_description(r: Printed) -> list[str]:
    return [
        shows(mk("risk", "description", row), _risk_section(r, row), "under the risk")
        for row in ("a", "b")
    ]


@case("Risk", "order", *FULL)
def _risk_order(r: Printed) -> list[str]:
    return in_order(r.question("3.1"), mk("risk", "topic", "c"), mk("risk", "topic", "a"), "at 3.1")


@case("Risk", "likelihood", *FULL)
def _risk_likelihood(r: Printed) -> list[str]:
    label = r.label(Score.HIGH.label)
    found = _score_row(r, "3.1", "a")[1]
    assert found == label, f"the likelihood of risk a reads {found!r}, not {label!r}"
    return [label]


@case("Risk", "impact", *FULL)
def _risk_impact(r: Printed) -> list[str]:
    label = r.label(Score.LOW.label)
    found = _score_row(r, "3.1", "a")[2]
    assert found == label, f"the impact of risk a reads {found!r}, not {label!r}"
    return [label]


for _name in ("likelihood_justification", "impact_justification"):

    @case("Risk", _name, *FULL)
    def _risk_justification(r: Printed, name: str = _name) -> list[str]:
        judgement = r.element('class="judgement"', r.question("3.1"))
        return [shows(mk("risk", name, "a"), judgement, "in the judgement at 3.1")]


@case("Risk", "likelihood_reason", *FULL)
def _risk_likelihood_reason(r: Printed) -> list[str]:
    row = _score_row(r, "3.3", "b")
    shows(r.label(Score.NOT_ASSESSABLE.label), row[1], "as risk b's likelihood")
    return [shows(mk("risk", "likelihood_reason", "b"), row[4], "as the reason in the score table")]


@case("Risk", "impact_reason", *FULL)
def _risk_impact_reason(r: Printed) -> list[str]:
    row = _score_row(r, "3.3", "b")
    shows(r.label(Score.NOT_ASSESSABLE.label), row[2], "as risk b's impact")
    return [shows(mk("risk", "impact_reason", "b"), row[4], "as the reason in the score table")]


@case("Risk", "residual_description", *FULL)
def _risk_residual_description(r: Printed) -> list[str]:
    found = []
    for row in ("a", "b"):
        residual = r.element('class="residual-row"', _measure_rows(r, row))
        text = mk("risk", "residual_description", row)
        found.append(shows(text, residual, f"as risk {row}'s residual risk"))
    return found


@case("Risk", "residual_likelihood", *FULL)
def _risk_residual_likelihood(r: Printed) -> list[str]:
    label = r.label(Score.LOW.label)
    found = _residual(r, "a")[0]
    assert found == label, f"risk a's residual likelihood reads {found!r}, not {label!r}"
    return [label]


@case("Risk", "residual_impact", *FULL)
def _risk_residual_impact(r: Printed) -> list[str]:
    label = r.label(Score.MEDIUM.label)
    found = _residual(r, "a")[1]
    assert found == label, f"risk a's residual impact reads {found!r}, not {label!r}"
    return [label]


@case("Risk", "residual_likelihood_reason", *FULL)
def _risk_residual_likelihood_reason(r: Printed) -> list[str]:
    likelihood = _residual(r, "b")[0]
    shows(r.label(Score.NOT_ASSESSABLE.label), likelihood, "as risk b's residual likelihood")
    reason = mk("risk", "residual_likelihood_reason", "b")
    return [shows(reason, likelihood, "with risk b's residual likelihood")]


@case("Risk", "residual_impact_reason", *FULL)
def _risk_residual_impact_reason(r: Printed) -> list[str]:
    impact = _residual(r, "b")[1]
    shows(r.label(Score.NOT_ASSESSABLE.label), impact, "as risk b's residual impact")
    return [
        shows(mk("risk", "residual_impact_reason", "b"), impact, "with risk b's residual impact")
    ]


# Measures: the chapter 4 table, one row per measure under its risk.


def _measure_row(r: Printed, row: str) -> list[str]:
    rows = elements(_measure_rows(r, "a"), "<tr")
    return cells(containing(rows, mk("measure", "title", row), "row of risk a's measures"))


@case("Measure", "risk", *FULL)
def _measure_risk(r: Printed) -> list[str]:
    rows = _measure_rows(r, "a")
    return [shows(mk("measure", "title", row), rows, "under risk a") for row in ("a", "b")]


@case("Measure", "title", *FULL)
def _measure_title(r: Printed) -> list[str]:
    return [shows(mk("measure", "title", row), r.question("4.1"), "at 4.1") for row in ("a", "b")]


@case("Measure", "description", *FULL)
def _measure_description(r: Printed) -> list[str]:
    return [shows(mk("measure", "description", "a"), _measure_row(r, "a")[1], "with measure a")]


@case("Measure", "status", *FULL)
def _measure_status(r: Printed) -> list[str]:
    found = []
    for row, status in (("a", MeasureStatus.IN_PROGRESS), ("b", MeasureStatus.DROPPED)):
        label = r.label(status.label)
        cell = _measure_row(r, row)[2]
        assert cell.startswith(label), f"measure {row}'s status reads {cell!r}, not {label!r}"
        found.append(label)
    return found


@case("Measure", "status_reason", *FULL)
def _measure_status_reason(r: Printed) -> list[str]:
    reason = mk("measure", "status_reason", "b")
    return [shows(reason, _measure_row(r, "b")[2], "with the dropped measure's status")]


@case("Measure", "owner_user", *FULL)
def _measure_owner_user(r: Printed) -> list[str]:
    name = r.printed(f"{OWNER_FIRST} {OWNER_LAST}")
    cell = _measure_row(r, "a")[3]
    assert cell == name, f"measure a's owner reads {cell!r}, not the member {name!r}"
    return [name]


@case("Measure", "owner", *FULL)
def _measure_owner(r: Printed) -> list[str]:
    name = mk("measure", "owner", "b")
    cell = _measure_row(r, "b")[3]
    assert cell == name, f"measure b's owner reads {cell!r}, not {name!r}"
    return [name]


@case("Measure", "due_date", *FULL)
def _measure_due_date(r: Printed) -> list[str]:
    return [shows(r.date(DUE), _measure_row(r, "a")[2], "with measure a's status")]


@case("Measure", "order", *FULL)
def _measure_order(r: Printed) -> list[str]:
    rows = _measure_rows(r, "a")
    return in_order(rows, mk("measure", "title", "b"), mk("measure", "title", "a"), "under risk a")


# The 5.3 table.


def _columns(r: Printed) -> tuple[str, str, str]:
    table = r.element('class="proportionality-table"', r.question("5.3"))
    benefits, harms = cells(element(table, "<tbody"))
    organisation, children = elements(benefits, "<ul")
    return organisation, children, harms


def _item(column: str, row: str) -> str:
    return containing(elements(column, "<li"), mk("item", "text", row), "item of the 5.3 table")


@case("ProportionalityItem", "side", *FULL)
def _item_side(r: Printed) -> list[str]:
    organisation, children, harms = _columns(r)
    return [
        shows(
            mk("item", "text", "organisation"),
            organisation,
            "among the benefits for the organisation",
        ),
        shows(mk("item", "text", "children"), children, "among the benefits for children"),
        shows(mk("item", "text", "harm-a"), harms, "among the harms"),
    ]


@case("ProportionalityItem", "text", *FULL)
def _item_text(r: Printed) -> list[str]:
    table = r.element('class="proportionality-table"')
    rows = ("organisation", "children", "harm-a", "harm-b")
    return [shows(mk("item", "text", row), table, "in the 5.3 table") for row in rows]


def _reference(r: Printed, column: int, row: str, number: str, see: bool) -> list[str]:
    """The item's reference to the row it comes from: "(see 2.5)", or "(3.3)" for a risk."""
    with translation.override(r.language):
        text = gettext("(see %(number)s)") % {"number": number} if see else f"({number})"
    reference = r.printed(text)
    item = _item(_columns(r)[column], row)
    shows(f'<span class="ref">{reference}</span>', item, f"with 5.3 item {row}")
    return [reference]


@case("ProportionalityItem", "goal", *FULL)
def _item_goal(r: Printed) -> list[str]:
    return _reference(r, 0, "organisation", "2.5", see=True)


@case("ProportionalityItem", "contribution", *FULL)
def _item_contribution(r: Printed) -> list[str]:
    return _reference(r, 1, "children", "2.10", see=True)


@case("ProportionalityItem", "risk", *FULL)
def _item_risk(r: Printed) -> list[str]:
    return _reference(r, 2, "harm-a", "3.3", see=False)


@case("ProportionalityItem", "order", *FULL)
def _item_order(r: Printed) -> list[str]:
    harms = _columns(r)[2]
    return in_order(
        harms, mk("item", "text", "harm-b"), mk("item", "text", "harm-a"), "among the harms"
    )


# Sources: the list of sources, and the footnotes that cite them.


def _source_entry(r: Printed) -> str:
    return containing(
        elements(r.element('class="source-list"'), "<li"), mk("source", "citation", "a"), "source"
    )


@case("Source", "citation", *FULL)
def _source_citation(r: Printed) -> list[str]:
    citation = mk("source", "citation", "a")
    footnote = r.element('class="footnote"', r.question("2.1"))
    shows(citation, footnote, "in the footnote of the answer to 2.1 that cites it")
    return [shows(citation, _source_entry(r), "in the list of sources")]


@case("Source", "url", *FULL)
def _source_url(r: Printed) -> list[str]:
    return [shows(SOURCE_URL, _source_entry(r), "in the list of sources")]


@case("Source", "accessed_on", *FULL)
def _source_accessed_on(r: Printed) -> list[str]:
    return [shows(r.date(ACCESSED), _source_entry(r), "in the list of sources")]


@case("Source", "note", *FULL)
def _source_note(r: Printed) -> list[str]:
    return [shows(mk("source", "note", "a"), _source_entry(r), "in the list of sources")]


# The appendix: the responses of the service. Response b (the service's own, order 0) comes
# first, response a (recorded by a member, order 1) second.


def _response(r: Printed, row: str) -> str:
    return containing(
        elements(r.element('aria-labelledby="appendix"'), 'class="response"'),
        mk("serviceresponse", "author", row),
        "response in the appendix",
    )


@case("ServiceResponse", "author", *FULL)
def _response_author(r: Printed) -> list[str]:
    found = []
    for row in ("a", "b"):
        heading = r.element("<h2", _response(r, row))
        found.append(
            shows(mk("serviceresponse", "author", row), heading, "as the response's heading")
        )
    return found


@case("ServiceResponse", "received_on", *FULL)
def _response_received_on(r: Printed) -> list[str]:
    meta = r.element('class="meta"', _response(r, "a"))
    label = r.element('class="service-label"', _response(r, "b"))
    return [
        shows(r.date(RECEIVED), meta, "under response a's heading"),
        shows(r.date(RECEIVED_BY_SERVICE), label, "in response b's label"),
    ]


@case("ServiceResponse", "text", *FULL)
def _response_text(r: Printed) -> list[str]:
    quote = r.element("<blockquote", _response(r, "b"))
    return [
        shows(mk("serviceresponse", "text", "a"), _response(r, "a"), "in response a"),
        shows(mk("serviceresponse", "text", "b"), quote, "quoted in response b"),
    ]


@case("ServiceResponse", "reply", *FULL)
def _response_reply(r: Printed) -> list[str]:
    return [shows(mk("serviceresponse", "reply", "a"), _response(r, "a"), "in response a")]


@case("ServiceResponse", "reply_author", *FULL)
def _response_reply_author(r: Printed) -> list[str]:
    heading = r.element('class="reply-title"', _response(r, "a"))
    return [shows(mk("serviceresponse", "reply_author", "a"), heading, "as the reply's heading")]


@case("ServiceResponse", "replied_on", *FULL)
def _response_replied_on(r: Printed) -> list[str]:
    reply = _response(r, "a").split('class="reply-title"', 1)[-1]
    return [shows(r.date(REPLIED), reply, "under the reply's heading")]


@case("ServiceResponse", "order", *FULL)
def _response_order(r: Printed) -> list[str]:
    appendix = r.element('aria-labelledby="appendix"')
    a, b = mk("serviceresponse", "author", "a"), mk("serviceresponse", "author", "b")
    return in_order(appendix, b, a, "in the appendix")


def _version(text: str, number: int) -> str:
    assert re.search(rf"(?<!\d){number}(?!\d)", plain_text(text)), f"version {number} is not named"
    return str(number)


@case("ServiceResponse", "version_number", *FULL)
def _response_version_number(r: Printed) -> list[str]:
    meta = r.element('class="meta"', _response(r, "a"))
    label = r.element('class="service-label"', _response(r, "b"))
    return [_version(meta, VERSION_A), _version(label, VERSION_B)]


@case(
    "ServiceResponse",
    "version_number",
    "plain-en",
    note="no-received-date",
)
def _response_version_without_date(r: Printed) -> list[str]:
    response = _response(r, "c")
    return [_version(response, VERSION_C)]


@case("ServiceResponse", "submitted_by_service", *FULL)
def _response_submitted_by_service(r: Printed) -> list[str]:
    assert 'class="service-text"' not in _response(r, "a"), "response a is marked as verbatim"
    note = r.element('class="service-note"', _response(r, "b"))
    return [plain_text(note)]


# Figures: none is shown in an answer, so all are printed in the figures section, in order.


def _figure(r: Printed, row: str) -> str:
    return containing(
        elements(r.html, 'class="report-figure"'),
        f'alt="{mk("figure", "alt_text", row)}"',
        "figure",
    )


def _caption(r: Printed, row: str) -> str:
    return r.element("<figcaption", _figure(r, row))


@case("Figure", "image", *FULL)
def _figure_image(r: Printed) -> list[str]:
    for row in ("a", "b"):
        shows(
            f'<img src="kia-figure:{r.data[f"image-{row}"]}"', _figure(r, row), f"as figure {row}"
        )
    return []  # the Word file embeds the pictures: test_word_embeds_the_figures


@case("Figure", "caption", *FULL)
def _figure_caption(r: Printed) -> list[str]:
    return [
        shows(mk("figure", "caption", row), _caption(r, row), "as the caption")
        for row in ("a", "b")
    ]


@case("Figure", "alt_text", *FULL)
def _figure_alt_text(r: Printed) -> list[str]:
    for row in ("a", "b"):
        shows(f'alt="{mk("figure", "alt_text", row)}"', _figure(r, row), "as the image's alt text")
    return []  # Word's alternative text: test_word_embeds_the_figures


@case("Figure", "source", *FULL)
def _figure_source(r: Printed) -> list[str]:
    citation = mk("source", "citation", "b")
    return [shows(citation, _caption(r, "a"), "as the footnote of figure a's caption")]


@case("Figure", "source_text", *FULL)
def _figure_source_text(r: Printed) -> list[str]:
    text = mk("figure", "source_text", "b")
    return [shows(text, _caption(r, "b"), "as the footnote of figure b's caption")]


@case("Figure", "source_url", *FULL)
def _figure_source_url(r: Printed) -> list[str]:
    return [shows(FIGURE_SOURCE_URL, _caption(r, "b"), "as the footnote of figure b's caption")]


@case(
    "Figure",
    "source_text",
    "plain-en",
    note="with-linked-source",
)
def _figure_source_text_too(r: Printed) -> list[str]:
    caption = _caption(r, "c")
    shows(mk("source", "citation", "c"), caption, "as the footnote of figure c's caption")
    return [shows(mk("figure", "source_text", "c"), caption, "in figure c's caption")]


@case(
    "Figure",
    "source_url",
    "plain-en",
    note="with-linked-source",
)
def _figure_source_url_too(r: Printed) -> list[str]:
    caption = _caption(r, "c")
    shows(mk("source", "citation", "c"), caption, "as the footnote of figure c's caption")
    return [shows(FIGURE_SOURCE_URL_C, caption, "in figure c's caption")]


@case("Figure", "order", *FULL)
def _figure_order(r: Printed) -> list[str]:
    section = r.element('aria-labelledby="figures"')
    first, second = (f'alt="{mk("figure", "alt_text", row)}"' for row in ("b", "a"))
    in_order(section, first, second, "in the figures section")
    return []


# The children's own voice (issue 20): the summary for children after the cover, the
# consultations and their findings in a section after the chapters.


def _voice(r: Printed) -> str:
    return r.element('class="voice"')


@case("Assessment", "child_summary", *FULL)
def _child_summary(r: Printed) -> list[str]:
    summary = r.element('class="child-summary"')
    value = shows(mk("assessment", "child_summary"), summary, "on the summary's page")
    in_order(r.html, 'id="report-title"', 'id="child-summary"', "after the cover")
    in_order(r.html, 'id="child-summary"', 'id="toc-title"', "before the contents")
    return [value]


@case("Assessment", "no_consultation_reason", "plain-en")
def _no_consultation_reason(r: Printed) -> list[str]:
    return [shows(mk("assessment", "no_consultation_reason"), _voice(r), "in the voice section")]


def _consultation_text(name: str) -> Callable[[Printed], list[str]]:
    def check(r: Printed) -> list[str]:
        return [shows(mk("consultation", name), _voice(r), "in the children's voice")]

    return check


for _name in (
    "title", "method_note", "facilitator", "facilitator_expertise", "age_bands", "recruitment",
    "groups", "vulnerable_groups", "assent", "parental_consent", "withdrawal",
    "no_consent_reason", "safeguarding", "data_handling", "feedback_form", "feedback",
    "limitations", "questions", "requirements",
):  # fmt: skip
    case("Consultation", _name, *FULL)(_consultation_text(_name))


@case("Consultation", "held_from", *FULL)
def _held_from(r: Printed) -> list[str]:
    return [shows(r.date(HELD_FROM), _voice(r), "as the consultation's start")]


@case("Consultation", "held_until", *FULL)
def _held_until(r: Printed) -> list[str]:
    return [shows(r.date(HELD_UNTIL), _voice(r), "as the consultation's end")]


@case("Consultation", "feedback_on", *FULL)
def _feedback_on(r: Printed) -> list[str]:
    return [shows(r.date(FEEDBACK_ON), _voice(r), "as the date of the feedback")]


@case("Consultation", "method", *FULL)
def _method(r: Printed) -> list[str]:
    return [shows(r.label(Method.FOCUS_GROUP.label), _voice(r), "as the method")]


@case("Consultation", "uses_service", *FULL)
def _uses_service(r: Printed) -> list[str]:
    return [shows(r.label(UsesService.SOME.label), _voice(r), "as who uses the service")]


@case("Consultation", "children_count", *FULL)
def _children_count(r: Printed) -> list[str]:
    return [shows(str(CHILDREN), _voice(r), "as the number of children")]


@case("Consultation", "order", *FULL)
def _consultation_order(r: Printed) -> list[str]:
    in_order(_voice(r), mk("consultation", "title"), "Survey", "in the consultations' order")
    return []


@case("ConsultationFinding", "order", *FULL)
def _finding_order(r: Printed) -> list[str]:
    findings = _voice(r)
    in_order(findings, "Second finding, first", mk("consultationfinding", "text"), "in order")
    return []


@case("ConsultationFinding", "consultation", *FULL)
def _finding_consultation(r: Printed) -> list[str]:
    section = r.element('aria-labelledby="consultation-1"', _voice(r))
    shows(mk("consultation", "title"), section, "as the finding's consultation")
    return [shows(mk("consultationfinding", "text"), section, "under its consultation")]


def _finding(r: Printed) -> str:
    return containing(
        elements(_voice(r), 'class="finding"'), mk("consultationfinding", "text"), "finding"
    )


for _name in ("text", "weight", "change"):
    case("ConsultationFinding", _name, *FULL)(
        lambda r, n=_name: [shows(mk("consultationfinding", n), _finding(r), "in the finding")]
    )


@case("ConsultationFinding", "contribution", *FULL)
def _finding_contribution(r: Printed) -> list[str]:
    return [shows(r.printed(contribution_summary("2.10")), _finding(r), "as what it informs")]


@case("ConsultationFinding", "goal", *FULL)
def _finding_goal(r: Printed) -> list[str]:
    return [shows(mk("goal", "title", "main"), _finding(r), "as the goal it informs")]


@case("ConsultationFinding", "risk", *FULL)
def _finding_risk(r: Printed) -> list[str]:
    return [shows(mk("risk", "topic", "b"), _finding(r), "as the risk it informs")]


@case("ConsultationFinding", "measure", *FULL)
def _finding_measure(r: Printed) -> list[str]:
    return [shows(mk("measure", "title", "a"), _finding(r), "as the measure it informs")]


@case("ConsultationFinding", "library_items", *FULL)
def _finding_library(r: Printed) -> list[str]:
    # By its short name (outputs.rights.chip), as risks and measures print theirs; the
    # report's typesetting keeps "art." with its number (a no-break space).
    return [shows("art.\u00a012", _finding(r), "as the right it concerns")]


@case("ConsultationFinding", "evidence", *FULL)
def _finding_evidence(r: Printed) -> list[str]:
    return [shows(r.label(Evidence.EVIDENTIAL.label), _finding(r), "as its evidence status")]


@case("ConsultationFinding", "follow_up", *FULL)
def _finding_follow_up(r: Printed) -> list[str]:
    asked = r.gettext("the children asked for follow-up")
    return [shows(asked, _finding(r), "as asked to be followed up")]


# --- Rendering, once for the module -------------------------------------------------------------


def _word_text(docx: bytes) -> str:
    """What a reader of the Word file sees: the text of the document and its footnotes,
    and the XML itself (attributes such as an image's alternative text)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = [
            archive.read(name).decode() for name in ("word/document.xml", "word/footnotes.xml")
        ]
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
    xml = "\n".join(parts)
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", xml))
    return f"{text}\n<!--xml-->\n{html_lib.unescape(xml)}\n<!--media-->\n" + "\n".join(media)


def _page(
    name: str,
    assessment: Assessment,
    *,
    workspace=None,
    data: dict[str, str] | None = None,
    word: bool = False,
) -> Printed:
    """The report of ``assessment`` (or of the version read into ``workspace``)."""
    shown = workspace.assessment if workspace is not None else assessment
    return Printed(
        name=name,
        language=shown.language,
        html=render_html(shown, workspace=workspace),
        status=shown.status,
        kind=shown.kind,
        cooperated=shown.service_cooperated,
        prescan={n: getattr(shown, f) for n, f in instrument.PRESCAN_FIELDS.items()},
        data=data or {},
        word=_word_text(render_docx(assessment)) if word else "",
    )


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Printed]:
    pages: dict[str, Printed] = {}
    media = tmp_path_factory.mktemp("drift-media")  # the figures' images
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        org = factories.organisation()
        who = people(org)
        full_nl, data_nl = build_full(org, who, "nl")
        pages["full-nl"] = _page("full-nl", full_nl, data=data_nl)

        full_en, data_en = build_full(org, who, "en")
        editor, owner = editing.Actor(who.editor), editing.Actor(who.owner)
        lifecycle.perform(
            full_en, "submit", actor=editor, role=Role.EDITOR, reviewers=[who.reviewer]
        )
        pages["full-en"] = _page("full-en", full_en, data=data_en, word=True)
        lifecycle.perform(full_en, "finalise", actor=owner, role=Role.OWNER, attested=True)
        lifecycle.perform(full_en, "publish", actor=owner, role=Role.OWNER)
        ws = versions.standing_workspace(full_en)  # what the public PDF is made from
        assert ws is not None and ws.version is not None
        pages["published-en"] = _page("published-en", full_en, workspace=ws, data=data_en)

        pages["plain-en"] = _page("plain-en", build_plain(org, who), word=True)
        pages["stopped-nl"] = _page("stopped-nl", build_stopped(org, who))
        transaction.set_rollback(True)
    return pages


# --- The tests ----------------------------------------------------------------------------------


def _params(variants: tuple[str, ...] | None = None) -> list:
    chosen = [c for c in CASES if variants is None or c.variant in variants]
    return [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=c.defect)] if c.defect else [],
        )
        for c in chosen
    ]


def _run(c: Case, page: Printed) -> list[str]:
    try:
        return c.check(page)
    except AssertionError as problem:
        note = f" ({c.note})" if c.note else ""
        pytest.fail(
            f"{c.model}.{c.field} is not printed in the {c.variant} report{note}: {problem}",
            pytrace=False,
        )


@pytest.mark.parametrize("c", _params())
def test_field_is_printed(printed, c: Case):
    _run(c, printed[c.variant])


@pytest.mark.parametrize("c", _params(WORD_VARIANTS))
def test_word_file_prints_the_field_too(printed, c: Case):
    """The Word file is pandoc's conversion of the same HTML: what the HTML prints of a field
    is in the Word file's text."""
    page = printed[c.variant]
    for text in _run(c, page):
        wanted = html_lib.unescape(text)
        assert wanted in page.word, f"{c.model}.{c.field}: {wanted!r} is not in the Word file"


def test_word_embeds_the_figures(printed):
    """Figure.image and Figure.alt_text in Word: the pictures, with their alternative text."""
    page = printed["full-en"]
    media = page.word.split("<!--media-->", 1)[1].split()
    assert len(media) == 2, f"the Word file holds {len(media)} pictures, not 2"
    for row in ("a", "b"):
        assert f'descr="{mk("figure", "alt_text", row)}"' in page.word


def _content_fields() -> set[tuple[str, str]]:
    return {(model.__name__, f.name) for model in CONTENT_MODELS for f in recorded_fields(model)}


def _named(pairs) -> list[str]:
    return sorted(f"{model}.{name}" for model, name in pairs)


def test_every_field_of_every_content_model_is_checked_or_left_out():
    """A new field fails here until the report prints it (and a case checks it) or it is
    listed in LEFT_OUT with its reason."""
    checked = {(c.model, c.field) for c in CASES}
    assert _named(_content_fields() - checked - set(LEFT_OUT)) == [], (
        "neither checked in the report nor in LEFT_OUT"
    )
    assert _named(checked & set(LEFT_OUT)) == [], "both checked and in LEFT_OUT"


def test_left_out_and_the_cases_name_only_real_fields():
    """A renamed or removed field must leave LEFT_OUT and the cases too."""
    fields = _content_fields()
    assert _named(set(LEFT_OUT) - fields) == [], "LEFT_OUT names fields that are not content"
    assert _named({(c.model, c.field) for c in CASES} - fields) == [], "cases of no field"
    assert [key for key, reason in LEFT_OUT.items() if not reason.strip()] == []


def test_every_variant_is_rendered_and_every_case_is_unique(printed):
    assert {c.variant for c in CASES} <= set(printed)
    chapters = {
        name: re.findall(r'class="chapter-title"><span class="number">(\d)\.', page.html)
        for name, page in printed.items()
    }
    assert chapters == {  # the stop rule: only chapter 1 when no KIA is needed
        **{name: ["1", "2", "3", "4", "5"] for name in printed if name != "stopped-nl"},
        "stopped-nl": ["1"],
    }
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "two cases with the same id"


def test_no_marker_hides_another(printed):
    """A marker that is part of another would be found where only the other is printed."""
    made = sorted(MARKERS)  # all of them are made once the reports are built
    assert len(made) > 50
    assert [(a, b) for a in made for b in made if a != b and a in b] == []
