"""Organisations: short names unique per organisation, creation that never fails on a
taken name, owners that cannot all disappear, and invitations for one address, once.

The same rules under real concurrency (threads against PostgreSQL) are in test_races.py.
"""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.domain.constants import Role
from assessments.domain.exchange import InvalidAssessment, export_assessment, import_assessment
from assessments.domain.exchange.reader import Rows
from assessments.domain.models import Assessment, Invitation, Membership, Organisation
from assessments.domain.states import Status
from assessments.infra import slugs
from assessments.infra.slugs import free_slug, save_with_free_slug
from tests import factories
from tests.factories import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def new_assessment(client: Client, org: Organisation, title: str):
    data = {
        "organisation": org.pk,
        "title": title,
        "kind": "self",
        "service_name": "App",
        "language": "nl",
    }
    return client.post(reverse("assessments:new"), data)


# --- A. Short names per organisation -----------------------------------------------------------


def test_a_title_used_by_another_organisation_gets_the_plain_short_name():
    factories.assessment(factories.organisation(), title="KIA TikTok", slug="kia-tiktok")
    org = factories.organisation()
    client = logged_in(factories.member(org, Role.EDITOR))
    assert new_assessment(client, org, "KIA TikTok").status_code == 302
    assert new_assessment(client, org, "KIA TikTok").status_code == 302
    mine = set(org.assessments.values_list("slug", flat=True))
    assert mine == {"kia-tiktok", "kia-tiktok-2"}  # "-2" only for our own


def test_free_short_names_look_only_within_the_scope():
    theirs = factories.organisation()
    factories.assessment(theirs, slug="kia")
    factories.assessment(theirs, slug="kia-2")
    ours = factories.organisation()
    assert free_slug(Assessment, "kia", organisation=ours) == "kia"
    assert free_slug(Assessment, "kia", organisation=theirs) == "kia-3"


def test_an_import_keeps_a_short_name_another_organisation_uses():
    source = factories.assessment(factories.organisation(), slug="clipshare")
    document = export_assessment(source)
    ours = factories.organisation()
    assert import_assessment(document, organisation=ours).slug == "clipshare"
    assert import_assessment(document, organisation=ours).slug == "clipshare-2"
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(document, organisation=ours, slug="clipshare")
    assert exc.value.problems == [
        ("$.assessment.slug", "The short name 'clipshare' is already taken.")
    ]


def test_an_imported_short_name_must_still_follow_the_rule():
    document = export_assessment(factories.assessment())
    document["assessment"]["slug"] = "bad--name"
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(document, organisation=factories.organisation())
    assert exc.value.problems == [
        ("$.assessment.slug", "Use lower-case letters, digits and single hyphens.")
    ]
    assert not Assessment.objects.filter(slug__startswith="bad").exists()


def test_a_member_of_two_organisations_reaches_the_one_they_work_in():
    first = factories.organisation(name="Alpha")
    second = factories.organisation(name="Beta")
    a1 = factories.assessment(first, slug="kia", title="KIA of Alpha")
    a2 = factories.assessment(second, slug="kia", title="KIA of Beta")
    user = factories.member(first, Role.VIEWER)
    Membership.objects.create(organisation=second, user=user, role=Role.VIEWER)
    client = logged_in(user)
    detail = reverse("assessments:detail", args=["kia"])
    assert a1.title in client.get(detail).content.decode()  # no choice yet: first by name
    client.post(reverse("assessments:switch_organisation"), {"organisation": second.pk})
    assert a2.title in client.get(detail).content.decode()
    assert detail in client.get(reverse("assessments:home")).content.decode()
    client.post(reverse("assessments:switch_organisation"), {"organisation": first.pk})
    assert a1.title in client.get(detail).content.decode()


def test_a_slug_only_another_organisation_has_is_not_found():
    factories.assessment(factories.organisation(), slug="secret")
    client = logged_in(factories.member(factories.organisation(), Role.OWNER))
    assert client.get(reverse("assessments:detail", args=["secret"])).status_code == 404


def test_public_links_name_the_organisation(monkeypatch):
    from assessments.outputs.report import render as render_module
    from assessments.outputs.report.render import RenderedPdf

    monkeypatch.setattr(
        render_module,
        "render_pdf_document",
        lambda assessment, **kw: RenderedPdf(f"%PDF {assessment.title}".encode(), 1),
    )
    now = timezone.now()
    published = {"status": Status.PUBLISHED, "finalised_at": now, "published_at": now}
    one = factories.assessment(title="One", slug="kia", **published)
    two = factories.assessment(title="Two", slug="kia", **published)
    client = Client()
    listing = client.get(reverse("assessments:public")).content.decode()
    for a in (one, two):
        url = reverse("assessments:public_report_pdf", args=[a.organisation.slug, a.slug])
        assert url in listing
        assert b"".join(client.get(url).streaming_content) == f"%PDF {a.title}".encode()


