"""Hostile-input and fault probes against the production stack (``make probes``).

Starts gunicorn (``gunicorn.conf.py``) on PostgreSQL and Redis, loads the demo, and tries
what a careless client, an attacker or an outage does (issue 22, items 17-22), printing one
line per probe with the figures. Run it before and after a change to compare; it asserts
nothing itself (the test suite does), so it always reports everything.

* 17: a lone surrogate in an API body or a source citation; a 5,000-digit integer in an
  imported document (web and API): the status code of each;
* 19: 40 simultaneous wrong passwords for one account from one address (how many were
  checked against the password, not refused by the throttle), and 20 simultaneous
  password-reset requests for one address (how many mails were sent);
* 20: every probe of a cache outage (Redis unreachable): log-in, an edit page, the API
  with a token, a password reset and the public API: the status codes;
* 21: the reply page given a 40 MB attachment: the largest temporary upload file seen,
  and the security headers of the early 413;
* 22: the development server (``manage.py runserver``, as ``make run``) given a body over
  the limit: the status code;
* 23: 20 connections sending a request a byte every 2 s while 15 visitors ask for
  ``/public/``: how many visitors waited over 10 s, and when the server closed the slow
  connections (``GUNICORN_WORKER_CLASS=gthread`` measures gunicorn's own worker).

``python -m tests.multiprocess.probes slow`` (or input, throttle, upload, outage,
runserver) runs only those.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.multiprocess.stack import (
    PYTHON,
    ROOT,
    Stack,
    csrf,
    free_port,
    log_in,
    postgres_url,
    wait_until,
)

REDIS = os.environ.get("KIA_REDIS", "redis://127.0.0.1:6379/5")
NO_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: a cache outage
SLUG = "voorbeeld-huiswerkapp"
ORG = "demo"
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Strict-Transport-Security",
)


def line(probe: str, result: str) -> None:
    print(f"{probe:<58} {result}", flush=True)


def token(stack: Stack, user: str) -> str:
    out = stack.manage("create_api_token", user, "--name", "probe", "--scope", "write")
    return out.strip().splitlines()[-1]


def shell(stack: Stack, code: str) -> str:
    return stack.manage("shell", "-c", code)


def probe_input(base: str, secret: str) -> None:
    api = f"{base}/api/v1/assessments/{ORG}/{SLUG}"
    auth = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    with httpx.Client(timeout=30) as client:
        answer = client.get(f"{api}/answers/2.1", headers=auth)
        headers = {**auth, "If-Match": answer.headers.get("ETag", "*")}
        lone = b'{"text": "lone \\ud800 surrogate"}'
        put = client.put(f"{api}/answers/2.1", content=lone, headers=headers)
        line("17 lone surrogate in an answer (API PUT)", str(put.status_code))
        source = b'{"key": "probe-src", "citation": "lone \\udfff here"}'
        post = client.post(f"{api}/sources", content=source, headers=auth)
        line("17 lone surrogate in a source citation (API POST)", str(post.status_code))
        document = client.get(f"{api}", headers=auth).json()
        text = json.dumps(document)
        huge = text.replace('"risks": [', '"risks": [' + "9" * 5000 + ", ", 1)
        imported = client.post(
            f"{base}/api/v1/assessments",
            params={"organisation": ORG},
            content=huge.encode(),
            headers=auth,
        )
        line("17 5,000-digit integer in an imported document (API)", str(imported.status_code))
    return huge


def probe_web_import(stack: Stack, base: str, user: str, password: str, document: str) -> None:
    code = (
        "from assessments.domain.models import Organisation as O;"
        f"print(O.objects.get(slug='{ORG}').pk)"
    )
    organisation = shell(stack, code).strip().splitlines()[-1]
    with httpx.Client(timeout=30) as client:
        log_in(client, base, user, password)
        page = client.get(f"{base}/import/")
        response = client.post(
            f"{base}/import/",
            data={"csrfmiddlewaretoken": csrf(client), "organisation": organisation},
            files={"file": ("huge.json", document.encode(), "application/json")},
            headers={"Referer": f"{base}/import/"},
        )
        line("17 5,000-digit integer in an imported document (web)", f"{response.status_code}"
             f" (form page {page.status_code})")  # fmt: skip


def probe_throttle(stack: Stack, base: str) -> None:
    shell(
        stack,
        "from django.contrib.auth import get_user_model as g;"
        "u=g().objects.create_user('probe-victim','victim@example.org','right-password-1');",
    )

    def wrong(_i: int) -> str:
        with httpx.Client(timeout=60, cookies={"django_language": "en"}) as client:
            response = log_in(client, base, "probe-victim", "wrong-password")
            return response.text

    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        pages = list(pool.map(wrong, range(40)))
    refused = sum("Too many failed attempts" in page for page in pages)
    line("19 40 wrong passwords at once: checked (5 allowed)", str(40 - refused))

    before = stack.log("web").count("To: victim@example.org")

    def reset(_i: int) -> int:
        with httpx.Client(timeout=60) as client:
            client.get(f"{base}/accounts/password_reset/")
            return client.post(
                f"{base}/accounts/password_reset/",
                data={"email": "victim@example.org", "csrfmiddlewaretoken": csrf(client)},
                headers={"Referer": f"{base}/accounts/password_reset/"},
            ).status_code

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        list(pool.map(reset, range(20)))
    time.sleep(1)
    sent = stack.log("web").count("To: victim@example.org") - before
    line("19 20 password resets at once: mails sent (3 allowed)", str(sent))


def probe_outage(user: str, password: str, secret: str) -> None:
    with Stack(postgres_url("kia_probes_outage"), cache_url=NO_REDIS) as stack:
        stack.env["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
        stack.manage("migrate", "--noinput", "-v0")
        stack.manage("collectstatic", "--noinput", "-v0")
        out = stack.manage("kia_demo")
        user = re.search(r"username: (\S+)", out).group(1)
        password = re.search(r"password: (\S+)", out).group(1)
        secret = token(stack, user)
        base = stack.start_web("web")
        with httpx.Client(timeout=30) as client:
            logged = log_in(client, base, user, password)
            line("20 Redis down: log-in", str(logged.status_code))
            edit = client.get(f"{base}/a/{SLUG}/answer/2.1/")
            line("20 Redis down: open an answer's form", str(edit.status_code))
        with httpx.Client(timeout=30) as client:
            api = client.get(
                f"{base}/api/v1/assessments", headers={"Authorization": f"Bearer {secret}"}
            )
            line("20 Redis down: the API with a token", str(api.status_code))
            public = client.get(f"{base}/api/v1/public/assessments")
            kind = public.headers.get("Content-Type", "").split(";")[0]
            line("20 Redis down: the public API", f"{public.status_code} {kind}")
            client.get(f"{base}/accounts/password_reset/")
            reset = client.post(
                f"{base}/accounts/password_reset/",
                data={"email": "nobody@example.org", "csrfmiddlewaretoken": csrf(client)},
                headers={"Referer": f"{base}/accounts/password_reset/"},
            )
            line("20 Redis down: password reset", str(reset.status_code))


def probe_reply_upload(stack: Stack, base: str) -> None:
    link = (
        shell(
            stack,
            "from assessments.domain import replies, versions, editing;"
            "from assessments.domain.models import Assessment;"
            "import datetime;"
            f"a=Assessment.objects.get(slug='{SLUG}');"
            "v=versions.record(a, actor=editing.SYSTEM, reason='manual');"
            "found=[];"
            "replies.invite(version=v, contact_name='P', contact_organisation='P',"
            " email='p@example.org', deadline=datetime.date.today()+datetime.timedelta(days=5),"
            " note='', user=None, link_for=lambda raw: found.append(raw) or raw);"
            "print('/reply/' + found[0] + '/')",
        )
        .strip()
        .splitlines()[-1]
    )
    spool = Path(stack.env["TMPDIR"])
    biggest = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for path in spool.rglob("*"):
                with contextlib.suppress(OSError):  # gone between listing and looking
                    biggest[0] = max(biggest[0], path.stat().st_size)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    with httpx.Client(timeout=120) as client:
        page = client.get(f"{base}{link}")
        pdf = b"%PDF-1.4\n" + b"0" * (40 * 1024 * 1024)
        response = client.post(
            f"{base}{link}",
            data={"csrfmiddlewaretoken": csrf(client), "text": "Onze reactie."},
            files={"attachments": ("big.pdf", pdf, "application/pdf")},
            headers={"Referer": f"{base}{link}"},
        )
    done.set()
    watcher.join()
    line(
        "21 reply page, 40 MB attachment: status, largest temp file",
        f"{response.status_code} (page {page.status_code}), {biggest[0] // (1024 * 1024)} MB",
    )
    with httpx.Client(timeout=30) as client:
        big = client.post(f"{base}/accounts/login/", content=b"x" * (3 * 1024 * 1024))
    present = [h for h in SECURITY_HEADERS if h in big.headers]
    line("21 early 413: security headers present", f"{big.status_code} {present}")


def probe_runserver() -> None:
    port = free_port()
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": "sqlite:////tmp/kia-probe.sqlite3"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: httpx.get(f"{base}/health/", timeout=2).status_code == 200, 60)
        response = httpx.post(f"{base}/accounts/login/", content=b"x" * (3 * 1024 * 1024))
        line("22 runserver, a body over the limit", str(response.status_code))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


SLOW_SECONDS = 90


def probe_slow_clients(base: str) -> None:
    port = int(base.rsplit(":", 1)[1])
    closed_after: list[float] = []
    lock = threading.Lock()

    def slow(_i: int) -> None:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            head = b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 900\r\n"
            try:
                for byte in head + b"X-Slow: " + b"a" * 200:
                    sock.sendall(bytes([byte]))
                    time.sleep(2)
                    if time.monotonic() - started > SLOW_SECONDS:
                        return  # still held open by the server
                    sock.settimeout(0.01)
                    with contextlib.suppress(TimeoutError):
                        if sock.recv(1024) == b"":
                            raise ConnectionResetError
                    sock.settimeout(5)
            except OSError:
                with lock:
                    closed_after.append(time.monotonic() - started)

    def visit(_i: int) -> float:
        started = time.monotonic()
        try:
            httpx.get(f"{base}/public/", timeout=10)
        except httpx.TimeoutException:
            return 99.0
        return time.monotonic() - started

    with concurrent.futures.ThreadPoolExecutor(20) as slow_pool:
        slow_jobs = [slow_pool.submit(slow, i) for i in range(20)]
        time.sleep(5)  # the slow clients hold their connections
        with concurrent.futures.ThreadPoolExecutor(15) as pool:
            waits = list(pool.map(visit, range(15)))
        for job in slow_jobs:
            job.result()
    late = sum(w > 10 for w in waits)
    line("23 slow clients: visitors who waited over 10 s (of 15)", str(late))
    held = 20 - len(closed_after)
    cut = f"closed after {min(closed_after):.0f}-{max(closed_after):.0f} s" if closed_after else ""
    line("23 slow clients: connections cut (of 20)", f"{len(closed_after)} {cut}; "
         f"{held} still open at {SLOW_SECONDS} s")  # fmt: skip


def main(only: set[str]) -> int:
    import redis

    def wanted(name: str) -> bool:
        return not only or name in only

    redis.Redis.from_url(REDIS).flushdb()
    user = password = secret = ""
    with Stack(postgres_url("kia_probes"), cache_url=REDIS) as stack:
        stack.env["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
        stack.env["TMPDIR"] = str(stack.tmp / "spool")
        Path(stack.env["TMPDIR"]).mkdir()
        user, password = stack.prepare()
        secret = token(stack, user)
        base = stack.start_web("web")
        if wanted("input"):
            document = probe_input(base, secret)
            probe_web_import(stack, base, user, password, document)
        if wanted("throttle"):
            probe_throttle(stack, base)
        if wanted("upload"):
            probe_reply_upload(stack, base)
        if wanted("slow"):
            probe_slow_clients(base)
    if wanted("outage"):
        probe_outage(user, password, secret)
    if wanted("runserver"):
        probe_runserver()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(set(sys.argv[1:])))
