"""Small library files for the tests: a framework and a catalogue written as YAML, and new
versions of the shipped files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from assessments.domain.library import loader


def shipped(ref: str) -> dict[str, Any]:
    """A deep copy of a shipped file's document, by its short name."""
    for path in loader.data_files():
        document = loader.read([path])[0][1]
        if document["ref"] == ref:
            return copy.deepcopy(document)
    raise LookupError(ref)


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    return path


def text(nl: str, en: str | None = None) -> dict[str, str]:
    return {"nl": nl, "en": en or nl}


def item(urn: str, ref: str, kind: str = "article", **more: Any) -> dict[str, Any]:
    return {
        "urn": urn,
        "ref": ref,
        "kind": kind,
        "title": text(f"Titel {ref}", f"Title {ref}"),
        "text": text(f"Tekst {ref}", f"Text {ref}"),
        "source_url": "https://example.org/" + ref.replace(" ", "-"),
        **more,
    }


def framework(version: int = 1, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A framework "test" with three articles (unless ``items`` says otherwise)."""
    return {
        "urn": "urn:kia:test",
        "ref": "test",
        "kind": "framework",
        "version": version,
        "name": text("Testkader", "Test framework"),
        "publisher": "Tests",
        "languages": ["nl", "en"],
        "source_url": "https://example.org/",
        "licence": "Test licence",
        "attribution": "Written for the tests.",
        "items": items
        if items is not None
        else [item(f"urn:kia:test:a{n}", f"a{n}") for n in (1, 2, 3)],
    }
