"""manage.py kia_export <id-or-slug> [--format json|pdf|docx|odt] [--output FILE]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessments.domain.exchange import export_assessment, to_json
from assessments.domain.models import Assessment
from assessments.outputs.report.docx import render_docx
from assessments.outputs.report.render import render_pdf


def find_assessment(ref: str) -> Assessment:
    """An assessment by ``<organisation>/<slug>``, by slug when only one organisation uses
    it, or by id when ``ref`` is a number no slug matches."""
    organisation, _sep, slug = ref.rpartition("/")
    matches = Assessment.objects.filter(slug=slug)
    if organisation:
        matches = matches.filter(organisation__slug=organisation)
    if len(hits := list(matches[:2])) > 1:
        raise CommandError(
            f"More than one organisation has an assessment {slug!r}: "
            "name it as <organisation>/<slug>."
        )
    found = hits[0] if hits else None
    if found is None and ref.isdigit():
        found = Assessment.objects.filter(pk=int(ref)).first()
    if found is None:
        raise CommandError(f"No assessment has the slug or id {ref!r}.")
    return found


class Command(BaseCommand):
    help = (
        "Export one assessment as exchange-format JSON (FORMAT.md), or its report as PDF or "
        "as an editable Word (docx) or OpenDocument (odt) file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "assessment", help="<organisation>/<slug>, slug or id of the assessment"
        )
        parser.add_argument("--format", choices=["json", "pdf", "docx", "odt"], default="json")
        parser.add_argument(
            "--output", "-o", default="-", help="file to write; '-' (default) is stdout (json)"
        )

    def handle(self, *args, assessment: str, format: str, output: str, **options) -> None:
        found = find_assessment(assessment)
        if format == "pdf":
            content = self._pdf(found, output)
        elif format in ("docx", "odt"):
            if output == "-":
                raise CommandError(
                    f"A {format} file is not written to the terminal: give --output FILE.{format}."
                )
            content = render_docx(found, format)
        else:
            content = to_json(export_assessment(found, exported_at=timezone.localtime()))
        if output == "-":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        Path(output).write_bytes(content)
        self.stderr.write(f"Wrote {found.slug} to {output} ({len(content)} bytes).")

    def _pdf(self, assessment: Assessment, output: str) -> bytes:
        if output == "-":
            raise CommandError("A PDF is not written to the terminal: give --output FILE.pdf.")
        try:
            return render_pdf(assessment)
        except ImportError as exc:  # WeasyPrint (imported when first used) is missing
            raise CommandError(f"PDF export is not available in this installation: {exc}") from exc
