"""An organisation's own catalogue: typical risks and measures it adds to the shared ones.

It is a library file like the others (``urn:kia:org-<slug>``, kind catalogue), kept in the
database and exchanged as the same YAML: export writes the loaded file as a document,
import reads one through the loader (its schema and checks; an error names the file, the
item and the reason and nothing changes), and adding an item writes a new version of the
document through the same loader."""

from __future__ import annotations

from typing import Any

import yaml

from assessments.domain.library import loader
from assessments.domain.models import LibraryFile, Organisation

KINDS = ("typical-risk", "typical-measure")


def prefix(organisation: Organisation) -> str:
    return f"urn:kia:org-{organisation.slug}"


def file_of(organisation: Organisation) -> LibraryFile | None:
    return LibraryFile.objects.filter(organisation=organisation).first()


def _default_name(organisation: Organisation) -> dict[str, str]:
    return {
        "nl": f"Eigen catalogus van {organisation.name}",
        "en": f"Own catalogue of {organisation.name}",
    }


def document(organisation: Organisation) -> dict[str, Any]:
    """The organisation's catalogue as a library document (empty, version 0, if none)."""
    file = file_of(organisation)
    head: dict[str, Any] = {
        "urn": prefix(organisation),
        "ref": f"org-{organisation.slug}"[:40],
        "kind": "catalogue",
        "version": file.version if file else 0,
        "name": file.name if file else _default_name(organisation),
        "publisher": file.publisher if file else organisation.name,
        "languages": file.languages if file else ["nl", "en"],
        "source_url": file.source_url if file else "https://example.org/",
        "licence": file.licence if file else "Own work of the organisation.",
        "attribution": file.attribution if file else organisation.name,
        "items": [],
    }
    if file is None:
        return head
    withdrawn = []
    for item in file.items.prefetch_related("relations__target").order_by("order"):
        entry: dict[str, Any] = {
            "urn": item.urn,
            "ref": item.ref,
            "kind": item.kind,
            "title": item.title,
            "text": item.text,
            "source_url": item.source_url,
        }
        if item.category:
            entry["category"] = item.category
        links = [
            {"type": r.type, "target": r.target.urn}
            for r in item.relations.all()
            if r.type != "mapping"
        ]
        if links:
            entry["links"] = links
        head["items"].append(entry)
        if item.is_withdrawn:
            withdrawn.append(item.urn)
    if withdrawn:
        head["withdrawn"] = withdrawn
    return head


def export(organisation: Organisation) -> str:
    return yaml.safe_dump(document(organisation), allow_unicode=True, sort_keys=False)


def import_text(organisation: Organisation, text: str | bytes, name: str) -> list[Any]:
    """Load a YAML document as the organisation's catalogue; ``loader.LibraryError`` (file,
    item, reason) if it is not valid, and then nothing changes."""
    parsed = loader.parse(text, name)
    return loader.load_documents([(name, parsed)], organisation=organisation)


def add_item(
    organisation: Organisation,
    *,
    kind: str,
    category: str,
    title: dict[str, str],
    text: dict[str, str],
    source_url: str,
    concerns: list[str],
) -> str:
    """Add an item as a new version of the organisation's catalogue; returns its URN."""
    current = document(organisation)
    taken = {entry["urn"] for entry in current["items"]}
    number = len(taken) + 1
    while f"{prefix(organisation)}:item-{number}" in taken:
        number += 1
    urn = f"{prefix(organisation)}:item-{number}"
    entry: dict[str, Any] = {
        "urn": urn,
        "ref": f"{organisation.slug[:30]}-{number}",
        "kind": kind,
        "title": title,
        "text": text,
        "source_url": source_url,
    }
    if kind == "typical-risk":
        entry["category"] = category
    if concerns:
        entry["links"] = [{"type": "concerns", "target": target} for target in concerns]
    current["items"].append(entry)
    current["version"] += 1
    name = f"org-{organisation.slug}.yaml"
    loader.load_documents([(name, loader.parse(yaml.safe_dump(current), name))],
                          organisation=organisation)  # fmt: skip
    return urn
