"""Finding library items, and linking an assessment's rows to them.

Links and exclusions are rows of the assessment: they are written through the write path
(``editing.Batch``), so they are refused on a settled assessment like any edit and are in
the history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from assessments.domain import editing
from assessments.domain.models import (
    Assessment,
    ItemRelation,
    LibraryItem,
    LibraryItemText,
    LibraryLink,
    Organisation,
    Risk,
)
from assessments.domain.models.library import LINKED_ROWS, in_language

# Relations that say what an item is about (a typical risk "concerns" art. 16; a GC25
# section "interprets" it; a measure "implements" a Code point or "mitigates" a risk).
ABOUT = ("concerns", "interprets", "implements", "mitigates")
TYPICAL_RISK = "typical-risk"
TYPICAL_MEASURE = "typical-measure"


def items(organisation: Organisation | None = None) -> QuerySet[LibraryItem]:
    """The items an organisation may use: the shared library and its own catalogue."""
    scope = Q(file__organisation=None)
    if organisation is not None:
        scope |= Q(file__organisation=organisation)
    return LibraryItem.objects.filter(scope).select_related("file")


def search(
    query: str = "",
    *,
    organisation: Organisation | None = None,
    kinds: Iterable[str] | None = None,
    files: Iterable[str] | None = None,
    category: str | None = None,
    limit: int = 50,
) -> list[LibraryItem]:
    """Items (not withdrawn) whose reference, URN, title or text contains ``query``."""
    found = items(organisation).filter(withdrawn_in=None)
    if kinds:
        found = found.filter(kind__in=list(kinds))
    if files:
        found = found.filter(file__ref__in=list(files))
    if category:
        found = found.filter(category=category)
    for word in query.split()[:8]:
        found = found.filter(
            Q(ref__icontains=word)
            | Q(urn__icontains=word)
            | Q(title__nl__icontains=word)
            | Q(title__en__icontains=word)
            | Q(text__nl__icontains=word)
            | Q(text__en__icontains=word)
        )
    return list(found.order_by("file__order", "file__ref", "order")[:limit])


def concerns(item: LibraryItem) -> list[LibraryItem]:
    """The items ``item`` is about (its "concerns", "interprets", … relations)."""
    return [
        relation.target
        for relation in item.relations.filter(type__in=ABOUT).select_related("target__file")
    ]


def concerns_of(items_: Iterable[LibraryItem]) -> dict[int, list[LibraryItem]]:
    """``concerns`` of many items in one query, by item id."""
    by_item: dict[int, list[LibraryItem]] = {}
    items_ = list(items_)
    if not items_:
        return by_item
    relations = ItemRelation.objects.filter(source__in=list(items_), type__in=ABOUT).select_related(
        "target__file"
    )
    for relation in relations.order_by("target__file__order", "target__order"):
        by_item.setdefault(relation.source_id, []).append(relation.target)
    return by_item


def links_of(row: Any) -> list[LibraryLink]:
    """The links of one goal, contribution, risk or measure."""
    return list(
        row.library_links.select_related("item__file").order_by("item__file__order", "item__order")
    )


def suggested_measures(
    risk: Risk, *, organisation: Organisation | None = None
) -> list[LibraryItem]:
    """Typical measures for ``risk``: first those that mitigate a typical risk it is
    linked to, then those that concern the most of the same rights and principles; none
    that a measure of this risk is already linked to."""
    linked = [link.item for link in risk.library_links.select_related("item")]
    if not linked:
        return []
    about = {item.pk for item in linked} | {
        target.pk for targets in concerns_of(linked).values() for target in targets
    }
    taken = set(LibraryLink.objects.filter(measure__risk=risk).values_list("item_id", flat=True))
    relations = ItemRelation.objects.filter(
        source__kind=TYPICAL_MEASURE, source__withdrawn_in=None, target_id__in=about
    ).exclude(source_id__in=taken)
    if organisation is not None:
        relations = relations.filter(
            Q(source__file__organisation=None) | Q(source__file__organisation=organisation)
        )
    else:
        relations = relations.filter(source__file__organisation=None)
    direct = {item.pk for item in linked}
    score: Counter[int] = Counter()
    for source_id, target_id, type_ in relations.values_list("source_id", "target_id", "type"):
        score[source_id] += 100 if (type_ == "mitigates" and target_id in direct) else 1
    found = {
        item.pk: item for item in LibraryItem.objects.filter(pk__in=score).select_related("file")
    }
    return sorted(found.values(), key=lambda item: (-score[item.pk], item.order))


def link(batch: editing.Batch, row: Any, item: LibraryItem, note: str = "") -> LibraryLink:
    """Link ``row`` (a goal, contribution, risk or measure) to ``item``; an existing link
    of the same row to the same item is kept as it is."""
    name = type(row).__name__.lower()
    if name not in LINKED_ROWS:
        raise ValueError(f"{type(row).__name__} rows cannot be linked to the library")
    existing = LibraryLink.objects.filter(item=item, **{name: row}).first()
    if existing is not None:
        return existing
    assessment_id = row.assessment_id if name != "measure" else row.risk.assessment_id
    new = LibraryLink(
        assessment_id=assessment_id,
        item=item,
        item_version=item.changed_in,
        note=note,
        **{name: row},
    )
    batch.create(new)
    return new


@dataclass(frozen=True)
class Update:
    """A linked item whose text changed, or that was withdrawn, since the team linked it."""

    link: LibraryLink
    old_title: str
    old_text: str
    withdrawn: bool

    @property
    def item(self) -> LibraryItem:
        return self.link.item


def updates(assessment: Assessment) -> list[Update]:
    """The assessment's links to items changed or withdrawn since they were linked."""
    stale = (
        assessment.library_links.select_related(
            "item__file", "goal", "contribution", "risk", "measure"
        )
        .filter(Q(item__changed_in__gt=F("item_version")) | Q(item__withdrawn_in__isnull=False))
        .order_by("item__file__order", "item__order", "pk")
    )
    result = []
    for found in stale:
        old = (
            LibraryItemText.objects.filter(item=found.item, version__lte=found.item_version)
            .order_by("-version")
            .first()
        )
        result.append(
            Update(
                link=found,
                old_title=in_language(old.title) if old else "",
                old_text=in_language(old.text) if old else "",
                withdrawn=found.item.is_withdrawn,
            )
        )
    return result


def take_new_text(batch: editing.Batch, link_: LibraryLink) -> None:
    """The team has read the item's new text: the link now stands for it."""
    link_.item_version = link_.item.changed_in
    batch.save_current(link_)
