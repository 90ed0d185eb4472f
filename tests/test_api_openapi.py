"""The OpenAPI document builds and is valid, and real answers match its schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from assessments.domain import editing, lifecycle, tokens, versions
from assessments.domain.constants import Role, VersionReason
from assessments.domain.exchange.importer import import_assessment
from tests import factories

pytestmark = pytest.mark.django_db
DEMO = (
    Path(__file__).resolve().parents[1]
    / "assessments"
    / "interfaces"
    / "demo"
    / "voorbeeld-huiswerkapp.json"
)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"  # Swagger UI refuses them
    return dict(pairs)


def full_paths(document: dict[str, Any]) -> dict[str, Any]:
    """The document's paths as a client calls them: its server's URL and the path."""
    (server,) = document["servers"]
    return {server["url"] + path: item for path, item in document["paths"].items()}


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content, object_pairs_hook=_no_duplicate_keys)


def test_the_document_is_valid_openapi(document):
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "/api/v1"}]  # /core/uri-version
    paths = full_paths(document)
    assert "/api/v1/assessments/{organisation}/{slug}/transitions/{name}" in paths
    assert "/api/v1/public/assessments" in paths
    schemes = document["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_the_document_is_english_whatever_language_was_chosen(client, document):
    client.cookies["django_language"] = "en"
    assert client.get("/api/v1/openapi.json").json() == document
    topic = document["components"]["schemas"]["RiskOut"]["properties"]["topic"]
    assert topic["title"] == "Topic"


def _schema(document: dict, path: str, method: str, status: int, content: str) -> dict:
    responses = full_paths(document)[path][method]["responses"]
    answer = responses.get(str(status)) or responses["default"]
    schema = dict(answer["content"][content]["schema"])
    schema["components"] = document["components"]  # so "#/components/…" resolves
    return schema


def check(document: dict, path: str, response, method: str = "get") -> None:
    content = response["Content-Type"].split(";")[0]
    schema = _schema(document, path, method, response.status_code, content)
    errors = sorted(Draft202012Validator(schema).iter_errors(response.json()), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_real_answers_match_the_document(document, media, monkeypatch):
    from assessments.outputs.report import render as render_module
    from assessments.outputs.report.render import RenderedPdf

    monkeypatch.setattr(
        render_module, "render_pdf_document", lambda a, **kw: RenderedPdf(b"%PDF-1.7", 1)
    )
    cache.clear()
    org = factories.organisation()
    owner = factories.member(org, Role.OWNER)
    assessment = import_assessment(DEMO.read_bytes(), organisation=org, user=owner)
    versions.record(assessment, actor=editing.Actor(owner), reason=VersionReason.MANUAL)
    _t, secret = tokens.issue(owner, name="t", scope="write")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    base = "/api/v1/assessments/{organisation}/{slug}"
    here = base.format(organisation=org.slug, slug=assessment.slug)
    risk = assessment.risks.first()
    samples = {
        "/api/v1/organisations": "/api/v1/organisations",
        "/api/v1/assessments": "/api/v1/assessments?pageSize=1",
        base: here,
        base + "/risk-register": here + "/risk-register",
        base + "/changes": here + "/changes?pageSize=5",
        base + "/versions": here + "/versions",
        base + "/versions/{number}": here + "/versions/1",
        base + "/versions/compare": here + "/versions/compare?old=1",
        base + "/versions/{number}/report": here + "/versions/1/report",
        base + "/answers": here + "/answers",
        base + "/goals": here + "/goals",
        base + "/risks": here + "/risks",
        base + "/risks/{pk}": here + f"/risks/{risk.pk}",
        base + "/measures": here + "/measures",
        base + "/sources": here + "/sources",
        base + "/proportionality-items": here + "/proportionality-items",
    }
    for path, url in samples.items():
        response = api.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        check(document, path, response)
    # Errors are problem+json as documented.
    stale = api.patch(
        here + f"/risks/{risk.pk}", {"topic": "x"}, content_type="application/json",
        HTTP_IF_MATCH='"risk-0-0"',
    )  # fmt: skip
    assert stale.status_code == 412
    check(document, base + "/risks/{pk}", stale, "patch")
    invalid = api.patch(
        here + f"/risks/{risk.pk}", {"likelihood": "enormous"}, content_type="application/json",
        HTTP_IF_MATCH=f'"risk-{risk.pk}-{risk.lock_version}"',
    )  # fmt: skip
    assert invalid.status_code == 400 and invalid.json()["invalid-params"]
    check(document, base + "/risks/{pk}", invalid, "patch")
    # The public part, once published.
    lifecycle.perform(
        assessment, "finalise", actor=editing.Actor(owner), role=Role.OWNER, attested=True
    )
    lifecycle.perform(assessment, "publish", actor=editing.Actor(owner), role=Role.OWNER)
    public = "/api/v1/public/assessments"
    anyone = Client()
    check(document, public, anyone.get(public))
    one = f"{public}/{org.slug}/{assessment.slug}"
    check(document, public + "/{organisation}/{slug}", anyone.get(one))
    check(document, public + "/{organisation}/{slug}/versions", anyone.get(one + "/versions"))


def _enum(document: dict, schema: str, field: str) -> list[str] | None:
    node = document["components"]["schemas"][schema]["properties"][field]
    for branch in node.get("anyOf", [node]):
        if "enum" in branch:
            return branch["enum"]
    return None


def test_fixed_choices_are_enums_taken_from_the_models(document):
    from assessments.domain import instrument
    from assessments.domain.constants import AssessmentKind, MeasureStatus
    from assessments.domain.scoring import Score
    from assessments.domain.states import Status

    scores = [*Score.values, ""]  # "" : not scored yet
    for schema in ("RiskOut", "RiskIn", "RegisterRiskOut"):
        for field in ("likelihood", "impact", "residual_likelihood", "residual_impact"):
            assert _enum(document, schema, field) == scores, (schema, field)
    categories = [code for code, _label in instrument.category_choices()]
    assert _enum(document, "RiskOut", "category") == categories
    assert _enum(document, "RegisterRiskOut", "category") == categories
    for schema in ("MeasureOut", "MeasureIn", "RegisterMeasureOut"):
        assert _enum(document, schema, "status") == MeasureStatus.values
    for schema in ("AssessmentOut", "VersionOut", "TransitionOut"):
        assert _enum(document, schema, "status") == Status.values
    assert _enum(document, "AssessmentOut", "kind") == AssessmentKind.values
    assert _enum(document, "AnswerOut", "question") == [
        code for code, _label in instrument.answer_choices()
    ]
    assert _enum(document, "ContributionOut", "question") == [
        code for code, _label in instrument.contribution_choices()
    ]
    assert _enum(document, "GoalIn", "kind") == ["main", "sub"]
    assert _enum(document, "RiskOut", "topic") is None  # free text stays free
    (status,) = [
        p
        for p in full_paths(document)["/api/v1/assessments"]["get"]["parameters"]
        if p["name"] == "status"
    ]
    assert status["schema"]["anyOf"][0]["enum"] == Status.values


def test_a_value_outside_an_enum_does_not_match_the_document(document):
    schema = {"$ref": "#/components/schemas/ScoreOut", "components": document["components"]}
    score = {"state": "scored", "value": 9, "level": "high", "label": "Hoog"}
    assert not list(Draft202012Validator(schema).iter_errors(score))
    assert list(Draft202012Validator(schema).iter_errors({**score, "state": "guessed"}))


def test_every_operation_of_version_1_0_is_still_there_under_its_id(document):
    """Clients generate code from the operation ids: an operation published in 1.0 keeps
    its path, method and id wherever its code moves (``main.KiaAPI``). New operations may
    be added; none of these may go."""
    published = json.loads(
        (Path(__file__).parent / "fixtures" / "api_v1_operations.json").read_text()
    )
    now = {
        (path, method, operation["operationId"])
        for path, methods in full_paths(document).items()
        for method, operation in methods.items()
    }
    missing = [tuple(entry) for entry in published if tuple(entry) not in now]
    assert len(published) == 50 and not missing, missing
