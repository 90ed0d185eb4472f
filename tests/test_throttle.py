"""Log-in and password-reset throttling (issue 11, "Log-in throttling is weaker than the
README says"). The state lives in the shared cache (the database cache in the tests; Redis
in production), so every process counts together; see also tests/multiprocess/."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from assessments.infra import throttle
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"  # factories.user's password
ATTACKER, VICTIM = "192.0.2.66", "198.51.100.7"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    return now


def log_in(client: Client, username: str, password: str, address: str, path: str = ""):
    client.cookies["django_language"] = "en"  # messages in English (the language switch)
    return client.post(
        path or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def end_session(client: Client) -> None:
    """Log out but keep the browser's other cookies (Client.logout drops them all)."""
    from django.conf import settings

    client.cookies.pop(settings.SESSION_COOKIE_NAME)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_from_another_address_is_never_refused():
    factories.user(username="alice")
    attacker = Client()
    for _ in range(30):
        log_in(attacker, "alice", "guess", ATTACKER)
    assert (
        "Too many failed attempts" in log_in(attacker, "alice", PASSWORD, ATTACKER).content.decode()
    )
    assert not logged_in(attacker)
    alice = Client()
    log_in(alice, "alice", PASSWORD, VICTIM)
    assert logged_in(alice)


def test_backoff_doubles_and_ends(clock):
    factories.user(username="bob")
    client = Client()
    for _ in range(5):
        log_in(client, "bob", "wrong", ATTACKER)
    assert throttle.login_wait(_request(ATTACKER), "bob") == 30
    clock[0] += 31
    log_in(client, "bob", "wrong", ATTACKER)  # the sixth failure: wait 60 s
    assert throttle.login_wait(_request(ATTACKER), "bob") == 60
    clock[0] += 61
    log_in(client, "bob", PASSWORD, ATTACKER)
    assert logged_in(client)
    assert throttle.login_wait(_request(ATTACKER), "bob") == 0  # success forgets the pair


def test_many_accounts_from_one_address_hold_up_only_browsers_never_seen(clock):
    """An office NAT: a colleague's (or an attacker's) failures do not lock out people who
    logged in from their browser before."""
    factories.user(username="carol")
    factories.user(username="dave")
    carol = Client()
    log_in(carol, "carol", PASSWORD, ATTACKER)
    assert throttle.DEVICE_COOKIE in carol.cookies
    end_session(carol)
    spray = Client()
    for i in range(throttle.ADDRESS.free):
        log_in(spray, f"user{i}", "guess", ATTACKER)
    assert "Too many failed attempts" in log_in(spray, "dave", PASSWORD, ATTACKER).content.decode()
    log_in(carol, "carol", PASSWORD, ATTACKER)
    assert logged_in(carol)


def test_one_account_guessed_from_many_addresses_is_held_up_for_new_browsers(clock):
    factories.user(username="erin")
    erin = Client()
    log_in(erin, "erin", PASSWORD, VICTIM)
    end_session(erin)
    botnet = Client()
    for i in range(throttle.ACCOUNT.free):
        log_in(botnet, "erin", "guess", f"203.0.113.{i % 250}")
    assert "Too many failed" in log_in(Client(), "erin", PASSWORD, "192.0.2.1").content.decode()
    log_in(erin, "erin", PASSWORD, "192.0.2.1")  # her own browser, from a new address
    assert logged_in(erin)


def test_a_forged_device_cookie_does_not_help():
    factories.user(username="frank")
    client = Client()
    client.cookies[throttle.DEVICE_COOKIE] = "forged"
    for i in range(throttle.ADDRESS.free):
        log_in(client, f"user{i}", "guess", ATTACKER)
    log_in(client, "frank", PASSWORD, ATTACKER)
    assert not logged_in(client)


def test_the_admin_log_in_is_throttled():
    factories.user(username="root", is_staff=True, is_superuser=True)
    client = Client()
    admin_login = reverse("admin:login")
    for _ in range(5):
        log_in(client, "root", "wrong", ATTACKER, admin_login)
    response = log_in(client, "root", PASSWORD, ATTACKER, admin_login)
    assert "Too many failed attempts" in response.content.decode()
    assert not logged_in(client)


