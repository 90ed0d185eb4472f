"""Two to four assessments (or versions) side by side: the data the page, CSV, XLSX and PDF
show.

Every column is read from a snapshot (``versions.of`` a version, or ``versions.current``
for the content as it is now) through ``versions.read``, so current content and versions
compare the same way, and each risk is shown as ``risk_rows`` presents it, scored with its
own snapshot's matrix.

Which columns are asked for is a list of references ``<organisation>/<slug>[@v<n>]``
(``parse``); ``resolve`` loads each through the permission helper and pins it to a
version where there is one to pin (a final or published assessment stands for its newest
version), so the URL of a comparison names exactly what it shows (``canonical``).

Rows of different assessments are matched by what they say, not by id: risks by their
topic within a category (case and spacing ignored), sources by their web address
(normalised: scheme, ``www.``, trailing slash and tracking parameters ignored) or else by
their citation text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.domain import instrument, permissions, readability, versions
from assessments.domain.constants import (
    GoalKind,
    PrescanOutcome,
    ProportionalitySide,
)
from assessments.domain.library import coverage
from assessments.domain.models import Assessment, Version
from assessments.domain.scoring import RiskScore, ScoreState
from assessments.domain.workspace import Workspace
from assessments.outputs import heatmap
from assessments.outputs.risk_rows import MeasureRow, RiskRow, risk_row

MIN_COLUMNS, MAX_COLUMNS = 2, 4
LETTERS = "ABCD"
_REFERENCE = re.compile(
    r"^(?P<organisation>[-a-zA-Z0-9_]+)/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)/?"
    r"(?:@v(?P<version>[1-9][0-9]{0,8}))?$"
)


class BadComparison(Exception):
    """The request does not name a comparison that can be made; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Which assessments ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    organisation: str
    slug: str
    version: int | None = None  # None: the content as it is now

    def __str__(self) -> str:
        pinned = f"@v{self.version}" if self.version is not None else ""
        return f"{self.organisation}/{self.slug}{pinned}"


def parse(values: list[str]) -> list[Reference]:
    """The references of the query parameter ``a``, in order; empty values are ignored."""
    given = [value.strip() for value in values if value.strip()]
    if len(given) < MIN_COLUMNS:
        raise BadComparison(_("Choose at least two assessments to compare."))
    if len(given) > MAX_COLUMNS:
        raise BadComparison(
            _("Choose at most %(max)d assessments to compare; you chose %(count)d.")
            % {"max": MAX_COLUMNS, "count": len(given)}
        )
    references = []
    for value in given:
        found = _REFERENCE.match(value.replace("@V", "@v"))
        if found is None:
            raise BadComparison(
                _(
                    "“%(value)s” does not name an assessment. Write organisation/short-name, "
                    "optionally followed by @v and a version number (e.g. demo/tiktok-2025@v2)."
                )
                % {"value": value[:100]}
            )
        number = found["version"]
        references.append(
            Reference(found["organisation"], found["slug"], int(number) if number else None)
        )
    return references


@dataclass
class Column:
    """One assessment or version being compared."""

    letter: str
    reference: Reference  # canonical: pinned to the version shown, if it is one
    live: Assessment
    snapshot: versions.Snapshot
    workspace: Workspace
    is_member: bool

    @property
    def assessment(self) -> Assessment:
        """The assessment as the snapshot has it (title, pre-scan, … of that moment)."""
        return self.workspace.assessment

    @property
    def title(self) -> str:
        return self.assessment.title

    @property
    def version_label(self) -> str:
        version = self.snapshot.version
        status = self.assessment.get_status_display()
        if version is None:
            return _("current content (%(status)s)") % {"status": status}
        return _("version %(number)s (%(status)s)") % {"number": version.number, "status": status}

    @property
    def date(self) -> datetime.date:
        version = self.snapshot.version
        moment = version.created_at if version is not None else self.live.updated_at
        return moment.date()


