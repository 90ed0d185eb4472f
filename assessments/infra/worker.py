"""The background worker, supervised: it survives database outages and reports a heartbeat.

django-tasks-db's own ``db_worker`` exits at the first database error it does not expect
(a restart of PostgreSQL is enough). ``manage.py kia_worker`` runs the same ``Worker`` in
batches inside a loop that:

* writes a heartbeat to the shared cache (``/ready/`` reports a silent worker as down);
* runs the sweeps of ``KIA_WORKER_SWEEPS`` every few seconds (the report's: queue again
  the renders whose worker died);
* runs the periodic jobs that are due (``KIA_SCHEDULED_JOBS``), each once per period over
  all workers: outbox retries, reply reminders, due dates, the daily digest (``scheduler``;
  off with ``KIA_SCHEDULER=off``, when cron runs the management commands instead);
* on a database or cache error, logs one line, drops its connections and tries again
  with a growing pause (up to ``max_backoff`` seconds), instead of exiting.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

from assessments.infra import scheduler
from assessments.infra.cache import CACHE_ERRORS, log_outage

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "kia:worker-heartbeat"
SWEEP_SECONDS = 10.0


def beat() -> None:
    """Tell ``/ready/`` the worker lives; without the cache the worker works on unheard."""
    try:
        cache.set(HEARTBEAT_KEY, time.time(), timeout=24 * 3600)
    except CACHE_ERRORS as error:
        log_outage("the worker's heartbeat", error)


def last_heartbeat() -> float | None:
    return cache.get(HEARTBEAT_KEY)


class SupervisedWorker:
    def __init__(self, *, interval: float = 1.0, max_backoff: float = 10.0, queue: str = "default"):
        self.interval = interval
        self.max_backoff = max_backoff
        self.pause = interval
        self.next_sweep = 0.0
        self.failures = 0
        self.worker = Worker(
            queue_names=[queue],
            interval=interval,
            batch=True,  # run what is queued, then come back here
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )

    @property
    def running(self) -> bool:
        return self.worker.running

    def step(self) -> float:
        """One round: heartbeat, sweep, run the queue. Returns the pause before the next."""
        try:
            close_old_connections()
            beat()
            if time.monotonic() >= self.next_sweep:
                for sweep in settings.KIA_WORKER_SWEEPS:
                    import_string(sweep)()
                if settings.KIA_SCHEDULER == "on":
                    scheduler.run_due()
                self.next_sweep = time.monotonic() + SWEEP_SECONDS
            self.worker.run()
        except Exception as error:  # database or cache down: wait and reconnect
            self.failures += 1
            self.pause = min(max(self.pause * 2, 0.5), self.max_backoff)
            logger.warning(
                "Worker round failed (%s: %s); trying again in %.1f s",
                type(error).__name__,
                str(error).strip().splitlines()[0] if str(error).strip() else "",
                self.pause,
            )
            self._drop_connections()
            return self.pause
        if self.failures:
            logger.warning("Worker recovered after %s failed rounds", self.failures)
            self.failures = 0
        self.pause = self.interval
        return self.pause

    @staticmethod
    def _drop_connections() -> None:
        for conn in connections.all(initialized_only=True):
            with contextlib.suppress(Exception):  # a broken one may fail to close: it is gone
                conn.close()

    def run_forever(self) -> None:
        self.worker.configure_signals()
        logger.info("Worker %s started", self.worker.worker_id)
        while self.running:
            pause = self.step()
            if self.running:
                time.sleep(pause)
