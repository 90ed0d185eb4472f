"""ASGI entry point (for an ASGI server; production uses WSGI with gunicorn)."""

import os
from pathlib import Path

from django.core.asgi import get_asgi_application

from kia.env import load_local_env

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kia.settings")
load_local_env(Path(__file__).resolve().parent.parent)  # a local .env; production has none
application = get_asgi_application()
