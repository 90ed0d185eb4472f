"""What happened to an assessment that someone should be told about.

Modules that do things (comments, review rounds, the service's reply, follow-up of measures)
call ``emit`` inside the transaction of the action. Modules that tell people (in-app
notifications, e-mail) connect to ``happened``. Neither side imports the other.

Receivers run inside the caller's transaction, so what they write commits or rolls back with
the action; anything that leaves the database (an e-mail, a queued task) must be deferred to
``transaction.on_commit`` by the receiver.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

from assessments.domain.constants import EventKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from assessments.domain.models import Assessment


@dataclass(frozen=True)
class Event:
    """One thing that happened. ``recipients`` are users; the actor is never told about
    their own action. ``path`` is the app path (no host) the notification links to.
    ``details`` holds plain values for the message (names, titles, reasons)."""

    kind: EventKind
    assessment: Assessment
    recipients: tuple[AbstractBaseUser, ...]
    actor: AbstractBaseUser | None = None
    path: str = ""
    details: dict[str, Any] = field(default_factory=dict)


happened = Signal()


def emit(
    kind: EventKind,
    *,
    assessment: Assessment,
    recipients: Iterable[AbstractBaseUser],
    actor: AbstractBaseUser | None = None,
    path: str = "",
    **details: Any,
) -> Event:
    """Tell the receivers of ``happened`` about an event; returns the event."""
    seen: set[int] = set()
    people = []
    for user in recipients:
        if user is None or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        people.append(user)
    event = Event(kind, assessment, tuple(people), actor, path, details)
    happened.send(sender=Event, event=event)
    return event
