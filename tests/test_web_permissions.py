"""Every URL of the team app for anonymous, non-member, viewer, reviewer, editor and owner."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from assessments.constants import GoalKind, ProportionalitySide, Role, Status
from assessments.models import (
    Answer,
    Goal,
    Measure,
    ProportionalityItem,
    ServiceResponse,
    Source,
)
from tests import factories

pytestmark = pytest.mark.django_db

ANONYMOUS, OUTSIDER = "anonymous", "outsider"
ROLES = [ANONYMOUS, OUTSIDER, Role.VIEWER, Role.REVIEWER, Role.EDITOR, Role.OWNER]


@dataclass
class World:
    assessment: object
    risk: object
    objects: dict
    users: dict


@pytest.fixture
def world():
    org = factories.organisation()
    assessment = factories.assessment(org)
    risk = factories.risk(assessment, likelihood="high", impact="high")
    goal = Goal.objects.create(assessment=assessment, kind=GoalKind.MAIN, title="Leren")
    objects = {
        "risk": risk,
        "goal": goal,
        "measure": Measure.objects.create(risk=risk, title="Moderatie", owner="Team"),
        "item": ProportionalityItem.objects.create(
            assessment=assessment, side=ProportionalitySide.HARM, text="x", risk=risk
        ),
        "source": Source.objects.create(assessment=assessment, key="s1", citation="Bron"),
        "response": ServiceResponse.objects.create(
            assessment=assessment, author="Aanbieder", text="Wij zijn het oneens."
        ),
    }
    Answer.objects.create(assessment=assessment, question="2.1", text="Een app.")
    users = {role: factories.member(org, role) for role in Role}
    users[OUTSIDER] = factories.member(factories.organisation(), Role.OWNER)
    return World(assessment, risk, objects, users)


def url(world: World, name: str, *extra) -> str:
    return reverse(f"assessments:{name}", args=[world.assessment.slug, *extra])


# (label, method, url builder, POST data, least role that may do it)
PAGES = [
    ("detail", "get", lambda w: url(w, "detail"), None, Role.VIEWER),
    *[
        (f"chapter {n}", "get", lambda w, n=n: url(w, "chapter", n), None, Role.VIEWER)
        for n in range(1, 6)
    ],
    ("sources", "get", lambda w: url(w, "sources"), None, Role.VIEWER),
    ("appendix", "get", lambda w: url(w, "appendix"), None, Role.VIEWER),
    ("settings", "get", lambda w: url(w, "settings"), None, Role.EDITOR),
    (
        "settings save",
        "post",
        lambda w: url(w, "settings"),
        lambda w: {
            "title": "Nieuw",
            "kind": "self",
            "language": "nl",
            "service_name": "App",
            "version": w.assessment.version,
        },
        Role.EDITOR,
    ),
    ("answer", "get", lambda w: url(w, "answer", "2.1"), None, Role.EDITOR),
    (
        "answer save",
        "post",
        lambda w: url(w, "answer", "2.2"),
        lambda w: {"text": "x"},
        Role.EDITOR,
    ),
    (
        "prescan",
        "post",
        lambda w: url(w, "prescan"),
        lambda w: {"prescan_offers_service": "yes", "version": w.assessment.version},
        Role.EDITOR,
    ),
    ("contribution", "get", lambda w: url(w, "contribution", "2.8"), None, Role.EDITOR),
    ("reassessment", "get", lambda w: url(w, "reassessment"), None, Role.EDITOR),
    ("goal new", "get", lambda w: url(w, "goal_new"), None, Role.EDITOR),
    ("goal edit", "get", lambda w: url(w, "goal_edit", w.objects["goal"].pk), None, Role.EDITOR),
    ("risk new", "get", lambda w: url(w, "risk_new") + "?category=privacy", None, Role.EDITOR),
    (
        "risk new save",
        "post",
        lambda w: url(w, "risk_new") + "?category=health",
        lambda w: {"category": "health", "topic": "Slaap"},
        Role.EDITOR,
    ),
    ("risk edit", "get", lambda w: url(w, "risk_edit", w.risk.pk), None, Role.EDITOR),
    ("residual", "get", lambda w: url(w, "residual_edit", w.risk.pk), None, Role.EDITOR),
    ("measure new", "get", lambda w: url(w, "measure_new", w.risk.pk), None, Role.EDITOR),
    (
        "measure edit",
        "get",
        lambda w: url(w, "measure_edit", w.risk.pk, w.objects["measure"].pk),
        None,
        Role.EDITOR,
    ),
    ("item new", "get", lambda w: url(w, "item_new"), None, Role.EDITOR),
    ("item edit", "get", lambda w: url(w, "item_edit", w.objects["item"].pk), None, Role.EDITOR),
    ("prefill", "post", lambda w: url(w, "prefill_weighing"), lambda w: {}, Role.EDITOR),
    ("source new", "get", lambda w: url(w, "source_new"), None, Role.EDITOR),
    (
        "source edit",
        "get",
        lambda w: url(w, "source_edit", w.objects["source"].pk),
        None,
        Role.EDITOR,
    ),
    ("response new", "get", lambda w: url(w, "response_new"), None, Role.EDITOR),
    (
        "response edit",
        "get",
        lambda w: url(w, "response_edit", w.objects["response"].pk),
        None,
        Role.EDITOR,
    ),
    *[
        (
            f"delete {kind}",
            "get",
            lambda w, k=kind: url(w, "delete", k, w.objects[k].pk),
            None,
            Role.EDITOR,
        )
        for kind in ("risk", "goal", "measure", "item", "source", "response")
    ],
    *[
        (
            f"delete {kind} (post)",
            "post",
            lambda w, k=kind: url(w, "delete", k, w.objects[k].pk),
            lambda w: {},
            Role.EDITOR,
        )
        for kind in ("risk", "measure", "source")
    ],
    (
        "move risk",
        "post",
        lambda w: url(w, "move", "risk", w.risk.pk),
        lambda w: {"direction": "up"},
        Role.EDITOR,
    ),
    # Downloads and the PDF report: every member may read them.
    ("export json", "get", lambda w: url(w, "export_json"), None, Role.VIEWER),
    ("register csv", "get", lambda w: url(w, "risk_register_csv"), None, Role.VIEWER),
    ("register xlsx", "get", lambda w: url(w, "risk_register_xlsx"), None, Role.VIEWER),
    ("report page", "get", lambda w: url(w, "report"), None, Role.VIEWER),
    ("report status", "get", lambda w: url(w, "report_status"), None, Role.VIEWER),
    ("report html", "get", lambda w: url(w, "report_html"), None, Role.VIEWER),
    ("report pdf", "get", lambda w: url(w, "report_pdf"), None, Role.VIEWER),
    ("report docx", "get", lambda w: url(w, "report_docx"), None, Role.VIEWER),
    ("report start", "post", lambda w: url(w, "report_start"), lambda w: {}, Role.VIEWER),
    ("finalise", "post", lambda w: url(w, "status"), lambda w: {"action": "finalise"}, Role.EDITOR),
]


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize(
    ("label", "method", "make_url", "make_data", "least"), PAGES, ids=[p[0] for p in PAGES]
)
def test_assessment_urls(client, world, role, label, method, make_url, make_data, least):
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    target = make_url(world)
    data = make_data(world) if make_data else None
    response = client.post(target, data) if method == "post" else client.get(target)
    if role == ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == OUTSIDER:
        assert response.status_code == 404
    elif Role(role).includes(least):
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.EDITOR, Role.OWNER])
def test_final_assessment_refuses_every_edit(client, world, role):
    world.assessment.status = Status.FINAL
    world.assessment.save()
    client.force_login(world.users[role])
    for label, _method, make_url, make_data, least in PAGES:
        if least != Role.EDITOR or label == "finalise":
            continue
        target = make_url(world)
        response = client.post(target, make_data(world) if make_data else {})
        assert response.status_code == 403, label
    assert client.get(url(world, "chapter", 3)).status_code == 200  # still readable


@pytest.mark.parametrize(
    ("action", "status", "least"),
    [
        ("reopen", Status.FINAL, Role.OWNER),
        ("publish", Status.FINAL, Role.OWNER),
        ("unpublish", Status.PUBLISHED, Role.OWNER),
    ],
)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.REVIEWER, Role.EDITOR, Role.OWNER])
def test_owner_only_transitions(client, world, action, status, least, role):
    world.assessment.status = status
    world.assessment.save()
    client.force_login(world.users[role])
    response = client.post(url(world, "status"), {"action": action})
    world.assessment.refresh_from_db()
    if Role(role).includes(least):
        assert response.status_code == 302
        assert world.assessment.status != status
    else:
        assert response.status_code == 403
        assert world.assessment.status == status


def test_organisation_pages(client, world):
    org = world.assessment.organisation
    members_url = reverse("assessments:members", args=[org.slug])
    assert client.get(members_url).status_code == 302
    client.force_login(world.users[OUTSIDER])
    assert client.get(members_url).status_code == 404
    client.force_login(world.users[Role.VIEWER])
    assert client.get(members_url).status_code == 200
    assert client.post(members_url, {"email": "x@example.org", "role": "viewer"}).status_code == 403
    membership = org.memberships.get(user=world.users[Role.EDITOR])
    change = reverse("assessments:change_member", args=[org.slug, membership.pk])
    assert client.post(change, {"role": "owner"}).status_code == 403
    client.force_login(world.users[Role.OWNER])
    assert client.post(change, {"role": "viewer"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_public_pages_need_no_login(client, world):
    assert client.get(reverse("assessments:public")).status_code == 200
    assert client.get(reverse("assessments:home")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("assessments:new")).status_code == 302
    assert client.get(reverse("assessments:new_organisation")).status_code == 302
