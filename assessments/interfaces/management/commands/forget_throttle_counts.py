"""Delete the log-in, reset and reply-link throttle counts that have expired."""

from django.core.management.base import BaseCommand

from assessments.infra import throttle


class Command(BaseCommand):
    help = "Delete expired throttle counts (the worker does this every hour)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"deleted: {throttle.forget_expired()['deleted']}")
