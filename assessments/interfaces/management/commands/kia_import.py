"""manage.py kia_import FILE --organisation SLUG [--slug S] [--language nl|en]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.domain.exchange import InvalidAssessment
from assessments.domain.exchange.importer import import_document
from assessments.domain.exchange.locations import describe
from assessments.domain.models import Organisation


class Command(BaseCommand):
    help = (
        "Import an assessment from an exchange-format JSON file (FORMAT.md) into an "
        "organisation and print its slug. Nothing is saved if the file has any problem; "
        "each is printed on stderr as 'place: message [JSON path]'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON file; '-' reads stdin")
        parser.add_argument("--organisation", required=True, help="slug of the organisation")
        parser.add_argument("--slug", help="short name for the new assessment (must be free)")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=f"language of the messages (default {settings.LANGUAGE_CODE})",
        )

    def handle(
        self, *args, file: str, organisation: str, slug: str | None, language: str, **options
    ) -> None:
        with translation.override(language):
            self._import(file, organisation=organisation, slug=slug)

    def _import(self, file: str, *, organisation: str, slug: str | None) -> None:
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(
                _("No organisation has the slug '%(slug)s'.") % {"slug": organisation}
            )
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from exc
        try:
            imported = import_document(raw, organisation=org, slug=slug)
        except InvalidAssessment as exc:
            for problem in describe(exc, limit=None):
                self.stderr.write(
                    f"{problem['location']}: {problem['message']} [{problem['path']}]"
                )
            count = len(exc.problems)
            raise CommandError(
                ngettext(
                    "%(file)s: %(count)d problem; nothing was imported.",
                    "%(file)s: %(count)d problems; nothing was imported.",
                    count,
                )
                % {"file": file, "count": count}
            ) from exc
        for notice in imported.notices:
            self.stderr.write(notice)
        self.stdout.write(imported.assessment.slug)
