"""A text's Markdown is rendered once, whatever heading level and citation numbers the
places that show it need (``outputs.prepared``)."""

from __future__ import annotations

from unittest import mock

import pytest

from assessments.domain.workspace import Workspace
from assessments.outputs import markdown, prepared
from assessments.outputs.report.content.citations import Citations
from tests import builders

TEXT = (
    "# Kop\n\nTekst met een bron[^a] en nog een[^b].\n\n## Onder\n\n### Dieper\n\n"
    "#### Diepst\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
)


def cite(key: str) -> str:
    return f"<sup>{key}</sup>"


def figure(key: str, block: bool) -> str:
    return f"<span>{key}</span>"


@pytest.mark.parametrize("offset", [2, 3, 4, 5, 6])
def test_a_prepared_text_fills_in_as_a_direct_rendering_at_every_heading_level(offset):
    ready = prepared.prepared(TEXT + str(offset), offset)
    direct = markdown.render(TEXT + str(offset), cite=cite, figure=figure, heading_offset=offset)
    assert ready.fill(cite, figure, offset) == str(direct)


@pytest.mark.django_db
def test_the_page_and_the_report_render_a_text_once(client):
    assessment = builders.rich_assessment(status="draft")
    long_text = (
        "Een lange beschrijving.\n\n"
        + "| kolom | waarde |\n|---|---|\n"
        + "".join(f"| rij {i} | {i} |\n" for i in range(300))
    )
    risk = assessment.risks.first()
    risk.description = long_text
    risk.save()
    prepared.LOCAL.items.clear()
    renders = []
    real = markdown.render

    def counting(text, *args, **kwargs):
        renders.append(text)
        return real(text, *args, **kwargs)

    with mock.patch.object(prepared.markdown, "render", side_effect=counting):
        ws = Workspace(assessment)
        Citations(list(ws.sources)).render(long_text, 4)  # the report prints it under h4
        ready = prepared.prepared(long_text, 3)  # the chapter page under h3
        assert ready is not None and "<table>" in ready.fill(cite, figure, 3)
    assert renders.count(long_text) == 1


def test_a_place_above_h2_renders_directly():
    assert prepared.prepared("# Kop", 1) is None
