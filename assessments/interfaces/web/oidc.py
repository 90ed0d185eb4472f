"""Log-in with the organisation's identity provider: OpenID Connect's authorization code
flow with ``state``, ``nonce`` and PKCE (mozilla-django-oidc), configured from the
environment (``OIDC_*``, kia/settings.py) and off unless configured.

The provider's endpoints come from its discovery document
(``<issuer>/.well-known/openid-configuration``), fetched when first needed and kept an
hour, so a provider that is down does not stop the app from starting. The ID token is
checked here beyond the library's defaults: signature (the provider's JWKS, or the client
secret for HS256), issuer, audience, expiry, issue time and nonce. What the verified claims
mean here (accounts, links, roles from groups, the audit trail) is the domain's
``sso`` module.

A provider that cannot be reached gives a page that says so (503) and a log line with the
reason; a refused code, a wrong secret, a forged ``state`` or a bad token logs nobody in.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import path
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from assessments.domain import sso

log = logging.getLogger(__name__)
# The OIDC_* settings exist only as kia/settings.py reads them from the environment.
settings: Any = django_settings

DISCOVERY_KEPT = 3600.0  # seconds
_discovered: dict[str, tuple[float, dict]] = {}


class ProviderUnavailable(Exception):
    """The identity provider cannot be reached or its discovery document is unusable."""


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def discovery() -> dict[str, Any]:
    """The provider's discovery document (kept for an hour)."""
    issuer = settings.OIDC_ISSUER
    kept = _discovered.get(issuer)
    if kept and kept[0] > time.monotonic():
        return kept[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery {url}: {exc}") from exc
    if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(f"discovery {url} names another issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(key):
            raise ProviderUnavailable(f"discovery {url} has no {key}")
    _discovered[issuer] = (time.monotonic() + DISCOVERY_KEPT, document)
    return document


def forget_discovery() -> None:
    _discovered.clear()


_FROM_DISCOVERY = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def _setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, with the endpoints from discovery."""
    if attr in _FROM_DISCOVERY:
        return discovery().get(_FROM_DISCOVERY[attr]) or (default[0] if default else None)
    return import_from_settings(attr, *default)


def provider_unavailable(request: HttpRequest, reason: object) -> HttpResponse:
    log.warning("sso: identity provider unavailable: %s", reason)
    return render(
        request,
        "registration/sso_unavailable.html",
        {"provider": settings.OIDC_PROVIDER_NAME},
        status=503,
    )


class Backend(OIDCAuthenticationBackend):
    """Authenticates the callback's code; reads no setting until it is used, since Django
    also loads it to find the user of every session."""

    get_settings = staticmethod(_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = get_user_model()
        self.OIDC_RP_IDP_SIGN_KEY = None

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: _setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: _setting("OIDC_OP_USER_ENDPOINT", None))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: _setting("OIDC_OP_JWKS_ENDPOINT"))

    def authenticate(self, request, **kwargs):
        if request is None or not enabled() or "code" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as exc:
            # The provider refused the code (replayed, expired) or our client credentials.
            log.warning("sso: token request refused: %s", exc)
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"token request: {exc}") from exc
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError) as exc:
            log.warning("sso: log-in refused: %s", exc)
        return None

    def _verify_jws(self, payload, key):
        """The signature with the one configured algorithm, and the claims OpenID Connect
        requires of an ID token: issuer, audience (this client), expiry, issue time."""
        algorithm = self.OIDC_RP_SIGN_ALGO
        if jwt.get_unverified_header(payload).get("alg") != algorithm:
            raise SuspiciousOperation("ID token signed with another algorithm")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
                leeway=30,
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            info = self.get_userinfo(access_token, id_token, payload)
            if str(info.get("sub")) != str(payload["sub"]):
                raise SuspiciousOperation("userinfo describes another subject")
            claims.update(info)
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        verified = claims.get("email_verified")
        return sso.sign_in(
            sso.Claims(
                issuer=str(payload["iss"]),
                subject=str(payload["sub"]),
                email=str(claims.get("email") or ""),
                email_verified=verified is True or str(verified).lower() == "true",
                name=str(claims.get("name") or ""),
                preferred_username=str(claims.get("preferred_username") or ""),
                groups=[str(g) for g in groups if isinstance(g, str | int)],
            ),
            rules=settings.OIDC_GROUP_RULES,
        )


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a fresh state, nonce and PKCE challenge."""

    get_settings = staticmethod(_setting)

    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = _setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as exc:
            return provider_unavailable(request, exc)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back with a code and the state."""

    get_settings = staticmethod(_setting)

    def get(self, request):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            return super().get(request)
        except ProviderUnavailable as exc:
            return provider_unavailable(request, exc)
        except SuspiciousOperation as exc:  # a state this browser never sent
            log.warning("sso: callback refused: %s", exc)
            return self.login_failure()

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Logging in with %(provider)s did not succeed. Try again, or log in with "
                "an account of your own."
            )
            % {"provider": settings.OIDC_PROVIDER_NAME},
        )
        return redirect("login")

    def login_success(self):
        response = super().login_success()
        if sso.is_pending(self.user):
            return redirect("assessments:home")
        return response


class LogoutView(auth_views.LogoutView):
    """Ends the session here and, after a single sign-on where the provider offers an
    ``end_session_endpoint``, there too."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if not (id_token and enabled()):
            return response
        try:
            end_session = discovery().get("end_session_endpoint")
        except ProviderUnavailable as exc:
            log.warning("sso: no log-out at the provider: %s", exc)
            return response
        if not end_session:
            return response
        back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
        query = urlencode(
            {
                "id_token_hint": id_token,
                "post_logout_redirect_uri": back,
                "client_id": settings.OIDC_RP_CLIENT_ID,
            }
        )
        return HttpResponseRedirect(f"{end_session}?{query}")


urlpatterns = [
    path("authenticate/", AuthenticateView.as_view(), name="oidc_authenticate"),
    path("callback/", CallbackView.as_view(), name="oidc_callback"),
]