def test_the_export_command_names_an_ambiguous_short_name_by_organisation(tmp_path):
    one = factories.assessment(slug="kia", title="One")
    factories.assessment(slug="kia", title="Two")
    with pytest.raises(CommandError, match="name it as <organisation>/<slug>"):
        call_command("kia_export", "kia", stdout=io.StringIO())
    out = tmp_path / "one.json"
    call_command("kia_export", f"{one.organisation.slug}/kia", output=str(out))
    assert json.loads(out.read_text())["assessment"]["title"] == "One"


# --- B. Creation never fails on a taken name -------------------------------------------------


def test_a_name_taken_at_the_last_moment_is_retried(monkeypatch):
    """What a concurrent request does, made deterministic: the free name the first try
    computes is taken by the time it is inserted."""
    org = factories.organisation()
    factories.assessment(org, slug="race")
    looked_up: list[str] = []
    real = slugs.free_slug

    def stale_once(model, wanted, **scope):
        looked_up.append(wanted)
        return "race" if len(looked_up) == 1 else real(model, wanted, **scope)

    monkeypatch.setattr(slugs, "free_slug", stale_once)
    assessment = Assessment(organisation=org, title="Race", service_name="App")
    save_with_free_slug(assessment, "race", "organisation")
    assert assessment.slug == "race-2" and len(looked_up) == 2


def test_other_refusals_are_not_retried():
    org = factories.organisation()
    bad = Assessment(organisation=org, title="x", service_name="x", status="nonsense")
    with pytest.raises(IntegrityError):
        save_with_free_slug(bad, "x", "organisation")


def test_the_database_words_are_logged_not_shown(monkeypatch, caplog):
    def refuse(self, document, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "secret_table"')

    monkeypatch.setattr(Rows, "create", refuse)
    org = factories.organisation()
    client = logged_in(factories.member(org, Role.EDITOR))
    raw = json.dumps(export_assessment(factories.assessment())).encode()
    upload = SimpleUploadedFile("kia.json", raw, content_type="application/json")
    with caplog.at_level(logging.ERROR, logger="assessments.domain.exchange.importer"):
        response = client.post(
            reverse("assessments:import"), {"organisation": org.pk, "file": upload}
        )
    page = response.content.decode()
    assert response.status_code == 400
    assert "could not be saved. Nothing was imported; try again." in page
    assert "secret_table" not in page and "duplicate key" not in page
    assert "secret_table" in caplog.text


def test_a_name_asked_for_and_taken_meanwhile_is_reported_as_taken(monkeypatch):
    org = factories.organisation()
    document = export_assessment(factories.assessment())

    def lose_the_race(self, document, *, organisation, slug):
        raise IntegrityError('duplicate key value violates unique constraint "x"')

    monkeypatch.setattr(Rows, "create", lose_the_race)
    factories.assessment(org, slug="mine")  # what the other request committed meanwhile
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(document, organisation=org, slug="mine")
    assert exc.value.problems == [("$.assessment.slug", "The short name 'mine' is already taken.")]


def test_organisations_with_one_name_get_their_own_short_names():
    client = logged_in(factories.user())
    for _ in range(2):
        client.post(reverse("assessments:new_organisation"), {"name": "Stichting Leren"})
    assert set(Organisation.objects.values_list("slug", flat=True)) >= {
        "stichting-leren",
        "stichting-leren-2",
    }


# --- C. Owners and invitations -------------------------------------------------------------


def test_a_demoted_owner_can_no_longer_change_members():
    org = factories.organisation()
    first, second = (factories.member(org, Role.OWNER) for _ in range(2))
    m_first, m_second = (org.memberships.get(user=u) for u in (first, second))
    url = reverse("assessments:change_member", args=[org.slug, m_second.pk])
    assert logged_in(first).post(url, {"role": Role.EDITOR}).status_code == 302
    back = reverse("assessments:change_member", args=[org.slug, m_first.pk])
    assert logged_in(second).post(back, {"role": Role.EDITOR}).status_code == 403
    m_first.refresh_from_db()
    assert m_first.role == Role.OWNER


def test_the_last_owner_cannot_be_demoted():
    org = factories.organisation()
    owner = factories.member(org, Role.OWNER)
    membership = org.memberships.get(user=owner)
    client = logged_in(owner)
    url = reverse("assessments:change_member", args=[org.slug, membership.pk])
    response = client.post(url, {"role": Role.VIEWER}, follow=True)
    assert "An organisation needs at least one owner." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def invite(org: Organisation, email: str = "Invitee@Example.org", role=Role.EDITOR) -> Invitation:
    return Invitation.objects.create(organisation=org, email=email, role=role)


def test_an_invitation_is_accepted_by_the_invited_address_only():
    org = factories.organisation(name="Stichting Leren")
    invitation = invite(org)
    url = reverse("assessments:invitation", args=[invitation.token])
    stranger = logged_in(factories.user(email="someone@else.org"))
    for response in (stranger.get(url), stranger.post(url)):
        page = response.content.decode()
        assert response.status_code == 403
        assert "This invitation is for another address" in page
        assert "I…@E….org" in page and "nvitee" not in page
    assert not org.memberships.exists()
    invited = factories.user(email="invitee@example.ORG")  # letter case does not matter
    assert logged_in(invited).post(url).status_code == 302
    assert org.memberships.get().user == invited
    assert logged_in(factories.user(email="invitee@example.org")).post(url).status_code == 404


def test_an_expired_invitation_cannot_be_accepted():
    org = factories.organisation()
    invitation = invite(org)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - Invitation.VALID_FOR
    )
    client = logged_in(factories.user(email="invitee@example.org"))
    assert (
        client.post(reverse("assessments:invitation", args=[invitation.token])).status_code == 404
    )
    assert not org.memberships.exists()


