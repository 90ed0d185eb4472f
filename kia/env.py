"""Small typed readers for configuration from the environment.

Every reader raises ``ImproperlyConfigured`` naming the variable when a value
cannot be understood, so a bad deployment stops at start-up with a clear message.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from assessments.domain.grouprules import parse_group_roles

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(name, default).strip()


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of true/false, yes/no, on/off, 1/0."
    )


def env_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str, environ: Mapping[str, str] = os.environ) -> dict:
    """Parse a database URL such as ``postgres://user@host:5432/db`` or ``sqlite:///path``."""
    raw = environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a usable database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={raw!r} names an unsupported database.")
    supported = ("django.db.backends.sqlite3", "django.db.backends.postgresql")
    if config["ENGINE"] not in supported:
        raise ImproperlyConfigured(f"{name}={raw!r}: only SQLite and PostgreSQL are supported.")
    return env_sqlite_ready(config)


SQLITE_OPTIONS = {
    # Writers queue instead of failing at once: wait up to 20 s for the write lock.
    "timeout": 20,
    # Transactions take the write lock when they start, so two transactions never both
    # read and then fail to upgrade to writing ("database is locked" mid-transaction).
    "transaction_mode": "IMMEDIATE",
    # Readers do not block the writer, nor the writer the readers.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def env_sqlite_ready(config: dict) -> dict:
    """Add the options that let SQLite serve a team (WAL, busy timeout, immediate writes)."""
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    return config


def env_cache(name: str, environ: Mapping[str, str] = os.environ) -> dict:
    """The default cache: ``redis://…`` (shared by every process and machine), ``locmem``
    (one process only: development), or empty for the database cache (shared, no extra
    service; its table is made by ``migrate``)."""
    raw = env_str(name, environ=environ)
    if raw.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    # Room for many throttle counters: culling (at 300 entries by default) would let an
    # attacker flush the log-in throttle by failing from many addresses.
    options = {"MAX_ENTRIES": 100_000}
    if raw == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": options}
    if raw in ("", "db", "database"):
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kia_cache",
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a cache; use redis://host:6379/1, 'database' or 'locmem'."
    )


def env_storage(environ: Mapping[str, str] = os.environ) -> dict:
    """Where generated files (PDFs) go: the file system (``MEDIA_ROOT``) or, with
    ``STORAGE_BACKEND=s3``, an S3-compatible bucket through django-storages."""
    backend = env_str("STORAGE_BACKEND", "filesystem", environ=environ).lower()
    if backend == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_BACKEND={backend!r} is not a storage; use 'filesystem' or 's3'."
        )
    bucket = env_str("S3_BUCKET", environ=environ)
    if not bucket:
        raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND=s3.")
    options = {
        "bucket_name": bucket,
        "endpoint_url": env_str("S3_ENDPOINT_URL", environ=environ) or None,
        "region_name": env_str("S3_REGION", environ=environ) or None,
        "access_key": env_str("S3_ACCESS_KEY_ID", environ=environ) or None,
        "secret_key": env_str("S3_SECRET_ACCESS_KEY", environ=environ) or None,
        "location": env_str("S3_PREFIX", environ=environ),
        # Private objects: downloads go through the app, which checks permissions.
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": True,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def env_proxy_header(name: str, environ: Mapping[str, str] = os.environ) -> str:
    """A request header set by a trusted proxy, as a WSGI ``META`` key (``HTTP_…``)."""
    raw = env_str(name, environ=environ)
    if not raw:
        return ""
    if not all(c.isalnum() or c in "-_" for c in raw):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a header name (e.g. X-Forwarded-For).")
    return "HTTP_" + raw.upper().replace("-", "_")


# Local settings for a developer's machine (``make run`` writes them; never in production).
LOCAL_ENV_FILE = ".env"


def load_local_env(base_dir) -> None:
    """Read ``<base_dir>/.env`` (or the file ``KIA_ENV_FILE`` names) if present; real
    environment variables always win. The test suite does not call this."""

    path = os.environ.get("KIA_ENV_FILE") or os.path.join(base_dir, LOCAL_ENV_FILE)
    load_dotenv(path, override=False)


def write_local_env(path) -> bool:
    """Write a local ``.env`` (a fresh secret key, DEBUG on) unless one exists."""
    if os.path.exists(path):
        return False
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(
            "# Local settings for development, written by `make run` (git-ignored).\n"
            "# Production sets real environment variables instead (docs/operations.md).\n"
            f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
            "DEBUG=true\n"
        )
    return True


if __name__ == "__main__":  # python -m kia.env: write the local .env
    import sys

    target = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".env")
    if write_local_env(target):
        print(f"Wrote {target} (a generated SECRET_KEY, DEBUG=true).", file=sys.stderr)


_OIDC_REQUIRED = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
_OIDC_OPTIONAL = (
    "OIDC_SCOPES",
    "OIDC_PROVIDER_NAME",
    "OIDC_GROUPS_CLAIM",
    "OIDC_GROUP_ROLES",
    "OIDC_SIGN_ALGO",
)


def env_oidc(environ: Mapping[str, str] = os.environ) -> dict:
    """Single sign-on (OpenID Connect) settings: empty when no ``OIDC_*`` variable is set;
    a half configuration stops the app naming the missing variable."""
    given = [n for n in _OIDC_REQUIRED + _OIDC_OPTIONAL if env_str(n, environ=environ)]
    if not given:
        return {}
    missing = [n for n in _OIDC_REQUIRED if not env_str(n, environ=environ)]
    if missing:
        raise ImproperlyConfigured(
            f"Single sign-on is half configured ({', '.join(given)} set): "
            f"{', '.join(missing)} must be set too."
        )
    issuer = env_str("OIDC_ISSUER", environ=environ).rstrip("/")
    if not issuer.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"OIDC_ISSUER={issuer!r} is not an http(s) URL.")
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_RP_CLIENT_ID": env_str("OIDC_CLIENT_ID", environ=environ),
        "OIDC_RP_CLIENT_SECRET": env_str("OIDC_CLIENT_SECRET", environ=environ),
        "OIDC_RP_SCOPES": env_str("OIDC_SCOPES", "openid email profile", environ=environ),
        "OIDC_RP_SIGN_ALGO": env_str("OIDC_SIGN_ALGO", "RS256", environ=environ),
        "OIDC_PROVIDER_NAME": env_str("OIDC_PROVIDER_NAME", "", environ=environ)
        or issuer.split("://", 1)[1].split("/", 1)[0],
        "OIDC_GROUPS_CLAIM": env_str("OIDC_GROUPS_CLAIM", "groups", environ=environ),
        "OIDC_GROUP_RULES": parse_group_roles(env_str("OIDC_GROUP_ROLES", environ=environ)),
    }
