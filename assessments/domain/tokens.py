"""Issuing, checking and revoking personal API tokens (the model: ``models.tokens``).

A secret looks like ``kia_<43 url-safe characters>``; it is shown once. Stored: its SHA-256
digest (a secret of 256 random bits needs no slow hash) and its first characters.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db.models import Q
from django.utils import timezone

from assessments.domain.models import ApiToken, TokenScope

PREFIX = "kia_"
SHOWN = 12  # characters of the secret kept in clear for recognition
LAST_USED_EVERY = datetime.timedelta(minutes=1)  # how often ``last_used_at`` is written


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def issue(
    user,
    *,
    name: str,
    scope: TokenScope | str = TokenScope.READ,
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret (the only time the secret is known)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:SHOWN],
        digest=digest_of(secret),
        scope=scope,
        expires_at=expires_at,
    )
    return token, secret


def authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret (its user loaded), or None."""
    if not secret.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke(user, pk: int) -> bool:
    """Revoke ``user``'s token ``pk``; False if there is no such active token of theirs."""
    return bool(
        ApiToken.objects.filter(user=user, pk=pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
