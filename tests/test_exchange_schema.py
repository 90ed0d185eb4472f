"""The schema file agrees with FORMAT.md's rules and with the instrument, so they cannot drift."""

import json

import pytest
from jsonschema import Draft202012Validator

from assessments.domain import citations, instrument
from assessments.domain.constants import (
    AssessmentKind,
    GoalKind,
    Language,
    MeasureStatus,
    ProportionalitySide,
    YesNo,
)
from assessments.domain.exchange import FORMAT, VERSION, export_assessment
from assessments.domain.exchange.schema import SCHEMA_PATH, load_schema, schema_problems
from assessments.domain.models import Assessment
from assessments.domain.scoring import Score
from assessments.domain.states import Status
from tests import builders, factories

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
PROPS = SCHEMA["properties"]
DEFS = SCHEMA["$defs"]


def item(part: str, key: str) -> dict:
    return PROPS[part]["items"]["properties"][key]


def agree(actual, expected, where: str) -> None:
    assert actual == expected, (
        f"{where} in {SCHEMA_PATH.name} does not match the instrument/constants; "
        f"it should be: {json.dumps(expected)}"
    )


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert PROPS["format"] == {"const": FORMAT}
    assert PROPS["version"] == {"const": VERSION}
    assert load_schema() == SCHEMA


def test_answer_keys_are_the_instruments():
    agree(list(PROPS["answers"]["properties"]), list(instrument.ANSWER_KEYS), "answers")


def test_contribution_numbers_are_the_instruments():
    numbers = [q.number for q in instrument.CONTRIBUTION_QUESTIONS]
    agree(list(PROPS["contributions"]["properties"]), numbers, "contributions")
    linked = item("proportionality", "contribution")["enum"]
    agree(linked, [*numbers, None], "proportionality contribution")
    agree(item("risks", "raised_in")["enum"], [*numbers, ""], "risk raised_in")


def test_risk_categories_are_the_instruments():
    categories = item("risks", "category")["enum"]
    agree(categories, [c.key for c in instrument.RISK_CATEGORIES], "risk category")


@pytest.mark.parametrize(
    ("enum", "expected"),
    [
        (DEFS["score"]["enum"], [*Score.values, ""]),
        (DEFS["yes_no"]["enum"], [*YesNo.values, ""]),
        (PROPS["assessment"]["properties"]["kind"]["enum"], AssessmentKind.values),
        (PROPS["assessment"]["properties"]["status"]["enum"], Status.values),
        (PROPS["assessment"]["properties"]["language"]["enum"], Language.values),
        (item("goals", "kind")["enum"], GoalKind.values),
        (item("measures", "status")["enum"], MeasureStatus.values),
        (item("proportionality", "side")["enum"], ProportionalitySide.values),
    ],
)
def test_choices_are_the_models(enum, expected):
    agree(enum, list(expected), "an enum")


def test_source_key_and_slug_patterns_match_the_models():
    key = item("sources", "key")["pattern"]
    agree(key, f"^{citations.KEY_PATTERN}$", "source key pattern")
    slug_length = Assessment._meta.get_field("slug").max_length
    slug = PROPS["assessment"]["properties"]["slug"]["pattern"]
    agree(slug, f"^[a-z0-9-]{{1,{slug_length}}}$", "slug pattern")


def _objects(node, path="$"):
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{path}/{index}")


def test_unknown_keys_are_refused_everywhere():
    objects = list(_objects(SCHEMA))
    assert len(objects) > 10
    for path, node in objects:
        assert node.get("additionalProperties") is False, path


@pytest.mark.django_db
def test_exports_match_the_schema():
    empty = factories.assessment()
    rich = builders.rich_assessment()
    for assessment in (empty, rich):
        assert schema_problems(export_assessment(assessment)) == []


@pytest.mark.django_db
def test_every_key_the_schema_allows_is_exported():
    document = export_assessment(builders.rich_assessment())
    assert list(document) == [k for k in PROPS if k != "exported_at"]
    assert list(document["assessment"]) == list(PROPS["assessment"]["properties"])
    assert list(document["prescan"]) == list(PROPS["prescan"]["properties"])
