"""The daily digest: one e-mail per person with their digest notifications (run daily)."""

from django.core.management.base import BaseCommand

from assessments.domain import notifications


class Command(BaseCommand):
    help = "Queue the daily digest e-mail; running it again sends nothing twice."

    def handle(self, *args, **options) -> None:
        sent = notifications.send_digests()
        self.stdout.write(f"digests queued: {sent}")
