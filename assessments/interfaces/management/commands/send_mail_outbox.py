"""Send the outbox's e-mail that is due: new mail whose task did not run, and retries."""

from django.core.management.base import BaseCommand

from assessments.infra import mail


class Command(BaseCommand):
    help = "Send queued e-mail that is due (retries failed attempts after their pause)."

    def handle(self, *args, **options) -> None:
        counts = mail.retry_due(limit=1000)
        self.stdout.write(
            ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "nothing due"
        )
