"""The library items a row is linked to, as every output names them: "art. 16, Code P9".

One place for the short names, so the report's risk lines, its annex, the risk register
and the comparison say the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from assessments.domain.models import LibraryItem, LibraryLink

# The framework's short name before a reference that does not say which framework it is of.
PREFIX = {"code": "Code", "aadc": "AADC", "dsa28": "DSA", "gc25": "GC25", "kia": "KIA"}


def chip(item: LibraryItem) -> str:
    """An item's reference, with its framework's short name where needed ("Code P9")."""
    prefix = PREFIX.get(item.file.ref, "")
    return f"{prefix} {item.ref}" if prefix and not item.ref.startswith(prefix) else item.ref


def chips_of(urns: Iterable[str]) -> list[str]:
    """The short names of the items with these URNs, in the order given ("art. 19", "Code
    P3"); a URN the library does not (or no longer) hold is shown as it is."""
    urns = list(urns)
    found = {i.urn: i for i in LibraryItem.objects.select_related("file").filter(urn__in=urns)}
    return [chip(found[urn]) if urn in found else urn for urn in urns]


def by_row(links: Iterable[LibraryLink]) -> dict[tuple[str, int], str]:
    """The items each row is linked to, keyed by (kind, row id): ``("risk", 12)`` →
    "art. 16, art. 17, Code P9", in the library's order, each once."""
    links = list(links)
    items = LibraryItem.objects.select_related("file").in_bulk({link.item_id for link in links})
    found: dict[tuple[str, int], list[LibraryItem]] = defaultdict(list)
    for link in links:
        for kind in ("goal", "contribution", "risk", "measure"):
            pk = getattr(link, f"{kind}_id", None)
            if pk and link.item_id in items:
                found[(kind, pk)].append(items[link.item_id])
    return {
        key: ", ".join(
            dict.fromkeys(
                chip(i) for i in sorted(items, key=lambda i: (i.file.order, i.order, i.pk))
            )
        )
        for key, items in found.items()
    }
