"""Outgoing e-mail: an outbox row in the action's transaction, sent by the task queue after
the transaction commits, retried with a growing pause when the mail server fails.

Every e-mail the app sends (notifications, digests, invitations to reply, reminders) goes
through ``queue``. A user's action never waits for, or fails because of, the mail server:
a failed send is recorded on its ``OutgoingMail`` row (``attempts``, ``last_error``,
``next_attempt_at``) and tried again by the worker's scheduler (``retry_due``, every
minute; ``assessments.infra.scheduler``) or ``manage.py send_mail_outbox``. After
``MAX_ATTEMPTS`` the row is ``failed``: owners see it on their organisation's e-mail page
and can try it again.

Sending claims a row first with a conditional UPDATE (a short lease on
``next_attempt_at``), so the task and a sweep running at once never send it twice, and no
transaction is held open while the mail server answers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from assessments.infra.models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

# The pause after the 1st, 2nd, ... failed attempt; after the last one the mail has failed.
RETRY_PAUSES = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1
# How long a claimed mail is left to the one sending it before a sweep may try again.
LEASE = timedelta(minutes=5)


def queue(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    organisation: Any = None,  # an Organisation (its owners see failures), or None
) -> list[OutgoingMail]:
    """Write one outbox row per address; each is sent once the current transaction has
    committed (at once outside one). Nothing is sent if the transaction rolls back."""
    rows = [
        OutgoingMail.objects.create(
            organisation=organisation,
            to=address.strip(),
            subject=" ".join(str(subject).split())[:300],
            body=str(body),
        )
        for address in dict.fromkeys(to)
        if address and address.strip()
    ]
    for row in rows:
        transaction.on_commit(partial(_enqueue, row.pk), robust=True)
    return rows


def _enqueue(mail_id: int) -> None:
    try:
        send_outgoing.enqueue(mail_id)
    except Exception:  # the queue is down: the sweep sends it later
        logger.warning("Could not queue e-mail %s; the outbox sweep will send it", mail_id)


@task()
def send_outgoing(mail_id: int) -> str:
    """Send one queued e-mail now (runs in the worker). Never raises: failures are kept."""
    return send_now(mail_id)


def _claim(mail_id: int, now) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        OutgoingMail.objects.filter(due, pk=mail_id, status=MailStatus.QUEUED).update(
            next_attempt_at=now + LEASE
        )
    )


def send_now(mail_id: int) -> str:
    """Try to send the mail if it is queued and due; returns its status afterwards
    (or "skipped" when it was not due or someone else is sending it)."""
    now = timezone.now()
    if not _claim(mail_id, now):
        return "skipped"
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to]).send()
    except Exception as error:
        return _failed(mail, error)
    mail.status = MailStatus.SENT
    mail.attempts += 1
    mail.sent_at = timezone.now()
    mail.next_attempt_at = None
    mail.save(update_fields=["status", "attempts", "sent_at", "next_attempt_at"])
    return mail.status


def _failed(mail: OutgoingMail, error: Exception) -> str:
    mail.attempts += 1
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    mail.last_error = f"{type(error).__name__}: {text}"[:1000]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = MailStatus.FAILED
        mail.next_attempt_at = None
    else:
        mail.next_attempt_at = timezone.now() + RETRY_PAUSES[mail.attempts - 1]
    mail.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    logger.warning(
        "E-mail %s to %s not sent (attempt %s): %s",
        mail.pk,
        mail.to,
        mail.attempts,
        mail.last_error,
    )
    return mail.status


def retry_due(limit: int = 100) -> dict[str, int]:
    """Send the queued mails that are due (new ones whose task did not run, and failed
    attempts whose pause is over). Returns how many ended in each status."""
    now = timezone.now()
    ids = list(
        OutgoingMail.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            status=MailStatus.QUEUED,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for mail_id in ids:
        result = send_now(mail_id)
        counts[result] = counts.get(result, 0) + 1
    return counts


def try_again(mail: OutgoingMail) -> None:
    """Put a failed mail back in the queue with fresh attempts (an owner asked for it)."""
    OutgoingMail.objects.filter(pk=mail.pk, status=MailStatus.FAILED).update(
        status=MailStatus.QUEUED, attempts=0, next_attempt_at=None
    )
    transaction.on_commit(partial(_enqueue, mail.pk), robust=True)
