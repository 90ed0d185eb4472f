"""The event contract between modules that act and modules that tell people."""

import pytest

from assessments.domain import events
from tests import factories


@pytest.mark.django_db
def test_emit_tells_receivers_each_recipient_once_and_never_the_actor() -> None:
    assessment = factories.assessment()
    seen: list[events.Event] = []

    def receiver(sender: object, event: events.Event, **kwargs: object) -> None:
        seen.append(event)

    actor = factories.user(username="actor")
    other = factories.user(username="other")
    events.happened.connect(receiver)
    try:
        events.emit(
            events.EventKind.MENTION,
            assessment=assessment,
            recipients=[actor, other, other],
            actor=actor,
            path="/a/x/",
            excerpt="hello",
        )
    finally:
        events.happened.disconnect(receiver)
    assert len(seen) == 1
    assert [u.pk for u in seen[0].recipients] == [other.pk]
    assert seen[0].details == {"excerpt": "hello"}
    assert seen[0].path == "/a/x/"


@pytest.mark.django_db(transaction=True)
def test_mail_is_sent_only_after_the_transaction_commits(mailoutbox) -> None:
    from django.db import transaction

    from assessments.infra import mail

    with transaction.atomic():
        mail.queue(to=["a@example.org", ""], subject="Onderwerp", body="Tekst")
        assert mailoutbox == []
    assert [m.to for m in mailoutbox] == [["a@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_mail_of_a_rolled_back_action_is_never_sent(mailoutbox) -> None:
    from django.db import transaction

    from assessments.infra import mail

    with pytest.raises(RuntimeError), transaction.atomic():
        mail.queue(to=["a@example.org"], subject="Onderwerp", body="Tekst")
        raise RuntimeError
    assert mailoutbox == []
