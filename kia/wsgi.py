"""WSGI entry point (gunicorn: `gunicorn -c gunicorn.conf.py kia.wsgi`)."""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

from kia.env import load_local_env

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kia.settings")
load_local_env(Path(__file__).resolve().parent.parent)  # a local .env; production has none
application = get_wsgi_application()
