"""The supervised worker: heartbeat, sweeping stale renders, surviving database outages."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from assessments.infra import scheduler as scheduler_module
from assessments.infra import worker as worker_module
from assessments.infra.worker import SupervisedWorker, last_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    """The worker closes and reopens database connections between rounds; inside a test's
    transaction that would close the test's own connection (on PostgreSQL). The loop's
    logic is tested here; real reconnects are exercised by `make loadtest`'s outage."""
    monkeypatch.setattr(worker_module, "close_old_connections", lambda: None)
    monkeypatch.setattr(SupervisedWorker, "_drop_connections", staticmethod(lambda: None))


def test_a_round_writes_the_heartbeat_and_sweeps(monkeypatch):
    swept = []
    monkeypatch.setattr(
        "assessments.outputs.report.recovery.requeue_stale", lambda: swept.append(1)
    )
    supervised = SupervisedWorker(interval=0.5)
    monkeypatch.setattr(supervised.worker, "run", lambda: None)
    assert last_heartbeat() is None
    assert supervised.step() == 0.5
    assert last_heartbeat() is not None and swept == [1]
    supervised.step()
    assert swept == [1]  # the sweep runs every few seconds, not every round


def test_the_worker_survives_a_database_outage_and_backs_off(monkeypatch, caplog):
    supervised = SupervisedWorker(interval=0.5, max_backoff=4)
    monkeypatch.setattr("assessments.outputs.report.recovery.requeue_stale", lambda: None)
    outage = [OperationalError("server closed the connection"), InterfaceError("gone")] * 3
    ran = []

    def run():
        if outage:
            raise outage.pop(0)
        ran.append(1)

    monkeypatch.setattr(supervised.worker, "run", run)
    pauses = [supervised.step() for _ in range(7)]
    assert pauses == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 0.5]  # backs off, then back to normal
    assert ran == [1] and supervised.running
    assert "Worker round failed (OperationalError" in caplog.text
    assert "Worker recovered after 6 failed rounds" in caplog.text


def test_the_cache_being_down_does_not_stop_the_worker(monkeypatch, caplog):
    """Without the cache the heartbeat is not heard, but the queue is still run."""
    supervised = SupervisedWorker(interval=0.5)
    ran = []
    monkeypatch.setattr(worker_module, "close_old_connections", lambda: None)
    monkeypatch.setattr(supervised.worker, "run", lambda: ran.append(1))
    monkeypatch.setattr(scheduler_module, "run_due", lambda: None)
    monkeypatch.setattr("assessments.outputs.report.recovery.requeue_stale", lambda: None)

    class Down:
        def set(self, *args, **kwargs):
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(worker_module, "cache", Down())
    assert supervised.step() == 0.5 and supervised.running
    assert ran == [1]
    assert "the worker's heartbeat goes without it" in caplog.text
