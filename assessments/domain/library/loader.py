"""Reading, checking and loading the library's YAML files.

Every file is read and checked before anything is written: against the JSON Schema
(``library.schema.json``), for URNs used twice, and for links, parents and mappings that
name an item nobody defines. One bad file refuses the whole load (``LibraryError`` names the
file, the item and the reason) and the loaded library stays as it was.

A file's ``version`` goes up whenever its items change. Loading a newer version updates
the items, keeps every earlier text (``LibraryItemText``: an assessment can show what
changed since it linked an item) and marks items the file withdraws, or no longer lists,
as withdrawn; links of assessments to them stay. Loading the same version again changes
nothing; an older version than the one loaded is refused.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from assessments.domain.models import (
    ItemRelation,
    LibraryFile,
    LibraryItem,
    LibraryItemText,
    Organisation,
)

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
SCHEMA_PATH = HERE / "library.schema.json"
MAX_FILE_BYTES = 2_000_000
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when built with it
# Where the shared files come in the lists of frameworks (the rest after, by name).
ORDER = ("ivrk", "gc25", "code", "dsa28", "aadc", "kia", "risks", "measures", "mapping")


class LibraryError(Exception):
    """A library file that cannot be loaded: which file, which item, why."""

    def __init__(self, file: str, item: str | None, reason: str) -> None:
        self.file, self.item, self.reason = file, item, reason
        where = f"{file}, {item}" if item else file
        super().__init__(f"{where}: {reason}")


@dataclass
class FileChanges:
    """What loading one file changed (or would change)."""

    ref: str
    old_version: int | None
    new_version: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.old_version == self.new_version


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def data_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def parse(text: str | bytes, name: str) -> dict[str, Any]:
    """One file's document, checked against the schema."""
    if len(text) > MAX_FILE_BYTES:
        raise LibraryError(name, None, _("The file is larger than 2 MB."))
    try:
        document = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark else None
        raise LibraryError(name, where, _("This is not valid YAML.")) from exc
    if not isinstance(document, dict):
        raise LibraryError(name, None, _("A library file is a mapping with a header and items."))
    error = jsonschema.exceptions.best_match(_validator().iter_errors(document))
    if error is not None:
        raise LibraryError(name, _item_at(document, list(error.absolute_path)), _reason(error))
    return document


def _item_at(document: dict[str, Any], path: list[Any]) -> str | None:
    if len(path) >= 2 and path[0] in ("items", "mappings") and isinstance(path[1], int):
        entry = document[path[0]][path[1]]
        label = entry.get("urn") or entry.get("source") if isinstance(entry, dict) else None
        return str(label or f"{path[0]}[{path[1]}]")
    return None


