"""Fixtures shared by the test files (pytest finds them here by name)."""

from __future__ import annotations

import pytest
from django.utils import translation

# The browser tests' fixtures (``browser``, ``browser_page``, ``tasks_at_once``).
pytest_plugins = ["tests.browser"]


@pytest.fixture
def english():
    """Messages in English (the app speaks Dutch by default); files that assert English
    text use it with ``pytest.mark.usefixtures("english")``."""
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    """Generated files (PDF reports) go to a folder of this test alone."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def team():
    """An assessment of a new organisation with an editor (Eva de Vries) and an owner."""
    from assessments.domain.constants import Role
    from tests import factories

    org = factories.organisation()
    assessment = factories.assessment(org)
    editor = factories.member(org, Role.EDITOR, first_name="Eva", last_name="de Vries")
    owner = factories.member(org, Role.OWNER)
    return assessment, editor, owner


@pytest.fixture
def renders(monkeypatch):
    """WeasyPrint replaced by a fake that counts calls: the slugs rendered, in order."""
    from assessments.outputs.report import render as render_module
    from assessments.outputs.report.render import RenderedPdf

    calls: list[str] = []

    def fake(assessment, **kwargs):
        calls.append(assessment.slug)
        return RenderedPdf(b"%PDF-1.7 fake", 2)

    monkeypatch.setattr(render_module, "render_pdf_document", fake)
    return calls