def resolve(user, references: list[Reference]) -> list[Column]:
    """Load every reference for ``user``; 404 when any of them may not be read (so the
    comparison reveals nothing about the one that is hidden)."""
    # Every permission is checked before any content is read.
    chosen: list[tuple[Reference, Assessment, Version | None, bool]] = []
    for reference in references:
        readable = permissions.get_readable(user, reference.organisation, reference.slug)
        live = readable.assessment
        standing = versions.published_version(live)  # a settled assessment's newest version
        version: Version | None
        if not readable.is_member:
            # Anyone else reads the published version only.
            if standing is None or reference.version not in (None, standing.number):
                raise Http404("No such version.")
            version = standing
        elif reference.version is not None:
            version = live.versions.filter(number=reference.version).first()
            if version is None:
                raise Http404("No such version.")
        else:
            version = standing
        pinned = Reference(
            live.organisation.slug, live.slug, version.number if version is not None else None
        )
        if any(pinned == earlier for earlier, *_rest in chosen):
            raise BadComparison(
                _("“%(value)s” is chosen twice; choose different assessments or versions.")
                % {"value": str(pinned)}
            )
        chosen.append((pinned, live, version, readable.is_member))
    columns = []
    for letter, (pinned, live, version, is_member) in zip(LETTERS, chosen, strict=False):
        snap = versions.of(version) if version is not None else versions.current(live)
        columns.append(Column(letter, pinned, live, snap, versions.read(snap, live), is_member))
    return columns


def canonical(columns: list[Column]) -> list[str]:
    """The values of ``a`` that name exactly these columns, in their order."""
    return [str(column.reference) for column in columns]


# --- What is compared ---------------------------------------------------------------------------


@dataclass
class Row:
    """A labelled row with one cell per column."""

    label: str
    cells: list[str]

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1


@dataclass
class ListRow:
    label: str
    cells: list[list[str]]


@dataclass
class ContributionRow:
    number: str
    title: str
    cells: list[str]  # the summary, or the start of the answer; "" when not answered

    @property
    def absent_in(self) -> list[int]:
        """Columns that do not answer it while another does."""
        if all(not cell for cell in self.cells):
            return []
        return [i for i, cell in enumerate(self.cells) if not cell]


def _highest(scores: list[RiskScore]) -> RiskScore | None:
    scored = [s for s in scores if s.state == ScoreState.SCORED and s.level is not None]
    if not scored:
        return None
    return max(scored, key=lambda s: (s.level.rank if s.level else 0, s.value or 0))


@dataclass
class CategoryCell:
    risks: list[RiskRow]
    bottom_rank: int = 1  # the rank of the lowest level of this column's matrix
    mark: str = ""  # "high" or "low" where the category's scores diverge (``contrast``)

    @property
    def highest_gross(self) -> RiskScore | None:
        return _highest([r.gross for r in self.risks])

    @property
    def highest_residual(self) -> RiskScore | None:
        return _highest([r.residual for r in self.risks])

    @property
    def not_assessable(self) -> list[RiskRow]:
        return [r for r in self.risks if r.not_assessable]

    @property
    def in_place(self) -> int:
        return sum(r.in_place for r in self.risks)

    @property
    def planned(self) -> int:
        return sum(r.planned for r in self.risks)

    @property
    def overdue(self) -> list[MeasureRow]:
        return [m for r in self.risks for m in r.overdue]


@dataclass
class TopicRow:
    """One risk topic of a category across the columns (None where a column lacks it)."""

    topic: str
    lines: list[RiskRow | None]

    @property
    def absent_in(self) -> list[int]:
        return [i for i, line in enumerate(self.lines) if line is None]

    @property
    def scores_differ(self) -> bool:
        present = [line for line in self.lines if line is not None]
        return len({(line.gross.label, line.residual.label) for line in present}) > 1


@dataclass
class CategoryRow:
    category: instrument.RiskCategory
    cells: list[CategoryCell]
    topics: list[TopicRow]

    @property
    def highest(self) -> list[RiskScore | None]:
        return [cell.highest_gross for cell in self.cells]

    @property
    def spread(self) -> int:
        """The highest gross score of the highest column minus that of the lowest (columns
        with a scored risk in this category only)."""
        values = [score.value or 0 for score in self.highest if score is not None]
        return max(values) - min(values) if len(values) > 1 else 0

    @property
    def contrast(self) -> bool:
        """One column's highest risk here is high where another's is low (each by its own
        matrix: its worst level against its best)."""
        high = low = False
        for cell in self.cells:
            score = cell.highest_gross
            if score is None or score.level is None:
                continue
            high = high or score.is_high
            low = low or score.level.rank <= cell.bottom_rank
        return high and low

    @property
    def empty_in(self) -> list[int]:
        """Columns without any risk in this category while another has some."""
        if all(not cell.risks for cell in self.cells):
            return []
        return [i for i, cell in enumerate(self.cells) if not cell.risks]

    @property
    def is_empty(self) -> bool:
        return all(not cell.risks for cell in self.cells)


@dataclass
class SourceLine:
    key: str
    citation: str
    url: str
    cited: int  # how often the assessment cites it


