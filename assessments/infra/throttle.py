"""Throttling of log-ins and password-reset mails, in the shared cache.

The state lives in Django's cache, which is Redis or the database in production
(``CACHE_URL``), so every process and machine counts together.

Log-in failures are counted three ways; each count allows some failures for free and then
makes the next attempt wait, doubling the wait with every further failure (30 s, 1 min,
2 min, … at most 15 minutes). A failure is forgotten a day after the last one.

* **account + address** (5 free): guessing one account's password from one place (a
  browser that logged in to the account before has a count of its own).
* **address** (50 free): one place trying many accounts.
* **account** (100 free): many places guessing one account.

The right password from another address is never refused because of someone else's
failures: the address and account counts do not apply to a browser that has logged in to
that account before (a signed "known device" cookie, set at every successful log-in), such
a browser keeps its own account + address count, and otherwise that count is only that
address's own. Someone behind the same office NAT as an attacker is thus only held up on a
browser that never logged in before.

Links to respond to an assessment (the service's right of reply, no account): a client
address that opened 20 links that do not open (unknown, expired, revoked or used) must wait
before the next one is looked at, with the same growing wait.

Password-reset mails: at most 3 an hour for one e-mail address and 10 an hour from one
client address; the form then says to wait (whether or not the address has an account).

The client's address is ``REMOTE_ADDR``, or, behind a proxy, the entry of the header named
by ``CLIENT_IP_HEADER`` that the trusted proxy wrote (``TRUSTED_PROXY_COUNT`` from the
right): entries further left are the client's own claims.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DAY = 24 * 3600
BASE_DELAY = 30
MAX_DELAY = 15 * 60
DEVICE_COOKIE = "kia_device"
DEVICE_SALT = "kia.throttle.device"
DEVICE_MAX_AGE = 180 * DAY


@dataclass(frozen=True)
class Rule:
    name: str
    free: int


PAIR = Rule("pair", 5)
ADDRESS = Rule("address", 50)
ACCOUNT = Rule("account", 100)
RESET_EMAIL = Rule("reset-email", 3)
RESET_ADDRESS = Rule("reset-address", 10)
REPLY_ADDRESS = Rule("reply-address", 20)


def _now() -> float:
    return time.time()


def client_address(request: HttpRequest) -> str:
    header = settings.KIA_CLIENT_IP_HEADER
    if header and request.META.get(header):
        entries = [e.strip() for e in request.META[header].split(",") if e.strip()]
        count = max(1, settings.KIA_TRUSTED_PROXY_COUNT)
        if len(entries) >= count:
            return entries[-count]
    return request.META.get("REMOTE_ADDR", "")


def _key(rule: Rule, *parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()[:40]
    return f"kia:throttle:{rule.name}:{digest}"


def _delay(failures: int, free: int) -> int:
    if failures < free:
        return 0
    return min(MAX_DELAY, BASE_DELAY * 2 ** min(failures - free, 20))


def _wait(rule: Rule, *parts: str) -> int:
    """Seconds to wait before the next attempt under ``rule`` (0: go ahead)."""
    key = _key(rule, *parts)
    state = cache.get_many([key, key + ":last"])
    failures, last = state.get(key, 0), state.get(key + ":last", 0)
    return max(0, int(last + _delay(failures, rule.free) - _now() + 0.999))


def _count(rule: Rule, *parts: str, timeout: int = DAY) -> None:
    """One more event under ``rule``; the count lives ``timeout`` seconds after the last."""
    key = _key(rule, *parts)
    cache.add(key, 0, timeout)
    try:
        cache.incr(key)  # atomic in Redis; the database cache reads and writes
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
    cache.touch(key, timeout)
    cache.set(key + ":last", _now(), timeout)


def _forget(rule: Rule, *parts: str) -> None:
    key = _key(rule, *parts)
    cache.delete_many([key, key + ":last"])


def _account(username: str) -> str:
    return username.strip().lower()


# --- log-in -----------------------------------------------------------------------------------


def _device_accounts(request: HttpRequest) -> list[str]:
    """The accounts this browser logged in to before (a signed cookie we set)."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        accounts = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    return accounts if isinstance(accounts, list) else []


def known_device(request: HttpRequest, username: str) -> bool:
    return _account(username) in _device_accounts(request)


def _pair(request: HttpRequest, username: str) -> tuple[str, str, str]:
    """The account + address count; a known browser has its own, apart from strangers'."""
    known = "known" if known_device(request, username) else "new"
    return _account(username), client_address(request), known


def login_wait(request: HttpRequest, username: str) -> int:
    """Seconds this log-in attempt must wait (0: check the password)."""
    account, address, known = _pair(request, username)
    waits = [_wait(PAIR, account, address, known)]
    if known == "new":
        waits += [_wait(ADDRESS, address), _wait(ACCOUNT, account)]
    return max(waits)


def login_failed(request: HttpRequest, username: str) -> None:
    account, address, known = _pair(request, username)
    _count(PAIR, account, address, known)
    _count(ADDRESS, address)
    _count(ACCOUNT, account)


def login_succeeded(request: HttpRequest, username: str) -> None:
    _forget(PAIR, *_pair(request, username))


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Mark this browser as one that logged in to ``username`` (kept for 180 days)."""
    account = _account(username)
    others = [a for a in _device_accounts(request) if a != account][-4:]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps([*others, account], salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext(
        "Too many failed attempts. Wait %(minutes)d minute and try again.",
        "Too many failed attempts. Wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


# --- password reset ---------------------------------------------------------------------------


def reset_refused(request: HttpRequest, email: str) -> bool:
    """Whether the hour's allowance of reset mails for this e-mail or address is used up."""
    email, address = email.strip().lower(), client_address(request)
    return (
        cache.get(_key(RESET_EMAIL, email), 0) >= RESET_EMAIL.free
        or cache.get(_key(RESET_ADDRESS, address), 0) >= RESET_ADDRESS.free
    )


def reset_requested(request: HttpRequest, email: str) -> None:
    _count(RESET_EMAIL, email.strip().lower(), timeout=3600)
    _count(RESET_ADDRESS, client_address(request), timeout=3600)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with at most a few mails per address and per hour."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if reset_refused(self.request, email):
            form.add_error(
                None, _("Too many password reset requests. Please try again in an hour.")
            )
            return self.form_invalid(form)
        reset_requested(self.request, email)
        return super().form_valid(form)


# --- API requests -----------------------------------------------------------------------------

API_WINDOW = 60


def api_wait(identity: str, limit: int) -> int:
    """Count one API request of ``identity`` (a token or a user) in this minute's window;
    the seconds until the next window when it went over ``limit`` (0: go ahead)."""
    now = _now()
    window = int(now // API_WINDOW)
    key = f"kia:throttle:api:{hashlib.sha256(identity.encode()).hexdigest()[:40]}:{window}"
    cache.add(key, 0, API_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, API_WINDOW * 2)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * API_WINDOW - now + 0.999))


# --- reply links --------------------------------------------------------------------------------


def reply_wait(request: HttpRequest) -> int:
    """Seconds this client must wait before another reply link is looked up (0: go ahead)."""
    return _wait(REPLY_ADDRESS, client_address(request))


def reply_failed(request: HttpRequest) -> None:
    """A reply link that does not open was tried from this client's address."""
    _count(REPLY_ADDRESS, client_address(request))
