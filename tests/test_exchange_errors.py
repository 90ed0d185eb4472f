"""Bad documents: every problem is reported at its JSON path, and nothing is saved."""

import json

import pytest
from django.test import override_settings

from assessments.domain.exchange import (
    InvalidAssessment,
    export_assessment,
    import_assessment,
    to_json,
)
from tests import builders, exchange_helpers, factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SCORES = (
    '"low", "medium", "high", "not_assessable" (cannot be assessed) or "" (empty: not answered yet)'
)


@pytest.fixture
def document() -> dict:
    """A valid document: risks content, content, advanced_technology, privacy; goals main,
    sub; proportionality org benefit, 2x child benefit, 2x harm; two sources."""
    return export_assessment(builders.rich_assessment())


def refused(data) -> list[tuple[str, str]]:
    """The problems reported for ``data``, after checking that no row was saved."""
    before = exchange_helpers.row_counts()
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(data, organisation=factories.organisation())
    before["Organisation"] += 1  # the target organisation made just above
    assert exchange_helpers.row_counts() == before
    assert exc.value.problems, "an error without problems"
    return exc.value.problems


def test_broken_json_names_line_and_column():
    raw = b'{\n  "format": "kia-assessment",\n  "version": 1,,\n}'
    [(path, message)] = refused(raw)
    assert path == "$"
    assert message == (
        "The file is not valid JSON: line 3, column 16: a field name in double quotes was "
        "expected here (is a comma too many?)."
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe{}", "The file is not UTF-8 text (byte 0)."),
        (b"[1, 2]", "The document must be a JSON object."),
        (b'{"a": 1, "a": 2}', "The key 'a' appears twice in the same object."),
        (b'{"version": NaN}', "The file is not valid JSON: NaN is not a JSON value."),
    ],
)
def test_unreadable_documents(raw, message):
    assert refused(raw) == [("$", message)]


def test_a_byte_order_mark_is_accepted(document):
    imported = import_assessment(
        b"\xef\xbb\xbf" + to_json(document), organisation=factories.organisation()
    )
    assert imported.title == document["assessment"]["title"]


def test_wrong_types(document):
    document["risks"][0]["topic"] = 5
    document["assessment"]["service_cooperated"] = "no"
    document["goals"] = {}
    assert refused(document) == [
        ("$.assessment.service_cooperated", "This must be true, false or null (empty), not 'no'."),
        ("$.goals", "This must be a list [ … ], not an object."),
        ("$.risks[0].topic", "This must be text, not 5."),
    ]


def test_unknown_category(document):
    document["risks"][1]["category"] = "weather"
    [(path, message)] = refused(document)
    assert path == "$.risks[1].category"
    assert message.startswith(
        "'weather' is not one of the possible values; choose \"content\" (3.1 Content risks), "
    )


def test_unknown_score(document):
    document["risks"][3]["likelihood"]["score"] = "hgh"
    assert refused(document) == [
        (
            "$.risks[3].likelihood.score",
            f"'hgh' is not one of the possible values; choose {SCORES}.",
        )
    ]


def test_every_schema_problem_is_reported_in_format_order(document):
    """Parts in FORMAT.md's order (risks before measures), list items by index."""
    document["measures"][0]["status"] = "done"
    document["risks"][2]["residual"]["impact"]["score"] = "hoog"
    document["risks"][0]["likelihood"]["score"] = "laag"
    document["assessment"]["language"] = "de"
    paths = [path for path, _message in refused(document)]
    assert paths == [
        "$.assessment.language",
        "$.risks[0].likelihood.score",
        "$.risks[2].residual.impact.score",
        "$.measures[0].status",
    ]


@pytest.mark.parametrize(
    ("remove", "path"),
    [
        (("risks",), "$.risks"),
        (("assessment", "title"), "$.assessment.title"),
        (("risks", 0, "residual"), "$.risks[0].residual"),
        (("prescan", "1.3"), "$.prescan['1.3']"),
        (("risks", 2, "residual", "likelihood", "reason"), "$.risks[2].residual.likelihood.reason"),
    ],
)
def test_missing_required_part(document, remove, path):
    parent = document
    for key in remove[:-1]:
        parent = parent[key]
    del parent[remove[-1]]
    assert refused(document) == [(path, "This is missing; it is required.")]


@pytest.mark.parametrize(
    ("where", "key", "path"),
    [
        ((), "comment", "$.comment"),
        (("assessment",), "titel", "$.assessment.titel"),
        (("answers",), "9.9", "$.answers['9.9']"),
        (("answers",), "2.8", "$.answers['2.8']"),  # a contribution, not an answer
        (("contributions",), "2.15", "$.contributions['2.15']"),
        (("risks", 1, "likelihood"), "reden", "$.risks[1].likelihood.reden"),
        (("sources", 0), "title", "$.sources[0].title"),
    ],
)
def test_unknown_keys(document, where, key, path):
    parent = document
    for part in where:
        parent = parent[part]
    parent[key] = ""
    [(reported, message)] = refused(document)
    assert reported == path
    assert message.startswith(f"The field '{key}' is not known here; known are: ")


def test_measure_pointing_at_a_missing_risk(document):
    document["measures"][1]["risk"] = "risk-99"
    document["measures"][2]["risk"] = "goal-1"
    assert refused(document) == [
        ("$.measures[1].risk", "No risk has the id 'risk-99'."),
        ("$.measures[2].risk", "No risk has the id 'goal-1'."),
    ]