@dataclass
class SharedSource:
    citation: str
    url: str
    lines: list[SourceLine | None]  # per column

    @property
    def shared_by(self) -> int:
        return sum(1 for line in self.lines if line is not None)


@dataclass
class SourcesCell:
    sources: list[SourceLine]

    @property
    def cited(self) -> list[SourceLine]:
        return [s for s in self.sources if s.cited]


@dataclass
class Change:
    """What changed from the first column to the second, when they are one assessment over
    time (versions of it, or a re-assessment and its predecessor)."""

    new: list[RiskRow]
    removed: list[RiskRow]
    rescored: list[tuple[RiskRow, RiskRow]]
    measures_done: list[tuple[str, MeasureRow]]  # (risk topic, measure) now in place
    measures_new: list[tuple[str, MeasureRow]]

    @property
    def is_empty(self) -> bool:
        return not (
            self.new or self.removed or self.rescored or self.measures_done or self.measures_new
        )


@dataclass(frozen=True)
class Highlight:
    """A difference worth seeing first: where (an anchor on the page) and what."""

    anchor: str
    title: str
    text: str


@dataclass
class RightsCell:
    """One column's coverage of one framework (``domain.library.coverage``)."""

    addressed: list[str]  # the references of the items it addresses
    excluded: list[str]  # those marked not relevant
    missing: int
    only_here: list[str] = field(default_factory=list)  # addressed here and in no other column

    @property
    def total(self) -> int:
        return len(self.addressed) + len(self.excluded) + self.missing


@dataclass
class RightsRow:
    """One framework of the library across the columns."""

    key: str  # the framework file's ref: ivrk, code, …
    name: str
    cells: list[RightsCell]

    @property
    def differs(self) -> bool:
        return len({tuple(cell.addressed) for cell in self.cells}) > 1


@dataclass
class Comparison:
    columns: list[Column]
    overview: list[Row]
    prescan: Row
    goals: list[ListRow]
    contributions: list[ContributionRow]
    categories: list[CategoryRow]
    heatmaps: list[tuple[heatmap.HeatMap, heatmap.HeatMap]]
    proportionality: list[ListRow]
    sources: list[SourcesCell]
    shared_sources: list[SharedSource]
    change: Change | None = None
    today: datetime.date = field(default_factory=datetime.date.today)
    # The children's own voice (issue 20): consultations, findings and what changed.
    voice: list[ListRow] = field(default_factory=list)
    rights: list[RightsRow] = field(default_factory=list)

    @property
    def query(self) -> list[tuple[str, str]]:
        return [("a", value) for value in canonical(self.columns)]

    @property
    def labels(self) -> list[str]:
        """Each column's name as cells of a stacked (narrow) table repeat it."""
        return [f"{c.letter}. {c.title}" for c in self.columns]

    @property
    def highlights(self) -> list[Highlight]:
        found = []
        letters = [c.letter for c in self.columns]
        for row in self.categories:
            title = f"{row.category.number} {row.category.name}"
            anchor = f"cat-{row.category.key}"
            if row.contrast:
                scores = ", ".join(
                    f"{letter}: {score.label if score is not None else '—'}"
                    for letter, score in zip(letters, row.highest, strict=True)
                )
                found.append(
                    Highlight(
                        anchor,
                        title,
                        _("high in one, low in another (highest gross risk %(scores)s)")
                        % {"scores": scores},
                    )
                )
            if row.empty_in:
                found.append(
                    Highlight(
                        anchor,
                        title,
                        _("no risk described in %(letters)s")
                        % {"letters": ", ".join(letters[i] for i in row.empty_in)},
                    )
                )
            partial = [t for t in row.topics if t.absent_in]
            if partial and len(self.columns) > 1 and not row.empty_in:
                found.append(
                    Highlight(
                        anchor,
                        title,
                        ngettext(
                            "%(count)d risk topic is not in every assessment",
                            "%(count)d risk topics are not in every assessment",
                            len(partial),
                        )
                        % {"count": len(partial)},
                    )
                )
        for contribution in self.contributions:
            if contribution.absent_in:
                found.append(
                    Highlight(
                        "contributions",
                        f"{contribution.number} {contribution.title}",
                        _("not answered in %(letters)s")
                        % {"letters": ", ".join(letters[i] for i in contribution.absent_in)},
                    )
                )
        return found

    @property
    def not_assessable_counts(self) -> list[int]:
        return [
            sum(len(row.cells[i].not_assessable) for row in self.categories)
            for i in range(len(self.columns))
        ]


