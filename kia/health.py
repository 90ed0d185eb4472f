"""``/health/``: the process answers. ``/ready/``: every part it needs works.

``/ready/`` checks the database, the cache, the file storage (writes and deletes a small
file) and the background worker's heartbeat, and answers JSON naming each part; 503 when
any part is down, so a load balancer stops sending requests to this process. The cache is
the exception: without it the process still serves (see ``assessments.infra.cache``), so
its outage, and the worker's heartbeat that lives in it, make the answer "degraded" (200).
It also says
when each scheduled job last ran (``assessments.infra.scheduler``); a failed job is reported there
but does not make the process "down" (the web process can serve all the same).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.infra.cache import CACHE_ERRORS
from assessments.infra.scheduler import last_runs
from assessments.infra.worker import last_heartbeat

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str | dict:
    """The app serves without the cache (presence and the API throttle step aside), so an
    outage makes the process "degraded", not "down": no balancer takes every process out."""
    key = f"kia:ready:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        found = cache.get(key)
        cache.delete(key)
    except CACHE_ERRORS as error:
        return {"status": "degraded", "error": type(error).__name__}
    if found != "1":
        raise RuntimeError("the cache did not return what was stored")
    return "ok"


def check_storage() -> str:
    name = default_storage.save(
        f"health/{socket.gethostname()}-{os.getpid()}.txt", ContentFile(b"ok")
    )
    default_storage.delete(name)
    return "ok"


def check_worker() -> str | dict:
    if settings.TASK_BACKEND != "database":
        return "not checked"  # immediate: no worker; rq: its own monitoring
    try:
        beat = last_heartbeat()
    except CACHE_ERRORS as error:  # the heartbeat lives in the cache
        return {"status": "degraded", "error": type(error).__name__}
    if beat is None:
        raise RuntimeError("no worker has reported yet")
    age = time.time() - beat
    if age > settings.KIA_WORKER_STALE_SECONDS:
        raise RuntimeError(f"the last worker heartbeat is {age:.0f} s old")
    return "ok"


def check_scheduler() -> dict:
    if settings.KIA_SCHEDULER != "on" or settings.TASK_BACKEND != "database":
        return {"status": "off"}  # cron runs the jobs (or no worker runs at all)
    return {"status": "ok", "jobs": last_runs()}


CHECKS: dict[str, Callable[[], str | dict]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "worker": check_worker,
    "scheduler": check_scheduler,
}


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    parts: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            result = check()
            parts[name] = result if isinstance(result, dict) else {"status": result}
        except Exception as error:  # any failure of a part means "not ready"
            logger.warning("Readiness check %s failed: %s", name, error)
            parts[name] = {"status": "down", "error": type(error).__name__}
        parts[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    states = {part["status"] for part in parts.values()}
    status = "down" if "down" in states else "degraded" if "degraded" in states else "ok"
    return JsonResponse({"status": status, "parts": parts}, status=503 if status == "down" else 200)
