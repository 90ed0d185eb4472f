"""The API's front door and docs page for people (issue 22, item 10): ``/api/`` and
``/api/v1/`` point to the docs and the OpenAPI document; the docs page is a page of the
site, in the interface's language, rendered from the same OpenAPI document."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/", "/api/v1/"])
def test_the_api_root_points_a_person_to_the_docs(url):
    response = Client().get(url, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "API-documentatie" in page
    assert 'href="/api/v1/docs"' in page and 'href="/api/v1/openapi.json"' in page


@pytest.mark.parametrize("url", ["/api/", "/api/v1/"])
def test_the_api_root_gives_a_program_the_links(url):
    response = Client().get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["API-Version"]
    assert response.json() == {
        "docs": "http://testserver/api/v1/docs",
        "openapi": "http://testserver/api/v1/openapi.json",
    }


def test_other_paths_under_the_api_stay_problem_json_404s():
    response = Client().get("/api/v2/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_docs_page_lists_every_operation_of_the_document_in_dutch():
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    page = client.get("/api/v1/docs").content.decode()
    assert '<html lang="nl">' in page
    assert "API-documentatie" in page and "Parameters" in page
    assert "swagger" not in page.lower()
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) > 20
    for operation_id in ids:
        assert f'id="{operation_id}"' in page


def test_the_docs_page_follows_the_language_switch():
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/api/v1/docs").content.decode()
    assert '<html lang="en">' in page and "API documentation" in page