# --- Building it ----------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def source_identity(url: str, citation: str) -> str:
    """What makes two sources the same: the web address without scheme, ``www.``,
    trailing slash, fragment and ``utm_`` parameters; without an address the citation."""
    if url.strip():
        parts = urlsplit(url.strip())
        host = parts.netloc.lower().removeprefix("www.")
        query = "&".join(
            sorted(p for p in parts.query.split("&") if p and not p.lower().startswith("utm_"))
        )
        return f"url:{host}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")
    return "text:" + normalise(citation)


def _categories(spaces: list[Workspace], today: datetime.date) -> list[CategoryRow]:
    rows = []
    for category in instrument.RISK_CATEGORIES:
        cells = [
            CategoryCell(
                [risk_row(r, today) for r in ws.risks_by_category.get(category.key, [])],
                min(level.rank for level in ws.matrix.levels),
            )
            for ws in spaces
        ]
        order: list[str] = []
        by_topic: dict[str, list[RiskRow | None]] = {}
        shown: dict[str, str] = {}
        for index, cell in enumerate(cells):
            for line in cell.risks:
                key = normalise(line.topic)
                if key not in by_topic:
                    order.append(key)
                    by_topic[key] = [None] * len(cells)
                    shown[key] = line.topic
                if by_topic[key][index] is None:  # a topic twice in one assessment: first
                    by_topic[key][index] = line
        topics = [TopicRow(shown[key], by_topic[key]) for key in order]
        row = CategoryRow(category, cells, topics)
        if row.contrast:
            for cell in cells:
                score = cell.highest_gross
                if score is not None and score.is_high:
                    cell.mark = "high"
                elif score is not None and score.level and score.level.rank <= cell.bottom_rank:
                    cell.mark = "low"
        rows.append(row)
    return rows


def _contribution_text(ws: Workspace, number: str) -> str:
    found = ws.contributions.get(number)
    if found is None:
        return ""
    if found.summary.strip():
        return found.summary.strip()
    text = " ".join(found.text.split())
    return text if len(text) <= 240 else text[:239].rstrip() + "…"


def _sources(ws: Workspace) -> list[SourceLine]:
    counts = ws.citation_counts
    return [SourceLine(s.key, s.citation, s.url, counts.get(s.key, 0)) for s in ws.sources]


def _shared(cells: list[SourcesCell]) -> list[SharedSource]:
    found: dict[str, SharedSource] = {}
    for index, cell in enumerate(cells):
        for line in cell.sources:
            identity = source_identity(line.url, line.citation)
            shared = found.setdefault(
                identity, SharedSource(line.citation, line.url, [None] * len(cells))
            )
            if shared.lines[index] is None:
                shared.lines[index] = line
    return sorted(
        (s for s in found.values() if s.shared_by > 1),
        key=lambda s: (-s.shared_by, normalise(s.citation)),
    )


def _prescan_label(assessment: Assessment) -> str:
    return str(PrescanOutcome(assessment.prescan_outcome()).label)


def same_line(first: Assessment, second: Assessment) -> bool:
    """Whether two assessments are one over time: the same, or one re-assesses the other."""
    return (
        first.pk == second.pk
        or second.predecessor_id == first.pk
        or first.predecessor_id == second.pk
    )


def _change(categories: list[CategoryRow]) -> Change:
    change = Change([], [], [], [], [])
    for row in categories:
        for topic in row.topics:
            before, after = topic.lines[0], topic.lines[1]
            if before is None and after is not None:
                change.new.append(after)
            elif after is None and before is not None:
                change.removed.append(before)
            elif before is not None and after is not None:
                if topic.scores_differ:
                    change.rescored.append((before, after))
                earlier = {normalise(m.title): m for m in before.measures}
                for measure in after.measures:
                    old = earlier.get(normalise(measure.title))
                    if old is None:
                        change.measures_new.append((after.topic, measure))
                    elif measure.in_place and not old.in_place:
                        change.measures_done.append((after.topic, measure))
    return change


def _plain(markdown: str) -> str:
    """Markdown as one line of words (headings, lists and marks left out)."""
    return " ".join(readability.plain(markdown).replace("\n- ", "\n").split())


