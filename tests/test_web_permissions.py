"""Every URL of the team app for anonymous, non-member, viewer, reviewer, editor and owner."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from assessments.domain import editing, replies, versions
from assessments.domain.constants import GoalKind, ProportionalitySide, Role, VersionReason
from assessments.domain.models import (
    Answer,
    Assessment,
    Change,
    Goal,
    Measure,
    ProportionalityItem,
    ReplyInvitation,
    ReportFile,
    ResponseAttachment,
    ServiceResponse,
    Source,
)
from assessments.domain.states import Status
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
def world(media):
    org = factories.organisation()
    assessment = factories.assessment(org)
    risk = factories.risk(assessment, likelihood="high", impact="high")
    factories.risk(assessment, topic="Second risk in the category", order=1)
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
    # The right of reply: a version, an invitation to respond to it, an attachment.
    version = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    objects["invitation"] = ReplyInvitation.objects.create(
        assessment=assessment,
        version=version,
        contact_name="Jan",
        contact_organisation="Aanbieder",
        email="jan@example.org",
        deadline=datetime.date.today() + datetime.timedelta(days=14),
        token_hash=replies.hash_token("world"),
    )
    attachment = ResponseAttachment(
        response=objects["response"], key="a" * 32, name="brief.pdf", size=8
    )
    attachment.file.save("x.pdf", ContentFile(b"%PDF-1.7"), save=True)
    objects["attachment"] = attachment
    objects["figure"] = _figure(assessment)
    users = {role: factories.member(org, role) for role in Role}
    users[OUTSIDER] = factories.member(factories.organisation(), Role.OWNER)
    return World(assessment, risk, objects, users)


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (21, 66, 115)).save(out, format="PNG")
    return out.getvalue()


def _figure(assessment):
    from assessments.domain import figures
    from assessments.domain.models import Figure

    checked = figures.check(_png())
    return Figure.objects.create(
        assessment=assessment,
        key="grafiek",
        image=figures.store(checked, assessment.pk),
        width=checked.width,
        height=checked.height,
        alt_text="Een blauw vlak.",
    )


def _upload() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plot.png", _png(), content_type="image/png")
    return {"upload": upload, "key": "plot", "alt_text": "Een blauw vlak."}


def _image_url(world: World) -> str:
    from assessments.interfaces.web.links import image_url

    return image_url(world.objects["figure"], world.assessment.slug)


def url(world: World, name: str, *extra) -> str:
    return reverse(f"assessments:{name}", args=[world.assessment.slug, *extra])


# --- What each allowed action must have done ---------------------------------------------------


def shows(text: str = ""):
    """A page: 200, and it shows ``text`` (by default the assessment's title)."""

    def check(world: World, response) -> None:
        assert response.status_code == 200
        wanted = text or world.assessment.title
        assert wanted in response.content.decode(), wanted

    return check


def form_page(world: World, response) -> None:
    body = response.content.decode()
    assert response.status_code == 200 and "<form" in body and "csrfmiddlewaretoken" in body


def download(content_type: str):
    def check(world: World, response) -> None:
        assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
        factories.close(response)  # a file download holds its file open until closed

    return check


def recorded(entity: str, field: str, value):
    """The write happened and is in the history with the member who made it."""

    def check(world: World, response) -> None:
        assert response.status_code == 302, response.content[:300]
        change = Change.objects.filter(
            assessment=world.assessment, entity=entity, field=field
        ).first()
        assert change is not None, (entity, field)
        assert change.new == value and change.user == response.wsgi_request.user

    return check


def gone(kind: str):
    def check(world: World, response) -> None:
        assert response.status_code == 302
        obj = world.objects[kind]
        assert not type(obj).objects.filter(pk=obj.pk).exists(), kind
        assert Change.objects.filter(entity=obj._meta.model_name, object_id=obj.pk).exists()

    return check


def moved(world: World, response) -> None:
    assert response.status_code == 302
    world.risk.refresh_from_db()
    assert world.risk.order == 1  # it was first of the two in its category


def prefilled(world: World, response) -> None:
    assert response.status_code == 302
    assert ProportionalityItem.objects.filter(assessment=world.assessment, goal__title="Leren")


def render_requested(world: World, response) -> None:
    assert response.status_code == 302
    assert ReportFile.objects.filter(assessment=world.assessment).exists()


def report_page(world: World, response) -> None:
    assert response.status_code in (200, 302)


def submitted(world: World, response) -> None:
    assert response.status_code == 302
    world.assessment.refresh_from_db()
    assert world.assessment.status == Status.IN_REVIEW


def invitation_sent(world: World, response) -> None:
    assert response.status_code == 302
    assert world.assessment.reply_invitations.filter(email="nieuw@example.org").exists()


def invitation_revoked(world: World, response) -> None:
    assert response.status_code == 302
    world.objects["invitation"].refresh_from_db()
    assert world.objects["invitation"].revoked_at is not None


def version_recorded(world: World, response) -> None:
    assert response.status_code == 302
    assert world.assessment.versions.filter(name="Voor de review").exists()


def _thread(world: World):
    """A comment thread on the risk, started by the owner."""
    from assessments.domain.models import Comment

    return Comment.objects.create(
        assessment=world.assessment,
        on="risk",
        risk=world.risk,
        chapter=3,
        author=world.users[Role.OWNER],
        text="Graag toelichten.",
    )


def _in_review(world: World) -> None:
    """In review, with every member from reviewer up chosen as reviewer of the round."""
    from assessments.domain.models import ReviewRound

    Assessment.objects.filter(pk=world.assessment.pk).update(status=Status.IN_REVIEW)
    found = ReviewRound.objects.create(assessment=world.assessment, number=1)
    found.reviewers.set([world.users[r] for r in (Role.REVIEWER, Role.EDITOR, Role.OWNER)])


def commented(world: World, response) -> None:
    from assessments.domain.models import Comment

    assert response.status_code == 302
    comment = Comment.objects.get(assessment=world.assessment)
    assert comment.risk == world.risk and comment.author == response.wsgi_request.user
    assert not Change.objects.filter(assessment=world.assessment).exists()  # not content


def resolved(world: World, response) -> None:
    from assessments.domain.models import Comment

    assert response.status_code == 302
    assert Comment.objects.get(assessment=world.assessment).resolved_by == (
        response.wsgi_request.user
    )


def replied(world: World, response) -> None:
    from assessments.domain.models import Comment

    assert response.status_code == 302
    reply = Comment.objects.get(assessment=world.assessment, parent__isnull=False)
    assert reply.text == "Komt eraan." and reply.author == response.wsgi_request.user


def verdict_given(world: World, response) -> None:
    from assessments.domain.models import Verdict

    assert response.status_code == 302
    verdict = Verdict.objects.get(round__assessment=world.assessment)
    assert (verdict.chapter, verdict.verdict) == (3, "improve")
    assert verdict.reviewer == response.wsgi_request.user


def attestation_saved(world: World, response) -> None:
    assert response.status_code == 302
    world.assessment.organisation.refresh_from_db()
    assert world.assessment.organisation.attestation == "Wij staan ervoor in."


@dataclass(frozen=True)
class Page:
    label: str
    method: str
    make_url: Callable[[World], str]
    make_data: Callable[[World], dict] | None
    least: Role
    effect: Callable[[World, object], None]
    edits: bool = False  # changes the content: refused while the assessment is not a draft


PAGES = [
    Page("detail", "get", lambda w: url(w, "detail"), None, Role.VIEWER, shows()),
    *[
        Page(f"chapter {n}", "get", lambda w, n=n: url(w, "chapter", n), None, Role.VIEWER, shows())
        for n in range(1, 6)
    ],
    Page("sources", "get", lambda w: url(w, "sources"), None, Role.VIEWER, shows("s1")),
    Page("appendix", "get", lambda w: url(w, "appendix"), None, Role.VIEWER, shows("Aanbieder")),
    Page("history", "get", lambda w: url(w, "history"), None, Role.VIEWER, shows()),
    Page("versions", "get", lambda w: url(w, "versions"), None, Role.VIEWER, shows()),
    Page("settings", "get", lambda w: url(w, "settings"), None, Role.EDITOR, form_page, True),
    Page(
        "settings save",
        "post",
        lambda w: url(w, "settings"),
        lambda w: {
            "title": "Nieuw",
            "kind": "self",
            "language": "nl",
            "service_name": "App",
            "lock_version": w.assessment.lock_version,
        },
        Role.EDITOR,
        recorded("assessment", "title", "Nieuw"),
        True,
    ),
    Page("answer", "get", lambda w: url(w, "answer", "2.1"), None, Role.EDITOR, form_page, True),
    Page(
        "answer save",
        "post",
        lambda w: url(w, "answer", "2.2"),
        lambda w: {"text": "x"},
        Role.EDITOR,
        recorded("answer", "text", "x"),
        True,
    ),
    Page(
        "prescan",
        "post",
        lambda w: url(w, "prescan"),
        lambda w: {"prescan_offers_service": "yes", "lock_version": w.assessment.lock_version},
        Role.EDITOR,
        recorded("assessment", "prescan_offers_service", "yes"),
        True,
    ),
    *[
        Page(label, "get", make, None, Role.EDITOR, form_page, True)
        for label, make in [
            ("contribution", lambda w: url(w, "contribution", "2.8")),
            ("reassessment", lambda w: url(w, "reassessment")),
            ("goal new", lambda w: url(w, "goal_new")),
            ("goal edit", lambda w: url(w, "goal_edit", w.objects["goal"].pk)),
            ("risk new", lambda w: url(w, "risk_new") + "?category=privacy"),
            ("risk edit", lambda w: url(w, "risk_edit", w.risk.pk)),
            ("residual", lambda w: url(w, "residual_edit", w.risk.pk)),
            ("measure new", lambda w: url(w, "measure_new", w.risk.pk)),
            (
                "measure edit",
                lambda w: url(w, "measure_edit", w.risk.pk, w.objects["measure"].pk),
            ),
            ("item new", lambda w: url(w, "item_new")),
            ("item edit", lambda w: url(w, "item_edit", w.objects["item"].pk)),
            ("source new", lambda w: url(w, "source_new")),
            ("source edit", lambda w: url(w, "source_edit", w.objects["source"].pk)),
            ("response new", lambda w: url(w, "response_new")),
            ("response edit", lambda w: url(w, "response_edit", w.objects["response"].pk)),
        ]
    ],
    Page(
        "risk new save",
        "post",
        lambda w: url(w, "risk_new") + "?category=health",
        lambda w: {"category": "health", "topic": "Slaap"},
        Role.EDITOR,
        recorded("risk", "topic", "Slaap"),
        True,
    ),
    Page(
        "prefill",
        "post",
        lambda w: url(w, "prefill_weighing"),
        lambda w: {},
        Role.EDITOR,
        prefilled,
        True,
    ),
    *[
        Page(
            f"delete {kind}",
            "get",
            lambda w, k=kind: url(w, "delete", k, w.objects[k].pk),
            None,
            Role.EDITOR,
            shows(),
            True,
        )
        for kind in ("risk", "goal", "measure", "item", "source", "response", "figure")
    ],
    *[
        Page(
            f"delete {kind} (post)",
            "post",
            lambda w, k=kind: url(w, "delete", k, w.objects[k].pk),
            lambda w, k=kind: {"lock_version": w.objects[k].lock_version},
            Role.EDITOR,
            gone(kind),
            True,
        )
        for kind in ("risk", "measure", "source", "figure")
    ],
    # Figures (area: report): the list and the image for every member, changes for editors.
    Page("figures", "get", lambda w: url(w, "figures"), None, Role.VIEWER, shows("grafiek")),
    Page("figure image", "get", _image_url, None, Role.VIEWER, download("image/png")),
    Page("figure new", "get", lambda w: url(w, "figure_new"), None, Role.EDITOR, form_page, True),
    Page(
        "figure new save",
        "post",
        lambda w: url(w, "figure_new"),
        lambda w: _upload(),
        Role.EDITOR,
        recorded("figure", "key", "plot"),
        True,
    ),
    Page(
        "figure edit",
        "get",
        lambda w: url(w, "figure_edit", w.objects["figure"].pk),
        None,
        Role.EDITOR,
        form_page,
        True,
    ),
    Page(
        "figure edit save",
        "post",
        lambda w: url(w, "figure_edit", w.objects["figure"].pk),
        lambda w: {
            "key": "grafiek",
            "caption": "Nieuw onderschrift",
            "alt_text": "Een blauw vlak.",
            "lock_version": w.objects["figure"].lock_version,
        },
        Role.EDITOR,
        recorded("figure", "caption", "Nieuw onderschrift"),
        True,
    ),
    Page(
        "move risk",
        "post",
        lambda w: url(w, "move", "risk", w.risk.pk),
        lambda w: {"direction": "down"},
        Role.EDITOR,
        moved,
        True,
    ),
    # Downloads and the PDF report: every member may read them.
    Page(
        "export json",
        "get",
        lambda w: url(w, "export_json"),
        None,
        Role.VIEWER,
        download("application/json"),
    ),
    Page(
        "register csv",
        "get",
        lambda w: url(w, "risk_register_csv"),
        None,
        Role.VIEWER,
        download("text/csv"),
    ),
    Page(
        "register xlsx",
        "get",
        lambda w: url(w, "risk_register_xlsx"),
        None,
        Role.VIEWER,
        download("application/vnd.openxmlformats"),
    ),
    Page("report page", "get", lambda w: url(w, "report"), None, Role.VIEWER, shows()),
    Page(
        "report status",
        "get",
        lambda w: url(w, "report_status"),
        None,
        Role.VIEWER,
        download("application/json"),
    ),
    Page("report html", "get", lambda w: url(w, "report_html"), None, Role.VIEWER, shows()),
    Page("report pdf", "get", lambda w: url(w, "report_pdf"), None, Role.VIEWER, report_page),
    Page(
        "report docx",
        "get",
        lambda w: url(w, "report_docx"),
        None,
        Role.VIEWER,
        download("application/vnd.openxmlformats-officedocument.wordprocessingml"),
    ),
    Page(
        "report start",
        "post",
        lambda w: url(w, "report_start"),
        lambda w: {},
        Role.VIEWER,
        render_requested,
    ),
    Page(
        "submit for review",
        "post",
        lambda w: url(w, "status", "submit"),
        lambda w: {"confirmed": "1", "reviewers": [w.users[Role.REVIEWER].pk]},
        Role.EDITOR,
        submitted,
    ),
    # --- Review (issue 9): comments, review rounds and verdicts, the attestation ---
    Page("review page", "get", lambda w: url(w, "review"), None, Role.VIEWER, shows()),
    Page(
        "comments of a question",
        "get",
        lambda w: url(w, "comments", "question", "2.1"),
        None,
        Role.VIEWER,
        shows("2.1"),
    ),
    Page(
        "comment on a risk",
        "post",
        lambda w: url(w, "comments", "risk", w.risk.pk),
        lambda w: {"text": "Klopt de kans?"},
        Role.REVIEWER,
        commented,
    ),
    Page(
        "resolve a thread",
        "post",
        lambda w: url(w, "comment_action", _thread(w).pk, "resolve"),
        lambda w: {},
        Role.REVIEWER,
        resolved,
    ),
    Page(
        "reply to a thread",
        "post",
        lambda w: url(w, "comment_action", _thread(w).pk, "reply"),
        lambda w: {"text": "Komt eraan."},
        Role.REVIEWER,
        replied,
    ),
    Page(
        "give verdicts",
        "post",
        lambda w: _in_review(w) or url(w, "verdicts"),
        lambda w: {"verdict_3": "improve", "reason_3": "Onderbouw de kans."},
        Role.REVIEWER,
        verdict_given,
    ),
    Page(
        "attestation",
        "post",
        lambda w: reverse("assessments:attestation", args=[w.assessment.organisation.slug]),
        lambda w: {"attestation": "Wij staan ervoor in."},
        Role.OWNER,
        attestation_saved,
    ),
    Page(
        "record version",
        "post",
        lambda w: url(w, "version_record"),
        lambda w: {"name": "Voor de review"},
        Role.EDITOR,
        version_recorded,
    ),
    # --- Comparison and re-assessment (issue 13 comparison, issue 9 item 7) ---
    Page("reassess", "get", lambda w: url(w, "reassess"), None, Role.EDITOR, shows()),
    # The service's right of reply (owners invite; members download attachments). The
    # pages a reply link opens need no account: tests/test_replies.py tests them.
    Page(
        "reply invite",
        "get",
        lambda w: url(w, "reply_invite"),
        None,
        Role.OWNER,
        form_page,
    ),
    Page(
        "reply invite (post)",
        "post",
        lambda w: url(w, "reply_invite"),
        lambda w: {
            "version": 1,
            "contact_name": "Jan",
            "contact_organisation": "Aanbieder",
            "email": "nieuw@example.org",
            "deadline": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(),
        },
        Role.OWNER,
        invitation_sent,
    ),
    Page(
        "reply invitation revoke",
        "post",
        lambda w: url(w, "reply_invitation_change", w.objects["invitation"].pk),
        lambda w: {"action": "revoke"},
        Role.OWNER,
        invitation_revoked,
    ),
    Page(
        "response attachment",
        "get",
        lambda w: url(w, "response_attachment", w.objects["attachment"].key),
        None,
        Role.VIEWER,
        download("application/pdf"),
    ),
]


@pytest.fixture(autouse=True)
def no_real_pdf(monkeypatch):
    """The report start only queues; the renderer itself is tested elsewhere."""
    from assessments.outputs.report import render as render_module
    from assessments.outputs.report.render import RenderedPdf

    monkeypatch.setattr(
        render_module, "render_pdf_document", lambda a, **kw: RenderedPdf(b"%PDF-1.7", 1)
    )


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("page", PAGES, ids=[p.label for p in PAGES])
def test_assessment_urls(client, world, role, page):
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    target = page.make_url(world)
    data = page.make_data(world) if page.make_data else None
    response = client.post(target, data) if page.method == "post" else client.get(target)
    if role == ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == OUTSIDER:
        assert response.status_code == 404
    elif Role(role).includes(page.least):
        page.effect(world, response)
    else:
        assert response.status_code == 403
        if page.method == "post":
            assert not Change.objects.filter(assessment=world.assessment).exists(), page.label


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.FINAL, Status.PUBLISHED])
@pytest.mark.parametrize("role", [Role.EDITOR, Role.OWNER])
def test_only_a_draft_can_be_edited(client, world, role, status):
    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)
    client.force_login(world.users[role])
    for page in PAGES:
        if not page.edits:
            continue
        target = page.make_url(world)
        response = client.post(target, page.make_data(world) if page.make_data else {})
        assert response.status_code == 403, page.label
    assert not Change.objects.filter(assessment=world.assessment).exists()
    assert client.get(url(world, "chapter", 3)).status_code == 200  # still readable


