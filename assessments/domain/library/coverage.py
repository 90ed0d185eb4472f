"""Which items of each framework an assessment addresses, through which rows, and which
it leaves open or marked not relevant.

An item is addressed by a row (goal, contribution, risk or measure) that is linked to it,
or linked to a catalogue item (a typical risk or measure) that concerns it. The KIA's own
file is addressed by the instrument itself: a risk addresses its category (3.1-3.8), a
contribution with text its wellbeing value (2.8-2.14). Coverage is read from a
``Workspace``, so a version's report shows the coverage of that version."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assessments.domain.library.catalogue import concerns_of
from assessments.domain.models import LibraryFile, LibraryItem

if TYPE_CHECKING:
    from assessments.domain.workspace import Workspace

# The frameworks coverage is shown for, in this order (catalogues are means, not ends).
FRAMEWORKS = ("ivrk", "gc25", "code", "dsa28", "aadc", "kia")


@dataclass(frozen=True)
class RowRef:
    """A row that addresses an item: what it is, how readers name it, and through which
    catalogue item (None when linked directly)."""

    kind: str  # goal, contribution, risk, measure
    label: str  # "R3", "2.9", "R3 · Standaard privé", "2.5 Hoofddoel"
    title: str
    row: Any
    via: LibraryItem | None = None


@dataclass
class Covered:
    item: LibraryItem
    rows: list[RowRef] = field(default_factory=list)


@dataclass
class FrameworkCoverage:
    file: LibraryFile
    addressed: list[Covered] = field(default_factory=list)
    excluded: list[tuple[LibraryItem, str]] = field(default_factory=list)
    missing: list[LibraryItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.addressed) + len(self.excluded) + len(self.missing)


def _refs(ws: Workspace) -> dict[tuple[str, int], RowRef]:
    """Every linkable row of the workspace, by (kind, id), with its label."""
    refs: dict[tuple[str, int], RowRef] = {}
    for goal in ws.goals:
        refs["goal", goal.pk] = RowRef("goal", "2.5", goal.title, goal)
    for question, contribution in ws.contributions.items():
        refs["contribution", contribution.pk] = RowRef(
            "contribution", question, contribution.summary or "", contribution
        )
    for risk in ws.risks:
        refs["risk", risk.pk] = RowRef("risk", _label(risk), risk.topic, risk)
        for measure in risk.measures.all():
            refs["measure", measure.pk] = RowRef(
                "measure", f"{_label(risk)} · {measure.title}", measure.title, measure
            )
    return refs


def _label(risk: Any) -> str:
    """A risk's R-number (``Workspace.risks`` numbers them)."""
    return str(getattr(risk, "label", ""))


def _linked_rows(ws: Workspace) -> dict[int, list[RowRef]]:
    """Item id -> the rows linked to it directly."""
    refs = _refs(ws)
    by_item: dict[int, list[RowRef]] = defaultdict(list)
    for link in ws.rows("link"):
        for kind in ("goal", "contribution", "risk", "measure"):
            target = getattr(link, f"{kind}_id")
            if target is not None and (kind, target) in refs:
                by_item[link.item_id].append(refs[kind, target])
    return by_item


def of(ws: Workspace, *, frameworks: tuple[str, ...] = FRAMEWORKS) -> list[FrameworkCoverage]:
    """Coverage per framework file (those loaded, in ``frameworks``' order)."""
    direct = _linked_rows(ws)
    addressing: dict[int, list[RowRef]] = defaultdict(list)
    for item_id, rows in direct.items():
        addressing[item_id].extend(rows)
    linked_items = LibraryItem.objects.in_bulk(list(direct)) if direct else {}
    for source_id, targets in concerns_of(linked_items.values()).items():
        via = linked_items[source_id]
        for target in targets:
            addressing[target.pk].extend(
                RowRef(r.kind, r.label, r.title, r.row, via=via) for r in direct[source_id]
            )
    shared = LibraryItem.objects.filter(file__ref__in=frameworks, file__organisation=None)
    by_file: dict[str, list[LibraryItem]] = defaultdict(list)
    files: dict[str, LibraryFile] = {}
    for item in shared.select_related("file").order_by("order"):
        by_file[item.file.ref].append(item)
        files.setdefault(item.file.ref, item.file)
    kia_by_ref = {item.ref: item for item in by_file.get("kia", [])}
    for risk in ws.risks:
        category = kia_by_ref.get(risk.category_info.number)
        if category is not None:
            addressing[category.pk].append(RowRef("risk", _label(risk), risk.topic, risk))
    for question, contribution in ws.contributions.items():
        value = kia_by_ref.get(question)
        if value is not None and (contribution.text or contribution.summary):
            addressing[value.pk].append(
                RowRef("contribution", question, contribution.summary or "", contribution)
            )
    excluded = {e.item_id: e.reason for e in ws.rows("exclusion")}
    result = []
    for ref in frameworks:
        file = files.get(ref)
        if file is None:
            continue
        coverage = FrameworkCoverage(file)
        for item in by_file[ref]:
            rows = _unique(addressing.get(item.pk, []))
            if rows:
                coverage.addressed.append(Covered(item, rows))
            elif item.pk in excluded:
                coverage.excluded.append((item, excluded[item.pk]))
            elif not item.is_withdrawn:
                coverage.missing.append(item)
        result.append(coverage)
    return result


def _unique(rows: list[RowRef]) -> list[RowRef]:
    """Each row once (directly linked before through a catalogue item), in reading order."""
    seen: dict[tuple[str, int], RowRef] = {}
    for row in sorted(rows, key=lambda r: r.via is not None):
        seen.setdefault((row.kind, id(row.row)), row)
    order = {"goal": 0, "contribution": 1, "risk": 2, "measure": 3}
    return sorted(seen.values(), key=lambda r: (order[r.kind], _natural(r.label)))


def _natural(label: str) -> tuple:
    digits = "".join(ch for ch in label.split(" ")[0] if ch.isdigit() or ch == ".")
    return tuple(int(p) for p in digits.split(".") if p) or (0,)