def test_an_invitation_used_meanwhile_creates_no_account(client):
    org = factories.organisation()
    invitation = invite(org)
    url = reverse("assessments:invitation", args=[invitation.token])
    page = client.get(url)  # the form is shown while the invitation is open
    assert page.status_code == 200
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    # The page was loaded before; the form is sent after someone else used the link.
    invitation.accepted_at = None
    from assessments.interfaces.web.views import accounts

    assert not accounts._join(invitation, factories.user())
    password = "Lang-wachtwoord-42"
    data = {"username": "laat", "password1": password, "password2": password}
    assert client.post(url, data).status_code == 404
    assert not Membership.objects.filter(organisation=org).exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="laat").exists()


def test_owners_revoke_and_resend_pending_invitations(django_capture_on_commit_callbacks):
    org = factories.organisation()
    owner = factories.member(org, Role.OWNER)
    editor = factories.member(org, Role.EDITOR)
    client = logged_in(owner)
    members = reverse("assessments:members", args=[org.slug])
    client.post(members, {"email": "new@example.org", "role": "viewer"})
    client.post(members, {"email": "other@example.org", "role": "viewer"})
    first, second = Invitation.objects.order_by("pk")
    page = client.get(members).content.decode()
    change = reverse("assessments:change_invitation", args=[org.slug, first.pk])
    assert change in page and "Revoke" in page and "Send again" in page
    assert logged_in(editor).post(change, {"action": "revoke"}).status_code == 403

    old_link = reverse("assessments:invitation", args=[first.token])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # sent after the commit
        assert client.post(change, {"action": "resend"}).status_code == 302
    first.refresh_from_db()
    assert len(mail.outbox) == 1 and first.token in mail.outbox[0].body
    assert mail.outbox[0].to == ["new@example.org"]
    assert Client().get(old_link).status_code == 404
    assert Client().get(reverse("assessments:invitation", args=[first.token])).status_code == 200

    revoke = reverse("assessments:change_invitation", args=[org.slug, second.pk])
    assert client.post(revoke, {"action": "revoke"}).status_code == 302
    assert not Invitation.objects.filter(pk=second.pk).exists()
    assert Client().get(reverse("assessments:invitation", args=[second.token])).status_code == 404
    assert client.post(change, {"action": "nonsense"}, follow=True).status_code == 200
    assert Invitation.objects.filter(pk=first.pk).exists()


def test_accepted_invitations_cannot_be_revoked_or_resent():
    org = factories.organisation()
    owner = factories.member(org, Role.OWNER)
    invitation = invite(org)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    url = reverse("assessments:change_invitation", args=[org.slug, invitation.pk])
    assert logged_in(owner).post(url, {"action": "revoke"}).status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()


@pytest.mark.parametrize(
    ("email", "hint"),
    [
        ("jan.jansen@example.org", "j…@e….org"),
        ("a@localhost", "a…@l…"),
    ],
)
def test_the_address_hint_shows_little(email, hint):
    assert Invitation(email=email).email_hint == hint
