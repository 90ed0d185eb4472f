"""Telling people: the listener of ``events.happened``.

For every recipient of an event it writes a ``Notification`` (the in-app list, and the bell
in the header) inside the caller's transaction, as the person chose for that kind of event
(``Delivery``): *immediately* also queues an e-mail through the outbox (``mail.queue``,
sent after commit), *digest* leaves it for the daily digest (``send_digests``), *off*
writes nothing. E-mails are written in the recipient's language (``Profile.language``, kept
whenever they switch the language of the app).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.domain.constants import Delivery, EventKind, Language
from assessments.domain.events import Event
from assessments.domain.models import Notification, NotificationPreference, Profile
from assessments.domain.models.risks import member_name
from assessments.infra import mail

DEFAULTS: Mapping[str, Delivery] = {
    EventKind.REVIEW_REQUESTED: Delivery.IMMEDIATELY,
    EventKind.VERDICT_GIVEN: Delivery.DIGEST,
    EventKind.CHANGES_REQUESTED: Delivery.IMMEDIATELY,
    EventKind.MENTION: Delivery.IMMEDIATELY,
    EventKind.RESPONSE_RECEIVED: Delivery.IMMEDIATELY,
    EventKind.MEASURE_DUE: Delivery.DIGEST,
    EventKind.REASSESSMENT_DUE: Delivery.DIGEST,
}


# --- The person's choices ------------------------------------------------------------------


def preferences(user) -> dict[str, Delivery]:
    """How ``user`` wants to hear about each kind of event (their choice, else the default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind.value: Delivery(chosen.get(kind.value, DEFAULTS[kind.value])) for kind in EventKind
    }


def set_preferences(user, choices: Mapping[str, str]) -> None:
    with transaction.atomic():
        for kind, delivery in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=EventKind(kind), defaults={"delivery": Delivery(delivery)}
            )


def language_of(user) -> str:
    found = Profile.objects.filter(user=user).values_list("language", flat=True).first()
    return found or settings.LANGUAGE_CODE


def remember_language(user, code: str) -> None:
    """Keep the language ``user`` chose in the app for their e-mail."""
    if code in Language.values:
        Profile.objects.update_or_create(user=user, defaults={"language": code})


# --- The listener --------------------------------------------------------------------------


def on_event(sender: object, event: Event, **kwargs: object) -> None:
    """Receiver of ``events.happened``; runs inside the caller's transaction."""
    if not event.recipients:
        return
    actor = member_name(event.actor) if event.actor is not None else ""
    chosen: dict[int, str] = {}
    for user_id, delivery in NotificationPreference.objects.filter(
        user__in=[u.pk for u in event.recipients], kind=event.kind
    ).values_list("user_id", "delivery"):
        chosen[user_id] = delivery
    for user in event.recipients:
        user = cast(Any, user)  # the project's user model: has an e-mail address
        delivery = Delivery(chosen.get(user.pk, DEFAULTS[event.kind]))
        if delivery == Delivery.OFF:
            continue
        notification = Notification.objects.create(
            recipient=user,
            kind=event.kind,
            assessment=event.assessment,
            actor_name=actor[:150],
            path=event.path[:500],
            details=_plain(event.details),
            delivery=delivery,
        )
        if delivery == Delivery.IMMEDIATELY and user.email:
            with translation.override(language_of(user)):
                subject, body = _subject(notification), _body([notification])
            mail.queue(
                to=[user.email],
                subject=subject,
                body=body,
                organisation=event.assessment.organisation,
            )
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])


def _plain(details: Mapping[str, Any]) -> dict[str, Any]:
    """The details as JSON values (dates as ISO text, anything else unknown as text)."""
    plain: dict[str, Any] = {}
    for key, value in details.items():
        if isinstance(value, datetime.date):
            plain[key] = value.isoformat()
        elif value is None or isinstance(value, str | int | float | bool):
            plain[key] = value
        else:
            plain[key] = str(value)
    return plain


# --- What a notification says (in the active language) --------------------------------------


