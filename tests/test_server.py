"""Issue 22, item 23: gunicorn's threads are not held by clients that send slowly
(kia/server.py). The reading deadline is tested with a socket pair and a clock that the
test moves; ``make probes`` measures the real worker against 20 slow connections."""

from __future__ import annotations

import contextlib
import http.client
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

from kia.server import Deadline, DeadlineSocket, DeadlineThreadWorker

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def reader(ours: socket.socket, now: list[float]) -> DeadlineSocket:
    return DeadlineSocket(ours, Deadline(20.0, 500.0, lambda: now[0]), send_timeout=30.0)


def test_a_client_sending_a_byte_every_two_seconds_is_cut_after_the_grace(pair):
    ours, theirs = pair
    now = [0.0]
    sock = reader(ours, now)
    received = b""
    with pytest.raises(NoMoreData):
        for _ in range(100):
            theirs.sendall(b"x")
            now[0] += 2.0
            received += sock.recv(1)
    assert len(received) == 10  # 20 s, and 10 bytes earn 0.02 s more


def test_a_large_upload_at_a_modest_pace_is_read_to_the_end(pair):
    ours, theirs = pair
    now = [0.0]
    sock = reader(ours, now)
    chunk = b"y" * 64 * 1024
    for _ in range(100):  # 6.4 MB at 16 KB/s: 400 s, far past the 20 s grace
        theirs.sendall(chunk)
        now[0] += 4.0
        got = b""
        while len(got) < len(chunk):
            got += sock.recv(len(chunk) - len(got))
    assert sock.deadline.remaining() > 0


def test_each_request_on_a_kept_connection_has_its_own_allowance(pair):
    ours, theirs = pair
    now = [0.0]
    sock = reader(ours, now)
    theirs.sendall(b"GET / HTTP/1.1\r\n\r\n")
    sock.recv(1024)
    now[0] += 25.0  # the connection stayed open, idle, between two requests
    sock.deadline.restart()
    theirs.sendall(b"GET / HTTP/1.1\r\n\r\n")
    assert sock.recv(1024).startswith(b"GET")


def test_a_client_that_stops_sending_is_not_waited_for_past_the_deadline(pair):
    ours, _theirs = pair
    sock = DeadlineSocket(ours, Deadline(0.05, 500.0, time.monotonic), 30.0)
    with pytest.raises(NoMoreData):
        sock.recv(1024)  # nothing comes: the read gives up at the deadline, not never


def test_writing_the_answer_has_its_own_limit(pair):
    ours, theirs = pair
    now = [0.0]
    sock = reader(ours, now)
    theirs.sendall(b"x")
    sock.recv(1)
    now[0] += 19.99  # almost out of reading time; the answer may still take its time
    sock.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
    assert ours.gettimeout() == 30.0
    assert theirs.recv(100).startswith(b"HTTP/1.1 200")


def test_the_worker_wraps_each_plain_connection_once_and_restarts_its_deadline(pair, monkeypatch):
    ours, _theirs = pair
    seen = []
    monkeypatch.setattr(ThreadWorker, "handle", lambda self, conn: seen.append(conn.sock))
    worker = DeadlineThreadWorker.__new__(DeadlineThreadWorker)  # no process to run in
    worker.cfg = SimpleNamespace(is_ssl=False)
    conn = SimpleNamespace(sock=ours)
    worker.handle(conn)
    first = conn.sock
    first.deadline.started -= 100  # a long time ago
    worker.handle(conn)  # the next request on the kept connection
    assert seen == [first, first] and isinstance(first, DeadlineSocket)
    assert first.deadline.remaining() > 19


def test_gunicorn_runs_this_worker(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKER_CLASS", raising=False)
    config = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
    assert config["worker_class"] == "kia.server.DeadlineThreadWorker"


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with ``gunicorn.conf.py``: one process of two threads, on loopback."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KIA_"))},
        "DEBUG": "false",
        "SECRET_KEY": "server-test-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "locmem",
        "SECURE_SSL_REDIRECT": "false",
        "KIA_ENV_FILE": str(tmp_path / "no-env-file"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "GUNICORN_ACCESSLOG": "",
        "GUNICORN_HEADER_TIMEOUT": "3",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "kia.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            time.sleep(0.1)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: str | int, path: str, timeout: float) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_slow_heads_hold_no_thread_and_are_closed_at_the_header_timeout(gunicorn):
    """Six connections trickling their headers (three times the threads) while a visitor
    asks for a page: the visitor is answered, and the slow connections are closed."""
    slow = [socket.create_connection(("127.0.0.1", gunicorn), timeout=10) for _ in range(6)]
    try:
        for sock in slow:
            sock.sendall(b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        time.sleep(0.5)
        assert get(gunicorn, "/health/", timeout=2) == 200  # gthread: all threads held
        for sock in slow:
            sock.settimeout(10)
            assert sock.recv(100) == b""  # closed by the server after 3 s
    finally:
        for sock in slow:
            sock.close()