def test_password_reset_mails_are_limited(settings):
    factories.user(username="gina", email="gina@example.org")
    client = Client()
    client.cookies["django_language"] = "en"
    url = reverse("password_reset")
    for _ in range(3):
        response = client.post(url, {"email": "gina@example.org"}, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 302
    refused = client.post(url, {"email": "gina@example.org"}, REMOTE_ADDR=VICTIM)
    assert "Too many password reset requests" in refused.content.decode()
    assert len(mail.outbox) == 3
    # From one address, at most 10 an hour whatever the e-mail address.
    for i in range(10):
        client.post(url, {"email": f"x{i}@example.org"}, REMOTE_ADDR="192.0.2.9")
    refused = client.post(url, {"email": "new@example.org"}, REMOTE_ADDR="192.0.2.9")
    assert "Too many password reset requests" in refused.content.decode()


def _request(address: str, **meta):
    from django.test import RequestFactory

    return RequestFactory().get("/", REMOTE_ADDR=address, **meta)


def test_the_client_address_comes_from_the_trusted_proxy_only(settings):
    assert throttle.client_address(_request("10.1.1.1")) == "10.1.1.1"
    settings.KIA_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.KIA_TRUSTED_PROXY_COUNT = 1
    # The client claims an address; the proxy appends the real one at the right.
    forwarded = _request("10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert throttle.client_address(forwarded) == "198.51.100.7"
    settings.KIA_TRUSTED_PROXY_COUNT = 2
    assert throttle.client_address(forwarded) == "1.2.3.4"
    assert throttle.client_address(_request("10.1.1.1")) == "10.1.1.1"  # no header: the peer


def test_failures_of_strangers_at_the_same_address_do_not_hold_up_a_known_browser():
    factories.user(username="hana")
    hana = Client()
    log_in(hana, "hana", PASSWORD, ATTACKER)
    end_session(hana)
    stranger = Client()
    for _ in range(10):
        log_in(stranger, "hana", "guess", ATTACKER)
    assert not logged_in(stranger)
    log_in(hana, "hana", PASSWORD, ATTACKER)
    assert logged_in(hana)


def test_log_ins_that_succeed_do_not_use_up_the_address_allowance():
    """Every attempt is counted before its password is checked; one that succeeds takes
    its count back, so a school's many pupils behind one address are never held up."""
    for i in range(throttle.ADDRESS.free + 5):
        factories.user(username=f"pupil{i}")
        client = Client()
        log_in(client, f"pupil{i}", PASSWORD, ATTACKER)
        assert logged_in(client), i
    assert throttle.login_wait(_request(ATTACKER), "someone-new") == 0


def test_a_refused_attempt_is_not_counted(clock):
    factories.user(username="ivan")
    client = Client()
    for _ in range(throttle.PAIR.free):
        log_in(client, "ivan", "wrong", ATTACKER)
    for _ in range(10):  # refused while waiting: the wait does not grow
        assert "Too many failed" in log_in(client, "ivan", "wrong", ATTACKER).content.decode()
    assert throttle.login_wait(_request(ATTACKER), "ivan") == throttle.BASE_DELAY


def test_expired_counts_are_deleted_by_the_hourly_job(clock):
    from assessments.infra.models import ThrottleCount

    log_in(Client(), "nobody", "guess", ATTACKER)
    assert ThrottleCount.objects.count() == 3  # account + address, address, account
    assert throttle.forget_expired() == {"deleted": 0}
    clock[0] += throttle.DAY + 1
    assert throttle.forget_expired() == {"deleted": 3}
    assert throttle.login_wait(_request(ATTACKER), "nobody") == 0


def test_the_cleanup_command_says_how_many_it_deleted(clock):
    from io import StringIO

    from django.core.management import call_command

    log_in(Client(), "nobody", "guess", ATTACKER)
    clock[0] += throttle.DAY + 1
    out = StringIO()
    call_command("forget_throttle_counts", stdout=out)
    assert out.getvalue().strip() == "deleted: 3"


def test_an_attempt_that_waited_for_the_lock_does_not_wait_for_the_one_before_it(monkeypatch):
    """Two attempts at once: the second reads the clock only once the first has written
    its count, so it never sees that count's time "in the future" (PostgreSQL race test:
    4 of 20 simultaneous wrong passwords were checked instead of 5)."""
    times = iter([100.0, 100.5, 101.0, 101.5])
    monkeypatch.setattr(throttle, "_now", lambda: next(times))
    locked = throttle._locked_rows

    def another_attempt_writes_while_we_wait(keys):
        rows = locked(keys)
        for row in rows.values():  # an attempt that held the lock before us, counted now
            row.count, row.last = 1, throttle._now()
            row.expires = row.last + throttle.DAY
            row.save()
        return rows

    monkeypatch.setattr(throttle, "_locked_rows", another_attempt_writes_while_we_wait)
    request = Client().get("/").wsgi_request
    assert throttle.reserve_login(request, "marit") == 0  # counted, not told to wait
