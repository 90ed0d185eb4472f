"""Configuration from the environment: bad values stop start-up with the variable's name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kia.env import env_bool, env_database, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess:
    """Import the real settings in a fresh interpreter with the given environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="kia.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_required_when_debug_is_off():
    result = start_django(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_short_secret_key_refused_when_debug_is_off():
    result = start_django(DEBUG="false", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 32 characters" in result.stderr


def test_debug_runs_without_secret_key_on_sqlite_by_default():
    result = start_django(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_bad_debug_value_names_the_variable():
    result = start_django(DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_bad_scheduler_settings_name_the_variable():
    result = start_django(DEBUG="true", KIA_SCHEDULER="sometimes")
    assert result.returncode != 0 and "KIA_SCHEDULER='sometimes' is not one of on, off" in (
        result.stderr
    )
    result = start_django(DEBUG="true", KIA_DIGEST_TIME="seven")
    assert result.returncode != 0 and "KIA_DIGEST_TIME must be a time of day" in result.stderr


def test_database_url_selects_postgresql():
    result = start_django(DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/kia")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


def test_bad_database_url_names_the_variable():
    result = start_django(DEBUG="true", DATABASE_URL="mongodb://localhost/kia")
    assert result.returncode != 0
    assert "DATABASE_URL='mongodb://localhost/kia'" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool(raw, expected):
    assert env_bool("X", environ={"X": raw}) is expected


def test_env_bool_default_and_error():
    assert env_bool("X", default=True, environ={}) is True
    with pytest.raises(ImproperlyConfigured, match="X='maybe' is not a boolean"):
        env_bool("X", environ={"X": "maybe"})


def test_env_int():
    assert env_int("PORT", 8000, environ={}) == 8000
    assert env_int("PORT", 8000, environ={"PORT": "9000"}) == 9000
    with pytest.raises(ImproperlyConfigured, match="PORT='80a' is not a whole number"):
        env_int("PORT", 8000, environ={"PORT": "80a"})


def test_env_list():
    assert env_list("H", ["a"], environ={}) == ["a"]
    assert env_list("H", ["a"], environ={"H": "kia.example.org, localhost ,"}) == [
        "kia.example.org",
        "localhost",
    ]


def test_env_database():
    config = env_database(
        "DATABASE_URL", "sqlite:///x.db", environ={"DATABASE_URL": "postgres://u:p@db:5433/kia"}
    )
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db",
        5433,
        "kia",
    )
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL='nonsense'"):
        env_database("DATABASE_URL", "sqlite:///x.db", environ={"DATABASE_URL": "nonsense"})


def test_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]
