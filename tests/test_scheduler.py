"""The worker's scheduler: which jobs are due when (UTC hours, local days, the nights the
clocks change), each period run once by one of several workers, a failing job alone."""

from __future__ import annotations

import datetime
import threading
import time
from collections import Counter

import pytest
from django.db import OperationalError, connection, connections

from assessments.domain.models import ScheduledRun
from assessments.infra import scheduler
from assessments.infra import worker as worker_module
from assessments.infra.models import RunStatus
from assessments.infra.scheduler import Job
from assessments.infra.worker import SupervisedWorker

UTC = datetime.UTC


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


class Recorder:
    """Stands in for the jobs' functions: counts calls, raises for the names in ``failing``."""

    def __init__(self, failing: tuple[str, ...] = ()):
        self.calls: Counter[str] = Counter()
        self.failing = failing
        self.lock = threading.Lock()

    def __call__(self, path: str):
        def task() -> int:
            with self.lock:
                self.calls[path.rsplit(".", 1)[1]] += 1
            if any(path.endswith(name) for name in self.failing):
                raise RuntimeError(f"{path} broke")
            return 1

        return task


# --- when is a job due --------------------------------------------------------------------


def test_hours_and_minutes_are_utc_periods_across_a_day_boundary():
    hourly = Job("h", "x", "hour")
    assert hourly.period(at(2026, 11, 29, 23, 59)) == "2026-11-29T23Z"
    assert hourly.period(at(2026, 11, 30, 0, 0)) == "2026-11-30T00Z"
    minutely = Job("m", "x", "minute")
    assert minutely.period(at(2026, 11, 29, 23, 59, 59)) == "2026-11-29T23:59Z"
    assert minutely.period(at(2026, 11, 30, 0, 0, 1)) == "2026-11-30T00:00Z"


