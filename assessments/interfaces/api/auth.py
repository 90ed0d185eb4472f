"""Who calls the API: a personal API token (``Authorization: Bearer kia_…``) or the
browser's session (with the CSRF token for unsafe methods, as the pages).

``request.auth`` becomes a ``Caller``. A token acts with its user's roles (so it never sees
an organisation its user is not a member of); a read token may not write. Every
authenticated request counts against its token's (or user's) limit per minute
(``throttle.api_wait``); over it the answer is 429 with ``Retry-After``. The public part
needs no log-in: its requests count against their client address's limit (``PerAddress``),
the same address ``throttle`` uses for log-ins (``CLIENT_IP_HEADER`` behind a proxy).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf

from assessments.domain import tokens
from assessments.domain.constants import Role
from assessments.domain.models import ApiToken
from assessments.domain.permissions import Access, get_assessment
from assessments.infra import throttle
from assessments.interfaces.api.problems import Problem


@dataclass(frozen=True)
class Caller:
    user: Any
    token: ApiToken | None = None

    @property
    def can_write(self) -> bool:
        return self.token is None or self.token.can_write

    @property
    def throttle_key(self) -> str:
        return f"token:{self.token.pk}" if self.token else f"user:{self.user.pk}"


def _throttled(caller: Caller) -> Caller:
    wait = throttle.api_wait(caller.throttle_key, settings.KIA_API_REQUESTS_PER_MINUTE)
    if wait:
        raise Problem(
            429,
            _("Too many requests; try again in %(seconds)d seconds.") % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )
    return caller


class PerAddress(BaseThrottle):
    """ninja's throttle hook for the public part: ``KIA_API_PUBLIC_REQUESTS_PER_MINUTE``
    requests a minute from one client address (its 429 is made in ``errors``)."""

    def __init__(self) -> None:
        self.local = threading.local()  # one instance serves every thread

    def allow_request(self, request: HttpRequest) -> bool:
        self.local.wait = throttle.api_wait(
            f"address:{throttle.client_address(request)}",
            settings.KIA_API_PUBLIC_REQUESTS_PER_MINUTE,
        )
        return not self.local.wait

    def wait(self) -> float | None:
        return getattr(self.local, "wait", None)


class TokenAuth(HttpBearer):
    """A personal API token, made on the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = tokens.authenticate(token)
        if found is None:
            return None
        return _throttled(Caller(found.user, found))


class SessionAuth(APIKeyCookie):
    """The browser's log-in; unsafe methods need the CSRF token (``X-CSRFToken``)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)  # tells the docs page to send the CSRF token

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)  # CSRF: checked below, once logged in

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if "HTTP_AUTHORIZATION" in request.META or not request.user.is_authenticated:
            return None  # a token was sent (and refused): the session does not stand in
        if check_csrf(request) is not None:
            raise Problem(403, _("The CSRF check failed."))
        return _throttled(Caller(request.user))


AUTH = [TokenAuth(), SessionAuth()]


def caller(request: HttpRequest) -> Caller:
    auth = request.auth  # type: ignore[attr-defined]
    assert isinstance(auth, Caller)
    return auth


def writer(request: HttpRequest) -> Caller:
    """The caller, who must be allowed to write (a read token is not)."""
    who = caller(request)
    if not who.can_write:
        raise Problem(403, _("This token may only read; make a read-write token to change."))
    return who


def access(
    request: HttpRequest,
    organisation: str,
    slug: str,
    required: Role = Role.VIEWER,
    *,
    write: bool = False,
    allow_locked: bool = False,
) -> Access:
    """The assessment ``organisation``/``slug`` for the caller, through the one permission
    helper (404 for outsiders, 403 below ``required`` or while it cannot be edited); with
    ``write`` the caller must also be allowed to write (not a read token)."""
    found = get_assessment(
        caller(request).user,
        slug,
        required,
        allow_locked=allow_locked,
        organisation_slug=organisation,
    )
    if write:
        writer(request)
    return found
