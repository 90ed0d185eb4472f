"""Races under concurrent requests, reproduced with real threads against PostgreSQL.

Each test starts its threads together at a barrier, every thread with its own database
connection (Django gives each thread one; it is closed when the thread ends), and repeats
the race a number of times. The figures are printed (``pytest -s``) and asserted.

SQLite serialises writers for the whole database file, so these races cannot happen there
and the tests are skipped on it.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.domain import editing, lifecycle
from assessments.domain.constants import Role
from assessments.domain.exchange import InvalidAssessment, export_assessment, import_assessment
from assessments.domain.models import Answer, Assessment, Change, Invitation, Membership
from assessments.domain.states import Status
from assessments.infra import throttle
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers: run with DATABASE_URL=postgres://…",
    ),
]

THREADS = 8
TRIES = 5


def run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` for i in 0..count-1 in threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # reported as the thread's result
            results[i] = exc
        finally:
            connections.close_all()  # this thread's connections

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def logged_in(user) -> Client:
    return factories.logged_in(user, raise_request_exception=False)  # a 500 is a result


def test_concurrent_new_assessments_with_one_title_all_succeed():
    org = factories.organisation()
    clients = [logged_in(factories.member(org, Role.EDITOR)) for _ in range(THREADS)]
    statuses: Counter[int] = Counter()
    created = 0
    for attempt in range(TRIES):
        title = f"Race {attempt}"
        data = {
            "organisation": org.pk,
            "title": title,
            "kind": "self",
            "service_name": "App",
            "language": "nl",
        }
        results = run_together(
            THREADS, lambda i, data=data: clients[i].post(reverse("assessments:new"), data)
        )
        statuses.update(getattr(r, "status_code", 0) for r in results)
        created += Assessment.objects.filter(title=title).count()
    print(
        f"\nnew assessment, {THREADS} threads × {TRIES} tries: statuses {dict(statuses)}, "
        f"{created} created"
    )
    assert statuses == {302: THREADS * TRIES}
    assert created == THREADS * TRIES


def test_concurrent_imports_with_one_slug_all_succeed_without_database_text():
    org = factories.organisation()
    clients = [logged_in(factories.member(org, Role.EDITOR)) for _ in range(THREADS)]
    source = factories.assessment(factories.organisation(), title="Bron", slug="bron")
    document = export_assessment(source)
    statuses: Counter[int] = Counter()
    created = leaks = 0
    for attempt in range(TRIES):
        document["assessment"]["slug"] = f"import-race-{attempt}"
        raw = json.dumps(document).encode()

        def post(i: int, raw: bytes = raw):
            from django.core.files.uploadedfile import SimpleUploadedFile

            upload = SimpleUploadedFile("kia.json", raw, content_type="application/json")
            return clients[i].post(
                reverse("assessments:import"), {"organisation": org.pk, "file": upload}
            )

        results = run_together(THREADS, post)
        statuses.update(getattr(r, "status_code", 0) for r in results)
        leaks += sum(
            b"duplicate key" in r.content or b"database refused" in r.content
            for r in results
            if hasattr(r, "content")
        )
        created += org.assessments.filter(slug__startswith=f"import-race-{attempt}").count()
    print(
        f"\nimport, {THREADS} threads × {TRIES} tries: statuses {dict(statuses)}, "
        f"{created} created, database text shown {leaks} times"
    )
    assert statuses == {302: THREADS * TRIES}
    assert created == THREADS * TRIES
    assert leaks == 0


def test_concurrent_imports_asking_for_one_slug_make_one_and_explain_the_rest():
    """The command line (``kia_import --slug``) asks for an exact name: one wins, the others
    are told that the name is taken, without the database's words."""
    org = factories.organisation()
    document = export_assessment(factories.assessment(factories.organisation(), slug="bron"))

    def run(slug: str) -> Assessment:
        with translation.override("en"):
            return import_assessment(document, organisation=org, slug=slug)

    made = refused = unclear = 0
    for attempt in range(TRIES):
        slug = f"asked-{attempt}"
        results = run_together(THREADS, lambda i, slug=slug: run(slug))
        made += sum(isinstance(r, Assessment) for r in results)
        problems = [r.problems for r in results if isinstance(r, InvalidAssessment)]
        refused += len(problems)
        taken = [("$.assessment.slug", f"The short name '{slug}' is already taken.")]
        with translation.override("en"):  # messages are translated when they are read
            unclear += sum([(path, str(message)) for path, message in p] != taken for p in problems)
        assert len(problems) + 1 == THREADS, results
    print(
        f"\nimport asking for one slug, {THREADS} threads × {TRIES} tries: {made} made, "
        f"{refused} refused, {unclear} refused with another message"
    )
    assert made == TRIES and unclear == 0