def test_the_daily_job_is_due_from_its_local_time_on_each_local_day(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    daily = Job("d", "x", "day", datetime.time(7, 0))
    # Winter (CET, UTC+1): 07:00 local is 06:00 UTC.
    assert daily.period(at(2026, 11, 29, 5, 59)) is None
    assert daily.period(at(2026, 11, 29, 6, 0)) == "2026-11-29"
    assert daily.period(at(2026, 11, 29, 22, 59)) == "2026-11-29"  # 23:59 local
    assert daily.period(at(2026, 11, 29, 23, 0)) is None  # 00:00 local on the 30th
    # Summer (CEST, UTC+2): 07:00 local is 05:00 UTC.
    assert daily.period(at(2026, 6, 15, 4, 59)) is None
    assert daily.period(at(2026, 6, 15, 5, 0)) == "2026-06-15"


def test_the_nights_the_clocks_change(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    # 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that night.
    early = Job("d", "x", "day", datetime.time(2, 30))
    assert early.period(at(2026, 3, 29, 0, 59)) is None  # 01:59 CET
    assert early.period(at(2026, 3, 29, 1, 0)) == "2026-03-29"  # 03:00 CEST: passed
    assert Job("d", "x", "day", datetime.time(7)).period(at(2026, 3, 29, 5, 0)) == "2026-03-29"
    assert Job("d", "x", "day", datetime.time(7)).period(at(2026, 3, 29, 4, 59)) is None
    # 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice, one day.
    assert early.period(at(2026, 10, 25, 0, 30)) == "2026-10-25"  # 02:30 CEST
    assert early.period(at(2026, 10, 25, 1, 30)) == "2026-10-25"  # 02:30 CET
    # That night has 25 hours: the hourly jobs run 25 times, one per hour gone by.
    hourly = Job("h", "x", "hour")
    day = [hourly.period(at(2026, 10, 24, 22) + datetime.timedelta(hours=h)) for h in range(25)]
    assert len(set(day)) == 25


# --- running the due jobs -------------------------------------------------------------------


@pytest.mark.django_db
def test_each_job_runs_once_per_period(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    settings.KIA_DIGEST_TIME = datetime.time(7, 0)
    jobs = Recorder()
    # 06:30 local: everything but the digest.
    ran = scheduler.run_due(at(2026, 11, 30, 5, 30), resolve=jobs)
    assert ran == {
        "mail-outbox": "done",
        "reply-reminders": "done",
        "due-dates": "done",
        "throttle-cleanup": "done",
    }
    assert scheduler.run_due(at(2026, 11, 30, 5, 30, 40), resolve=jobs) == {}
    assert scheduler.run_due(at(2026, 11, 30, 5, 31), resolve=jobs) == {"mail-outbox": "done"}
    # 07:00 local: a new hour and the day's digest.
    ran = scheduler.run_due(at(2026, 11, 30, 6, 0), resolve=jobs)
    assert set(ran) == {
        "mail-outbox",
        "reply-reminders",
        "due-dates",
        "digests",
        "throttle-cleanup",
    }
    scheduler.run_due(at(2026, 11, 30, 6, 1), resolve=jobs)
    # Midnight local: a new day, but the digest waits for 07:00 again.
    ran = scheduler.run_due(at(2026, 11, 30, 23, 0), resolve=jobs)
    assert "digests" not in ran and "due-dates" in ran
    assert jobs.calls == {
        "retry_due": 5,
        "send_reminders": 3,
        "check_due_dates": 3,
        "send_digests": 1,
        "forget_expired": 3,
    }
    row = ScheduledRun.objects.get(job="digests")
    assert (row.period, row.status, row.attempts) == ("2026-11-30", RunStatus.DONE, 1)


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_the_others_run(caplog):
    jobs = Recorder(failing=("check_due_dates",))
    now = at(2026, 11, 30, 9, 0)
    ran = scheduler.run_due(now, resolve=jobs)
    assert ran == {
        "mail-outbox": "done",
        "reply-reminders": "done",
        "due-dates": "failed",
        "digests": "done",
        "throttle-cleanup": "done",
    }
    assert "Scheduled job due-dates failed" in caplog.text and "broke" in caplog.text
    row = ScheduledRun.objects.get(job="due-dates")
    assert row.status == RunStatus.FAILED and "RuntimeError" in row.error
    # Tried again after the pause, at most MAX_ATTEMPTS times within the period.
    assert "due-dates" not in scheduler.run_due(now + datetime.timedelta(minutes=1), resolve=jobs)
    later = [now + datetime.timedelta(minutes=6 * i) for i in range(1, 5)]
    retried = [scheduler.run_due(t, resolve=jobs).get("due-dates") for t in later]
    assert retried == ["failed", "failed", None, None]
    assert jobs.calls["check_due_dates"] == scheduler.MAX_ATTEMPTS
    # A new hour: a new period, a fresh start.
    jobs.failing = ()
    ran = scheduler.run_due(at(2026, 11, 30, 10, 0), resolve=jobs)
    assert ran["due-dates"] == "done"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == (RunStatus.DONE, 1, "")


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_taken_over_later():
    jobs = Recorder()
    now = at(2026, 11, 30, 9, 0)
    assert scheduler.claim("due-dates", "2026-11-30T09Z", now, "dead-worker")
    ran = scheduler.run_due(now + datetime.timedelta(minutes=5), resolve=jobs)
    assert "due-dates" not in ran  # still "running" elsewhere, maybe
    ran = scheduler.run_due(now + scheduler.STALE_AFTER, resolve=jobs)
    assert ran["due-dates"] == "done"


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_each_job_once():
    jobs = Recorder()
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]
    ticks = [at(2026, 11, 30, 9, 0) + datetime.timedelta(seconds=20 * i) for i in range(12)]

    def work(i: int) -> None:
        try:
            for now in ticks:  # four minutes of rounds, both workers in step
                barrier.wait()
                for _ in range(1000):  # at most 10 s: a loaded machine holds locks longer
                    try:
                        scheduler.run_due(now, worker=f"worker-{i}", resolve=jobs)
                        break
                    except OperationalError:  # the in-memory test database's table lock:
                        time.sleep(0.01)  # the worker's round fails, it tries again
                else:
                    raise AssertionError(f"worker-{i} never got through its round at {now}")
            results[i] = "ok"
        except Exception as error:  # reported as the thread's result
            results[i] = error
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["ok", "ok"]
    assert jobs.calls == {
        "retry_due": 4,  # 09:00, 09:01, 09:02, 09:03
        "send_reminders": 1,
        "check_due_dates": 1,
        "send_digests": 1,
        "forget_expired": 1,
    }
    assert {row.worker for row in ScheduledRun.objects.all()} <= {"worker-0", "worker-1"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_many_workers_claim_a_period_once_on_postgresql():
    barrier = threading.Barrier(8)
    won: list[bool] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            won.append(scheduler.claim("due-dates", "p", at(2026, 11, 30), f"w{i}"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 7 + [True]


# --- in the worker ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_worker_runs_the_scheduler_unless_it_is_off(monkeypatch, settings):
    monkeypatch.setattr(worker_module, "close_old_connections", lambda: None)
    monkeypatch.setattr("assessments.outputs.report.recovery.requeue_stale", lambda: None)
    calls = []
    monkeypatch.setattr(scheduler, "run_due", lambda: calls.append(1))
    supervised = SupervisedWorker(interval=0.5)
    monkeypatch.setattr(supervised.worker, "run", lambda: None)
    settings.KIA_SCHEDULER = "off"
    supervised.step()
    assert calls == []
    settings.KIA_SCHEDULER = "on"
    supervised.next_sweep = 0.0
    supervised.step()
    assert calls == [1]


@pytest.mark.django_db
def test_a_passing_database_error_when_recording_the_end_is_retried(monkeypatch):
    """Otherwise the run would stay "running" and hold the job back for an hour."""
    from django.db.models import QuerySet

    monkeypatch.setattr(scheduler.time, "sleep", lambda seconds: None)
    real_update = QuerySet.update
    failures = iter([True, True])

    def flaky_update(self, **fields):
        if "finished_at" in fields and next(failures, False):
            raise OperationalError("database table is locked")
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", flaky_update)
    assert scheduler.claim("due-dates", "p1", at(2026, 11, 30), "w")
    scheduler._finish("due-dates", "p1", at(2026, 11, 30, 0, 1))
    assert ScheduledRun.objects.get(job="due-dates").status == RunStatus.DONE


@pytest.mark.django_db
def test_the_jobs_are_the_ones_the_settings_name(settings):
    """The scheduler knows no job of its own: a deployment lists them in the settings."""
    settings.KIA_SCHEDULED_JOBS = [("ping", "tests.jobs.ping", "hour")]
    jobs = Recorder()
    assert scheduler.run_due(at(2026, 11, 30, 9, 0), resolve=jobs) == {"ping": "done"}
    assert jobs.calls == {"ping": 1}
    assert list(scheduler.last_runs()) == ["ping"]


def test_a_job_with_an_unknown_period_is_a_clear_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.KIA_SCHEDULED_JOBS = [("ping", "tests.jobs.ping", "week")]
    with pytest.raises(ImproperlyConfigured, match="'ping' runs every 'week'"):
        scheduler.jobs()
