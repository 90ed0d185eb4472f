"""The front matter: the cover, the document version, the reading guide's entries in the
table of contents, the introduction and the service's cooperation."""

from __future__ import annotations

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from assessments.domain import instrument
from assessments.outputs.report.content.blocks import Row, TocEntry
from assessments.outputs.report.content.formats import long_date
from assessments.outputs.report.content.walk import Walk


def cover(walk: Walk, version_line: str) -> list[Row]:
    a = walk.a
    rows = [
        Row(_("Assessed service"), a.service_name),
        Row(_("Provider"), a.service_provider),
        Row(_("Assessor"), a.assessor),
        Row(_("Commissioned by"), a.commissioner),
        Row(_("Kind of assessment"), str(a.get_kind_display())),
        Row(_("Period"), period(walk)),
        Row(_("Status"), str(a.get_status_display())),
        Row(_("Version"), version_line),
    ]
    return [row for row in rows if row.value]


def period(walk: Walk) -> str:
    start, end = long_date(walk.a.period_start), long_date(walk.a.period_end)
    if start and end:
        return f"{start} – {end}"
    if start:
        return _("from %(date)s") % {"date": start}
    if end:
        return _("until %(date)s") % {"date": end}
    return ""


def version_line(walk: Walk) -> str:
    """The document version on the cover: the recorded version this report is made
    from, or for a draft the date and the last recorded version."""
    if walk.version is not None:
        when = long_date(timezone.localtime(walk.version.created_at).date())
        return _("version %(version)s, %(date)s") % {
            "version": walk.version.number,
            "date": when,
        }
    today = long_date(timezone.localdate())
    last = walk.a.versions.order_by("-number").values_list("number", flat=True).first()
    if last is None:
        return _("working draft of %(date)s, not a recorded version") % {"date": today}
    return _("working draft of %(date)s, after version %(version)s") % {
        "date": today,
        "version": last,
    }


def contents(walk: Walk, *texts: SafeString, cooperation: bool = True) -> None:
    """The entries of the reading guide, disclaimers and limitations (those written) and of
    the cooperation (when the report has it) in the table of contents."""
    labels = [_("Reading guide"), _("Disclaimers"), _("Limitations")]
    for anchor, label, text in zip(
        ("reading-guide", "disclaimers", "limitations"), labels, texts, strict=True
    ):
        if text:
            walk.toc.append(TocEntry(1, anchor, label))
    if cooperation:
        walk.toc.append(TocEntry(1, "cooperation", _("Cooperation of the service")))


def introduction(walk: Walk) -> list[str]:
    """The invuldocument's introduction, when the report prints the form's own texts."""
    if not walk.a.report_instrument_texts:
        return []
    walk.toc.append(TocEntry(1, "introduction", _("Introduction")))
    return [text.get(walk.language) for text in instrument.INTRODUCTION]


def cooperation(walk: Walk) -> str:
    """Whether the service cooperated; "" for a self-assessment, written by the service's
    own team, where the question does not arise (as on the assessment's pages)."""
    if not walk.a.is_external:
        return ""
    if walk.a.service_cooperated is None:
        return _("Unknown whether the service cooperated.")
    if walk.a.service_cooperated:
        return _("The service cooperated in this assessment.")
    return _("The service did not cooperate in this assessment.")