def _voice(spaces: list[Workspace]) -> list[ListRow]:
    """Whom each assessment consulted, what the children said and what changed."""

    def consultation(c) -> str:
        count = (
            ngettext("%(n)d child", "%(n)d children", c.children_count) % {"n": c.children_count}
            if c.children_count is not None
            else ""
        )
        return ", ".join(filter(None, (c.title, str(c.get_method_display()), count)))

    def finding(f) -> str:
        shown = f"{f.text} ({f.get_evidence_display()})"
        return f"{shown} → {f.change}" if f.change else shown

    return [
        ListRow(
            _("Consultations of children"),
            [
                [consultation(c) for c in ws.consultations]
                or (
                    [_("None: %(reason)s") % {"reason": ws.assessment.no_consultation_reason}]
                    if ws.assessment.no_consultation_reason
                    else []
                )
                for ws in spaces
            ],
        ),
        ListRow(
            _("What the children said, and what changed"),
            [[finding(f) for f in ws.findings] for ws in spaces],
        ),
        ListRow(
            _("Summary for children"),
            [
                [_plain(ws.assessment.child_summary)] if ws.assessment.child_summary else []
                for ws in spaces
            ],
        ),
    ]


def _rights(spaces: list[Workspace]) -> list[RightsRow]:
    """Per framework, what each column addresses, marks not relevant and leaves open."""
    per_column = [coverage.of(ws) for ws in spaces]
    rows: dict[str, RightsRow] = {}
    for index, frameworks in enumerate(per_column):
        for found in frameworks:
            row = rows.setdefault(
                found.file.ref,
                RightsRow(
                    found.file.ref,
                    found.file.label,
                    [RightsCell([], [], 0) for _space in spaces],
                ),
            )
            row.cells[index] = RightsCell(
                [c.item.ref for c in found.addressed],
                [item.ref for item, _reason in found.excluded],
                len(found.missing),
            )
    for row in rows.values():
        for index, cell in enumerate(row.cells):
            elsewhere = {
                ref for other, c in enumerate(row.cells) if other != index for ref in c.addressed
            }
            cell.only_here = [ref for ref in cell.addressed if ref not in elsewhere]
    return list(rows.values())


def build(columns: list[Column], *, today: datetime.date | None = None) -> Comparison:
    today = today or datetime.date.today()
    spaces = [column.workspace for column in columns]
    assessments = [ws.assessment for ws in spaces]

    def row(label: str, value) -> Row:
        return Row(label, [str(value(a) or "—") for a in assessments])

    overview = [
        row(_("Assessed digital service"), lambda a: a.service_name),
        row(_("Provider of the service"), lambda a: a.service_provider),
        row(_("Kind of assessment"), lambda a: a.get_kind_display()),
        row(_("Assessor"), lambda a: a.assessor),
        row(_("Commissioned by"), lambda a: a.commissioner),
        Row(_("Status and version"), [c.version_label for c in columns]),
        Row(_("Date"), [formats.date_format(c.date, "DATE_FORMAT") for c in columns]),
    ]
    prescan = row(_("Outcome of the pre-scan"), _prescan_label)
    goals = [
        ListRow(
            _("Main goal"),
            [[g.title for g in ws.goals if g.kind == GoalKind.MAIN] for ws in spaces],
        ),
        ListRow(
            _("Sub-goals"),
            [[g.title for g in ws.goals if g.kind != GoalKind.MAIN] for ws in spaces],
        ),
    ]
    contributions = [
        ContributionRow(
            q.number,
            " · ".join(str(e) for e in q.elements) or str(q.short or ""),
            [_contribution_text(ws, q.number) for ws in spaces],
        )
        for q in instrument.CONTRIBUTION_QUESTIONS
    ]
    categories = _categories(spaces, today)
    maps = [
        (
            heatmap.build(ws.risks, matrix=ws.matrix),
            heatmap.build(ws.risks, matrix=ws.matrix, residual=True),
        )
        for ws in spaces
    ]
    proportionality = [
        ListRow(
            str(side.label),
            [
                [item.text for item in ws.proportionality_items if item.side == side]
                for ws in spaces
            ],
        )
        for side in ProportionalitySide
    ]
    sources = [SourcesCell(_sources(ws)) for ws in spaces]
    change = None
    if len(columns) == 2 and same_line(columns[0].live, columns[1].live):
        change = _change(categories)
    return Comparison(
        columns=columns,
        overview=overview,
        prescan=prescan,
        goals=goals,
        contributions=contributions,
        categories=categories,
        heatmaps=maps,
        proportionality=proportionality,
        sources=sources,
        voice=_voice(spaces),
        shared_sources=_shared(sources),
        change=change,
        today=today,
        rights=_rights(spaces),
    )


def for_request(user, values: list[str]) -> Comparison:
    """Parse, check and build: ``BadComparison`` or ``Http404`` when it cannot be made."""
    return build(resolve(user, parse(values)))
