"""Single sign-on (OpenID Connect) against a provider on loopback (tests/oidc_provider.py):
the whole authorization code flow with state, nonce and PKCE, real signed ID tokens, and
what the claims mean here (accounts, links, roles from groups, pending, audit trail)."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from assessments.domain.constants import Role
from assessments.domain.grouprules import parse_group_roles
from assessments.domain.models import AuditAction, AuditEntry, GroupRole, Membership, OidcIdentity
from assessments.interfaces.web import oidc
from kia.env import env_oidc
from tests import factories
from tests.oidc_provider import Provider, new_key

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider():
    p = Provider().start()
    yield p
    p.stop()


@pytest.fixture
def sso(settings, provider):
    """Single sign-on configured for the loopback provider; the group ``kia-editors``
    gives the editor role in the organisation ``gemeente``."""
    provider.id_token_changes = {}
    provider.signing_key = provider.key
    provider.client_secret = "s3cret"
    oidc.forget_discovery()
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = provider.url
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = "s3cret"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_PROVIDER_NAME = "Rijks-ID"
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_GROUP_RULES = parse_group_roles("kia-editors=gemeente:editor")
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "assessments.interfaces.web.oidc.Backend",
    ]
    yield provider
    oidc.forget_discovery()


def start(client: Client) -> dict[str, list[str]]:
    """Press "Log in with …": the redirect to the provider and its parameters."""
    response = client.get("/accounts/oidc/authenticate/")
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == "/authorize"
    return parse_qs(location.query)


def log_in(client: Client, provider: Provider, **claims):
    params = start(client)
    code = provider.authorize(params, claims)
    return client.get("/accounts/oidc/callback/", {"code": code, "state": params["state"][0]})


def person(sub="alice-1", **extra) -> dict:
    return {
        "sub": sub,
        "email": f"{sub}@gemeente.example",
        "email_verified": True,
        "name": "Alice",
        "preferred_username": sub,
        "groups": ["kia-editors"],
        **extra,
    }


def current_user(client: Client):
    return client.get("/").wsgi_request.user


def test_authorization_request_has_state_nonce_and_pkce(sso):
    params = start(Client())
    assert len(params["state"][0]) >= 32
    assert len(params["nonce"][0]) >= 32
    assert params["code_challenge_method"] == ["S256"]
    assert params["scope"] == ["openid email profile"]


def test_first_log_in_makes_an_account_with_the_groups_role(sso):
    org = factories.organisation(slug="gemeente")
    client = Client()
    response = log_in(client, sso, **person())
    assert response.status_code == 302
    user = current_user(client)
    assert user.is_authenticated and user.username == "alice-1"
    assert OidcIdentity.objects.get(user=user).subject == "alice-1"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (org, Role.EDITOR)
    assert membership.granted_by_groups
    actions = set(AuditEntry.objects.filter(organisation=org).values_list("action", flat=True))
    assert actions == {AuditAction.ROLE_GRANTED, AuditAction.SSO_ACCOUNT, AuditAction.SSO_LOGIN}
    page = client.get("/")
    assert page.context["membership"].organisation == org


def test_the_subject_finds_the_account_again_whatever_the_address(sso):
    factories.organisation(slug="gemeente")
    log_in(Client(), sso, **person())
    client = Client()
    log_in(client, sso, **person(email="new-address@elders.example"))
    assert current_user(client).username == "alice-1"
    assert get_user_model().objects.filter(oidc_identities__subject="alice-1").count() == 1


def test_a_removed_group_removes_its_role_at_the_next_log_in(sso):
    org = factories.organisation(slug="gemeente")
    log_in(Client(), sso, **person())
    client = Client()
    log_in(client, sso, **person(groups=["something-else"]))
    user = current_user(client)
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(organisation=org, action=AuditAction.ROLE_REMOVED).exists()
    assert client.get("/").context["sso_pending"] is True


def test_a_role_an_owner_gave_by_hand_is_not_the_groups_to_take(sso):
    org = factories.organisation(slug="gemeente")
    user = factories.user(username="bob")
    OidcIdentity.objects.create(user=user, issuer=sso.url, subject="bob-1")
    Membership.objects.create(user=user, organisation=org, role=Role.OWNER)
    log_in(Client(), sso, **person(sub="bob-1", groups=[]))
    assert Membership.objects.get(user=user).role == Role.OWNER


def test_no_mapped_group_is_pending_with_an_explanation(sso):
    factories.organisation(slug="gemeente")
    client = Client()
    response = log_in(client, sso, **person(sub="carol", groups=["unmapped"]))
    assert response.status_code == 302
    page = client.get("/")
    assert page.context["sso_pending"] is True
    assert page.context["membership"] is None
    assert "Wachten op toegang" in page.content.decode()
    entry = AuditEntry.objects.get(user__username="carol")
    assert entry.organisation is None and entry.action == AuditAction.SSO_ACCOUNT


def test_an_owner_maps_a_group_on_the_members_page(sso):
    org = factories.organisation(slug="team")
    owner = factories.member(org, Role.OWNER)
    owner_client = factories.logged_in(owner)
    response = owner_client.post(
        f"/organisation/{org.slug}/groups/", {"group": "kia-reviewers", "role": "reviewer"}
    )
    assert response.status_code == 302
    assert GroupRole.objects.get(organisation=org).role == Role.REVIEWER
    client = Client()
    log_in(client, sso, **person(sub="dave", groups=["kia-reviewers"]))
    assert Membership.objects.get(user__username="dave").role == Role.REVIEWER
    page = owner_client.get(f"/organisation/{org.slug}/members/").content.decode()
    assert "kia-reviewers" in page
    assert "role granted by a group" in page
    # Removed by the owner: the next log-in takes the role away.
    mapping = GroupRole.objects.get(organisation=org)
    owner_client.post(f"/organisation/{org.slug}/groups/", {"remove": mapping.pk})
    log_in(Client(), sso, **person(sub="dave", groups=["kia-reviewers"]))
    assert not Membership.objects.filter(user__username="dave").exists()
    actions = list(AuditEntry.objects.filter(organisation=org).values_list("action", flat=True))
    assert AuditAction.MAPPING_ADDED in actions and AuditAction.MAPPING_REMOVED in actions


def test_only_an_owner_maps_groups(sso):
    org = factories.organisation(slug="team")
    editor = factories.member(org, Role.EDITOR)
    response = factories.logged_in(editor).post(
        f"/organisation/{org.slug}/groups/", {"group": "x", "role": "owner"}
    )
    assert response.status_code == 403
    assert not GroupRole.objects.exists()


def test_a_verified_address_links_the_existing_account(sso):
    existing = factories.user(username="erik", email="erik@gemeente.example")
    client = Client()
    log_in(client, sso, **person(sub="erik-sso", email="ERIK@gemeente.example"))
    assert current_user(client) == existing
    assert OidcIdentity.objects.get(subject="erik-sso").user == existing
    assert AuditEntry.objects.filter(user=existing, action=AuditAction.SSO_LINK).exists()


def test_an_unverified_address_never_takes_over_an_account(sso):
    existing = factories.user(username="fleur", email="fleur@gemeente.example")
    org = factories.organisation(slug="geheim")
    Membership.objects.create(user=existing, organisation=org, role=Role.OWNER)
    client = Client()
    log_in(
        client,
        sso,
        **person(sub="mallory", email="fleur@gemeente.example", email_verified=False, groups=[]),
    )
    user = current_user(client)
    assert user.is_authenticated and user != existing
    assert user.email == ""  # the unverified address is not kept
    assert not OidcIdentity.objects.filter(user=existing).exists()
    assert not Membership.objects.filter(user=user).exists()


def test_a_forged_state_logs_nobody_in(sso):
    factories.organisation(slug="gemeente")
    client = Client()
    params = start(client)
    code = sso.authorize(params, person())
    response = client.get("/accounts/oidc/callback/", {"code": code, "state": "forged"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not current_user(client).is_authenticated
    assert sso.codes  # the code was never spent


def test_a_replayed_code_logs_nobody_in(sso):
    factories.organisation(slug="gemeente")
    first = Client()
    params = start(first)
    code = sso.authorize(params, person())
    first.get("/accounts/oidc/callback/", {"code": code, "state": params["state"][0]})
    assert current_user(first).is_authenticated
    thief = Client()
    stolen_state = start(thief)["state"][0]
    thief.get("/accounts/oidc/callback/", {"code": code, "state": stolen_state})
    assert not current_user(thief).is_authenticated


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": 1_000_000_000},  # expired in 2001
        {"aud": "another-client"},
        {"iss": "https://elsewhere.example"},
        {"nonce": "not-the-one-sent"},
    ],
    ids=["expired", "audience", "issuer", "nonce"],
)
def test_a_bad_id_token_logs_nobody_in(sso, changes, caplog):
    sso.id_token_changes = changes
    client = Client()
    with caplog.at_level(logging.WARNING):
        response = log_in(client, sso, **person())
    assert response["Location"] == "/accounts/login/"
    assert not current_user(client).is_authenticated
    assert not get_user_model().objects.exists()
    assert "sso: log-in refused" in caplog.text


def test_a_token_signed_with_another_key_logs_nobody_in(sso):
    sso.signing_key = new_key()
    client = Client()
    log_in(client, sso, **person())
    assert not current_user(client).is_authenticated


def test_a_wrong_client_secret_logs_nobody_in(sso, settings, caplog):
    settings.OIDC_RP_CLIENT_SECRET = "wrong"
    client = Client()
    with caplog.at_level(logging.WARNING):
        log_in(client, sso, **person())
    assert not current_user(client).is_authenticated
    assert "token request refused" in caplog.text


def test_a_provider_that_is_down_gives_a_clear_page(sso, settings, caplog):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port
    with caplog.at_level(logging.WARNING):
        response = Client().get("/accounts/oidc/authenticate/")
    assert response.status_code == 503
    assert "niet bereikbaar" in response.content.decode()
    assert "identity provider unavailable" in caplog.text


def test_log_out_ends_the_session_at_the_provider_too(sso):
    factories.organisation(slug="gemeente")
    client = Client()
    log_in(client, sso, **person())
    response = client.post("/accounts/logout/")
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{sso.url}/logout"
    query = parse_qs(location.query)
    assert query["id_token_hint"] and query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert not current_user(client).is_authenticated


def test_the_log_in_page_offers_the_provider(sso):
    page = Client().get("/accounts/login/").content.decode()
    assert "Inloggen met Rijks-ID" in page
    assert 'name="password"' in page


def test_password_log_in_switched_off_leaves_superusers(sso, settings):
    settings.KIA_PASSWORD_LOGIN = False
    assert 'name="password"' not in Client().get("/accounts/login/").content.decode()
    factories.user(username="plain", password="pw-for-tests-123")
    get_user_model().objects.create_superuser("root", "root@example.org", "pw-for-tests-123")
    refused = Client().post(
        "/accounts/login/?password=1", {"username": "plain", "password": "pw-for-tests-123"}
    )
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    allowed = Client().post(
        "/accounts/login/?password=1", {"username": "root", "password": "pw-for-tests-123"}
    )
    assert allowed.status_code == 302


def test_off_unless_configured(settings):
    settings.OIDC_ENABLED = False
    assert Client().get("/accounts/oidc/authenticate/").status_code == 404
    assert "Inloggen met" not in Client().get("/accounts/login/").content.decode()


def test_half_configured_stops_with_the_missing_variable():
    assert env_oidc({}) == {}
    with pytest.raises(ImproperlyConfigured, match="OIDC_CLIENT_SECRET"):
        env_oidc({"OIDC_ISSUER": "https://id.example", "OIDC_CLIENT_ID": "kia"})
    with pytest.raises(ImproperlyConfigured, match="OIDC_GROUP_ROLES"):
        env_oidc(
            {
                "OIDC_ISSUER": "https://id.example",
                "OIDC_CLIENT_ID": "kia",
                "OIDC_CLIENT_SECRET": "x",
                "OIDC_GROUP_ROLES": "editors=gemeente:boss",
            }
        )
    config = env_oidc(
        {"OIDC_ISSUER": "https://id.example/", "OIDC_CLIENT_ID": "k", "OIDC_CLIENT_SECRET": "s"}
    )
    assert config["OIDC_ISSUER"] == "https://id.example"
    assert config["OIDC_RP_SCOPES"] == "openid email profile"
    assert config["OIDC_PROVIDER_NAME"] == "id.example"
