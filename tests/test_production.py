"""Running in production: local .env, check --deploy, headers, health, logs, body limits.

Issue 11, "No way to run it in production" and "The README's own command examples fail".
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest.mock import ANY

import pytest
from django.core import mail
from django.urls import reverse

from assessments.domain.constants import Role
from kia.env import env_cache, env_proxy_header, env_storage, write_local_env
from kia.logs import JsonFormatter, NoTracebackForClientErrors
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "kia.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://kia.example.org",
    "PROXY_SSL_HEADER": "X-Forwarded-Proto",
}
CLEARED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "LOG_FORMAT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process
}


def manage(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- local use: `make run` writes .env, and manage.py reads it ----------------------------


def test_make_run_writes_a_local_env_file_once(tmp_path):
    path = tmp_path / ".env"
    assert write_local_env(path) is True
    text = path.read_text()
    assert "DEBUG=true" in text
    key = next(line for line in text.splitlines() if line.startswith("SECRET_KEY="))
    assert len(key.split("=", 1)[1]) >= 50
    assert write_local_env(path) is False and path.read_text() == text  # never replaced


def test_manage_py_reads_the_local_env_file(tmp_path):
    """The README's `manage.py kia_export …` after `make run`: no variables to set."""
    env = {"KIA_ENV_FILE": str(tmp_path / "missing"), "DATABASE_URL": "sqlite:///:memory:"}
    without = manage("check", env=env)
    assert without.returncode != 0 and "SECRET_KEY must be set" in without.stderr
    write_local_env(tmp_path / ".env")
    env["KIA_ENV_FILE"] = str(tmp_path / ".env")
    with_file = manage("check", env=env)
    assert with_file.returncode == 0, with_file.stderr


def test_the_env_file_is_ignored_by_git():
    assert "/.env" in (ROOT / ".gitignore").read_text().splitlines()


# --- check --deploy with the production settings ------------------------------------------


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {**PRODUCTION, "KIA_ENV_FILE": str(tmp_path / "none")}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_on_https_and_hsts(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER,"
        " s.SESSION_COOKIE_SECURE, s.EMAIL_BACKEND)"
    )
    env = {**PRODUCTION, "KIA_ENV_FILE": str(tmp_path / "none"), "EMAIL_HOST": "smtp.example"}
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_readers_for_cache_storage_and_proxy_headers():
    assert env_cache("C", {})["BACKEND"].endswith("DatabaseCache")
    assert env_cache("C", {"C": "redis://127.0.0.1:6379/1"})["BACKEND"].endswith("RedisCache")
    assert env_storage({})["BACKEND"].endswith("FileSystemStorage")
    assert env_proxy_header("H", {"H": "X-Forwarded-For"}) == "HTTP_X_FORWARDED_FOR"
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="C='memcached'"):
        env_cache("C", {"C": "memcached"})
    with pytest.raises(ImproperlyConfigured, match="S3_BUCKET must be set"):
        env_storage({"STORAGE_BACKEND": "s3"})
    with pytest.raises(ImproperlyConfigured, match="not a header name"):
        env_proxy_header("H", {"H": "X Forwarded"})


def test_s3_storage_builds_from_the_environment():
    """No S3 server here: the storage is built and configured, not written to."""
    from django.core.files.storage import storages
    from django.utils.module_loading import import_string

    config = env_storage(
        {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": "kia-reports",
            "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "S3_ACCESS_KEY_ID": "id",
            "S3_SECRET_ACCESS_KEY": "secret",
        }
    )
    storage = import_string(config["BACKEND"])(**config["OPTIONS"])
    assert storage.bucket_name == "kia-reports" and storage.endpoint_url == "http://127.0.0.1:9000"
    assert storage.default_acl == "private" and storage.querystring_auth is True
    assert storages.backends["default"]["BACKEND"].endswith("FileSystemStorage")


