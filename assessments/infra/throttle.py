"""Throttling of log-ins, password-reset mails and reply links, counted in the database.

Every attempt is counted *before* it is looked at, under a row lock in the database every
process shares (``ThrottleCount``): a check and its count are one step, so forty wrong
passwords sent at the same instant get five checks, not forty. The database, not the cache,
holds these counts so that a Redis outage neither opens nor breaks log-in.

Log-in attempts are counted three ways; each count allows some attempts for free and then
makes the next attempt wait, doubling the wait with every further failure (30 s, 1 min,
2 min, … at most 15 minutes). A count is forgotten a day after its last attempt. A log-in
that succeeds takes its own attempt back.

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

API requests are counted per minute in the shared cache (many per second; an increment
there is atomic). When the cache does not answer, the API goes on unthrottled and says so
in the log once a minute: the log-in throttle, in the database, still holds.

The client's address is ``REMOTE_ADDR``, or, behind a proxy, the entry of the header named
by ``CLIENT_IP_HEADER`` that the trusted proxy wrote (``TRUSTED_PROXY_COUNT`` from the
right): entries further left are the client's own claims.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.infra.cache import CACHE_ERRORS, log_outage
from assessments.infra.models import ThrottleCount

DAY = 24 * 3600
HOUR = 3600
BASE_DELAY = 30
MAX_DELAY = 15 * 60
DEVICE_COOKIE = "kia_device"
DEVICE_SALT = "kia.throttle.device"
DEVICE_MAX_AGE = 180 * DAY


@dataclass(frozen=True)
class Rule:
    """``free`` attempts, then a growing wait (``hard``: then none until the count is
    forgotten); a count is forgotten ``lifetime`` seconds after its last attempt."""

    name: str
    free: int
    lifetime: int = DAY
    hard: bool = False


PAIR = Rule("pair", 5)
ADDRESS = Rule("address", 50)
ACCOUNT = Rule("account", 100)
RESET_EMAIL = Rule("reset-email", 3, HOUR, hard=True)
RESET_ADDRESS = Rule("reset-address", 10, HOUR, hard=True)
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
    return f"{rule.name}:{digest}"


def _delay(attempts: int, rule: Rule) -> float:
    """How long after the last attempt the next may come, ``attempts`` having been made."""
    if attempts < rule.free:
        return 0
    if rule.hard:
        return math.inf
    return min(MAX_DELAY, BASE_DELAY * 2 ** min(attempts - rule.free, 20))


def _wait_for(row: ThrottleCount | None, rule: Rule, now: float) -> int:
    if row is None or row.expires <= now:
        return 0
    if rule.hard and row.count >= rule.free:
        return max(1, math.ceil(row.expires - now))
    return max(0, math.ceil(row.last + _delay(row.count, rule) - now))


def _locked_rows(keys: list[str]) -> dict[str, ThrottleCount]:
    """The rows of ``keys``, made if missing and locked until the transaction ends (in the
    order of their keys, so two attempts never wait for each other's locks)."""
    for key in sorted(keys):
        try:
            with transaction.atomic():
                ThrottleCount.objects.get_or_create(key=key)
        except IntegrityError:  # made at this instant by another attempt: it is there now
            pass
    rows = ThrottleCount.objects.select_for_update().filter(key__in=keys).order_by("key")
    return {row.key: row for row in rows}


def _reserve(counts: list[tuple[Rule, str]]) -> int:
    """Count one attempt under every rule of ``counts`` (rule, key), or, when one of them
    says to wait, none: the seconds to wait (0: the attempt is counted, go ahead)."""
    with transaction.atomic():
        rows = _locked_rows([key for _rule, key in counts])
        # The time once the rows are ours: an attempt that read the clock before waiting
        # for the lock would see the one before it "in the future" and wait for it.
        now = _now()
        for row in rows.values():
            if row.expires <= now:  # forgotten: start again
                row.count, row.last = 0, 0.0
        wait = max(_wait_for(rows[key], rule, now) for rule, key in counts)
        if wait:
            return wait
        for rule, key in counts:
            row = rows[key]
            row.count, row.last, row.expires = row.count + 1, now, now + rule.lifetime
            row.save(update_fields=["count", "last", "expires"])
    return 0


def _take_back(*keys: str) -> None:
    """An attempt that turned out well no longer counts (one atomic UPDATE)."""
    ThrottleCount.objects.filter(key__in=keys, count__gt=0).update(count=F("count") - 1)


def _wait(rule: Rule, *parts: str) -> int:
    """Seconds the next attempt under ``rule`` would wait (0: it would be looked at)."""
    row = ThrottleCount.objects.filter(key=_key(rule, *parts)).first()
    return _wait_for(row, rule, _now())


def forget_expired() -> dict[str, int]:
    """Delete the counts nobody needs any more (a scheduled job, hourly)."""
    deleted, _kinds = ThrottleCount.objects.filter(expires__lte=_now()).delete()
    return {"deleted": deleted}


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


def _login_counts(request: HttpRequest, username: str) -> list[tuple[Rule, str]]:
    """The counts a log-in attempt goes into: the account + address count (a known browser
    has its own, apart from strangers'), and for an unknown browser the address and the
    account counts."""
    account, address = _account(username), client_address(request)
    known = "known" if known_device(request, username) else "new"
    counts = [(PAIR, _key(PAIR, account, address, known))]
    if known == "new":
        counts += [(ADDRESS, _key(ADDRESS, address)), (ACCOUNT, _key(ACCOUNT, account))]
    return counts


def login_wait(request: HttpRequest, username: str) -> int:
    """Seconds the next log-in attempt would wait (0: its password would be checked)."""
    now = _now()
    counts = _login_counts(request, username)
    rows = {r.key: r for r in ThrottleCount.objects.filter(key__in=[k for _r, k in counts])}
    return max(_wait_for(rows.get(key), rule, now) for rule, key in counts)


def reserve_login(request: HttpRequest, username: str) -> int:
    """Count this log-in attempt as failed before its password is checked, or, when it
    must wait, the seconds to wait (the password is then not checked)."""
    return _reserve(_login_counts(request, username))


def login_succeeded(request: HttpRequest, username: str) -> None:
    """The right password: forget the account + address count, take the attempt back from
    the others."""
    pair, *others = _login_counts(request, username)
    ThrottleCount.objects.filter(key=pair[1]).delete()
    _take_back(*(key for _rule, key in others))


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


def reserve_reset(request: HttpRequest, email: str) -> bool:
    """Count one reset mail for this e-mail and client address; False (nothing counted)
    when the hour's allowance of either is used up."""
    counts = [
        (RESET_EMAIL, _key(RESET_EMAIL, email.strip().lower())),
        (RESET_ADDRESS, _key(RESET_ADDRESS, client_address(request))),
    ]
    return _reserve(counts) == 0


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with at most a few mails per address and per hour."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        if not reserve_reset(self.request, form.cleaned_data["email"]):
            form.add_error(
                None, _("Too many password reset requests. Please try again in an hour.")
            )
            return self.form_invalid(form)
        return super().form_valid(form)


# --- API requests -----------------------------------------------------------------------------

API_WINDOW = 60


def api_wait(identity: str, limit: int) -> int:
    """Count one API request of ``identity`` (a token or a user) in this minute's window;
    the seconds until the next window when it went over ``limit`` (0: go ahead). Without
    the cache the request goes ahead (and the outage is logged)."""
    now = _now()
    window = int(now // API_WINDOW)
    key = f"kia:throttle:api:{hashlib.sha256(identity.encode()).hexdigest()[:40]}:{window}"
    try:
        cache.add(key, 0, API_WINDOW * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, API_WINDOW * 2)
            count = 1
    except CACHE_ERRORS as error:
        log_outage("API throttle", error)
        return 0
    if count <= limit:
        return 0
    return max(1, int((window + 1) * API_WINDOW - now + 0.999))


# --- reply links --------------------------------------------------------------------------------


def reserve_reply(request: HttpRequest) -> int:
    """Count this look-up of a reply link as one that does not open, or, when the client
    must wait, the seconds to wait (the link is then not looked up)."""
    return _reserve([(REPLY_ADDRESS, _key(REPLY_ADDRESS, client_address(request)))])


def reply_opened(request: HttpRequest) -> None:
    """The link opened: its look-up does not count."""
    _take_back(_key(REPLY_ADDRESS, client_address(request)))
