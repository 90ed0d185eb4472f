"""manage.py kia_import FILE --organisation SLUG [--slug S]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.exchange import InvalidAssessment
from assessments.exchange.importer import import_document
from assessments.models import Organisation


class Command(BaseCommand):
    help = (
        "Import an assessment from an exchange-format JSON file (FORMAT.md) into an "
        "organisation and print its slug. Nothing is saved if the file has any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON file; '-' reads stdin")
        parser.add_argument("--organisation", required=True, help="slug of the organisation")
        parser.add_argument("--slug", help="short name for the new assessment (must be free)")

    def handle(self, *args, file: str, organisation: str, slug: str | None, **options) -> None:
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation has the slug {organisation!r}.")
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            imported = import_document(raw, organisation=org, slug=slug)
        except InvalidAssessment as exc:
            for path, message in exc.problems:
                self.stderr.write(f"{path}: {message}")
            raise CommandError(
                f"{file}: {len(exc.problems)} problem(s); nothing was imported."
            ) from exc
        for notice in imported.notices:
            self.stderr.write(notice)
        self.stdout.write(imported.assessment.slug)