def test_proportionality_items_point_at_the_right_kind_of_row(document):
    document["proportionality"][3]["goal"] = "goal-1"  # a harm from a goal
    document["proportionality"][0]["risk"] = "risk-1"  # a benefit from a risk
    document["proportionality"][1]["goal"] = "goal-2"  # a goal and a contribution
    document["proportionality"][2]["goal"] = "goal-7"  # no such goal
    document["proportionality"][4]["risk"] = "risk-9"  # no such risk
    assert refused(document) == [
        ("$.proportionality[0].risk", "A benefit cannot come from a risk."),
        (
            "$.proportionality[1].contribution",
            "A benefit comes from a goal or a contribution, not both.",
        ),
        ("$.proportionality[2].goal", "No goal has the id 'goal-7'."),
        ("$.proportionality[3].goal", "A harm can only come from a risk."),
        ("$.proportionality[4].risk", "No risk has the id 'risk-9'."),
    ]


def test_duplicate_ids(document):
    document["risks"][1]["id"] = "risk-1"
    document["risks"][2]["id"] = "goal-2"  # ids are unique across goals and risks
    assert refused(document) == [
        ("$.risks[1].id", "The id 'risk-1' is already used by Risk R1."),
        ("$.risks[2].id", "The id 'goal-2' is already used by Goal 2."),
    ]


def test_duplicate_source_keys(document):
    document["sources"][1]["key"] = document["sources"][0]["key"]
    assert refused(document) == [
        ("$.sources[1].key", "Another source of this assessment has this key.")
    ]


@pytest.mark.parametrize(
    ("estimate", "path", "message"),
    [
        (("likelihood",), "$.risks[1].likelihood.reason", "the likelihood"),
        (("impact",), "$.risks[1].impact.reason", "the impact"),
        (
            ("residual", "likelihood"),
            "$.risks[1].residual.likelihood.reason",
            "the residual likelihood",
        ),
        (("residual", "impact"), "$.risks[1].residual.impact.reason", "the residual impact"),
    ],
)
def test_not_assessable_without_reason(document, estimate, path, message):
    target = document["risks"][1]
    for key in estimate:
        target = target[key]
    target["score"] = "not_assessable"
    target["reason"] = "  "
    assert refused(document) == [(path, f"Give a reason why {message} cannot be assessed.")]


def test_two_main_goals(document):
    document["goals"][1]["kind"] = "main"
    assert refused(document) == [("$.goals[1].kind", "An assessment has only one main goal.")]


def test_prescan_1_3_only_after_1_2_no(document):
    document["prescan"]["1.2"] = "yes"
    assert refused(document) == [
        ("$.prescan['1.3']", "Question 1.3 is only answered when 1.2 is 'no'.")
    ]


def test_dates(document):
    document["assessment"]["period_end"] = "2024-09-30"
    document["sources"][1]["accessed_on"] = "2024-02-30"
    document["measures"][0]["due_date"] = "1-2-2025"
    assert refused(document) == [
        ("$.measures[0].due_date", "'1-2-2025' is not a date written as YYYY-MM-DD.")
    ]
    document["measures"][0]["due_date"] = None
    assert refused(document) == [
        ("$.sources[1].accessed_on", "'2024-02-30' is not a valid date."),
        ("$.assessment.period_end", "The period cannot end before it starts."),
    ]


def test_nul_characters_are_refused(document):
    document["answers"]["2.1"] = "a\x00b"
    assert refused(document) == [
        ("$.answers['2.1']", "The text contains a NUL character (\\u0000).")
    ]


@override_settings(KIA_MAX_UPLOAD_BYTES=100)
def test_oversized_file(document):
    [(path, message)] = refused(to_json(document))
    assert path == "$"
    assert message.startswith("The file is ")
    assert message.endswith("; the largest accepted is 100\xa0bytes.")


@pytest.mark.parametrize(
    ("key", "value", "path", "message"),
    [
        ("format", "kia-assesment", "$.format", "'format' must be 'kia-assessment'"),
        ("version", 2, "$.version", "Version 2 of the format cannot be read"),
        ("version", "1", "$.version", 'Version "1" of the format cannot be read'),
        ("version", True, "$.version", "Version true of the format cannot be read"),
    ],
)
def test_wrong_format_or_version(document, key, value, path, message):
    document[key] = value
    document["risks"] = "not even checked"  # the rest is not read
    [(reported, text)] = refused(document)
    assert reported == path
    assert message in text


def test_model_validation_is_reported_at_the_path_and_rolled_back(document):
    """Rules only the models check (lengths, URLs) name their path too, and the rows made
    before the failing one are rolled back."""
    document["sources"][1]["url"] = "javascript:alert(1)"
    document["measures"][2]["owner"] = "x" * 201
    document["risks"][0]["topic"] = "t" * 301  # its measures are then not created
    problems = refused(document)
    assert [path for path, _message in problems] == [
        "$.risks[0].topic",
        "$.measures[2].owner",
        "$.sources[1].url",
    ]
    assert problems[0][1] == "Ensure this value has at most 300 characters (it has 301)."
    assert problems[2][1] == "Enter a valid URL."


def test_model_validation_of_the_assessment_itself(document):
    document["assessment"]["title"] = "t" * 301
    assert refused(document) == [
        ("$.assessment.title", "Ensure this value has at most 300 characters (it has 301).")
    ]


def test_invalid_explicit_slug():
    document = export_assessment(factories.assessment())
    before = exchange_helpers.row_counts()
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(document, organisation=factories.organisation(), slug="Geen slug!")
    assert [path for path, _ in exc.value.problems] == ["$.assessment.slug"]
    before["Organisation"] += 1
    assert exchange_helpers.row_counts() == before


def test_error_message_lists_every_problem(document):
    document["risks"][0]["category"] = "x"
    document["risks"][1]["category"] = "y"
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(json.dumps(document), organisation=factories.organisation())
    assert str(exc.value).splitlines() == [
        f"$.risks[0].category: {exc.value.problems[0][1]}",
        f"$.risks[1].category: {exc.value.problems[1][1]}",
    ]