@pytest.mark.parametrize(
    ("action", "status", "least", "after"),
    [
        ("submit", Status.DRAFT, Role.EDITOR, Status.IN_REVIEW),
        ("request_changes", Status.IN_REVIEW, Role.OWNER, Status.DRAFT),
        ("reopen", Status.FINAL, Role.OWNER, Status.DRAFT),
        ("publish", Status.FINAL, Role.OWNER, Status.PUBLISHED),
        ("unpublish", Status.PUBLISHED, Role.OWNER, Status.FINAL),
    ],
)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.REVIEWER, Role.EDITOR, Role.OWNER])
def test_transitions_by_role(client, world, action, status, least, after, role):
    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)
    client.force_login(world.users[role])
    data = {
        "confirmed": "1",
        "reason": "Graag aanvullen.",
        "reviewers": [world.users[Role.REVIEWER].pk],
    }
    response = client.post(url(world, "status", action), data)
    world.assessment.refresh_from_db()
    if Role(role).includes(least):
        assert response.status_code == 302
        assert world.assessment.status == after
        change = Change.objects.get(assessment=world.assessment, field="transition")
        assert change.new["name"] == action and change.user == world.users[role]
    elif Role(role).includes(Role.EDITOR):
        assert response.status_code == 302  # refused with a message: only an owner may
        assert world.assessment.status == status
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


