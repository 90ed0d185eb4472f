"""Settings for the KIA web app, read from the environment (docs/operations.md lists them)."""

from __future__ import annotations

import datetime
from pathlib import Path

from bootstrap_wrapper import get_bootstrap_dir
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kia.env import (
    env_bool,
    env_cache,
    env_database,
    env_int,
    env_list,
    env_oidc,
    env_proxy_header,
    env_storage,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = "django-insecure-development-only-key"
elif not DEBUG and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # The REST API; listed so its docs page uses the Swagger UI files it ships (static
    # files) instead of loading them from a CDN, which our CSP (and no-CDN rule) forbid.
    "ninja",
    # The app's layers (docs/architecture.md): the domain holds the models (label
    # "assessments"); the interfaces hold the pages, API, admin, template tags and commands.
    "assessments.domain",
    "assessments.interfaces",
    # The composition root (kia/apps.py): connects the layers' signals.
    "kia",
]

MIDDLEWARE = [
    # The security headers first, so that every answer has them (the early 413 too).
    "django.middleware.security.SecurityMiddleware",
    "kia.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Bodies over the limit are refused before anything reads them (CSRF parses forms).
    "kia.middleware.RequestSizeLimitMiddleware",
    # Serves static files (Bootstrap, CSS, JS) when DEBUG is off, without a separate server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Dutch unless the visitor chose English with the switch (not the browser's language).
    "kia.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kia.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "kia.urls"
WSGI_APPLICATION = "kia.wsgi.application"
ASGI_APPLICATION = "kia.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assessments.interfaces.web.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Dutch by default, English as a choice.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One long date style per language on every page, as in the report: "29 november 2026",
# "29 November 2026" (Django's English default would print "Nov. 29, 2026").
FORMAT_MODULE_PATH = ["kia.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# Shared state for several processes and machines: the cache (log-in throttles, worker
# heartbeat) in Redis or the database, sessions in the database, files in STORAGES.
CACHES = {"default": env_cache("CACHE_URL")}
STORAGES = {
    "default": env_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from an installed package (bootstrap-wrapper): no CDN at run time.
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", str(get_bootstrap_dir()))]
# WhiteNoise finds files where runserver does, so no collectstatic step is required;
# run `manage.py collectstatic` in production to serve them compressed from STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:home"
LOGOUT_REDIRECT_URL = "assessments:home"

# Single sign-on with the organisation's identity provider (OpenID Connect; off unless the
# OIDC_* variables are set; docs/operations.md). The authorization code flow with state,
# nonce and PKCE (mozilla-django-oidc); the endpoints come from the issuer's discovery
# document when first needed (assessments/interfaces/web/oidc.py).
_oidc = env_oidc()
OIDC_ISSUER = _oidc.get("OIDC_ISSUER", "")
OIDC_ENABLED = bool(OIDC_ISSUER)
OIDC_RP_CLIENT_ID = _oidc.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = _oidc.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SCOPES = _oidc.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = _oidc.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_PROVIDER_NAME = _oidc.get("OIDC_PROVIDER_NAME", "")
OIDC_GROUPS_CLAIM = _oidc.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_GROUP_RULES = _oidc.get("OIDC_GROUP_RULES", [])
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("assessments.interfaces.web.oidc.Backend")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the hint for the provider's log-out
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
# The password form for local accounts; off: only superusers may still use it.
KIA_PASSWORD_LOGIN = env_bool("KIA_PASSWORD_LOGIN", default=True)

# Mail: SMTP when EMAIL_HOST is set, otherwise printed on the console.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kia@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The site's own address, for links in e-mail sent by the worker (no request to ask).
KIA_SITE_URL = env_str("KIA_SITE_URL", "http://127.0.0.1:8000")

# Upper bound for uploaded files (JSON imports); larger requests are refused before parsing.
KIA_MAX_UPLOAD_BYTES = env_int("KIA_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Longest text (answer, description, …) a form or an import accepts, in characters.
KIA_MAX_TEXT_CHARS = env_int("KIA_MAX_TEXT_CHARS", default=20_000)
# All the text of one assessment together (assessments/domain/size.py).
KIA_MAX_ASSESSMENT_CHARS = env_int("KIA_MAX_ASSESSMENT_CHARS", default=2_000_000)
# Most rows an import accepts in one list (sources, risks, …), checked before validation.
KIA_IMPORT_MAX_ROWS = env_int("KIA_IMPORT_MAX_ROWS", default=2_000)
# Requests per minute that one API token (or one logged-in user) may make (assessments/api).
KIA_API_REQUESTS_PER_MINUTE = env_int("KIA_API_REQUESTS_PER_MINUTE", default=300)
# Requests per minute to the public API (no log-in) from one client address.
KIA_API_PUBLIC_REQUESTS_PER_MINUTE = env_int("KIA_API_PUBLIC_REQUESTS_PER_MINUTE", default=120)
# Upper bound for any other request body (forms); anonymous requests always get this one.
# The service's response to an invitation (no account): at most this many PDF attachments
# of at most this size each; the reply page accepts a body of their sum (plus the form).
KIA_REPLY_MAX_FILE_BYTES = env_int("KIA_REPLY_MAX_FILE_BYTES", default=10 * 1024 * 1024)
KIA_REPLY_MAX_FILES = env_int("KIA_REPLY_MAX_FILES", default=5)
# Upper bound for any other request body (forms); anonymous requests get this one, except
# on the reply page of a link that opens.
KIA_MAX_REQUEST_BYTES = env_int("KIA_MAX_REQUEST_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = KIA_MAX_UPLOAD_BYTES
# Uploads stay in memory, nothing is spooled to disk; a file larger than any page accepts
# is counted, not kept (kia/uploads.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = KIA_MAX_UPLOAD_BYTES
FILE_UPLOAD_HANDLERS = ["kia.uploads.MemoryOnlyUploadHandler"]

# Background work (PDF rendering) through django-tasks. "database" needs nothing extra
# (run `manage.py db_worker`); "rq" uses Redis (run `manage.py rqworker`) for deployments
# on several machines; "immediate" runs tasks inside the request (tests only).
TASK_BACKEND = env_str("TASK_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND={TASK_BACKEND!r} is not one of {', '.join(_TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0")}}

# Dotted path of the risk matrix (kans x impact). A deployment may point this at its own.
KIA_RISK_MATRIX = env_str("KIA_RISK_MATRIX", "assessments.domain.scoring.DEFAULT_MATRIX")

# Behind a proxy: the header that says the original request was HTTPS (so links in
# e-mails come out as https://), and the header that carries the client's address.
_proto_header = env_proxy_header("PROXY_SSL_HEADER")
if _proto_header:
    SECURE_PROXY_SSL_HEADER = (_proto_header, "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", default=False)
KIA_CLIENT_IP_HEADER = env_proxy_header("CLIENT_IP_HEADER")
# How many proxies append to that header (the client is that many entries from the right).
KIA_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=1)

# Security headers. The pages load scripts and styles from our own static files only;
# style attributes (progress bars, heat-map colours) are allowed, <style> elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Probes from the container platform speak plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$"]

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# PDF rendering runs in a child process with these limits (see assessments/outputs/report/child.py).
KIA_RENDER_SECONDS = env_int("KIA_RENDER_SECONDS", default=120)
KIA_RENDER_MEMORY_MB = env_int("KIA_RENDER_MEMORY_MB", default=1536)
# The report is laid out in parts, in parallel (one child process per part, at most
# KIA_RENDER_WORKERS at a time; 0: one per core, at most 8), and each part's PDF is kept
# in KIA_REPORT_PARTS_DIR (at most KIA_REPORT_PARTS_MB) so that a re-export renders only
# the parts that changed. KIA_REPORT_PARALLEL=false lays out the whole report in one pass.
KIA_REPORT_PARALLEL = env_bool("KIA_REPORT_PARALLEL", default=True)
# Below this many characters of HTML (about 50 pages) the report is laid out in one pass:
# each part costs a process and its own fonts, which a short report does not earn back.
KIA_REPORT_PARALLEL_MIN_CHARS = env_int("KIA_REPORT_PARALLEL_MIN_CHARS", default=200_000)
KIA_RENDER_WORKERS = env_int("KIA_RENDER_WORKERS", default=0)
KIA_REPORT_PARTS_DIR = env_str(
    "KIA_REPORT_PARTS_DIR", default=str(BASE_DIR / "var" / "report-parts")
)
KIA_REPORT_PARTS_MB = env_int("KIA_REPORT_PARTS_MB", default=512)

# /ready/ reports the worker down when its last heartbeat is older than this.
KIA_WORKER_STALE_SECONDS = env_int("KIA_WORKER_STALE_SECONDS", default=60)

# The worker runs the periodic jobs itself (assessments/infra/scheduler.py); "off" for cron.
KIA_SCHEDULER = env_str("KIA_SCHEDULER", "on").lower()
if KIA_SCHEDULER not in ("on", "off"):
    raise ImproperlyConfigured(f"KIA_SCHEDULER={KIA_SCHEDULER!r} is not one of on, off.")
# Local time (TIME_ZONE) from which the daily digest of notifications is sent.
try:
    KIA_DIGEST_TIME = datetime.time.fromisoformat(env_str("KIA_DIGEST_TIME", "07:00"))
except ValueError:
    raise ImproperlyConfigured("KIA_DIGEST_TIME must be a time of day such as 07:00.") from None
# What the worker does besides running queued tasks, named by dotted path so that the
# infrastructure (assessments/infra) never imports the layers above it:
# every few seconds, these functions (heal the PDF pipeline) ...
KIA_WORKER_SWEEPS = ["assessments.outputs.report.recovery.requeue_stale"]
# ... and these periodic jobs, each once per period however many workers run:
# (name, function, "minute" | "hour" | "day"); a daily job is due from KIA_DIGEST_TIME.
KIA_SCHEDULED_JOBS = [
    ("mail-outbox", "assessments.infra.mail.retry_due", "minute"),
    ("reply-reminders", "assessments.domain.replies.send_reminders", "hour"),
    ("due-dates", "assessments.domain.followup.check_due_dates", "hour"),
    ("digests", "assessments.domain.notifications.send_digests", "day"),
    ("throttle-cleanup", "assessments.infra.throttle.forget_expired", "hour"),
]

LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not one of text, json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "kia.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    # 403, 404 and other client errors are one line each, without a traceback.
    "filters": {"client_errors": {"()": "kia.logs.NoTracebackForClientErrors"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # WeasyPrint logs every layout step at INFO; keep its warnings only.
        "weasyprint.progress": {"level": "WARNING"},
        # The worker polls the queue in batches; it says so at INFO every time.
        "django_tasks_db": {"level": "WARNING"},
    },
}