@pytest.mark.parametrize("action", ["demote", "remove"])
def test_two_owners_removing_each_other_leave_an_owner(action):
    tries = 10
    orphaned = 0
    for _ in range(tries):
        org = factories.organisation()
        owners = [factories.member(org, Role.OWNER) for _ in range(2)]
        clients = [logged_in(owner) for owner in owners]
        memberships = [Membership.objects.get(organisation=org, user=o) for o in owners]
        data = {"role": Role.EDITOR} if action == "demote" else {"action": "remove"}

        def post(i: int, org=org, memberships=memberships, data=data, clients=clients):
            other = memberships[1 - i]
            url = reverse("assessments:change_member", args=[org.slug, other.pk])
            return clients[i].post(url, data)

        results = run_together(2, post)
        # The one who comes second is no longer an owner (403) or no longer a member (404).
        assert all(getattr(r, "status_code", 0) in (302, 403, 404) for r in results), results
        if not org.memberships.filter(role=Role.OWNER).exists():
            orphaned += 1
    print(f"\n{action} each other, 2 owners × {tries} tries: {orphaned} without an owner")
    assert orphaned == 0


@pytest.mark.parametrize("way", ["logged in", "signing up"])
def test_one_invitation_accepted_by_two_at_once_makes_one_member(way):
    tries = 10
    doubled = 0
    for n in range(tries):
        org = factories.organisation()
        owner = factories.member(org, Role.OWNER)
        invitation = Invitation.objects.create(
            organisation=org, email="invitee@example.org", role=Role.OWNER, invited_by=owner
        )
        url = reverse("assessments:invitation", args=[invitation.token])
        if way == "logged in":  # two accounts that both hold the invited address
            people = [factories.user(email="invitee@example.org") for _ in range(2)]
            clients = [logged_in(person) for person in people]
            data: list[dict] = [{}, {}]
        else:  # two people without an account who both got the link
            clients = [Client(raise_request_exception=False) for _ in range(2)]
            password = "Lang-wachtwoord-42"
            data = [
                {"username": f"new-{n}-{i}", "password1": password, "password2": password}
                for i in range(2)
            ]
        results = run_together(
            2, lambda i, url=url, clients=clients, data=data: clients[i].post(url, data[i])
        )
        assert all(getattr(r, "status_code", 0) in (200, 302, 404) for r in results), results
        joined = org.memberships.exclude(user=owner).count()
        doubled += joined > 1
        assert joined >= 1
    print(
        f"\ninvitation accepted by 2 at once ({way}) × {tries} tries: {doubled} times two members"
    )
    assert doubled == 0


# --- A save racing a lifecycle transition --------------------------------------------------

TRANSITION_TRIES = 20
BACK_TO_DRAFT = {"submit": "request_changes", "finalise": "reopen"}


