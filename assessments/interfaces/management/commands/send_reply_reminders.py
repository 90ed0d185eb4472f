"""Remind the services whose invitation to respond closes within three days (once each).

The worker runs it every hour (``assessments.infra.scheduler``); with ``KIA_SCHEDULER=off`` run
it from cron, e.g. every hour. It is idempotent: an invitation is reminded once
(``reminded_at``), also when two runs overlap.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from assessments.domain import replies


class Command(BaseCommand):
    help = "E-mail a reminder to each open invitation to respond whose deadline is near (once)."

    def handle(self, *args, **options) -> None:
        count = replies.send_reminders()
        self.stdout.write(f"{count} reminder(s) queued.")
