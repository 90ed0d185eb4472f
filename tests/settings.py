"""Settings for the test suite: the real settings, run like production (DEBUG off),
with a throwaway secret key and fast password hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("TASK_BACKEND", "immediate")
# The test client speaks plain HTTP; production redirects to HTTPS (see test_production.py).
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_FORMAT", "text")

from kia.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Generated files (PDF reports) go to a throwaway folder, not the project's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="kia-test-media-"))
KIA_REPORT_PARTS_DIR = str(Path(tempfile.mkdtemp(prefix="kia-test-parts-")))

# Live-server threads (browser tests) must not keep database connections open between
# requests: on PostgreSQL that would block the test database's teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