@pytest.mark.parametrize("transition", ["submit", "finalise"])
def test_a_save_racing_a_transition_never_lands_on_an_assessment_that_is_no_longer_a_draft(
    transition,
):
    """An editor saves answer 2.1 at the moment another member submits the assessment for
    review (or an owner finalises it). The transition locks the assessment's row; the write
    path checks under the same lock. So the save either lands before the transition (and
    is in the version the transition records) or is refused with the text kept in the
    form; it never lands on an assessment in review or final."""
    org = factories.organisation()
    editor = factories.member(org, Role.EDITOR)
    owner = factories.member(org, Role.OWNER)
    reviewer = factories.member(org, Role.REVIEWER)
    assessment = factories.assessment(org)
    # Complete enough to finalise: the pre-scan says no KIA is needed, and why.
    assessment.prescan_offers_service, assessment.prescan_note = "no", "Geen dienst."
    editing.save(assessment, actor=editing.SYSTEM, expected=assessment.lock_version,
                 assessment=assessment)  # fmt: skip
    writer, decider = logged_in(editor), logged_in(owner)
    answer_url = reverse("assessments:answer", args=[assessment.slug, "2.1"])
    status_url = reverse("assessments:status", args=[assessment.slug, transition])
    decision = {"confirmed": "1", "attest": "1", "reviewers": [reviewer.pk]}
    outcomes: Counter[str] = Counter()
    for attempt in range(TRANSITION_TRIES):
        text = f"Antwoord {transition} {attempt}"
        stored = Answer.objects.filter(assessment=assessment, question="2.1").first()
        form = {"text": text, "lock_version": stored.lock_version if stored else ""}
        save, decided = run_together(
            2,
            lambda i, form=form: (
                writer.post(answer_url, form) if i == 0 else decider.post(status_url, decision)
            ),
        )
        assert getattr(decided, "status_code", None) == 302, decided
        assessment.refresh_from_db()
        assert assessment.status != Status.DRAFT  # the transition happened
        version = assessment.versions.order_by("-number").first()
        found = Answer.objects.filter(assessment=assessment, question="2.1").first()
        live = found.text if found else ""
        # Every write is in the history in the order it happened: an answer's change after
        # the transition's is a save that landed on an assessment no longer a draft.
        changes = list(Change.objects.filter(assessment=assessment).order_by("pk"))
        last_transition = max(i for i, c in enumerate(changes) if c.field == "transition")
        late = any(c.entity == "answer" for c in changes[last_transition + 1 :])
        if save.status_code == 302:  # saved: before the transition, so in its version
            in_version = version.document["answers"].get("2.1") == text
            if late or live != text or not in_version:
                outcomes["landed on a non-draft"] += 1
            else:
                outcomes["saved before the transition"] += 1
        else:
            assert save.status_code == 403, save.status_code
            outcomes["refused"] += 1
            page = save.content.decode()
            assert text in page  # the text stays with the user, in the form
            assert "cannot be edited now" in page or "kan nu niet worden bewerkt" in page
            assert live != text  # and nothing of it was stored
            assert not late
        lifecycle.perform(  # back to a draft for the next try
            assessment, BACK_TO_DRAFT[transition], actor=editing.Actor(owner),
            role=Role.OWNER, reason="Volgende poging.",
        )  # fmt: skip
    print(f"\nsave racing {transition}, {TRANSITION_TRIES} tries: {dict(outcomes)}")
    assert outcomes["landed on a non-draft"] == 0
    assert outcomes["saved before the transition"] + outcomes["refused"] == TRANSITION_TRIES


def test_simultaneous_wrong_passwords_are_checked_only_as_often_as_allowed():
    """Issue 22, item 19: 20 wrong passwords for one account from one address at the same
    instant; the throttle counts each before its check, so exactly 5 are checked."""
    factories.user(username="victim")
    clients = [Client(REMOTE_ADDR="192.0.2.66") for _ in range(20)]
    for client in clients:
        client.cookies["django_language"] = "en"
    results = run_together(
        20,
        lambda i: clients[i].post(reverse("login"), {"username": "victim", "password": "no"}),
    )
    pages = [r.content.decode() for r in results]
    checked = sum("enter a correct username and password" in p for p in pages)
    refused = sum("Too many failed attempts" in p for p in pages)
    print(f"\n20 wrong passwords at once: {checked} checked, {refused} refused")
    assert (checked, refused) == (throttle.PAIR.free, 20 - throttle.PAIR.free)


def test_simultaneous_password_resets_send_at_most_three_mails(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    factories.user(username="victim", email="victim@example.org")
    mail.outbox = []
    results = run_together(
        12,
        lambda i: Client(REMOTE_ADDR=f"192.0.2.{i}").post(
            reverse("password_reset"), {"email": "victim@example.org"}
        ),
    )
    sent = [m for m in mail.outbox if "victim@example.org" in m.to]
    print(f"\n12 password resets at once: {len(sent)} mails")
    assert sum(getattr(r, "status_code", 0) == 302 for r in results) == 3
    assert len(sent) == 3