# --- Comparison and re-assessment (issue 13 comparison, issue 9 item 7) ---------------------


def _compare_url(world: World, name: str = "compare") -> str:
    org = world.assessment.organisation
    other = factories.assessment(org)
    query = f"a={org.slug}/{world.assessment.slug}&a={org.slug}/{other.slug}"
    return f"{reverse(f'assessments:{name}')}?{query}"


@pytest.mark.parametrize("name", ["compare", "compare_csv", "compare_xlsx", "compare_pdf"])
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_comparison_urls(client, world, role, name, monkeypatch):
    from assessments.outputs.report import render as render_module
    from assessments.outputs.report.render import RenderedPdf

    monkeypatch.setattr(
        render_module, "render_comparison_pdf", lambda c, **kw: RenderedPdf(b"%PDF-1.7", 1)
    )
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    response = client.get(_compare_url(world, name))
    if role in (ANONYMOUS, OUTSIDER):  # drafts: nobody outside the organisation reads them
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert world.assessment.title.encode() in response.content or name != "compare"


def test_comparison_picker_needs_no_login(client, world):
    assert client.get(reverse("assessments:compare")).status_code == 200


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_reassess_by_role(client, world, role):
    Assessment.objects.filter(pk=world.assessment.pk).update(status=Status.FINAL)
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    response = client.post(url(world, "reassess"), {"confirmed": "1"})
    successors = Assessment.objects.filter(predecessor=world.assessment)
    if role == ANONYMOUS:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role == OUTSIDER:
        assert response.status_code == 404
    elif Role(role).includes(Role.EDITOR):
        assert response.status_code == 302 and successors.count() == 1
        return
    else:
        assert response.status_code == 403
    assert not successors.exists()


