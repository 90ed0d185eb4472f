"""Every API endpoint for every kind of caller: anonymous, outsider, each role (session),
read and read-write tokens, expired and revoked tokens, and a token of another
organisation's member (which never sees this organisation)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from assessments.domain import editing, tokens, versions
from assessments.domain.constants import GoalKind, ProportionalitySide, Role, VersionReason
from assessments.domain.models import (
    Answer,
    Assessment,
    Change,
    Contribution,
    Goal,
    Measure,
    ProportionalityItem,
    Source,
)
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

ANONYMOUS, OUTSIDER = "anonymous", "outsider"
READ_TOKEN, WRITE_TOKEN = "read token", "read-write token"
EXPIRED, REVOKED, OTHER_ORG_TOKEN = "expired token", "revoked token", "other organisation's token"
CALLERS = [
    ANONYMOUS, OUTSIDER, *Role, READ_TOKEN, WRITE_TOKEN, EXPIRED, REVOKED, OTHER_ORG_TOKEN,
]  # fmt: skip


@dataclass
class World:
    assessment: Assessment
    objects: dict
    users: dict

    @property
    def base(self) -> str:
        return f"/api/v1/assessments/{self.assessment.organisation.slug}/{self.assessment.slug}"


@pytest.fixture(autouse=True)
def no_real_pdf(monkeypatch):
    from assessments.outputs.report import render as render_module
    from assessments.outputs.report.render import RenderedPdf

    monkeypatch.setattr(
        render_module, "render_pdf_document", lambda a, **kw: RenderedPdf(b"%PDF-1.7", 1)
    )
    cache.clear()


@pytest.fixture
def world(media):
    org = factories.organisation()
    assessment = factories.assessment(org)
    risk = factories.risk(assessment, likelihood="high", impact="high")
    objects = {
        "risk": risk,
        "goal": Goal.objects.create(assessment=assessment, kind=GoalKind.MAIN, title="Leren"),
        "measure": Measure.objects.create(risk=risk, title="Moderatie", owner="Team"),
        "source": Source.objects.create(assessment=assessment, key="s1", citation="Bron"),
        "item": ProportionalityItem.objects.create(
            assessment=assessment, side=ProportionalitySide.HARM, text="x", risk=risk
        ),
        "answer": Answer.objects.create(assessment=assessment, question="2.1", text="Een app."),
        "contribution": Contribution.objects.create(
            assessment=assessment, question="2.8", text="Leren"
        ),
    }
    users = {role: factories.member(org, role) for role in Role}
    users[OUTSIDER] = factories.member(factories.organisation(), Role.OWNER)
    versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    Change.objects.all().delete()
    return World(assessment, objects, users)


def client_for(world: World, who: str) -> Client:
    if who == ANONYMOUS:
        return Client()
    if who in (READ_TOKEN, WRITE_TOKEN, EXPIRED, REVOKED, OTHER_ORG_TOKEN):
        user = world.users[OUTSIDER if who == OTHER_ORG_TOKEN else Role.OWNER]
        scope = "read" if who == READ_TOKEN else "write"
        expires = timezone.now() - datetime.timedelta(days=1) if who == EXPIRED else None
        token, secret = tokens.issue(user, name=who, scope=scope, expires_at=expires)
        if who == REVOKED:
            tokens.revoke(user, token.pk)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client = Client()
    client.force_login(world.users[who])
    return client


def etag(world: World, kind: str) -> str:
    obj = world.objects[kind]
    obj.refresh_from_db()
    return f'"{obj._meta.model_name}-{obj.pk}-{obj.lock_version}"'


@dataclass(frozen=True)
class Endpoint:
    label: str
    method: str
    path: Callable[[World], str]
    least: Role | None  # None: any authenticated caller (lists of their own)
    writes: bool = False
    body: Callable[[World], object] | None = None
    if_match: str | None = None  # the object whose ETag goes in If-Match
    ok: tuple[int, ...] = (200,)


def _o(kind: str) -> Callable[[World], str]:
    plural = {"item": "proportionality-items"}.get(kind, kind + "s")
    return lambda w: f"{w.base}/{plural}/{w.objects[kind].pk}"


ENDPOINTS = [
    Endpoint("organisations", "get", lambda w: "/api/v1/organisations", None),
    Endpoint("assessment list", "get", lambda w: "/api/v1/assessments", None),
    Endpoint(
        "import", "post",
        lambda w: f"/api/v1/assessments?organisation={w.assessment.organisation.slug}",
        Role.EDITOR, True, lambda w: DEMO.read_bytes(), ok=(201,),
    ),
    Endpoint("document", "get", lambda w: w.base, Role.VIEWER),
    Endpoint("risk register", "get", lambda w: f"{w.base}/risk-register", Role.VIEWER),
    Endpoint("changes", "get", lambda w: f"{w.base}/changes", Role.VIEWER),
    Endpoint("versions", "get", lambda w: f"{w.base}/versions", Role.VIEWER),
    Endpoint("version", "get", lambda w: f"{w.base}/versions/1", Role.VIEWER),
    Endpoint(
        "compare", "get", lambda w: f"{w.base}/versions/compare?old=1&new=current", Role.VIEWER
    ),
    Endpoint("report status", "get", lambda w: f"{w.base}/versions/1/report", Role.VIEWER),
    Endpoint(
        "report render", "post", lambda w: f"{w.base}/versions/1/report", Role.VIEWER,
        ok=(200, 202),
    ),
    Endpoint("pdf", "get", lambda w: f"{w.base}/versions/1/report.pdf", Role.VIEWER, ok=(200, 202)),
    Endpoint("docx", "get", lambda w: f"{w.base}/versions/1/report.docx", Role.VIEWER),
    Endpoint("answers", "get", lambda w: f"{w.base}/answers", Role.VIEWER),
    Endpoint("answer", "get", lambda w: f"{w.base}/answers/2.1", Role.VIEWER),
    Endpoint(
        "answer put", "put", lambda w: f"{w.base}/answers/2.1", Role.EDITOR, True,
        lambda w: {"text": "Nieuw"}, "answer",
    ),
    Endpoint("contributions", "get", lambda w: f"{w.base}/contributions", Role.VIEWER),
    Endpoint("contribution", "get", lambda w: f"{w.base}/contributions/2.8", Role.VIEWER),
    Endpoint(
        "contribution put", "put", lambda w: f"{w.base}/contributions/2.8", Role.EDITOR, True,
        lambda w: {"summary": "Leert"}, "contribution",
    ),
    Endpoint("risk measures", "get", lambda w: f"{_o('risk')(w)}/measures", Role.VIEWER),
    Endpoint(
        "measure create", "post", lambda w: f"{_o('risk')(w)}/measures", Role.EDITOR, True,
        lambda w: {"title": "Leeftijdscheck", "status": "planned"}, ok=(201,),
    ),
    Endpoint(
        "transition submit", "post", lambda w: f"{w.base}/transitions/submit", Role.EDITOR,
        True, lambda w: {"reviewers": [w.users[Role.REVIEWER].username]},
    ),
]  # fmt: skip
NEW_ROWS = {
    "goal": {"title": "Subdoel", "kind": "sub"},
    "risk": {"category": "health", "topic": "Slaap"},
    "source": {"key": "s2", "citation": "Tweede bron"},
    "item": {"side": "harm", "text": "Nadeel"},
}
for _kind in ("goal", "risk", "measure", "source", "item"):
    _plural = {"item": "proportionality-items"}.get(_kind, _kind + "s")
    ENDPOINTS += [
        Endpoint(f"{_kind} list", "get", lambda w, p=_plural: f"{w.base}/{p}", Role.VIEWER),
        Endpoint(f"{_kind} detail", "get", _o(_kind), Role.VIEWER),
        Endpoint(
            f"{_kind} update", "patch", _o(_kind), Role.EDITOR, True,
            lambda w, k=_kind: {"title": "Nieuw"} if k in ("goal", "measure")
            else {"topic": "Nieuw"} if k == "risk" else {"text": "Nieuw"} if k == "item"
            else {"citation": "Nieuw"},
            _kind,
        ),
        Endpoint(f"{_kind} delete", "delete", _o(_kind), Role.EDITOR, True, None, _kind, (204,)),
    ]  # fmt: skip
    if _kind in NEW_ROWS:
        ENDPOINTS.append(
            Endpoint(
                f"{_kind} create", "post", lambda w, p=_plural: f"{w.base}/{p}", Role.EDITOR,
                True, lambda w, k=_kind: NEW_ROWS[k], ok=(201,),
            )
        )  # fmt: skip


def call(world: World, client: Client, endpoint: Endpoint):
    headers = {}
    if endpoint.if_match:
        headers["HTTP_IF_MATCH"] = etag(world, endpoint.if_match)
    body = endpoint.body(world) if endpoint.body else None
    method = getattr(client, endpoint.method)
    if body is None:
        return method(endpoint.path(world), **headers)
    return method(endpoint.path(world), body, content_type="application/json", **headers)


def allowed(who: str, endpoint: Endpoint) -> bool:
    if endpoint.least is None:
        return True
    if who == READ_TOKEN:
        return not endpoint.writes
    role = Role.OWNER if who == WRITE_TOKEN else Role(who)
    return role.includes(endpoint.least)


@pytest.mark.parametrize("who", CALLERS, ids=str)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.label for e in ENDPOINTS])
def test_api_endpoints(world, who, endpoint):
    client = client_for(world, who)
    response = call(world, client, endpoint)
    status = response.status_code
    if hasattr(response, "streaming_content"):
        factories.close(response)
    if who in (ANONYMOUS, EXPIRED, REVOKED):
        assert status == 401
        assert response["Content-Type"] == "application/problem+json"
    elif who in (OUTSIDER, OTHER_ORG_TOKEN) and endpoint.least is not None:
        assert status == 404, response.content[:200]
    elif who in (OUTSIDER, OTHER_ORG_TOKEN):
        assert status == 200
        assert world.assessment.slug not in response.content.decode()
        assert world.assessment.organisation.slug not in response.content.decode()
    elif allowed(who, endpoint):
        assert status in endpoint.ok, response.content[:300]
        if endpoint.writes:
            change = Change.objects.filter(via="api").first()
            assert change is not None and change.user is not None
    else:
        assert status == 403, response.content[:200]
        assert not Change.objects.exists(), endpoint.label
    assert response["API-Version"] == "1.0.0"


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.FINAL])
def test_api_writes_refused_unless_draft(world, status):
    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)
    client = client_for(world, WRITE_TOKEN)
    for endpoint in ENDPOINTS:
        if endpoint.writes and endpoint.least == Role.EDITOR and "transition" not in endpoint.label:
            if endpoint.label == "import":
                continue
            assert call(world, client, endpoint).status_code == 403, endpoint.label
    assert not Change.objects.exists()


PUBLIC = [
    lambda w: "/api/v1/public/assessments",
    lambda w: f"/api/v1/public/assessments/{w.assessment.organisation.slug}/{w.assessment.slug}",
    lambda w: (
        f"/api/v1/public/assessments/{w.assessment.organisation.slug}/{w.assessment.slug}/versions"
    ),
]


@pytest.mark.parametrize("who", CALLERS, ids=str)
def test_public_endpoints_for_everyone_and_only_when_published(world, who):
    client = client_for(world, who)
    assert client.get(PUBLIC[0](world)).json()["total"] == 0
    for make in PUBLIC[1:]:
        assert client.get(make(world)).status_code == 404
    owner = world.users[Role.OWNER]
    from assessments.domain import lifecycle

    Assessment.objects.filter(pk=world.assessment.pk).update(status=Status.FINAL)
    lifecycle.perform(world.assessment, "publish", actor=editing.Actor(owner), role=Role.OWNER)
    for make in PUBLIC:
        assert client.get(make(world)).status_code == 200
    number = world.assessment.versions.get(status=Status.PUBLISHED).number
    assert client.get(f"{PUBLIC[2](world)}/{number}").status_code == 200
    assert client.get(f"{PUBLIC[2](world)}/1").status_code == 404  # not a published version
