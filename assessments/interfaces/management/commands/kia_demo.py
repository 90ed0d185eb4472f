"""manage.py kia_demo: a demo organisation, a demo user and the demo assessments.

Idempotent: run it as often as you like. Each run gives the user ``demo`` a fresh random
password (only its hash is stored) and prints it, and loads each ``assessments/demo/*.json``
whose slug does not exist yet, through the importer. A missing demo file is reported and
skipped; an invalid one is reported, the others are still loaded, and the command ends
with a non-zero exit status. A demo that links to a library item the library lacks is
invalid too (the importer would leave the link out); what the importer says it did not
take over (its notices) is printed.

A JSON file holds no images, so a demo's figures come beside it:
``figures/<slug>/figures.json`` lists each figure (key, file, caption, alt text, source)
and names its image in the same folder. They are checked and stored as an upload is, after
the import; a figure that cannot be read is reported and skipped.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from assessments.domain import editing, figures, lifecycle
from assessments.domain.constants import Channel, Role
from assessments.domain.exchange import InvalidAssessment
from assessments.domain.exchange.errors import json_path
from assessments.domain.exchange.importer import import_document
from assessments.domain.exchange.locations import describe
from assessments.domain.models import Assessment, Figure, LibraryItem, Membership, Organisation
from assessments.domain.rowkinds import next_order

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
EXPECTED_FILES = ("tiktok-2025.json", "voorbeeld-huiswerkapp.json")
ORGANISATION_SLUG = "demo"
ORGANISATION_NAME = "Demo-organisatie"
USERNAME = "demo"
URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"  # make run passes PORT


def _field_in(raw: bytes, name: str) -> str | None:
    """A field of the document's assessment if it can be read at all; the importer reports
    anything else."""
    try:
        value = json.loads(raw.decode("utf-8-sig"))["assessment"][name]
    except (ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _slug_in(raw: bytes) -> str | None:
    return _field_in(raw, "slug")


def _unknown_library_items(raw: bytes) -> list[tuple[str, str]]:
    """The links and exclusions of the document (their JSON path and URN) that name an item
    the loaded library does not have."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
        named = [
            (json_path(key, index, "item"), row["item"])
            for key in ("library_links", "exclusions")
            for index, row in enumerate(document.get(key) or [])
        ]
    except (ValueError, AttributeError, TypeError, KeyError):
        return []  # the importer reports what is wrong with the file
    known = set(
        LibraryItem.objects.filter(urn__in=[urn for _where, urn in named]).values_list(
            "urn", flat=True
        )
    )
    return [(where, urn) for where, urn in named if urn not in known]


def _status_in(raw: bytes) -> str:
    return _field_in(raw, "status") or "draft"


class Command(BaseCommand):
    help = "Create the demo organisation and user (new password each run) and the demo KIAs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory", type=Path, default=DEMO_DIR, help="where the demo JSON files are"
        )

    def handle(self, *args, directory: Path, **options) -> None:
        organisation, user, password = self._account()
        failed = []
        for name in EXPECTED_FILES:
            if not (directory / name).is_file():
                self.stdout.write(f"Demo file {name} is missing in {directory}; skipped.")
        for path in sorted(directory.glob("*.json")):
            if not self._load(path, organisation=organisation, user=user):
                failed.append(path.name)

        slugs = organisation.assessments.order_by("slug").values_list("slug", flat=True)
        self.stdout.write("")
        self.stdout.write(f"Open {URL} and log in (for local use only):")
        self.stdout.write(f"  username: {USERNAME}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write(f"  demo assessments: {', '.join(slugs) or '(none)'}")
        if failed:
            raise CommandError(f"Invalid demo file(s), not loaded: {', '.join(failed)}")

    @transaction.atomic
    def _account(self):
        organisation, _created = Organisation.objects.get_or_create(
            slug=ORGANISATION_SLUG, defaults={"name": ORGANISATION_NAME}
        )
        user, _created = get_user_model().objects.get_or_create(username=USERNAME)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(
            organisation=organisation, user=user, defaults={"role": Role.OWNER}
        )
        return organisation, user, password

    def _load(self, path: Path, *, organisation: Organisation, user) -> bool:
        """Import one demo file unless its slug exists; False if the file is invalid."""
        raw = path.read_bytes()
        slug = _slug_in(raw)
        if slug and organisation.assessments.filter(slug=slug).exists():
            self.stdout.write(f"{path.name}: '{slug}' exists already; left as it is.")
            return True
        unknown = _unknown_library_items(raw)
        if unknown:  # the importer would leave these links out; in a demo that is a bug
            self.stderr.write(f"{path.name} links to items the library lacks; not loaded:")
            for where, urn in unknown:
                self.stderr.write(f"  {where}: {urn}")
            return False
        try:
            result = import_document(raw, organisation=organisation, user=user, slug=slug)
        except InvalidAssessment as exc:
            self.stderr.write(f"{path.name} is not a valid assessment; not loaded:")
            for problem in describe(exc):
                self.stderr.write(f"  {problem['location']}: {problem['message']}")
            return False
        imported = result.assessment
        self.stdout.write(f"{path.name}: loaded as '{imported.slug}'.")
        for notice in result.notices:
            self.stdout.write(f"  {path.name}: {notice}")
        self._add_figures(imported, path.parent / "figures" / imported.slug, user=user)
        self._settle(imported, _status_in(raw), user=user)
        return True

    def _add_figures(self, assessment: Assessment, folder: Path, *, user) -> None:
        """The figures listed in ``folder/figures.json``, checked and stored like uploads."""
        index = folder / "figures.json"
        if not index.is_file():
            return
        try:
            listed = json.loads(index.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self.stderr.write(f"{index}: not read ({exc}); no figures added.")
            return
        for item in listed:
            key = item.get("key", "?") if isinstance(item, dict) else "?"
            try:
                checked = figures.check((folder / item["file"]).read_bytes())
                figure = Figure(
                    assessment=assessment,
                    key=item["key"],
                    caption=item.get("caption", ""),
                    alt_text=item["alt_text"],
                    source_text=item.get("source_text", ""),
                    order=next_order(assessment.figures.all()),
                )
                figure.full_clean(exclude=["image"])
            except (OSError, KeyError, TypeError, ValidationError) as exc:
                self.stderr.write(f"'{assessment.slug}': figure {key!r} skipped ({exc}).")
                continue
            figures.attach(figure, checked)
            editing.create(figure, actor=editing.Actor(user, Channel.IMPORT), assessment=assessment)
            self.stdout.write(f"'{assessment.slug}': figure '{figure.key}' added.")

    def _settle(self, assessment: Assessment, status: str, *, user) -> None:
        """Imports are drafts; a demo meant to be final or published gets there the way a
        team would: finalised (signed off with the organisation's attestation) and published
        by its owner, each recording a version."""
        steps = {"final": ["finalise"], "published": ["finalise", "publish"]}.get(status, [])
        for step in steps:
            try:
                lifecycle.perform(
                    assessment,
                    step,
                    actor=editing.Actor(user, Channel.SYSTEM),
                    role=Role.OWNER,
                    attested=True,
                )
            except lifecycle.TransitionRefused as refused:
                self.stderr.write(f"'{assessment.slug}' stays {assessment.status}: {refused}")
                return
        if steps:
            self.stdout.write(f"'{assessment.slug}' is {assessment.status} (as its file says).")
