"""Import problems in the UI language, at places named as the app names them."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from jsonschema import Draft202012Validator

from assessments.domain.constants import Role
from assessments.domain.exchange import (
    InvalidAssessment,
    describe,
    export_assessment,
    import_assessment,
)
from assessments.domain.exchange.errors import MAX_DESCRIBED, path_parts
from assessments.domain.exchange.locations import place
from assessments.domain.exchange.schema import load_schema, translated
from tests import builders, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def document() -> dict:
    return export_assessment(builders.rich_assessment())


def refused(data) -> InvalidAssessment:
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(data, organisation=factories.organisation())
    return exc.value


# --- Every key of the schema has a place -----------------------------------------------------


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _schema_paths(schema: dict[str, Any], root: dict[str, Any], path: tuple = ()):
    schema = _resolve(schema, root)
    for key, below in schema.get("properties", {}).items():
        yield (*path, key)
        yield from _schema_paths(below, root, (*path, key))
    if "items" in schema:
        yield (*path, 0)
        yield from _schema_paths(schema["items"], root, (*path, 0))


def test_every_key_of_the_schema_has_a_readable_place():
    """A field added to the format without a label here fails this test."""
    root = load_schema()
    paths = list(_schema_paths(root, root))
    assert len(paths) > 100
    with translation.override("nl"):
        for path in paths:
            found = place(path)
            assert found.known, f"no label for {path}"
            label = str(found.label)
            assert label and "_" not in label, f"{path} is labelled {label!r}"


def test_unknown_keys_are_placed_at_their_parent():
    with translation.override("nl"):
        assert not place(("risks", 0, "likelihood", "reden")).known
        assert str(place(("risks", 0, "likelihood", "reden")).label) == "Risico R1, kans"
        assert str(place(("comment",)).label) == "Het bestand"


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("$", "Het bestand"),
        ("$.format", "Bestandsformaat"),
        ("$.assessment.title", "Algemene gegevens, titel"),
        ("$.assessment.period_end", "Algemene gegevens, onderzoeksperiode tot en met"),
        ("$.prescan['1.2']", "Vraag 1.2"),
        ("$.prescan.note", "Pre-scan, toelichting bij de pre-scan"),
        ("$.answers['2.4']", "Vraag 2.4"),
        ("$.goals[0].title", "Doel 1, doel"),
        ("$.contributions['2.8'].summary", "Vraag 2.8, samenvatting"),
        ("$.risks[1].likelihood.score", "Risico R2, kans"),
        ("$.risks[1].likelihood", "Risico R2, kans"),
        ("$.risks[1].impact.justification", "Risico R2, onderbouwing van de impact"),
        ("$.risks[2].residual.likelihood.score", "Risico R3, kans na maatregelen"),
        ("$.risks[0]", "Risico R1"),
        ("$.measures[2].owner", "Maatregel 1 van risico R4, beheerder"),
        ("$.proportionality[0].text", "Regel 1 van het schema in 5.3, tekst"),
        ("$.sources[1].url", "Bron [2], URL"),
        ("$.responses[0].text", "Zienswijze 1, zienswijze"),
        ("$.risks", "Risico’s"),
    ],
)
def test_places_in_dutch(document, path, label):
    with translation.override("nl"):
        assert str(place(path_parts(path), document).label) == label


def test_risks_are_numbered_as_the_app_numbers_them(document):
    """R-numbers follow the category order, not the list order of the file."""
    document["risks"].reverse()  # the file lists them last to first
    with translation.override("en"):
        numbers = [str(place(("risks", i), document).label) for i in range(len(document["risks"]))]
    # content, content, advanced technology, privacy: within a category, in list order
    assert numbers == ["Risk R4", "Risk R3", "Risk R1", "Risk R2"]


def test_a_malformed_document_still_gets_places(document):
    document["risks"][0]["category"] = ["content"]
    document["risks"][1] = "a risk"
    document["measures"][0]["risk"] = {"id": "risk-1"}
    document["sources"] = {}
    problems = describe(refused(document), "en")
    assert [p["location"] for p in problems] == [
        "Risk R3, risk category",  # an unknown category sorts last, as in the app
        "Risk R4",
        "Measure 1, risk",
        "Sources",
    ]


def test_path_parts_reads_what_json_path_writes():
    assert path_parts("$.risks[3].likelihood.score") == ("risks", 3, "likelihood", "score")
    assert path_parts("$.answers['2.3.1']") == ("answers", "2.3.1")
    assert path_parts("$['it\\'s']") == ("it's",)
    assert path_parts("$") == ()
    assert path_parts("") == ()


# --- One message for each JSON Schema keyword --------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "instance", "message"),
    [
        ({"required": ["a"]}, {}, "This is missing; it is required."),
        (
            {"enum": ["x", "y", ""]},
            "z",
            '\'z\' is not one of the possible values; choose "x", "y" or "" (empty: not '
            "answered yet).",
        ),
        ({"type": "string"}, 5, "This must be text, not 5."),
        (
            {"type": ["boolean", "null"]},
            "no",
            "This must be true, false or null (empty), not 'no'.",
        ),
        ({"type": "array"}, {}, "This must be a list [ … ], not an object."),
        ({"type": "object"}, [], "This must be an object { … }, not a list."),
        ({"type": "integer"}, "1", "This must be a whole number, not '1'."),
        ({"maxLength": 3}, "abcd", "The text has 4 characters; at most 3 are accepted."),
        ({"minLength": 1}, "", "This must not be empty."),
        ({"minLength": 3}, "ab", "The text has 2 characters; at least 3 are needed."),
        ({"pattern": "^[0-9]+$"}, "a1", "'a1' does not have the required form (^[0-9]+$)."),
        ({"format": "email"}, "nobody", "'nobody' is not a valid email."),
        ({"format": "date"}, "2024-02-30", "'2024-02-30' is not a date written as YYYY-MM-DD."),
        (
            {"properties": {"a": {}}, "additionalProperties": False},
            {"b": 1},
            "The field 'b' is not known here; known are: a.",
        ),
        ({"minimum": 1}, 0, "This must be at least 1."),
        ({"maximum": 10}, 11, "This must be at most 10."),
        ({"exclusiveMinimum": 1}, 1, "This must be more than 1."),
        ({"exclusiveMaximum": 1}, 1, "This must be less than 1."),
        ({"maxItems": 1}, [1, 2], "This list has 2 items; at most 1 are accepted."),
        ({"minItems": 2}, [1], "This list has 1 items; at least 2 are needed."),
        ({"const": "kia-assessment"}, "kia", 'This must be "kia-assessment".'),
        ({"uniqueItems": True}, [1, 1], "This list holds the same item more than once."),
        ({"oneOf": [{"type": "string"}, {"type": "null"}]}, 5, "This must be text, not 5."),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 5, "This must be text, not 5."),
        ({"multipleOf": 2}, 3, "This value does not fit the format here (rule 'multipleOf')."),
    ],
)
def test_each_schema_keyword_has_a_message(english, schema, instance, message):
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    [(_path, text)] = translated(validator.iter_errors(instance))
    assert text == message


def test_schema_patterns_are_explained(english, document):
    document["goals"][0]["id"] = "goal 1"
    document["assessment"]["slug"] = "Mijn KIA"
    document["sources"][0]["key"] = "-x"
    messages = dict(refused(document).problems)
    assert messages["$.assessment.slug"].startswith("'Mijn KIA' is not a valid short name: ")
    assert messages["$.goals[0].id"].startswith("'goal 1' is not a valid id: ")
    assert messages["$.sources[0].key"].startswith("'-x' is not a valid key: ")


def test_choices_come_from_the_schema_and_the_labels_from_the_model(english, document):
    """A value added to a choice (e.g. a measure status) needs no new message."""
    document["measures"][0]["status"] = "done"
    [(_path, message)] = refused(document).problems
    assert message == (
        "'done' is not one of the possible values; choose \"in_place\" (in place), "
        '"planned", "in_progress" (in progress) or "dropped".'
    )
    with translation.override("nl"):
        assert str(message) == (
            "'done' is geen van de mogelijke waarden; kies \"in_place\" (getroffen), "
            '"planned" (gepland), "in_progress" (in uitvoering) of "dropped" (vervallen).'
        )


# --- A whole file, in Dutch and in English ------------------------------------------------------


def five_kinds_of_error(document: dict) -> dict:
    document["risks"][1]["likelihood"]["score"] = "hgh"  # enum
    del document["assessment"]["title"]  # required
    document["assessment"]["service_cooperated"] = "nee"  # type
    document["sources"][1]["titel"] = "x"  # additionalProperties
    document["measures"][2]["due_date"] = "1-2-2025"  # pattern
    return document


def test_five_kinds_of_error_give_five_dutch_messages_in_the_apps_order(document):
    problems = describe(refused(five_kinds_of_error(document)), "nl")
    assert [(p["location"], p["message"]) for p in problems] == [
        ("Algemene gegevens, titel", "Dit ontbreekt; het is verplicht."),
        (
            "Algemene gegevens, de dienst werkte mee",
            "Hier hoort true, false of null (leeg), niet 'nee'.",
        ),
        (
            "Risico R2, kans",
            '\'hgh\' is geen van de mogelijke waarden; kies "low" (laag), "medium" (midden), '
            '"high" (hoog), "not_assessable" (niet te beoordelen) of "" (leeg: nog niet '
            "ingevuld).",
        ),
        (
            "Maatregel 1 van risico R4, uiterste datum",
            "'1-2-2025' is geen datum in de vorm JJJJ-MM-DD.",
        ),
        (
            "Bron [2]",
            "Het veld 'titel' is hier onbekend; bekend zijn: key, citation, url, accessed_on, "
            "note.",
        ),
    ]
    assert [p["path"] for p in problems] == [
        "$.assessment.title",
        "$.assessment.service_cooperated",
        "$.risks[1].likelihood.score",
        "$.measures[2].due_date",
        "$.sources[1].titel",
    ]


def test_the_same_problems_in_english(document):
    error = refused(five_kinds_of_error(document))
    problems = describe(error, "en")
    assert problems[0] == {
        "path": "$.assessment.title",
        "location": "General information, title",
        "message": "This is missing; it is required.",
    }
    assert problems[2]["location"] == "Risk R2, likelihood (kans)"
    assert problems[2]["message"].startswith("'hgh' is not one of the possible values;")
    assert describe(error, "nl")[0]["message"] == "Dit ontbreekt; het is verplicht."


def test_checks_beyond_the_schema_are_translated_too(document):
    document["measures"][1]["risk"] = "risk-99"
    document["risks"][1]["id"] = "risk-1"
    problems = describe(refused(document), "nl")
    assert [(p["location"], p["message"]) for p in problems] == [
        ("Risico R2, id in het bestand", "Het id 'risk-1' wordt al gebruikt door Risico R1."),
        ("Maatregel 2, risico", "Er is geen risico met het id 'risk-99'."),
    ]


def test_model_validation_is_translated_when_shown(document):
    document["sources"][1]["url"] = "javascript:alert(1)"
    [problem] = describe(refused(document), "nl")
    assert problem == {
        "path": "$.sources[1].url",
        "location": "Bron [2], URL",
        "message": "Voer een geldige URL in.",
    }


def test_the_list_is_capped(document):
    document["goals"] = [dict(document["goals"][1], id=f"g{n}", kind="x") for n in range(250)]
    error = refused(document)
    assert len(error.problems) == 250
    problems = describe(error, "nl")
    assert len(problems) == MAX_DESCRIBED
    assert problems[0]["location"] == "Doel 1, soort"
    assert len(describe(error, "nl", limit=None)) == 250


@pytest.mark.parametrize(
    ("raw", "dutch"),
    [
        (
            b'{\n  "format": "kia-assessment",\n  "version": 1,,\n}',
            "Het bestand is geen geldige JSON: regel 3, kolom 16: hier werd een veldnaam tussen "
            "dubbele aanhalingstekens verwacht (staat er een komma te veel?).",
        ),
        (
            b'{"a": 1 "b": 2}',
            "Het bestand is geen geldige JSON: regel 1, kolom 9: hier werd een komma (,) verwacht.",
        ),
        (
            b'{"a": }',
            "Het bestand is geen geldige JSON: regel 1, kolom 7: hier werd een waarde verwacht.",
        ),
        (
            b'{"a" 1}',
            "Het bestand is geen geldige JSON: regel 1, kolom 6: hier werd een dubbele "
            "punt (:) verwacht.",
        ),
        (
            b"{} []",
            "Het bestand is geen geldige JSON: regel 1, kolom 4: na het einde van het "
            "document staat nog meer.",
        ),
        (
            b'{"a": "b',
            "Het bestand is geen geldige JSON: regel 1, kolom 7: een tekst wordt niet "
            "afgesloten met een dubbel aanhalingsteken.",
        ),
        (
            b'{"a": "\\x"}',
            "Het bestand is geen geldige JSON: regel 1, kolom 8: een tekst bevat "
            "een onbekende code na een backslash (\\).",
        ),
        (b'{"a": NaN}', "Het bestand is geen geldige JSON: NaN is geen JSON-waarde."),
    ],
)
def test_json_syntax_errors_are_told_in_one_language(raw, dutch):
    [problem] = describe(refused(raw), "nl")
    assert problem["location"] == "Het bestand"
    assert problem["message"] == dutch


# --- The import page, in Dutch by default and in English by choice -----------------------------


def upload(client, organisation, content: bytes, language: str | None = None):
    if language:
        client.cookies["django_language"] = language
    return client.post(
        reverse("assessments:import"),
        {"organisation": organisation.pk, "file": SimpleUploadedFile("kia.json", content)},
    )


def test_import_page_lists_problems_in_dutch(client, document):
    org = factories.organisation()
    client.force_login(factories.member(org, Role.EDITOR))
    response = upload(client, org, json.dumps(five_kinds_of_error(document)).encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Het bestand is niet geïmporteerd" in html
    assert "<strong>Risico R2, kans</strong>: &#x27;hgh&#x27; is geen van de mogelijke" in html
    assert '<code class="text-body-secondary">$.risks[1].likelihood.score</code>' in html
    assert "is not one of" not in html


def test_import_page_lists_problems_in_english_with_the_language_cookie(client, document):
    org = factories.organisation()
    client.force_login(factories.member(org, Role.EDITOR))
    response = upload(client, org, json.dumps(five_kinds_of_error(document)).encode(), "en")
    html = response.content.decode()
    assert "<strong>Risk R2, likelihood (kans)</strong>: &#x27;hgh&#x27; is not one of" in html
    assert "<strong>General information, title</strong>: This is missing; it is required." in html
    assert "Dit ontbreekt" not in html
