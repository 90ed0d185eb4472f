"""Limits on legal input, refused early with a clear message (issue 11, "Denial of service
with legal input"): answer length, Markdown cost, the render cache, import size."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.domain.constants import Role
from assessments.domain.exchange import InvalidAssessment, export_assessment, import_assessment
from assessments.domain.exchange.parsing import parse
from assessments.domain.models import Answer, Assessment
from assessments.outputs import markdown
from assessments.outputs.prepared import Prepared, RenderCache
from tests import builders, exchange_helpers, factories


def table(rows: int, cols: int) -> str:
    head = "|" + "|".join(f"h{i}" for i in range(cols)) + "|\n"
    rule = "|" + "|".join("-" for _ in range(cols)) + "|\n"
    return head + rule + ("|" + "|".join("x" for _ in range(cols)) + "|\n") * rows


# --- answer length ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_answer_longer_than_the_limit_is_refused_and_nothing_changes(settings):
    settings.KIA_MAX_TEXT_CHARS = 1000
    org = factories.organisation()
    a = factories.assessment(org)
    Answer.objects.create(assessment=a, question="2.1", text="Kept.")
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(factories.member(org, Role.EDITOR))
    answer_url = reverse("assessments:answer", args=[a.slug, "2.1"])
    page = client.get(answer_url).content.decode()
    assert 'maxlength="1000"' in page  # the browser knows the limit too
    assert "js/counter.js" in page  # and counts the characters as one types
    response = client.post(answer_url, {"text": "x" * 1001, "lock_version": 1})
    assert response.status_code == 400
    assert "at most 1000 characters (it has 1001)" in response.content.decode()
    assert Answer.objects.get(assessment=a, question="2.1").text == "Kept."
    assert client.post(answer_url, {"text": "x" * 1000, "lock_version": 1}).status_code == 302


# --- Markdown cost ----------------------------------------------------------------------------


def test_a_normal_table_is_still_a_table():
    assert "<table>" in markdown.render(table(50, 10))


@pytest.mark.parametrize(
    "text",
    [
        table(3000, 50),  # the 3 MB table of the report (about 300 KB here)
        table(1000, 10),
        "[" * 20_000,
        "![" * 10_000,
        "*a **" * 4_000,
        "> " * 10_000 + "deep",
    ],
    ids=["huge-table", "long-table", "brackets", "images", "emphasis", "nesting"],
)
def test_pathological_markdown_renders_quickly_as_text(text):
    started = time.monotonic()
    html = markdown.render(text)
    # Generous bound for a loaded CI machine; these took 2.5 s to a minute before.
    assert time.monotonic() - started < 2
    assert "<table>" not in html and html


def test_the_cost_plan_turns_off_only_what_is_over_its_limit():
    assert markdown.cost_plan("a | b") == frozenset()
    assert markdown.cost_plan(table(1000, 10)) == {"table"}
    assert "link" in markdown.cost_plan("[" * 2000)
    assert "emphasis" in markdown.cost_plan("*" * 3000)


def test_text_over_the_markdown_limit_is_escaped_plain_text():
    html = markdown.render("<script>x</script> **not bold**\n\n" + "y" * markdown.MAX_CHARS)
    assert html.startswith("<p>&lt;script&gt;") and "<strong>" not in html


def test_the_render_cache_is_bounded_in_bytes():
    cache = RenderCache(max_bytes=100_000)
    for i in range(200):
        text = f"{i}" + "x" * 1000
        cache.get(("sig", text), lambda t=text: Prepared(f"<p>{t}</p>", ()))
    assert cache.bytes <= 100_000 and 0 < len(cache.items) < 200
    huge = "y" * 50_000  # over an eighth of the budget: returned, never kept
    assert cache.get(("sig", huge), lambda: Prepared(huge, ())).html == huge
    assert ("sig", huge) not in cache.items


# --- imports ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_with_too_many_rows_is_refused_before_validation(settings, monkeypatch):
    settings.KIA_IMPORT_MAX_ROWS = 100
    document = export_assessment(builders.rich_assessment())
    document["sources"] = [dict(document["sources"][0], key=f"s{i}") for i in range(101)]

    def no_schema(document):
        raise AssertionError("validated a document that is too large")

    monkeypatch.setattr("assessments.domain.exchange.importer.schema_problems", no_schema)
    with pytest.raises(InvalidAssessment) as refused, translation.override("en"):
        import_assessment(document, organisation=factories.organisation())
    assert refused.value.problems == [
        ("$.sources", "This list has 101 rows; at most 100 are accepted.")
    ]


def test_a_lone_surrogate_is_a_message_not_a_500():
    with pytest.raises(InvalidAssessment) as refused:
        parse(b'{"format": "kia-assessment", "risks": [{"topic": "a\\ud800b"}]}')
    path, message = refused.value.problems[0]
    with translation.override("en"):  # messages are translated when they are shown
        assert path == "$.risks[0].topic" and "lone surrogate" in str(message)
    with pytest.raises(InvalidAssessment):
        parse(b'{"\\udc00": 1}')


@pytest.mark.django_db
def test_a_lone_surrogate_upload_shows_the_message(client):
    org = factories.organisation()
    client.force_login(factories.member(org, Role.EDITOR))
    client.cookies["django_language"] = "en"
    before = exchange_helpers.row_counts()
    body = json.dumps({"format": "kia-assessment", "title": "x"}).replace('"x"', '"\\ud83d"')
    response = client.post(
        reverse("assessments:import"),
        {"organisation": org.pk, "file": SimpleUploadedFile("kia.json", body.encode())},
    )
    assert response.status_code == 400 and "lone surrogate" in response.content.decode()
    assert exchange_helpers.row_counts() == before


@pytest.mark.django_db
def test_an_imported_text_longer_than_a_form_accepts_is_refused(settings):
    settings.KIA_MAX_TEXT_CHARS = 100
    document = export_assessment(builders.rich_assessment())
    document["assessment"]["title"] = "Long " + "x" * 100
    with pytest.raises(InvalidAssessment) as refused, translation.override("en"):
        import_assessment(document, organisation=factories.organisation())
    assert ("$.assessment.title", "The text has 105 characters; at most 100 are accepted.") in (
        refused.value.problems
    )
    assert not Assessment.objects.filter(title__startswith="Long x").exists()