# --- headers -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"), secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("style-src-attr")[0]  # no inline scripts/<style>
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_invitation_links_are_https_behind_a_tls_proxy(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    org = factories.organisation()
    client.force_login(factories.member(org, Role.OWNER))
    with django_capture_on_commit_callbacks(execute=True):  # sent after the commit
        response = client.post(
            reverse("assessments:members", args=[org.slug]),
            {"email": "new@example.org", "role": Role.EDITOR},
            HTTP_X_FORWARDED_PROTO="https",
        )
    assert response.status_code == 302
    assert ": https://testserver" in mail.outbox[0].body  # not http://


# --- health and readiness ----------------------------------------------------------------


@pytest.mark.django_db
def test_health_is_always_ok(client):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_reports_each_part(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/ready/")
    assert response.status_code == 200
    parts = response.json()["parts"]
    assert {name: part["status"] for name, part in parts.items()} == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "worker": "not checked",  # the "immediate" task backend of the tests has no worker
        "scheduler": "off",  # no worker, so nothing runs the scheduled jobs either
    }


@pytest.mark.django_db
def test_ready_says_when_each_scheduled_job_last_ran(client, settings, tmp_path):
    import datetime

    from assessments.infra import scheduler
    from assessments.infra.worker import beat

    settings.TASK_BACKEND = "database"
    settings.MEDIA_ROOT = tmp_path
    beat()
    jobs = client.get("/ready/").json()["parts"]["scheduler"]["jobs"]
    assert jobs["digests"] == {
        "every": "day",
        "status": "never run",
        "last_run": None,
        "last_success": None,
    }
    now = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)

    def task(path):
        if path.endswith("send_digests"):
            raise RuntimeError("mail server on fire")
        return lambda: 0

    scheduler.run_due(now, resolve=task)
    response = client.get("/ready/")
    assert response.status_code == 200  # a failed job does not take the web process down
    jobs = response.json()["parts"]["scheduler"]["jobs"]
    assert jobs["due-dates"]["status"] == "done"
    assert jobs["due-dates"]["last_run"] == now.isoformat()
    assert jobs["digests"]["status"] == "failed" and jobs["digests"]["last_success"] is None
    assert "on fire" not in response.content.decode()  # no error texts in the answer
    settings.KIA_SCHEDULER = "off"
    assert client.get("/ready/").json()["parts"]["scheduler"] == {"status": "off", "ms": ANY}


@pytest.mark.django_db
def test_ready_is_503_when_the_worker_is_silent_or_storage_is_unwritable(
    client, settings, tmp_path
):
    from assessments.infra.worker import beat

    settings.TASK_BACKEND = "database"
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/ready/")
    assert response.status_code == 503 and response.json()["parts"]["worker"]["status"] == "down"
    beat()
    assert client.get("/ready/").status_code == 200
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    settings.MEDIA_ROOT = blocked  # a file where the folder should be: nothing can be written
    response = client.get("/ready/")
    body = response.json()
    assert response.status_code == 503 and body["parts"]["storage"]["status"] == "down"
    assert str(blocked) not in response.content.decode()  # no paths in the answer


# --- logs ----------------------------------------------------------------------------------


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("denied")
    except PermissionError:
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden: /x", (), sys.exc_info()
        )
    record.status_code = status
    return record


def test_client_errors_are_logged_without_a_traceback():
    for status in (403, 404):
        record = _record(status)
        NoTracebackForClientErrors().filter(record)
        assert record.exc_info is None
        line = json.loads(JsonFormatter().format(record))
        assert line["message"] == "Forbidden: /x" and line["status_code"] == status
        assert "exception" not in line
    server_error = _record(500)
    NoTracebackForClientErrors().filter(server_error)
    assert "PermissionError" in json.loads(JsonFormatter().format(server_error))["exception"]


# --- request bodies over the limit are refused before they are read ------------------------


BIG = str(50 * 1024 * 1024)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/i18n/setlang/", "/import/", "/nope/"])
def test_anonymous_oversized_bodies_are_refused_before_reading(client, path):
    # The declared length is 50 MB; the body is never read (FakePayload would complain).
    response = client.generic(
        "POST",
        path,
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=BIG,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert "The request is too large (50.0\xa0MB)" in response.content.decode()
    dutch = client.generic("POST", path, b"x", CONTENT_LENGTH=BIG)
    assert dutch.status_code == 413 and "Het verzoek is te groot" in dutch.content.decode()


@pytest.mark.django_db
def test_logged_in_uploads_may_be_larger_only_where_files_are_taken(client, settings):
    settings.KIA_MAX_REQUEST_BYTES = 1000
    client.force_login(factories.user())
    body = "x" * 2000
    form = client.post(reverse("assessments:new_organisation"), {"name": body})
    assert form.status_code == 413
    upload = client.post(reverse("assessments:import"), {"name": body})
    assert upload.status_code == 400  # reached the import view, which reports the form


def test_an_unreachable_database_is_a_503_not_a_500():
    from django.db import InterfaceError, OperationalError
    from django.test import RequestFactory

    from kia.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    for error in (OperationalError("connection refused"), InterfaceError("closed")):
        response = middleware.process_exception(request, error)
        assert response.status_code == 503 and response["Retry-After"] == "30"
    assert middleware.process_exception(request, ValueError("a bug")) is None  # stays a 500
    from django.conf import settings

    assert settings.MIDDLEWARE[-1] == "kia.middleware.DatabaseUnavailableMiddleware"


def test_sqlite_is_set_up_for_a_team(tmp_path):
    """WAL (readers do not block the writer), a 20 s busy timeout and immediate
    transactions: `make run` with 50 concurrent editors gives no "database is locked"."""
    code = (
        "from django.db import connection as c; c.ensure_connection();"
        "cur = c.cursor(); cur.execute('PRAGMA journal_mode'); print(cur.fetchone()[0]);"
        "o = c.settings_dict['OPTIONS']; print(o['transaction_mode'], o['timeout'])"
    )
    env = {
        "KIA_ENV_FILE": str(tmp_path / "none"),
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'team.sqlite3'}",
    }
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["wal", "IMMEDIATE 20"]
