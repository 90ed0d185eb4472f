"""Outgoing e-mail: queued after the current transaction commits, sent by the task queue.

Every e-mail the app sends (notifications, invitations to reply, reminders) goes through
``queue``. A user's action never waits for, or fails because of, the mail server.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def deliver(to: list[str], subject: str, body: str) -> int:
    """Send one e-mail now (runs in the worker)."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def queue(*, to: Sequence[str], subject: str, body: str) -> None:
    """Send an e-mail once the current transaction has committed (at once outside one)."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    transaction.on_commit(lambda: deliver.enqueue(recipients, str(subject), str(body)))
