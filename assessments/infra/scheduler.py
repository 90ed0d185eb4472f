"""Periodic jobs run by the worker itself, each once per period however many workers run.

The jobs (``KIA_SCHEDULED_JOBS`` in the settings; all idempotent; each also a management
command for deployments that prefer cron):

* ``mail-outbox``: e-mail due again after a failed attempt (``mail.retry_due``), every minute;
* ``reply-reminders``: invitations to respond whose deadline is near, every hour;
* ``due-dates``: measures due or overdue, re-assessments due, every hour;
* ``digests``: the daily digest of notifications, once a day after ``KIA_DIGEST_TIME``
  (local time, ``TIME_ZONE``; 07:00 unless configured).

**Once per period.** Minutes and hours are counted in UTC, so an hour is an hour also on
the nights the clocks change; a day is the local calendar day, and the daily job is due from
the first moment the local clock reads ``KIA_DIGEST_TIME`` or later (on the night the clocks
go forward a time that does not exist is passed at 03:00; on the night they go back the
repeated hour belongs to the same day, so it runs once).

**The lock is a row in the database** (``ScheduledRun``, one per job), not the cache: the
database is the one part every worker on every machine shares in every deployment (the
cache may be ``locmem``, per process, and Redis may evict a key). A worker runs a job for a
period only after moving the job's row to that period with one conditional UPDATE
(``… WHERE period <> 'this period' AND status <> 'running'``). The database runs such
updates one after another and the second sees the first's result (PostgreSQL evaluates the
condition again after waiting for the row lock; SQLite has one writer at a time), so
exactly one worker gets each period. The same row tells ``/ready/`` when each job last ran.

A job that raises is logged with its traceback, marked ``failed`` and tried again after
``RETRY_AFTER`` (at most ``MAX_ATTEMPTS`` times a period); the other jobs run all the same.
A run whose worker died (``running`` for longer than ``STALE_AFTER``) is taken over.
``KIA_SCHEDULER=off`` turns the scheduler off: run the management commands from cron then.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast, get_args
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, OperationalError, close_old_connections, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.module_loading import import_string

from assessments.infra.models import RunStatus, ScheduledRun

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_AFTER = datetime.timedelta(minutes=5)
STALE_AFTER = datetime.timedelta(hours=1)

Every = Literal["minute", "hour", "day"]


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a function called without arguments
    every: Every
    at: datetime.time | None = None  # "day": local time from which due (KIA_DIGEST_TIME)

    def period(self, now: datetime.datetime) -> str | None:
        """The period due at ``now`` (an aware datetime), or None when none is due yet."""
        if self.every == "minute":
            return now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ")
        if self.every == "hour":
            return now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%HZ")
        local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
        if local.time() < (self.at or settings.KIA_DIGEST_TIME):
            return None
        return local.date().isoformat()


def jobs() -> list[Job]:
    """The periodic jobs, as the settings name them (``KIA_SCHEDULED_JOBS``): dotted paths,
    so that the infrastructure imports nothing of the layers whose jobs it runs."""
    found = []
    for name, task, every in settings.KIA_SCHEDULED_JOBS:
        if every not in get_args(Every):
            raise ImproperlyConfigured(
                f"KIA_SCHEDULED_JOBS: {name!r} runs every {every!r}; say minute, hour or day."
            )
        found.append(Job(name, task, cast(Every, every)))
    return found


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claimable(row: ScheduledRun | None, period: str, now: datetime.datetime) -> bool:
    """Whether ``row`` looks free for ``period`` (decided for certain by ``claim``)."""
    if row is None:
        return True
    if row.status == RunStatus.RUNNING:
        return row.started_at is None or row.started_at <= now - STALE_AFTER
    if row.period != period:
        return True
    return (
        row.status == RunStatus.FAILED
        and row.attempts < MAX_ATTEMPTS
        and (row.finished_at is None or row.finished_at <= now - RETRY_AFTER)
    )


def claim(job: str, period: str, now: datetime.datetime, worker: str) -> bool:
    """Take ``job`` for ``period``: True for exactly one of the workers that try at once."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(job=job)
    except IntegrityError:  # another worker made the row this instant
        pass
    new = ~Q(period=period) & ~Q(status=RunStatus.RUNNING)
    retry = Q(
        period=period,
        status=RunStatus.FAILED,
        attempts__lt=MAX_ATTEMPTS,
        finished_at__lte=now - RETRY_AFTER,
    )
    stale = Q(status=RunStatus.RUNNING, started_at__lte=now - STALE_AFTER)
    taken = ScheduledRun.objects.filter(Q(job=job) & (new | retry | stale)).update(
        period=period,
        status=RunStatus.RUNNING,
        attempts=Case(When(period=period, then=F("attempts") + 1), default=Value(1)),
        started_at=now,
        worker=worker,
    )
    return taken == 1


FINISH_ATTEMPTS = 6


def _finish(job: str, period: str, now: datetime.datetime, *, error: str = "") -> None:
    """Record how a run ended. A passing database error (a lock, a dropped connection) is
    retried: a run left "running" would hold the job back until the stale-run takeover."""
    fields: dict[str, object] = {"finished_at": now, "error": error[:2000]}
    if error:
        fields["status"] = RunStatus.FAILED
    else:
        fields.update(status=RunStatus.DONE, succeeded_at=now)
    for attempt in range(FINISH_ATTEMPTS):
        try:
            ScheduledRun.objects.filter(job=job, period=period).update(**fields)
            return
        except OperationalError:
            if attempt == FINISH_ATTEMPTS - 1:
                raise
            if not transaction.get_connection().in_atomic_block:
                close_old_connections()  # a dropped connection is opened again
            time.sleep(0.05 * 2**attempt)


def run_due(
    now: datetime.datetime | None = None,
    *,
    worker: str | None = None,
    resolve: Callable[[str], Callable[[], object]] = import_string,
) -> dict[str, str]:
    """Run every job that is due at ``now`` and that this worker claims. Returns, for each
    job it ran, "done" or "failed". A job that raises is logged; the others still run."""
    now = now or timezone.now()
    worker = worker or worker_name()
    rows = {row.job: row for row in ScheduledRun.objects.all()}
    ran: dict[str, str] = {}
    for job in jobs():
        period = job.period(now)
        if period is None or not _claimable(rows.get(job.name), period, now):
            continue
        if not claim(job.name, period, now, worker):
            continue  # another worker has it
        extra = {"job": job.name, "period": period}
        started = time.monotonic()
        try:
            result = resolve(job.task)()
        except Exception as error:
            logger.exception("Scheduled job %s failed for %s", job.name, period, extra=extra)
            finished = now + datetime.timedelta(seconds=time.monotonic() - started)
            _finish(job.name, period, finished, error=f"{type(error).__name__}: {error}")
            ran[job.name] = "failed"
            continue
        _finish(job.name, period, now + datetime.timedelta(seconds=time.monotonic() - started))
        logger.info("Scheduled job %s ran for %s: %s", job.name, period, result, extra=extra)
        ran[job.name] = "done"
    return ran


def last_runs() -> dict[str, dict[str, str | None]]:
    """For ``/ready/``: when each job last ran and last succeeded, and how it ended."""
    rows = {row.job: row for row in ScheduledRun.objects.all()}
    report: dict[str, dict[str, str | None]] = {}
    for job in jobs():
        row = rows.get(job.name)
        report[job.name] = {
            "every": job.every,
            "status": row.status if row and row.started_at else "never run",
            "last_run": row.started_at.isoformat() if row and row.started_at else None,
            "last_success": row.succeeded_at.isoformat() if row and row.succeeded_at else None,
        }
    return report
