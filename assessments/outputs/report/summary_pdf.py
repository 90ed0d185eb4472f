"""The summary for children as a PDF of its own (issue 20): the same page the report prints
after its cover, with the assessment's title, in large type; tagged (PDF/UA-1) like the
report."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from assessments.domain.models import Assessment
from assessments.domain.workspace import Workspace
from assessments.outputs.markdown import render as render_markdown
from assessments.outputs.report import fetcher as fetchers
from assessments.outputs.report.content.voice import followed_up
from assessments.outputs.report.engine import weasyprint_document
from assessments.outputs.report.render import STYLESHEET
from assessments.outputs.report.typography import typeset

TEMPLATE = "report/child_summary.html"


def summary_html(assessment: Assessment, workspace: Workspace | None = None) -> str:
    """The page of ``assessment`` (or of the version read into ``workspace``), with what
    the children asked to be followed up."""
    ws = workspace or Workspace(assessment)
    with translation.override(assessment.language):
        html = render_to_string(
            TEMPLATE,
            {
                "assessment": assessment,
                "summary": render_markdown(assessment.child_summary),
                "followed_up": followed_up(ws),
                "stylesheet_url": fetchers.static_url(STYLESHEET),
            },
        )
        return typeset(html, assessment.language)


def render_summary_pdf(assessment: Assessment, workspace: Workspace | None = None) -> bytes:
    return weasyprint_document(summary_html(assessment, workspace)).content