# --- REST API area: the profile page with personal API tokens (the API's own matrix is in
# tests/test_api_permissions.py) ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_profile_pages(client, world, role):
    from assessments.domain import tokens

    owner = world.users[Role.OWNER]
    token, secret = tokens.issue(owner, name="owner's")
    profile = reverse("assessments:profile")
    revoke = reverse("assessments:revoke_token", args=[token.pk])
    if role == ANONYMOUS:
        assert client.get(profile).status_code == 302
        assert client.post(revoke).status_code == 302
        assert tokens.authenticate(secret) is not None
        return
    client.force_login(world.users[role])
    page = client.get(profile)
    assert page.status_code == 200
    assert ("owner&#x27;s" in page.content.decode()) == (role == Role.OWNER)  # only your own
    client.post(revoke)
    assert (tokens.authenticate(secret) is None) == (role == Role.OWNER)


# --- Notifications and follow-up (notify branch) ------------------------------------------------
# Organisation pages: outsiders get 404; members below the role 403. Personal pages: any
# logged-in person, for their own notifications only.


def _org(world: World, name: str) -> str:
    return reverse(f"assessments:{name}", args=[world.assessment.organisation.slug])


ORGANISATION_PAGES = [
    ("action plan", lambda w: _org(w, "action_plan"), Role.VIEWER, "text/html"),
    ("action plan csv", lambda w: _org(w, "action_plan_csv"), Role.VIEWER, "text/csv"),
    (
        "action plan xlsx",
        lambda w: _org(w, "action_plan_xlsx"),
        Role.VIEWER,
        "application/vnd.openxmlformats",
    ),
    ("outbox", lambda w: _org(w, "outbox"), Role.OWNER, "text/html"),
]


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize(
    ("label", "make_url", "least", "content_type"),
    ORGANISATION_PAGES,
    ids=[p[0] for p in ORGANISATION_PAGES],
)
def test_organisation_followup_urls(client, world, role, label, make_url, least, content_type):
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    response = client.get(make_url(world))
    if role == ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == OUTSIDER:
        assert response.status_code == 404
    elif Role(role).includes(least):
        assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
        if content_type == "text/html":
            assert world.assessment.organisation.name in response.content.decode()
    else:
        assert response.status_code == 403


