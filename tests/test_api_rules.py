"""The NL GOV API Design Rules that can be checked on the OpenAPI document itself.

Spectral with the ruleset Logius publishes is an npm tool and is not yet wired in (see the
report of issue 23); these are the rules of its core set that a pytest over
``/api/v1/openapi.json`` can state, so they stay true while the API grows."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def test_openapi_3(document):  # /core/doc-openapi
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])


def test_no_trailing_slash(document):  # /core/no-trailing-slash
    assert [p for p in document["paths"] if p.endswith("/")] == []


def test_only_the_major_version_in_the_uri(document):  # /core/uri-version
    assert [server["url"] for server in document["servers"]] == ["/api/v1"]
    assert not [p for p in document["paths"] if p.startswith("/api/")]  # relative to it
    assert not [p for p in document["paths"] if re.search(r"/v\d+\.\d", p)]


def test_only_standard_methods(document):  # /core/http-methods
    used = {m for item in document["paths"].values() for m in item if m in METHODS | {"trace"}}
    assert used <= METHODS


def test_every_answer_states_the_api_version(document):  # /core/version-header
    missing = [
        f"{method.upper()} {path} {status}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, answer in operation["responses"].items()
        if "API-Version" not in answer.get("headers", {})
    ]
    assert missing == []


def test_errors_are_problem_json(document):  # /core/error-handling/problem-details
    for item in document["paths"].values():
        for operation in item.values():
            assert "application/problem+json" in operation["responses"]["default"]["content"]


def test_resource_names_are_lower_case_and_hyphenated(document):  # /core/naming-resources
    literal = [
        segment
        for path in document["paths"]
        for segment in path.split("/")
        if segment and not segment.startswith("{")
    ]
    assert [s for s in literal if not re.fullmatch(r"[a-z0-9.]+(-[a-z0-9.]+)*", s)] == []


def test_every_operation_has_an_id_and_a_summary(document):  # /core/doc-openapi
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("operationId") and operation.get("summary"), (method, path)


def test_every_integer_states_the_body_parsers_limit(document):
    """A number of more than 30 digits is a 400 wherever it stands (``exchange.parsing``):
    the document says so, or Schemathesis's valid bodies are refused."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            if node.get("type") == "integer" or "integer" in (node.get("type") or []):
                found.append((path, node.get("maximum")))
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}/{index}")

    walk(document, "")
    assert found and all(maximum is not None and maximum < 10**30 for _p, maximum in found)