def describe(notification: Notification) -> str:
    """One sentence: who did what to which assessment."""
    details = notification.details or {}
    values = {
        "actor": notification.actor_name or _("Someone"),
        "assessment": notification.assessment.title,
        "measure": details.get("measure", ""),
        "due": _date(details.get("due_date")),
    }
    kind = notification.kind
    if kind == EventKind.REVIEW_REQUESTED:
        text = _("%(actor)s asks you to review “%(assessment)s”.")
    elif kind == EventKind.VERDICT_GIVEN:
        text = _("%(actor)s gave a verdict on “%(assessment)s”.")
    elif kind == EventKind.CHANGES_REQUESTED:
        text = _("%(actor)s requested changes to “%(assessment)s”.")
    elif kind == EventKind.MENTION:
        text = _("%(actor)s mentioned you in a comment on “%(assessment)s”.")
    elif kind == EventKind.RESPONSE_RECEIVED:
        text = _("The assessed service sent its response to “%(assessment)s”.")
    elif kind == EventKind.MEASURE_DUE and details.get("state") == "overdue":
        text = _("Measure “%(measure)s” of “%(assessment)s” is overdue: it was due on %(due)s.")
    elif kind == EventKind.MEASURE_DUE:
        text = _("Measure “%(measure)s” of “%(assessment)s” is due on %(due)s.")
    elif kind == EventKind.REASSESSMENT_DUE:
        text = _("“%(assessment)s” is due for re-assessment (planned for %(due)s).")
    else:
        text = _("Something happened to “%(assessment)s”.")
    return text % values


# Details that are quoted under the sentence, when the event carries them.
QUOTED = ("excerpt", "reason", "text", "verdict")


def quote(notification: Notification) -> str:
    details = notification.details or {}
    for key in QUOTED:
        value = details.get(key)
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            return text if len(text) <= 300 else text[:299] + "…"
    return ""


def _date(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return value


def link(notification: Notification) -> str:
    """The absolute link for an e-mail: through the notification, so following it marks it
    read, to where it happened."""
    path = reverse("assessments:notification_open", args=[notification.pk])
    return settings.KIA_SITE_URL.rstrip("/") + path


def _subject(notification: Notification) -> str:
    label = EventKind(notification.kind).label
    return f"[KIA] {str(label)[:1].upper()}{str(label)[1:]}: {notification.assessment.title}"


def _body(notifications: list[Notification]) -> str:
    parts = []
    for notification in notifications:
        lines = [describe(notification)]
        if quoted := quote(notification):
            lines.append(f"> {quoted}")
        lines.append(link(notification))
        parts.append("\n".join(lines))
    footer = _("You receive this e-mail because of your notification settings: %(url)s") % {
        "url": settings.KIA_SITE_URL.rstrip("/") + "/notifications/preferences/"
    }
    return "\n\n".join(parts) + "\n\n-- \n" + footer


# --- The daily digest ----------------------------------------------------------------------


def send_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail per person with their digest notifications not sent in a digest yet;
    returns the number of e-mails queued. Running it again sends nothing twice: the
    notifications are marked in the same transaction that writes the e-mail. Notifications
    read in the app before the digest are left out of it (and marked)."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update()
            .filter(delivery=Delivery.DIGEST, digested_at__isnull=True)
            .select_related("recipient", "assessment__organisation")
            .order_by("recipient_id", "created_at", "pk")
        )
        by_person: dict[int, list[Notification]] = defaultdict(list)
        for notification in pending:
            by_person[notification.recipient_id].append(notification)
        for items in by_person.values():
            unread = [n for n in items if n.read_at is None]
            recipient = items[0].recipient
            if unread and recipient.email:
                with translation.override(language_of(recipient)):
                    subject = ngettext(
                        "[KIA] Your daily summary: %(count)s notification",
                        "[KIA] Your daily summary: %(count)s notifications",
                        len(unread),
                    ) % {"count": len(unread)}
                    body = _body(unread)
                organisations = {n.assessment.organisation for n in unread}
                mail.queue(
                    to=[recipient.email],
                    subject=subject,
                    body=body,
                    organisation=organisations.pop() if len(organisations) == 1 else None,
                )
                sent += 1
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(digested_at=now)
    return sent


def restore_language(request, response, user) -> None:
    """On log-in in a browser without a language choice, use the one the person made
    before (elsewhere): the app and their e-mail then speak the same language."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    chosen = Profile.objects.filter(user=user).values_list("language", flat=True).first()
    if chosen and chosen != settings.LANGUAGE_CODE:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