def test_outbox_retry_is_for_owners_only(client, world):
    from assessments.domain.models import OutgoingMail

    mail = OutgoingMail.objects.create(
        organisation=world.assessment.organisation, to="x@example.org", subject="S", body="B",
        status="failed", attempts=6,
    )  # fmt: skip
    target = reverse("assessments:outbox", args=[world.assessment.organisation.slug])
    for role in (OUTSIDER, Role.VIEWER, Role.EDITOR):
        client.force_login(world.users[role])
        assert client.post(target, {"pk": mail.pk}).status_code in (403, 404)
    mail.refresh_from_db()
    assert mail.status == "failed"
    client.force_login(world.users[OUTSIDER])  # an owner, of another organisation
    other = reverse("assessments:outbox", args=[factories.organisation().slug])
    assert client.get(other).status_code == 404


PERSONAL_PAGES = [
    ("notifications", "get", "assessments:notifications", 200),
    ("preferences", "get", "assessments:notification_preferences", 200),
    ("mark all read", "post", "assessments:notifications_read", 302),
]


@pytest.mark.parametrize(
    ("label", "method", "name", "status"), PERSONAL_PAGES, ids=[p[0] for p in PERSONAL_PAGES]
)
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_personal_notification_urls(client, world, role, label, method, name, status):
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    response = getattr(client, method)(reverse(name))
    if role == ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == status


def test_a_notification_opens_for_its_recipient_only(client, world):
    from assessments.domain import events

    events.emit(
        events.EventKind.MENTION,
        assessment=world.assessment,
        recipients=[world.users[Role.REVIEWER]],
        path=url(world, "chapter", 3),
    )
    notification = world.users[Role.REVIEWER].notifications.get()
    target = reverse("assessments:notification_open", args=[notification.pk])
    assert client.get(target).status_code == 302  # to the log-in
    for role in (OUTSIDER, Role.VIEWER, Role.OWNER):
        client.force_login(world.users[role])
        assert client.get(target).status_code == 404
    client.force_login(world.users[Role.REVIEWER])
    response = client.get(target)
    assert response.status_code == 302 and response["Location"] == url(world, "chapter", 3)
