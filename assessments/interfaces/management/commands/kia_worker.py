"""Run the background worker (PDF rendering), supervised: see ``assessments.infra.worker``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from assessments.infra.worker import SupervisedWorker


class Command(BaseCommand):
    help = "Run the background worker; it survives database outages and reports a heartbeat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--max-backoff", type=float, default=10.0, help="longest pause after failures"
        )

    def handle(self, *args, interval: float, max_backoff: float, **options) -> None:
        SupervisedWorker(interval=interval, max_backoff=max_backoff).run_forever()