def _reason(error: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{where or _('header')}: {error.message}"


def read(paths: Iterable[Path]) -> list[tuple[str, dict[str, Any]]]:
    return [(path.name, _parsed(path, path.stat().st_mtime_ns)) for path in paths]


@functools.lru_cache(maxsize=32)
def _parsed(path: Path, mtime: int) -> dict[str, Any]:
    """A file read once per process while it is unchanged (the test suite reloads the
    library after every flush). Callers must not change the document."""
    return parse(path.read_bytes(), path.name)


def check(documents: list[tuple[str, dict[str, Any]]], known: set[str] | None = None) -> None:
    """URNs once each; every link, parent and mapping names a defined item. ``known``:
    URNs of items already loaded that these files may point at."""
    defined: dict[str, str] = {}
    for name, document in documents:
        for urn in [document["urn"], *(item["urn"] for item in document.get("items", []))]:
            if urn in defined:
                raise LibraryError(
                    name, urn, _("This URN is also used in %(file)s.") % {"file": defined[urn]}
                )
            defined[urn] = name
    available = set(defined) | (known or set())
    for name, document in documents:
        for item in document.get("items", []):
            targets = [link["target"] for link in item.get("links", [])]
            targets += [item["parent"]] if item.get("parent") else []
            for target in targets:
                if target not in available:
                    raise LibraryError(
                        name, item["urn"], _("It links to %(urn)s, which no file defines.")
                        % {"urn": target},
                    )  # fmt: skip
        for mapping in document.get("mappings", []):
            for end in (mapping["source"], mapping["target"]):
                if end not in available:
                    raise LibraryError(
                        name, mapping["source"], _("The mapping names %(urn)s, which no file "
                        "defines.") % {"urn": end},
                    )  # fmt: skip


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> FileChanges:
    """What differs between two versions of one file (``old`` None: all added)."""
    before = {item["urn"]: item for item in (old or {}).get("items", [])}
    result = FileChanges(new["ref"], old["version"] if old else None, new["version"])
    listed, withdrawn = set(), set(new.get("withdrawn", []))
    for item in new.get("items", []):
        if item["urn"] in withdrawn:
            continue  # still listed, but withdrawn: not (again) added
        listed.add(item["urn"])
        earlier = before.get(item["urn"])
        if earlier is None:
            result.added.append(item["urn"])
        elif (earlier["title"], earlier["text"]) != (item["title"], item["text"]):
            result.changed.append(item["urn"])
    result.withdrawn = sorted(set(before) - listed)
    return result


def stored(file: LibraryFile) -> dict[str, Any]:
    """A loaded file's items as a document (for ``changes``)."""
    return {
        "ref": file.ref,
        "version": file.version,
        "items": [
            {"urn": i.urn, "title": i.title, "text": i.text}
            for i in file.items.filter(withdrawn_in=None)
        ],
    }


def load(
    paths: Iterable[Path] | None = None, *, organisation: Organisation | None = None
) -> list[FileChanges]:
    """Load the files (all of ``data/`` by default), all or nothing."""
    documents = read(data_files() if paths is None else paths)
    return load_documents(documents, organisation=organisation)


def load_documents(
    documents: list[tuple[str, dict[str, Any]]], *, organisation: Organisation | None = None
) -> list[FileChanges]:
    urns = {document["urn"] for _name, document in documents}
    scope = Q(file__organisation=None)
    if organisation is not None:
        scope |= Q(file__organisation=organisation)
    others = LibraryItem.objects.exclude(file__urn__in=urns)
    for name, document in documents:
        clash = others.filter(urn__in=[i["urn"] for i in document.get("items", [])]).first()
        if clash is not None:
            raise LibraryError(
                name,
                clash.urn,
                _("This URN is already used in %(file)s.") % {"file": clash.file.ref},
            )
    known = set(others.filter(scope).values_list("urn", flat=True))
    check(documents, known)
    with transaction.atomic():
        existing = {f.urn: f for f in LibraryFile.objects.select_for_update().filter(urn__in=urns)}
        results, files = [], []
        for name, document in documents:
            file = existing.get(document["urn"])
            _check_owner(name, document, file, organisation)
            if file is not None and document["version"] < file.version:
                raise LibraryError(
                    name, None, _("Version %(new)s is older than the loaded version %(old)s.")
                    % {"new": document["version"], "old": file.version},
                )  # fmt: skip
            result = changes(stored(file) if file else None, document)
            if organisation is not None:  # stored under the organisation's short name
                result.ref = f"org-{organisation.slug}"
            if file is not None and file.version == document["version"]:
                if result.added or result.changed or result.withdrawn:
                    raise LibraryError(
                        name, None, _("Its items changed but its version (%(v)s) did not go "
                        "up.") % {"v": document["version"]},
                    )  # fmt: skip
                results.append(result)
                continue
            files.append((_save_file(document, file, organisation), document))
            results.append(result)
        items = {i.urn: i for i in LibraryItem.objects.all()}
        for file, document in files:
            _save_items(file, document, items)
        for file, document in files:
            _save_relations(file, document, items)
    return results


def _check_owner(
    name: str, document: dict[str, Any], file: LibraryFile | None, organisation: Organisation | None
) -> None:
    if organisation is None:
        return
    prefix = f"urn:kia:org-{organisation.slug}"
    if document["kind"] != LibraryFile.Kind.CATALOGUE or not document["urn"].startswith(prefix):
        raise LibraryError(
            name, None, _("An organisation's own file is a catalogue whose URN starts with "
            "%(prefix)s.") % {"prefix": prefix},
        )  # fmt: skip
    for item in document.get("items", []):
        if not item["urn"].startswith(prefix + ":"):
            raise LibraryError(
                name, item["urn"], _("Its URN must start with %(p)s.") % {"p": prefix}
            )
    if file is not None and file.organisation_id != organisation.pk:
        raise LibraryError(name, None, _("Another organisation's file has this URN."))


def _save_file(
    document: dict[str, Any], file: LibraryFile | None, organisation: Organisation | None
) -> LibraryFile:
    file = file or LibraryFile(urn=document["urn"], organisation=organisation)
    ref = document["ref"] if organisation is None else f"org-{organisation.slug}"
    for name in ("kind", "version", "publisher", "languages", "source_url", "licence"):
        setattr(file, name, document[name])
    file.ref, file.name = ref, document["name"]
    file.description = document.get("description", {})
    file.attribution = document["attribution"]
    file.order = ORDER.index(ref) if ref in ORDER else len(ORDER)
    file.save()
    return file


def _save_items(file: LibraryFile, document: dict[str, Any], items: dict[str, LibraryItem]) -> None:
    version = document["version"]
    listed = set()
    for order, entry in enumerate(document.get("items", [])):
        listed.add(entry["urn"])
        item = items.get(entry["urn"]) or LibraryItem(urn=entry["urn"], file=file)
        changed = item.pk is None or (item.title, item.text) != (entry["title"], entry["text"])
        item.file, item.ref, item.kind = file, entry["ref"], entry["kind"]
        item.title, item.text, item.source_url = entry["title"], entry["text"], entry["source_url"]
        item.tags, item.category, item.order = (
            entry.get("tags", []),
            entry.get("category", ""),
            order,
        )
        withdrawn = entry["urn"] in document.get("withdrawn", [])
        # An item withdrawn earlier keeps the version it was withdrawn in.
        item.withdrawn_in = (item.withdrawn_in or version) if withdrawn else None
        if changed:
            item.changed_in = version
        item.save()
        items[item.urn] = item
        if changed:
            LibraryItemText.objects.update_or_create(
                item=item, version=version, defaults={"title": item.title, "text": item.text}
            )
    file.items.exclude(urn__in=listed).filter(withdrawn_in=None).update(withdrawn_in=version)


def _save_relations(
    file: LibraryFile, document: dict[str, Any], items: dict[str, LibraryItem]
) -> None:
    file.relations.all().delete()
    relations, parents = [], []
    for entry in document.get("items", []):
        source = items[entry["urn"]]
        parent = items[entry["parent"]] if entry.get("parent") else None
        if source.parent_id != (parent.pk if parent else None):
            source.parent = parent
            parents.append(source)
        relations += [
            ItemRelation(file=file, source=source, target=items[link["target"]], type=link["type"])
            for link in entry.get("links", [])
        ]
    relations += [
        ItemRelation(
            file=file,
            source=items[m["source"]],
            target=items[m["target"]],
            type=ItemRelation.MAPPING,
            relationship=m["relationship"],
            note=m.get("note", {}),
        )
        for m in document.get("mappings", [])
    ]
    LibraryItem.objects.bulk_update(parents, ["parent"])
    ItemRelation.objects.bulk_create(relations)


def load_on_migrate(using: str = "default", **kwargs: Any) -> None:
    """``migrate`` loads the shared library (so ``make run`` has it); unchanged files are
    left alone."""
    if not LibraryFile.objects.using(using).exists() or _outdated(using):
        load()


def _outdated(using: str) -> bool:
    loaded = dict(
        LibraryFile.objects.using(using).filter(organisation=None).values_list("ref", "version")
    )
    for path in data_files():
        head = _parsed(path, path.stat().st_mtime_ns)
        if loaded.get(str(head.get("ref"))) != head.get("version"):
            return True
    return False
