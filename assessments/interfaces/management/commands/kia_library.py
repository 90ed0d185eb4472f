"""manage.py kia_library list | load [PATH …] | diff OLD.yaml NEW.yaml | show URN

The children's rights library (``assessments/domain/library/data/*.yaml``):

- ``list``: the loaded files, each with its version, its number of items (withdrawn ones
  counted apart) and its licence;
- ``load [PATH …]``: load the files given (the shipped data by default), all or nothing,
  and print per file what changed: items added, changed, withdrawn. A file that cannot be
  loaded is printed with its item and the reason, nothing changes and the exit status is
  non-zero. ``--organisation SLUG`` loads an organisation's own catalogue;
- ``diff OLD.yaml NEW.yaml``: what changed between two versions of one file, without
  loading anything;
- ``show URN``: one item (or file) with its texts, relations and versions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from assessments.domain.library import loader
from assessments.domain.models import LibraryFile, LibraryItem, Organisation


def _both(text: dict[str, str] | None) -> str:
    """A library text in both languages: "nl / en" (one when they are the same)."""
    text = text or {}
    nl, en = text.get("nl", ""), text.get("en", "")
    return nl if nl == en or not en else f"{nl} / {en}" if nl else en


class Command(BaseCommand):
    help = (
        "List, load and compare the files of the children's rights library, and show an item. "
        "A file that cannot be loaded is printed with its item and the reason; nothing changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("list", help="the loaded files: version, items, licence")
        load = commands.add_parser("load", help="load files (the shipped data by default)")
        load.add_argument("paths", nargs="*", type=Path, help="YAML files of the library")
        load.add_argument(
            "--organisation", help="slug of the organisation whose own catalogue this is"
        )
        diff = commands.add_parser("diff", help="what changed between two versions of a file")
        diff.add_argument("old", type=Path)
        diff.add_argument("new", type=Path)
        show = commands.add_parser("show", help="one item or file, by its URN")
        show.add_argument("urn")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        actions: dict[str, Callable[..., None]] = {
            "list": self._list, "load": self._load, "diff": self._diff, "show": self._show
        }  # fmt: skip
        try:
            actions[action](**options)
        except loader.LibraryError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error

    # --- list -----------------------------------------------------------------------------------

    def _list(self, **options: Any) -> None:
        files = (
            LibraryFile.objects.select_related("organisation")
            .annotate(
                live=Count("items", filter=Q(items__withdrawn_in=None), distinct=True),
                gone=Count("items", filter=Q(items__withdrawn_in__isnull=False), distinct=True),
                relations_count=Count("relations", distinct=True),
            )
            .order_by("order", "ref")
        )  # (Meta.ordering is not applied to aggregating queries)
        if not files:
            self.stdout.write("No library is loaded; run 'kia_library load'.")
            return
        for file in files:
            owner = f" (own catalogue of {file.organisation.slug})" if file.organisation else ""
            if file.kind == LibraryFile.Kind.MAPPING:
                counted = f"{file.relations_count} mappings"
            else:
                counted = f"{file.live} items" + (f", {file.gone} withdrawn" if file.gone else "")
            self.stdout.write(f"{file.ref} v{file.version}{owner}: {_both(file.name)}")
            self.stdout.write(f"  {file.urn} · {file.kind} · {counted}")
            self.stdout.write(f"  licence: {file.licence}")

    # --- load -----------------------------------------------------------------------------------

    def _load(self, *, paths: list[Path], organisation: str | None, **options: Any) -> None:
        org = None
        if organisation is not None:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation has the slug '{organisation}'.")
            if not paths:
                raise CommandError("Name the file(s) of the organisation's own catalogue.")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"Nothing was loaded. {path}: no such file.")
        results = loader.load(paths or None, organisation=org)
        for result in results:
            self._print_changes(result)

    def _print_changes(self, result: loader.FileChanges) -> None:
        if result.unchanged:
            self.stdout.write(f"{result.ref} v{result.new_version}: unchanged.")
            return
        before = f"v{result.old_version} → " if result.old_version else "new, "
        counts = ", ".join(
            f"{len(urns)} {what}"
            for what, urns in (
                ("added", result.added),
                ("changed", result.changed),
                ("withdrawn", result.withdrawn),
            )
        )
        self.stdout.write(f"{result.ref}: {before}v{result.new_version} ({counts})")
        if result.old_version is None:
            return  # a first load: every item is new, no need to name them
        for what, urns in (
            ("added", result.added),
            ("changed", result.changed),
            ("withdrawn", result.withdrawn),
        ):
            for urn in urns:
                self.stdout.write(f"  {what}: {urn}")

    # --- diff -----------------------------------------------------------------------------------

    def _diff(self, *, old: Path, new: Path, **options: Any) -> None:
        for path in (old, new):
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
        (_old_name, before), (_new_name, after) = loader.read([old, new])
        if before["urn"] != after["urn"]:
            raise CommandError(
                f"{old.name} ({before['urn']}) and {new.name} ({after['urn']}) are not "
                "versions of the same file."
            )
        gone = set(before.get("withdrawn", []))  # withdrawn already in the old version
        before = {**before, "items": [i for i in before.get("items", []) if i["urn"] not in gone]}
        result = loader.changes(before, after)
        self.stdout.write(f"{after['ref']}: v{before['version']} → v{after['version']}")
        texts = {item["urn"]: item for item in before.get("items", [])}
        if not (result.added or result.changed or result.withdrawn):
            self.stdout.write("  no item added, changed or withdrawn.")
        for urn in result.added:
            self.stdout.write(f"  added: {urn}")
        for urn in result.changed:
            self.stdout.write(f"  changed: {urn}")
            item = next(i for i in after["items"] if i["urn"] == urn)
            for name in ("title", "text"):
                if texts[urn][name] != item[name]:
                    self.stdout.write(f"    {name} was: {_both(texts[urn][name])}")
                    self.stdout.write(f"    {name} now: {_both(item[name])}")
        for urn in result.withdrawn:
            self.stdout.write(f"  withdrawn: {urn}")
        if (result.added or result.changed or result.withdrawn) and (
            after["version"] <= before["version"]
        ):
            self.stderr.write(
                f"{new.name}: its items changed but its version did not go up; it would be "
                "refused at load."
            )

    # --- show -----------------------------------------------------------------------------------

    def _show(self, *, urn: str, **options: Any) -> None:
        item = LibraryItem.objects.select_related("file", "parent").filter(urn=urn).first()
        if item is None:
            file = LibraryFile.objects.filter(urn=urn).first()
            if file is None:
                raise CommandError(f"The library has no item or file {urn}.")
            self.stdout.write(f"{file.urn} ({file.ref} v{file.version}, {file.kind})")
            self.stdout.write(f"  name: {_both(file.name)}")
            self.stdout.write(f"  publisher: {file.publisher}")
            self.stdout.write(f"  source: {file.source_url}")
            self.stdout.write(f"  licence: {file.licence}")
            self.stdout.write(f"  attribution: {file.attribution}")
            self.stdout.write(f"  items: {file.items.count()}")
            return
        state = f", withdrawn in v{item.withdrawn_in}" if item.is_withdrawn else ""
        self.stdout.write(f"{item.urn} ({item.file.ref} v{item.file.version}{state})")
        self.stdout.write(
            f"  {item.ref} · {item.kind}" + (f" · {item.category}" if item.category else "")
        )
        self.stdout.write(f"  title: {_both(item.title)}")
        self.stdout.write(f"  text (nl): {item.text.get('nl', '')}")
        self.stdout.write(f"  text (en): {item.text.get('en', '')}")
        self.stdout.write(f"  source: {item.source_url}")
        if item.parent:
            self.stdout.write(f"  part of: {item.parent.urn}")
        for relation in item.relations.select_related("target").order_by("type", "pk"):
            kind = relation.relationship or relation.type
            self.stdout.write(f"  {kind} → {relation.target.urn} ({relation.target.ref})")
        for relation in item.inverse.select_related("source").order_by("type", "pk"):
            kind = relation.relationship or relation.type
            self.stdout.write(f"  ← {kind} {relation.source.urn} ({relation.source.ref})")
        versions = list(item.texts.values_list("version", flat=True))
        self.stdout.write(f"  text versions: {', '.join(f'v{v}' for v in versions)}")
        self.stdout.write(f"  linked by {item.links.count()} row(s) of assessments")
