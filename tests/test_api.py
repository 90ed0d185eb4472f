"""The REST API's behaviour: tokens, ETag / If-Match, problem+json, imports, pagination,
transitions, PDFs and the public part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from assessments.domain import tokens
from assessments.domain.constants import Channel, Role
from assessments.domain.models import Assessment, Change, Risk
from assessments.domain.states import Status
from tests import factories

pytestmark = pytest.mark.django_db
DEMO = (
    Path(__file__).resolve().parents[1]
    / "assessments"
    / "interfaces"
    / "demo"
    / "voorbeeld-huiswerkapp.json"
)
API = "/api/v1"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def bearer(user, scope: str = "write", **kwargs) -> Client:
    _token, secret = tokens.issue(user, name="test", scope=scope, **kwargs)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def where(assessment: Assessment) -> str:
    return f"{API}/assessments/{assessment.organisation.slug}/{assessment.slug}"


def test_risk_edit_with_if_match_and_stale_etag(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    client = bearer(editor)
    url = f"{where(assessment)}/risks/{risk.pk}"
    read = client.get(url)
    assert read.status_code == 200 and read["API-Version"] == "1.0.0"
    etag = read["ETag"]
    assert etag == f'"risk-{risk.pk}-1"'
    body = {"likelihood": "high", "impact": "medium"}
    missing = client.patch(url, body, content_type="application/json")
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"
    saved = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=etag)
    assert saved.status_code == 200, saved.content
    assert saved.json()["gross"]["state"] == "scored"
    assert saved["ETag"] == f'"risk-{risk.pk}-2"'
    stale = client.patch(
        url, {"topic": "Ander"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale["ETag"] == saved["ETag"]
    risk.refresh_from_db()
    assert (risk.likelihood, risk.topic) == ("high", "Harmful content")
    change = Change.objects.get(assessment=assessment, entity="risk", field="likelihood")
    assert change.via == Channel.API and change.user == editor


def test_validation_errors_name_the_field_in_the_chosen_language(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    client = bearer(editor)
    url = f"{where(assessment)}/risks/{risk.pk}"
    etag = client.get(url)["ETag"]
    body = {"likelihood": "not_assessable", "impact": "huge"}
    dutch = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=etag)
    assert dutch.status_code == 400
    problem = dutch.json()
    assert problem["status"] == 400 and problem["instance"] == url
    names = {p["name"] for p in problem["invalid-params"]}
    assert names == {"likelihood_reason", "impact"}
    assert "Geef" in json.dumps(problem, ensure_ascii=False)  # Dutch by default
    english = client.patch(
        url, body, content_type="application/json", HTTP_IF_MATCH=etag, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Give a reason" in english.content.decode()
    assert english["Content-Language"] == "en"
    unknown = client.patch(
        url, {"colour": "red"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert unknown.status_code == 400
    assert unknown.json()["invalid-params"][0]["name"] == "colour"
    risk.refresh_from_db()
    assert risk.lock_version == 1 and not Change.objects.filter(assessment=assessment).exists()


def test_import_create_and_import_errors(team):
    assessment, editor, _owner = team
    org = assessment.organisation
    client = bearer(editor)
    raw = DEMO.read_bytes()
    created = client.post(
        f"{API}/assessments?organisation={org.slug}", raw, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    made = Assessment.objects.get(organisation=org, slug=created.json()["assessment"]["slug"])
    assert made.status == Status.DRAFT and made.risks.exists()
    assert created["Location"] == where(made)
    assert Change.objects.filter(assessment=made, via=Channel.API).exists()
    document = json.loads(raw)
    document["risks"][0]["category"] = "nonsense"
    refused = client.post(
        f"{API}/assessments?organisation={org.slug}", document, content_type="application/json"
    )
    assert refused.status_code == 400
    assert any(p["name"].startswith("$.risks[0]") for p in refused.json()["invalid-params"])
    assert Assessment.objects.filter(organisation=org).count() == 2
    other = factories.organisation()
    assert (
        client.post(
            f"{API}/assessments?organisation={other.slug}", raw, content_type="application/json"
        ).status_code
        == 404
    )


def test_create_and_delete_rows_with_if_match(team):
    assessment, editor, _owner = team
    client = bearer(editor)
    made = client.post(
        f"{where(assessment)}/sources", {"key": "ofcom", "citation": "Ofcom 2024"},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    url = made["Location"]
    assert client.delete(url).status_code == 428
    assert client.delete(url, HTTP_IF_MATCH='"source-0-1"').status_code == 412
    assert client.delete(url, HTTP_IF_MATCH=made["ETag"]).status_code == 204
    assert not assessment.sources.exists()
    twice = client.post(
        f"{where(assessment)}/sources", {"key": "bad key!", "citation": ""},
        content_type="application/json",
    )  # fmt: skip
    assert twice.status_code == 400
    assert {p["name"] for p in twice.json()["invalid-params"]} == {"key", "citation"}


def test_answer_put_creates_then_needs_if_match(team):
    assessment, editor, _owner = team
    client = bearer(editor)
    url = f"{where(assessment)}/answers/2.1"
    first = client.put(url, {"text": "Een app."}, content_type="application/json")
    assert first.status_code == 200
    assert client.put(url, {"text": "Weer"}, content_type="application/json").status_code == 428
    again = client.put(
        url, {"text": "Weer"}, content_type="application/json", HTTP_IF_MATCH=first["ETag"]
    )
    assert again.status_code == 200 and again.json()["text"] == "Weer"
    assert (
        client.put(
            f"{where(assessment)}/answers/9.9", {"text": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_read_token_cannot_write_and_revoked_or_expired_tokens_fail(team):
    assessment, editor, _owner = team
    token, secret = tokens.issue(editor, name="r", scope="read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(where(assessment)).status_code == 200
    refused = client.post(
        f"{where(assessment)}/goals",
        {"title": "x", "kind": "main"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    tokens.revoke(editor, token.pk)
    gone = client.get(where(assessment))
    assert gone.status_code == 401 and gone["WWW-Authenticate"].startswith("Bearer")
    token.refresh_from_db()
    assert (
        token.last_used_at is not None
        and token.digest != secret
        and secret.startswith(token.prefix)
    )


def test_throttled_per_token(team, settings):
    _assessment, editor, _owner = team
    settings.KIA_API_REQUESTS_PER_MINUTE = 2
    client = bearer(editor)
    assert client.get(f"{API}/organisations").status_code == 200
    assert client.get(f"{API}/organisations").status_code == 200
    third = client.get(f"{API}/organisations")
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert third["Content-Type"] == "application/problem+json"
    assert bearer(editor).get(f"{API}/organisations").status_code == 200  # another token


def test_session_needs_csrf_for_writes(team):
    assessment, editor, _owner = team
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get(where(assessment)).status_code == 200
    refused = client.post(
        f"{where(assessment)}/goals", {"title": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not assessment.goals.exists()


def test_pagination_and_filters(team):
    assessment, editor, _owner = team
    for n in range(3):
        factories.assessment(assessment.organisation, service_name=f"Dienst {n}")
    client = bearer(editor)
    page = client.get(f"{API}/assessments?pageSize=2&page=2").json()
    assert page["total"] == 4 and page["page"] == 2 and len(page["items"]) == 2
    assert page["_links"]["prev"] and page["_links"]["next"] is None
    assert client.get(f"{API}/assessments?service=Dienst 1").json()["total"] == 1
    past = client.get(f"{API}/assessments?page=9&pageSize=2")  # past the last: empty
    assert past.status_code == 200 and past.json()["items"] == []
    assert "page=2" in past.json()["_links"]["prev"]["href"]
    assert client.get(f"{API}/assessments?page=0").status_code == 400
    assert client.get(f"{API}/assessments?pageSize=101").status_code == 400
    bad = client.get(f"{API}/assessments?updatedSince=0.5")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert client.get(f"{API}/assessments?status=true").status_code == 400
    other = factories.member(factories.organisation(), Role.OWNER)
    assert bearer(other).get(f"{API}/assessments").json()["total"] == 0


def test_finalise_pdf_publish_and_public_read(client, media, renders):
    org = factories.organisation()
    owner = factories.member(org, Role.OWNER)
    api = bearer(owner)
    made = api.post(
        f"{API}/assessments?organisation={org.slug}",
        DEMO.read_bytes(),
        content_type="application/json",
    )
    assessment = Assessment.objects.get(slug=made.json()["assessment"]["slug"])
    url = where(assessment)
    assert client.get(f"{API}/public/assessments/{org.slug}/{assessment.slug}").status_code == 404
    unsigned = api.post(f"{url}/transitions/finalise", {}, content_type="application/json")
    assert unsigned.status_code == 409  # the owner signs off with the attestation
    signed = {"attested": True}
    final = api.post(f"{url}/transitions/finalise", signed, content_type="application/json")
    assert final.status_code == 200, final.content
    assert final.json()["version"] == 1
    again = api.post(f"{url}/transitions/finalise", signed, content_type="application/json")
    assert again.status_code == 409
    pdf = api.get(f"{url}/versions/1/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    factories.close(pdf)
    assert api.get(f"{url}/versions/1/report").json()["ready"] is True
    assert (
        api.post(f"{url}/transitions/publish", {}, content_type="application/json").status_code
        == 200
    )
    public = client.get(f"{API}/public/assessments/{org.slug}/{assessment.slug}")
    assert public.status_code == 200
    assert public.json()["version"]["document"]["assessment"]["title"] == assessment.title
    listed = client.get(f"{API}/public/assessments").json()
    assert [a["slug"] for a in listed["items"]] == [assessment.slug]
    versions = client.get(f"{API}/public/assessments/{org.slug}/{assessment.slug}/versions").json()
    assert [v["number"] for v in versions] == [2]


def test_pdf_not_ready_answers_202_with_status_url(team, settings, media):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assessment, _editor, owner = team
    from assessments.domain import editing, versions

    version = versions.record(assessment, actor=editing.Actor(owner), reason="manual")
    response = bearer(owner).get(f"{where(assessment)}/versions/{version.number}/report.pdf")
    assert response.status_code == 202
    assert response["Location"].endswith(f"/versions/{version.number}/report")
    assert response.json()["ready"] is False


def test_comparison_of_two_versions(team):
    assessment, editor, _owner = team
    from assessments.domain import editing, versions

    versions.record(assessment, actor=editing.Actor(editor), reason="manual")
    Risk.objects.create(assessment=assessment, category="privacy", topic="Tracking")
    versions.record(assessment, actor=editing.Actor(editor), reason="manual")
    result = bearer(editor).get(f"{where(assessment)}/versions/compare?old=1&new=2").json()
    assert result["has_changes"]
    rows = [r for s in result["sections"] for r in s["rows"]]
    assert any(r["kind"] == "added" and "Tracking" in r["label"] for r in rows)


def test_unknown_api_paths_are_problems_too():
    response = Client().get(f"{API}/nothing-here", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "There is nothing here, or not for you."
    assert response["API-Version"] == "1.0.0"


def test_transitions_follow_the_lifecycle_and_roles(team):
    assessment, editor, owner = team
    url = f"{where(assessment)}/transitions"
    as_editor, as_owner = bearer(editor), bearer(owner)
    publish = as_editor.post(f"{url}/publish", {}, content_type="application/json")
    assert publish.status_code == 403
    nobody = as_editor.post(f"{url}/submit", {}, content_type="application/json")
    assert nobody.status_code == 409  # a submission asks someone for a review
    unknown = {"reviewers": ["no-such-user"]}
    assert (
        as_editor.post(f"{url}/submit", unknown, content_type="application/json").status_code == 400
    )
    asked = {"reviewers": [owner.username]}
    submitted = as_editor.post(f"{url}/submit", asked, content_type="application/json")
    assert submitted.json()["status"] == Status.IN_REVIEW
    no_reason = as_owner.post(f"{url}/request_changes", {}, content_type="application/json")
    assert no_reason.status_code == 400
    assert no_reason.json()["invalid-params"][0]["name"] == "reason"
    back = as_owner.post(
        f"{url}/request_changes",
        {"reason": "Graag 3.2 aanvullen."},
        content_type="application/json",
    )
    assert back.status_code == 200 and back.json()["status"] == Status.DRAFT
    change = Change.objects.get(
        assessment=assessment, field="transition", new__name="request_changes"
    )
    assert change.new["reason"] == "Graag 3.2 aanvullen." and change.via == Channel.API
    assert as_owner.post(f"{url}/fly", {}, content_type="application/json").status_code == 404


# --- every error is a problem (ops-2: wrong methods, the docs, bodies too large) ------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/public/assessments", {"GET"}),
        ("put", "/assessments", {"GET", "POST"}),
        ("post", "/openapi.json", {"GET", "HEAD"}),
        ("patch", "/docs", {"GET", "HEAD"}),
    ],
)
def test_a_wrong_method_is_a_problem_in_the_chosen_language(method, path, allowed):
    client = Client()
    english = getattr(client, method)(f"{API}{path}", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 405
    assert english["Content-Type"] == "application/problem+json"
    assert {m.strip() for m in english["Allow"].split(",")} == allowed
    body = english.json()
    assert body["status"] == 405 and body["instance"] == f"{API}{path}"
    assert body["title"] == "This method is not allowed here."
    assert body["detail"].startswith("This path accepts: ")
    assert english["API-Version"] == "1.0.0" and english["Content-Language"] == "en"
    dutch = getattr(client, method)(f"{API}{path}")
    assert dutch.status_code == 405 and dutch["Content-Type"] == "application/problem+json"
    assert dutch.json()["title"] == "Deze methode is hier niet toegestaan."
    assert dutch["Content-Language"] == "nl"


def test_bad_path_and_query_parameters_and_the_api_root_are_problems():
    client = Client()
    for url in [
        f"{API}/public/assessments?page=many",
        f"{API}/public/assessments/org/slug/versions/first",
    ]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, url
        assert response["Content-Type"] == "application/problem+json"
        (param,) = response.json()["invalid-params"]
        assert param["reason"] == "Enter a whole number."
    # The API's root points to the docs and the OpenAPI document (tests/test_api_docs_page.py).
    root = client.get(f"{API}/", HTTP_ACCEPT_LANGUAGE="nl")
    assert root.status_code == 200 and set(root.json()) == {"docs", "openapi"}
    elsewhere = client.get(f"{API}/nothing-here", HTTP_ACCEPT_LANGUAGE="nl")
    assert elsewhere.status_code == 404
    assert elsewhere["Content-Type"] == "application/problem+json"
    assert elsewhere.json()["detail"] == "Hier is niets, of niet voor u."


def test_a_body_too_large_is_a_problem(team, settings):
    _assessment, editor, _owner = team
    settings.KIA_MAX_REQUEST_BYTES = 100
    response = bearer(editor).post(
        f"{API}/assessments",
        json.dumps({"padding": "x" * 500}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "the largest accepted is 100" in response.json()["detail"]


def test_the_public_api_is_throttled_per_client_address(settings):
    settings.KIA_API_PUBLIC_REQUESTS_PER_MINUTE = 2
    url = f"{API}/public/assessments"
    here, elsewhere = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    assert [here.get(url).status_code for _ in range(2)] == [200, 200]
    third = here.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert third.status_code == 429 and third["Content-Type"] == "application/problem+json"
    assert 1 <= int(third["Retry-After"]) <= 60
    assert third.json()["detail"] == (
        f"Too many requests; try again in {third['Retry-After']} seconds."
    )
    assert here.get(f"{url}/org/slug").status_code == 429  # every public path counts
    assert elsewhere.get(url).status_code == 200  # another address has its own count


@pytest.mark.parametrize(
    "path", ["/assessments", "/public/assessments", "/library/items", "/library/mappings"]
)
def test_a_page_past_any_list_is_empty_and_beyond_the_bound_a_problem(team, path):
    """Schemathesis: a page of 30 digits was a 500 (the database's offset overflowed)."""
    _assessment, editor, _owner = team
    client = bearer(editor)
    last = client.get(f"{API}{path}?page={2**31 - 1}")
    assert last.status_code == 200 and last.json()["items"] == []
    beyond = client.get(f"{API}{path}?page={10**20}")
    assert beyond.status_code == 400
    assert beyond["Content-Type"] == "application/problem+json"
