"""Notifications: who is told what, e-mail after commit in the recipient's language, the
outbox's retries, the digest and the due-date reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail as django_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments.domain import editing, events, followup, notifications
from assessments.domain.constants import Delivery, EventKind, MeasureStatus, Role
from assessments.domain.models import (
    Measure,
    Notification,
    NotificationPreference,
    OutgoingMail,
    Profile,
    Reminder,
)
from assessments.domain.states import Status
from assessments.infra import mail
from assessments.infra.models import MailStatus
from assessments.interfaces.web.views.notifications import PAGE_SIZE
from tests import factories


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


FAILING = "tests.test_notifications.FailingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def _mention(assessment, recipients, actor=None, **details):
    return events.emit(
        EventKind.MENTION,
        assessment=assessment,
        recipients=recipients,
        actor=actor,
        path=f"/a/{assessment.slug}/chapter/3/",
        **details,
    )


# --- The listener ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_recipient_gets_a_notification_as_chosen_and_the_actor_none(team):
    assessment, editor, owner = team
    quiet = factories.member(assessment.organisation, Role.REVIEWER)
    digest = factories.member(assessment.organisation, Role.REVIEWER)
    NotificationPreference.objects.create(user=quiet, kind=EventKind.MENTION, delivery="off")
    NotificationPreference.objects.create(user=digest, kind=EventKind.MENTION, delivery="digest")
    _mention(assessment, [editor, owner, quiet, digest], actor=editor, excerpt="Kijk hier @x")
    rows = {n.recipient: n for n in Notification.objects.all()}
    assert set(rows) == {owner, digest}  # not the actor, not who turned it off
    assert rows[owner].delivery == Delivery.IMMEDIATELY and rows[owner].emailed_at is not None
    assert rows[digest].delivery == Delivery.DIGEST and rows[digest].emailed_at is None
    assert rows[owner].actor_name == "Eva de Vries"
    assert rows[owner].details == {"excerpt": "Kijk hier @x"}
    assert OutgoingMail.objects.filter(to=owner.email).count() == 1
    assert not OutgoingMail.objects.filter(to=digest.email).exists()


@pytest.mark.django_db
def test_defaults_are_immediate_for_requests_and_digest_for_verdicts_and_due_dates():
    user = factories.user()
    chosen = notifications.preferences(user)
    assert chosen[EventKind.REVIEW_REQUESTED] == Delivery.IMMEDIATELY
    assert chosen[EventKind.MENTION] == Delivery.IMMEDIATELY
    assert chosen[EventKind.RESPONSE_RECEIVED] == Delivery.IMMEDIATELY
    assert chosen[EventKind.CHANGES_REQUESTED] == Delivery.IMMEDIATELY
    assert chosen[EventKind.VERDICT_GIVEN] == Delivery.DIGEST
    assert chosen[EventKind.MEASURE_DUE] == Delivery.DIGEST
    assert chosen[EventKind.REASSESSMENT_DUE] == Delivery.DIGEST


@pytest.mark.django_db(transaction=True)
def test_mail_goes_after_commit_in_the_recipients_language_never_to_the_actor(team, mailoutbox):
    assessment, editor, owner = team
    english = factories.member(assessment.organisation, Role.REVIEWER)
    Profile.objects.create(user=english, language="en")
    with transaction.atomic():
        _mention(assessment, [editor, owner, english], actor=editor)
        assert mailoutbox == []  # nothing leaves before the commit
        assert OutgoingMail.objects.count() == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {owner.email, english.email}  # never the actor
    dutch, eng = by_address[owner.email], by_address[english.email]
    assert "Eva de Vries heeft u genoemd in een opmerking bij" in dutch.body
    assert "Eva de Vries mentioned you in a comment on" in eng.body
    assert eng.subject == f"[KIA] Mentioned in a comment: {assessment.title}"
    notification = Notification.objects.get(recipient=english)
    assert f"/notifications/{notification.pk}/" in eng.body  # opens it, marks it read
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_tells_no_one(team, mailoutbox):
    assessment, editor, owner = team
    with pytest.raises(RuntimeError), transaction.atomic():
        _mention(assessment, [owner], actor=editor)
        raise RuntimeError
    assert mailoutbox == []
    assert not Notification.objects.exists() and not OutgoingMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_keeps_the_action_and_retries_the_mail(
    team, settings, mailoutbox
):
    assessment, editor, owner = team
    settings.EMAIL_BACKEND = FAILING
    with transaction.atomic():  # the user's action: a save, and the event it causes
        assessment.title = "Nieuwe titel"
        editing.save(
            assessment,
            actor=editing.Actor(editor),
            expected=assessment.lock_version,
            assessment=assessment,
        )
        _mention(assessment, [owner], actor=editor)
    assessment.refresh_from_db()
    assert assessment.title == "Nieuwe titel"  # the action stands
    assert Notification.objects.filter(recipient=owner).exists()
    queued = OutgoingMail.objects.get()
    assert queued.status == MailStatus.QUEUED and queued.attempts == 1
    assert "Connection refused" in queued.last_error
    assert queued.next_attempt_at > timezone.now()  # waits before the next try
    call_command("send_mail_outbox")  # not due yet: nothing is tried
    queued.refresh_from_db()
    assert queued.attempts == 1

    settings.EMAIL_BACKEND = LOCMEM  # the server is back, the pause is over
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("send_mail_outbox")
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT and queued.attempts == 2
    assert [m.to for m in django_mail.outbox] == [[owner.email]]


@pytest.mark.django_db
def test_after_the_last_attempt_a_mail_has_failed_and_owners_can_queue_it_again(team, settings):
    assessment, editor, owner = team
    settings.EMAIL_BACKEND = FAILING
    row = OutgoingMail.objects.create(
        organisation=assessment.organisation, to="x@example.org", subject="S", body="B"
    )
    for _attempt in range(mail.MAX_ATTEMPTS):
        OutgoingMail.objects.filter(pk=row.pk).update(next_attempt_at=None)
        mail.send_now(row.pk)
    row.refresh_from_db()
    assert row.status == MailStatus.FAILED and row.attempts == mail.MAX_ATTEMPTS
    page = factories.logged_in(owner).get(
        reverse("assessments:members", args=[assessment.organisation.slug])
    )
    assert "1 not sent" in page.content.decode()
    outbox_url = reverse("assessments:outbox", args=[assessment.organisation.slug])
    page = factories.logged_in(owner).get(outbox_url)
    assert "x@example.org" in page.content.decode() and "Connection refused" in (
        page.content.decode()
    )
    assert factories.logged_in(editor).get(outbox_url).status_code == 403
    response = factories.logged_in(owner).post(outbox_url, {"pk": row.pk})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == MailStatus.QUEUED and row.attempts == 0


@pytest.mark.django_db
def test_a_claimed_mail_is_not_sent_twice(settings):
    settings.EMAIL_BACKEND = LOCMEM
    row = OutgoingMail.objects.create(to="x@example.org", subject="S", body="B")
    assert mail.send_now(row.pk) == MailStatus.SENT
    assert mail.send_now(row.pk) == "skipped"
    assert len(django_mail.outbox) == 1


# --- The digest -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_daily_digest_is_one_mail_per_person_and_never_twice(team, mailoutbox):
    assessment, editor, owner = team
    for kind in (EventKind.VERDICT_GIVEN, EventKind.VERDICT_GIVEN, EventKind.REASSESSMENT_DUE):
        events.emit(kind, assessment=assessment, recipients=[owner], actor=editor)
    read = Notification.objects.filter(kind=EventKind.REASSESSMENT_DUE).get()
    read.read_at = timezone.now()
    read.save()
    assert mailoutbox == []  # digest kinds wait for the digest
    call_command("send_digests")
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert body.count("heeft een oordeel gegeven over") == 2
    assert "herbeoordeling" not in body  # already read in the app
    call_command("send_digests")
    assert len(mailoutbox) == 1
    assert not Notification.objects.filter(digested_at__isnull=True).exists()


# --- Due dates ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_measures_due_or_overdue_are_reminded_once_per_state(team):
    assessment, editor, owner = team
    risk = factories.risk(assessment)
    today = datetime.date(2026, 3, 1)
    due = Measure.objects.create(
        risk=risk, title="Leeftijdscheck", owner_user=editor, due_date=today.replace(day=10)
    )
    Measure.objects.create(risk=risk, title="Later", due_date=today.replace(month=5))
    Measure.objects.create(
        risk=risk, title="Al klaar", status=MeasureStatus.IN_PLACE, due_date=today
    )
    Measure.objects.create(
        risk=risk,
        title="Vervallen",
        status=MeasureStatus.DROPPED,
        status_reason="Niet meer nodig",
        due_date=today,
    )
    assert followup.check_due_dates(today).measures == 1
    told = Notification.objects.filter(kind=EventKind.MEASURE_DUE)
    assert {n.recipient for n in told} == {editor, owner}  # the owner of the measure too
    assert told.first().details == {
        "measure": "Leeftijdscheck",
        "due_date": "2026-03-10",
        "state": "due",
    }
    assert followup.check_due_dates(today).measures == 0  # idempotent
    assert told.count() == 2
    later = today.replace(day=11)
    assert followup.check_due_dates(later).measures == 1  # now overdue: a new state
    assert told.filter(details__state="overdue").count() == 2
    due.status = MeasureStatus.IN_PROGRESS
    due.save()
    assert followup.check_due_dates(later).measures == 0
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_a_measure_owner_who_left_the_organisation_is_not_told(team):
    assessment, _editor, owner = team
    outsider = factories.user()
    risk = factories.risk(assessment)
    Measure.objects.create(risk=risk, title="M", owner_user=outsider, due_date=timezone.localdate())
    call_command("check_due_dates")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {owner.pk}


@pytest.mark.django_db
def test_reassessment_date_reached_tells_the_owners_once(team):
    assessment, _editor, owner = team
    assessment.status = Status.FINAL
    assessment.next_reassessment_on = datetime.date(2026, 1, 1)
    assessment.save()
    draft = factories.assessment(
        assessment.organisation, next_reassessment_on=datetime.date(2026, 1, 1)
    )
    assert followup.check_due_dates(datetime.date(2025, 12, 31)).reassessments == 0
    assert followup.check_due_dates(datetime.date(2026, 1, 2)).reassessments == 1
    assert followup.check_due_dates(datetime.date(2026, 1, 3)).reassessments == 0
    notification = Notification.objects.get(kind=EventKind.REASSESSMENT_DUE)
    assert notification.recipient == owner and notification.assessment == assessment
    assert not Notification.objects.filter(assessment=draft).exists()


# --- The pages ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_the_list_the_bell_and_marking_read(team):
    assessment, editor, owner = team
    _mention(assessment, [owner], actor=editor, excerpt="Zie de bron")
    _mention(assessment, [owner], actor=editor)
    _mention(assessment, [editor], actor=owner)  # someone else's
    client = factories.logged_in(owner)
    page = client.get(reverse("assessments:notifications")).content.decode()
    assert page.count('">Eva de Vries mentioned you in a comment on') == 2
    assert "Zie de bron" in page
    assert '2<span class="visually-hidden"> unread' in page  # the bell
    first, _second = Notification.objects.filter(recipient=owner).order_by("pk")
    response = client.get(reverse("assessments:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == first.path
    first.refresh_from_db()
    assert first.read_at is not None
    other = Notification.objects.get(recipient=editor)
    assert client.get(reverse("assessments:notification_open", args=[other.pk])).status_code == 404
    client.post(reverse("assessments:notifications_read"), {"pk": other.pk})
    other.refresh_from_db()
    assert other.read_at is None  # not theirs to mark
    client.post(reverse("assessments:notifications_read"))
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    page = client.get(reverse("assessments:notifications")).content.decode()
    assert 'visually-hidden"> unread' not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_the_list_pages_through_every_notification_newest_first(team):
    assessment, _editor, owner = team
    Notification.objects.bulk_create(
        Notification(
            recipient=owner,
            kind=EventKind.MENTION,
            assessment=assessment,
            actor_name="Eva de Vries",
            path=f"/a/{assessment.slug}/chapter/3/",
            details={"excerpt": f"bericht-{n:03d}"},
            delivery=Delivery.DIGEST,
            read_at=timezone.now() if n % 2 else None,
        )
        for n in range(PAGE_SIZE + 11)
    )
    client = factories.logged_in(owner)
    url = reverse("assessments:notifications")
    first = client.get(url).content.decode()
    size = PAGE_SIZE
    shown = [f"bericht-{n:03d}" for n in range(size + 11) if f"bericht-{n:03d}" in first]
    assert len(shown) == size and "bericht-000" not in first  # the newest page first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert [f"bericht-{n:03d}" for n in range(11) if f"bericht-{n:03d}" in second] == [
        f"bericht-{n:03d}" for n in range(11)
    ]
    assert "Page 2 of 2" in second and 'href="?page=1"' in second
    # A page out of range or not a number shows a page rather than an error.
    assert client.get(url, {"page": 99}).status_code == 200
    assert "Page 1 of 2" in client.get(url, {"page": "x"}).content.decode()
    # The filter is kept: the unread ones fit on one page, so there are no page links.
    unread = client.get(url, {"show": "unread"}).content.decode()
    assert "Page 1 of" not in unread and unread.count("bericht-") == (size + 11 + 1) // 2


@pytest.mark.django_db
def test_notifications_of_an_organisation_one_left_are_not_shown(team):
    assessment, editor, owner = team
    _mention(assessment, [editor], actor=owner)
    assessment.organisation.memberships.filter(user=editor).delete()
    page = factories.logged_in(editor).get(reverse("assessments:notifications"))
    assert assessment.title not in page.content.decode()


@pytest.mark.django_db
def test_preferences_are_saved_per_kind_with_the_language(team):
    _assessment, editor, _owner = team
    client = factories.logged_in(editor)
    url = reverse("assessments:notification_preferences")
    assert client.get(url).status_code == 200
    data = {kind: "immediately" for kind in EventKind.values}
    data |= {"mention": "off", "verdict_given": "digest", "language": "en"}
    assert client.post(url, data).status_code == 302
    chosen = notifications.preferences(editor)
    assert chosen[EventKind.MENTION] == Delivery.OFF
    assert chosen[EventKind.MEASURE_DUE] == Delivery.IMMEDIATELY
    assert notifications.language_of(editor) == "en"
    response = client.post(url, {**data, "mention": "loudly"})
    assert response.status_code == 400
    assert notifications.preferences(editor)[EventKind.MENTION] == Delivery.OFF


@pytest.mark.django_db
def test_switching_the_language_keeps_it_for_e_mail(team):
    _assessment, editor, _owner = team
    client = factories.logged_in(editor)
    assert notifications.language_of(editor) == "nl"  # Dutch unless chosen
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert notifications.language_of(editor) == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert notifications.language_of(editor) == "en"


@pytest.mark.django_db(transaction=True)
def test_an_invitation_is_made_while_the_mail_server_is_down(team, settings):
    from assessments.domain.models import Invitation

    assessment, _editor, owner = team
    settings.EMAIL_BACKEND = FAILING
    response = factories.logged_in(owner).post(
        reverse("assessments:members", args=[assessment.organisation.slug]),
        {"email": "nieuw@example.org", "role": "viewer"},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="nieuw@example.org").exists()
    waiting = OutgoingMail.objects.get(to="nieuw@example.org")
    assert waiting.status == MailStatus.QUEUED and waiting.attempts == 1
    assert waiting.organisation == assessment.organisation


@pytest.mark.django_db
def test_logging_in_on_a_new_browser_brings_back_the_chosen_language(team):
    from django.test import Client

    _assessment, editor, owner = team
    notifications.remember_language(editor, "en")
    for user, expected in ((editor, "en"), (owner, None)):
        response = Client().post(
            reverse("login"), {"username": user.username, "password": "pw-for-tests-123"}
        )
        assert response.status_code == 302
        cookie = response.cookies.get("django_language")
        assert (cookie.value if cookie else None) == expected
    chosen = Client()
    chosen.cookies["django_language"] = "nl"  # this browser chose: it stays
    response = chosen.post(
        reverse("login"), {"username": editor.username, "password": "pw-for-tests-123"}
    )
    assert "django_language" not in response.cookies


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", EventKind.values)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_kind_arrives_by_e_mail_in_the_recipients_language(team, mailoutbox, kind, language):
    assessment, editor, owner = team
    Profile.objects.create(user=owner, language=language)
    NotificationPreference.objects.create(user=owner, kind=kind, delivery="immediately")
    details = {"measure": "Meldknop", "due_date": datetime.date(2026, 3, 10), "state": "due"}
    with transaction.atomic():
        events.emit(
            EventKind(kind),
            assessment=assessment,
            recipients=[owner, editor],
            actor=editor,
            path="/a/x/",
            reason="Graag de bronnen aanvullen.",
            **details,
        )
        assert mailoutbox == []
    assert len(mailoutbox) == 1  # the actor is never told
    sent = mailoutbox[0]
    assert sent.to == [owner.email] and assessment.title in sent.body
    assert "%(" not in sent.body + sent.subject
    assert "> Graag de bronnen aanvullen." in sent.body
    footer = "U ontvangt deze e-mail" if language == "nl" else "You receive this e-mail"
    assert footer in sent.body
    if kind == EventKind.MEASURE_DUE:
        assert ("10 maart 2026" if language == "nl" else "10 March 2026") in sent.body


@pytest.mark.django_db
def test_the_notifications_page_costs_the_same_queries_however_many(team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assessment, editor, owner = team
    client = factories.logged_in(owner)
    counts = []
    for _round in range(2):
        for _n in range(20):
            _mention(assessment, [owner], actor=editor)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("assessments:notifications")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_a_notification_never_leads_off_the_site(team):
    assessment, _editor, owner = team
    events.emit(
        EventKind.MENTION, assessment=assessment, recipients=[owner], path="//evil.example/"
    )
    found = Notification.objects.get()
    response = factories.logged_in(owner).get(
        reverse("assessments:notification_open", args=[found.pk])
    )
    assert response["Location"] == reverse("assessments:notifications")
