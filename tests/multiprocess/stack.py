"""Start the production stack on this machine (loopback only) for the demonstration scripts:
gunicorn processes and ``kia_worker`` sharing PostgreSQL, Redis and a storage folder.

Used by ``twoprocess.py`` (``make twoprocess``) and ``loadtest.py`` (``make loadtest``).
Everything it starts is stopped on exit; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url(name: str) -> str:
    """A fresh PostgreSQL database ``name`` on the developers' server (trust auth)."""
    import psycopg

    base = os.environ.get("KIA_PG", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


class Stack:
    def __init__(self, database_url: str, *, cache_url: str = "", workers: int = 2):
        self.tmp = Path(tempfile.mkdtemp(prefix="kia-stack-"))
        self.media = self.tmp / "media"
        self.media.mkdir()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KIA_"))},
            "DEBUG": "false",
            "SECRET_KEY": "stack-demo-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "TASK_BACKEND": "database",
            "MEDIA_ROOT": str(self.media),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "KIA_ENV_FILE": str(self.tmp / "no-env-file"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESSLOG": "",
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def prepare(self) -> tuple[str, str]:
        """Migrate, collect static files, load the demo; returns (user, password)."""
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        out = self.manage("kia_demo")
        user = re.search(r"username: (\S+)", out).group(1)
        password = re.search(r"password: (\S+)", out).group(1)
        return user, password

    def _log(self, name: str):
        return open(self.tmp / f"{name}.log", "ab")

    def start_web(self, name: str) -> str:
        port = free_port()
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.processes[name] = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "kia.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self._log(name),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.ports[name] = port
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: httpx.get(f"{base}/health/", timeout=2).status_code == 200, 60)
        return base

    def start_worker(self, name: str = "worker") -> None:
        self.processes[name] = subprocess.Popen(
            [PYTHON, "manage.py", "kia_worker", "--interval", "0.5", "--max-backoff", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log(name),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(30)

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_until(condition, seconds: float, every: float = 0.25):
    deadline = time.monotonic() + seconds
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # not up yet
            last_error = error
        time.sleep(every)
    raise TimeoutError(f"gave up after {seconds} s (last error: {last_error})")


def csrf(client: httpx.Client) -> str:
    return client.cookies.get("csrftoken") or ""


def log_in(client: httpx.Client, base: str, user: str, password: str) -> httpx.Response:
    client.get(f"{base}/accounts/login/")
    return client.post(
        f"{base}/accounts/login/",
        data={"username": user, "password": password, "csrfmiddlewaretoken": csrf(client)},
        headers={"Referer": f"{base}/accounts/login/"},
    )
