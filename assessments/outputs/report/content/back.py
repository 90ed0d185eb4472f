"""The back matter: the figures not printed in the text, the appendix with the service's
responses, the list of sources, and the colophon with the sign-off."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from assessments.domain import states
from assessments.domain.models import SignOff
from assessments.outputs import markdown
from assessments.outputs.report.content.blocks import Response, Row, SourceEntry, TocEntry
from assessments.outputs.report.content.formats import long_date
from assessments.outputs.report.content.walk import Walk


def figure_section(walk: Walk) -> list[SafeString]:
    """Figures not printed in the text: those referred to in a sentence only (already
    numbered), then those never referred to, in the figures' order."""
    citations = walk.citations
    waiting = [f for f in walk.ws.figures if f.key not in citations.placed]
    waiting.sort(key=lambda f: citations.figure_numbers.get(f.key, 1_000_000))
    shown = [mark_safe(citations.figure_html(f)) for f in waiting]
    if shown:
        walk.toc.append(TocEntry(1, "figures", _("Figures")))
    return shown


def appendix(walk: Walk) -> list[Response]:
    responses = []
    for index, row in enumerate(walk.responses, start=1):
        responses.append(
            Response(
                anchor=f"response-{index}",
                author=row.author,
                received_on=long_date(row.received_on),
                html=walk.md(
                    markdown.without_citations(row.text) if row.submitted_by_service else row.text,
                    heading_offset=2,
                ),
                reply_author=row.reply_author,
                replied_on=long_date(row.replied_on),
                reply=walk.md(row.reply, heading_offset=3),
                version_number=row.version_number,
                from_service=row.submitted_by_service,
            )
        )
    if responses:
        walk.toc.append(TocEntry(1, "appendix", _("Appendix: responses of the service")))
    return responses


def source_list(walk: Walk) -> list[SourceEntry]:
    cited: dict[str, list[str]] = defaultdict(list)
    for footnote in walk.citations.footnotes:
        cited[footnote.key].append(str(footnote.number))
    entries = [
        SourceEntry(
            key=source.key,
            citation=source.citation,
            url=source.url,
            accessed_on=long_date(source.accessed_on),
            note=source.note,
            footnotes=", ".join(cited.get(source.key, [])),
        )
        for source in walk.sources
    ]
    entries.sort(key=lambda e: (e.citation.casefold(), e.key))
    if entries or walk.citations.missing:
        walk.toc.append(TocEntry(1, "sources", _("List of sources")))
    return entries


def sign_off(walk: Walk) -> SignOff | None:
    """Who answered for the version this report is made from: the sign-off of the
    newest finalised version up to it (publishing records a version of its own)."""
    if walk.version is None or not states.is_settled(walk.a):
        return None
    return (
        SignOff.objects.filter(assessment_id=walk.a.pk, version__number__lte=walk.version.number)
        .order_by("-version__number", "-signed_at")
        .first()
    )


def colophon(walk: Walk, signed_off: SignOff | None, version_line: str) -> list[Row]:
    """The closing facts: status, version, date, who signed off in what role, and for
    an external assessment who carried it out and for whom."""
    a = walk.a
    when = walk.version.created_at if walk.version is not None else timezone.now()
    signed = _("not signed off")
    if signed_off is not None:
        signed = _("%(name)s (%(role)s), %(date)s") % {
            "name": signed_off.user_name,
            "role": signed_off.get_role_display(),
            "date": long_date(timezone.localtime(signed_off.signed_at).date()),
        }
    rows = [
        Row(_("Status"), capfirst(str(a.get_status_display()))),
        Row(_("Version"), version_line),
        Row(_("Date"), long_date(timezone.localtime(when).date())),
        Row(_("Signed off by"), signed),
    ]
    if a.is_external:
        rows += [
            Row(_("Assessor"), a.assessor or "—"),
            Row(_("Commissioned by"), a.commissioner or "—"),
        ]
    return rows
