"""The service's right of reply: invitations, the pages a link opens, the response, the
attachments, the verbatim rule, reminders and the appendix in the report."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files import uploadhandler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.domain import editing, events, replies, restore, versions
from assessments.domain.constants import Channel, Role, VersionReason
from assessments.domain.models import (
    Answer,
    Assessment,
    Change,
    ReplyInvitation,
    ResponseAttachment,
    ServiceResponse,
)
from assessments.domain.states import Status
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

TEXT = "Wij zijn het **niet eens** met risico R1."


@pytest.fixture(autouse=True)
def fresh_throttle(db):
    # After ``db``: the cache is a database table, cleared while the test's database is open.
    cache.clear()  # the reply-link throttle counts per client address in the cache
    yield
    cache.clear()


def upload(name: str = "zienswijze.pdf", content: bytes | None = None, kind="application/pdf"):
    return SimpleUploadedFile(name, factories.pdf_bytes() if content is None else content, kind)


@dataclass
class Invited:
    assessment: Assessment
    editor: object
    owner: object
    invitation: ReplyInvitation
    token: str

    @property
    def url(self) -> str:
        return reverse("assessments:reply", args=[self.token])

    def page(self, name: str, *args) -> str:
        return reverse(f"assessments:{name}", args=[self.token, *args])


def invite(assessment, owner, *, deadline: datetime.date | None = None) -> tuple:
    links: list[str] = []
    invitation = replies.invite(
        version=versions.latest(assessment)
        or versions.record(assessment, actor=editing.Actor(owner), reason=VersionReason.MANUAL),
        contact_name="Jan Jansen",
        contact_organisation="TikTok",
        email="jan@tiktok.example",
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=14),
        note="",
        user=owner,
        link_for=lambda raw: links.append(raw) or f"http://testserver/reply/{raw}/",
    )
    return invitation, links[-1]


@pytest.fixture
def invited(team) -> Invited:
    assessment, editor, owner = team
    Answer.objects.create(assessment=assessment, question="2.1", text="Tekst van versie één.")
    invitation, token = invite(assessment, owner)
    return Invited(assessment, editor, owner, invitation, token)


def send(client: Client, invited: Invited, text: str = TEXT, files=()):
    return client.post(invited.url, {"text": text, "attachments": list(files)})


# --- The invitation -----------------------------------------------------------------------------


def test_an_owner_invites_and_the_mail_has_the_only_copy_of_the_link(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    assessment, _editor, owner = team
    versions.record(assessment, actor=editing.Actor(owner), reason=VersionReason.MANUAL)
    client = factories.logged_in(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            factories.u(assessment, "reply_invite"),
            {
                "version": 1,
                "contact_name": "Jan Jansen",
                "contact_organisation": "TikTok",
                "email": "jan@tiktok.example",
                "deadline": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
            },
        )
    assert response.status_code == 302
    invitation = ReplyInvitation.objects.get(assessment=assessment)
    assert invitation.version.number == 1 and invitation.created_by == owner
    [mail] = mailoutbox
    assert mail.to == ["jan@tiktok.example"]
    link = next(word for word in mail.body.split() if "/reply/" in word)
    raw = link.rstrip("/").rsplit("/", 1)[1]
    assert raw not in invitation.token_hash and invitation.token_hash == replies.hash_token(raw)
    assert "versie 1" in mail.body  # the assessment's language: Dutch
    assert Client().get(link.replace("http://testserver", "")).status_code == 200


def test_the_invitation_needs_a_version_and_a_deadline_that_is_not_past(team):
    assessment, _editor, owner = team
    client = factories.logged_in(owner)
    page = client.get(factories.u(assessment, "reply_invite"))
    assert "Record a version first" in page.content.decode()
    versions.record(assessment, actor=editing.Actor(owner), reason=VersionReason.MANUAL)
    response = client.post(
        factories.u(assessment, "reply_invite"),
        {
            "version": 1,
            "contact_name": "Jan",
            "contact_organisation": "TikTok",
            "email": "jan@tiktok.example",
            "deadline": "2020-01-01",
        },
    )
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    assert not ReplyInvitation.objects.exists()


def test_english_assessment_mails_in_english(team, mailoutbox, django_capture_on_commit_callbacks):
    assessment, _editor, owner = team
    Assessment.objects.filter(pk=assessment.pk).update(language="en")
    assessment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invite(assessment, owner)
    assert mailoutbox[0].subject.startswith("Invitation to respond")


# --- What a link opens ----------------------------------------------------------------------------


def test_the_link_opens_the_version_its_pdf_and_the_form(invited, renders):
    client = Client()
    page = client.get(invited.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert invited.assessment.title in body and "versie 1" in body
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    # The version as it was recorded, not the draft as it is now.
    answer = Answer.objects.get(assessment=invited.assessment, question="2.1")
    answer.text = "Later veranderd."
    answer.save()
    html = client.get(invited.page("reply_version")).content.decode()
    assert "Tekst van versie één." in html and "Later veranderd." not in html
    pdf = client.get(invited.page("reply_pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    factories.close(pdf)
    assert renders == [invited.assessment.slug]


def test_a_pdf_still_being_made_shows_a_waiting_page(invited, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    response = Client().get(invited.page("reply_pdf"))
    assert response.status_code == 503 and response["Retry-After"] == "15"
    assert "wordt gemaakt" in response.content.decode()


def _closed_page(response) -> str:
    assert response.status_code == 404
    return response.content.decode().split('<main id="main"', 1)[1]


@pytest.mark.parametrize("state", ["unknown", "expired", "revoked", "used"])
@pytest.mark.parametrize("page", ["reply", "reply_version", "reply_pdf", "reply_received"])
def test_a_link_that_does_not_open_gets_one_page_that_names_nothing(invited, state, page):
    token = invited.token
    if state == "unknown":
        token = replies.new_token()
    elif state == "expired":
        ReplyInvitation.objects.filter(pk=invited.invitation.pk).update(
            deadline=timezone.localdate() - datetime.timedelta(days=1)
        )
    elif state == "revoked":
        assert replies.revoke(invited.invitation)
    else:
        assert send(Client(), invited).status_code == 302
    response = Client().get(reverse(f"assessments:{page}", args=[token]))
    main = _closed_page(response)
    unknown = _closed_page(Client().get(reverse("assessments:reply", args=["x" * 43])))
    assert main == unknown
    assert invited.assessment.title not in response.content.decode()
    assert "TikTok" not in response.content.decode()


def test_the_link_works_until_the_end_of_the_deadline_day(invited):
    ReplyInvitation.objects.filter(pk=invited.invitation.pk).update(deadline=timezone.localdate())
    assert Client().get(invited.url).status_code == 200
    invited.invitation.refresh_from_db()
    end = invited.invitation.closes_at
    assert invited.invitation.status_at(end - datetime.timedelta(seconds=1)) == "open"
    assert invited.invitation.status_at(end) == "expired"


def test_a_link_opens_nothing_else(invited):
    """The token is no key to the team app: members' pages, other assessments and other
    versions stay closed to the browser that holds it."""
    client = Client()
    assert client.get(invited.url).status_code == 200
    other = factories.assessment()
    versions.record(invited.assessment, actor=editing.Actor(invited.owner), reason="manual")
    for target in [
        factories.u(invited.assessment, "detail"),
        factories.u(invited.assessment, "appendix"),
        factories.u(invited.assessment, "version_detail", 1),
        factories.u(invited.assessment, "version_html", 2),
        factories.u(invited.assessment, "version_pdf", 1),
        factories.u(invited.assessment, "report_pdf"),
        factories.u(invited.assessment, "export_json"),
        factories.u(other, "detail"),
        reverse("assessments:members", args=[invited.assessment.organisation.slug]),
        reverse("assessments:import"),
    ]:
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    landing = client.get(reverse("assessments:home")).content.decode()
    assert invited.assessment.title not in landing  # the public landing page, as for anyone
    # The reply pages take no other version, assessment or file.
    assert client.get(invited.url + "2/").status_code == 404
    assert client.get(invited.page("reply_attachment", "0" * 32)).status_code == 404


# --- The response ---------------------------------------------------------------------------------


def test_a_response_lands_in_the_appendix_verbatim_with_its_attachment(invited):
    seen: list[events.Event] = []

    def receiver(sender, event, **kwargs):
        seen.append(event)

    viewer = factories.member(invited.assessment.organisation, Role.VIEWER)
    client = Client()
    events.happened.connect(receiver)
    try:
        response = send(client, invited, files=[upload("Brief aan KIA.pdf")])
    finally:
        events.happened.disconnect(receiver)
    assert response.status_code == 302
    row = ServiceResponse.objects.get(assessment=invited.assessment)
    assert row.text == TEXT and row.author == "TikTok" and row.submitted_by_service
    assert row.version_number == 1 and row.invitation == invited.invitation
    assert row.received_on == timezone.localdate()
    invited.invitation.refresh_from_db()
    assert invited.invitation.status == "answered"
    change = Change.objects.get(entity="serviceresponse", field="text")
    assert change.via == Channel.REPLY and change.user is None
    assert change.user_name == "Jan Jansen (TikTok)"
    [event] = seen
    assert event.kind == events.EventKind.RESPONSE_RECEIVED
    assert {u.pk for u in event.recipients} == {invited.owner.pk}  # owners and the inviter
    assert event.path.startswith(factories.u(invited.assessment, "appendix"))
    [attachment] = ResponseAttachment.objects.filter(response=row)
    assert attachment.name == "Brief aan KIA.pdf"
    assert attachment.file.name.startswith(f"private/replies/{invited.assessment.pk}/")
    assert "Brief" not in attachment.file.name
    # The browser that sent it sees its receipt and its own file; nobody else.
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200 and "niet eens" in receipt.content.decode()
    own = client.get(invited.page("reply_attachment", attachment.key))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert own["Content-Disposition"].startswith("attachment")
    factories.close(own)
    assert Client().get(invited.page("reply_attachment", attachment.key)).status_code == 404
    assert Client().get(response["Location"]).status_code == 404
    # Members download it as a file.
    member = factories.logged_in(viewer)
    download = member.get(factories.u(invited.assessment, "response_attachment", attachment.key))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    factories.close(download)


def test_the_inviter_is_told_when_still_a_member(invited):
    seen: list[events.Event] = []
    inviter = factories.member(invited.assessment.organisation, Role.EDITOR)
    ReplyInvitation.objects.filter(pk=invited.invitation.pk).update(created_by=inviter)

    def receiver(sender, event, **kwargs):
        seen.append(event)

    events.happened.connect(receiver)
    try:
        send(Client(), invited)
    finally:
        events.happened.disconnect(receiver)  # only ours: notifications stay connected
    assert {u.pk for u in seen[0].recipients} == {invited.owner.pk, inviter.pk}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("brief.pdf", b"PK\x03\x04 not a pdf at all")], "is not a PDF file"),
        ([upload("brief.pdf", b"<html>%PDF-1.7</html>", "application/pdf")], "is not a PDF"),
        ([upload("geheim.pdf", factories.pdf_bytes(password="geheim"))], "password"),
        ([upload("kapot.pdf", b"%PDF-1.7\n garbage garbage")], "could not be read"),
        ([upload("leeg.pdf", b"")], "empty"),
        ([upload(f"b{i}.pdf") for i in range(6)], "At most 5 files"),
    ],
    ids=["zip-named-pdf", "html", "encrypted", "damaged", "empty", "too-many"],
)
def test_bad_attachments_are_refused_at_the_field_and_nothing_is_saved(
    invited, files, message, english
):
    client = Client()
    client.cookies["django_language"] = "en"
    response = send(client, invited, files=files)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="error_1_id_attachments"' in body or "id_attachments" in body
    assert not ServiceResponse.objects.exists() and not ResponseAttachment.objects.exists()
    invited.invitation.refresh_from_db()
    assert invited.invitation.is_open
    assert TEXT in body  # the text stays in the form


def test_a_too_large_attachment_is_refused(invited, settings):
    settings.KIA_REPLY_MAX_FILE_BYTES = 200
    client = Client()
    client.cookies["django_language"] = "en"
    response = send(client, invited, files=[upload("groot.pdf", factories.pdf_bytes(pages=3))])
    assert response.status_code == 400
    assert "is too large" in response.content.decode()
    assert not ServiceResponse.objects.exists()


def test_an_empty_text_is_refused(invited):
    client = Client()
    client.cookies["django_language"] = "en"
    response = send(client, invited, text="   \n ")
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not ServiceResponse.objects.exists()


def test_a_preview_saves_nothing(invited):
    response = Client().post(invited.url, {"text": TEXT, "preview": "1"})
    assert response.status_code == 200 and "<strong>niet eens</strong>" in response.content.decode()
    assert not ServiceResponse.objects.exists()


def test_a_link_revoked_while_the_form_was_open_saves_nothing(invited):
    client = Client()
    assert client.get(invited.url).status_code == 200
    invitation = ReplyInvitation.objects.get(pk=invited.invitation.pk)
    replies.revoke(invitation)
    response = send(client, invited, files=[upload()])
    assert response.status_code == 404
    assert not ServiceResponse.objects.exists() and not ResponseAttachment.objects.exists()


def test_a_link_answered_in_the_meantime_saves_nothing(invited):
    ReplyInvitation.objects.filter(pk=invited.invitation.pk).update(responded_at=timezone.now())
    with pytest.raises(replies.InvitationClosed):
        replies.submit(invited.invitation, text=TEXT, files=[replies.Upload("a.pdf", b"x")])
    assert not ServiceResponse.objects.exists() and not ResponseAttachment.objects.exists()


def test_guessing_links_is_made_to_wait(invited):
    client = Client()
    for _ in range(20):
        guess = reverse("assessments:reply", args=[replies.new_token()])
        assert client.get(guess).status_code == 404
    response = client.get(invited.url)  # even the right link waits now, from this address
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert invited.assessment.title not in response.content.decode()
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert other_address.get(invited.url).status_code == 200


def test_a_large_upload_is_let_through_only_for_a_link_that_opens(invited, settings):
    settings.KIA_MAX_REQUEST_BYTES = 2000
    big = factories.pdf_bytes(pages=40)
    assert len(big) > 2000
    refused = Client().post(
        reverse("assessments:reply", args=[replies.new_token()]),
        {"text": TEXT, "attachments": [upload("a.pdf", big)]},
    )
    assert refused.status_code == 413
    accepted = send(Client(), invited, files=[upload("a.pdf", big)])
    assert accepted.status_code == 302


# Issue 22, item 21: uploads stay in memory (kia/uploads.py).


@pytest.fixture
def no_spooling(monkeypatch):
    """Fail the test if Django makes a temporary file for an upload."""
    spooled: list[str] = []

    class Refuse(uploadhandler.TemporaryUploadedFile):
        def __init__(self, name, *args, **kwargs):
            spooled.append(name)
            super().__init__(name, *args, **kwargs)

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", Refuse)
    return spooled


def test_a_reply_attachment_over_the_limit_is_refused_without_a_temporary_file(
    invited, settings, no_spooling
):
    # As in production: the memory threshold (10 MiB) is below what the page accepts
    # (5 files of 10 MiB); here 64 KiB in memory, files of at most 100 KiB.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    settings.KIA_REPLY_MAX_FILE_BYTES = 100 * 1024
    settings.KIA_MAX_UPLOAD_BYTES = 100 * 1024
    big = factories.pdf_bytes(pages=1) + b"%" * (300 * 1024)
    client = Client()
    client.cookies["django_language"] = "en"
    response = send(client, invited, files=[upload("groot.pdf", big)])
    assert response.status_code == 400
    page = response.content.decode()
    assert "“groot.pdf” is too large (300.4\xa0KB)" in page  # its real size
    assert no_spooling == []
    assert not ServiceResponse.objects.exists()


def test_attachments_within_the_limit_arrive_whole_from_memory(invited, settings, no_spooling):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    pdf = factories.pdf_bytes(pages=3)
    response = send(Client(), invited, files=[upload("a.pdf", pdf), upload("b.pdf", pdf)])
    assert response.status_code == 302
    stored = ServiceResponse.objects.get().attachments.order_by("name")
    contents = []
    for attachment in stored:
        with attachment.file.open("rb") as file:
            contents.append(file.read())
    assert contents == [pdf, pdf]
    assert no_spooling == []


# --- The owners' side -----------------------------------------------------------------------------


def test_send_again_makes_a_new_link_and_closes_the_old_one(
    invited, mailoutbox, django_capture_on_commit_callbacks
):
    client = factories.logged_in(invited.owner)
    target = reverse(
        "assessments:reply_invitation_change", args=[invited.assessment.slug, invited.invitation.pk]
    )
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(target, {"action": "resend", "deadline": deadline.isoformat()})
    assert response.status_code == 302
    assert Client().get(invited.url).status_code == 404
    link = next(word for word in mailoutbox[-1].body.split() if "/reply/" in word)
    assert Client().get(link.replace("http://testserver", "")).status_code == 200
    invited.invitation.refresh_from_db()
    assert invited.invitation.deadline == deadline
    client.post(target, {"action": "revoke"})
    assert Client().get(link.replace("http://testserver", "")).status_code == 404
    appendix = client.get(factories.u(invited.assessment, "appendix")).content.decode()
    assert "Revoked" in appendix and "Jan Jansen" in appendix


def test_the_appendix_shows_each_invitation_with_its_status(invited):
    other, _token = invite(invited.assessment, invited.owner)
    ReplyInvitation.objects.filter(pk=other.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = factories.logged_in(invited.owner).get(factories.u(invited.assessment, "appendix"))
    body = page.content.decode()
    assert "reply-status-open" in body and "reply-status-expired" in body
    editor_page = factories.logged_in(invited.editor).get(
        factories.u(invited.assessment, "appendix")
    )
    assert "reply-status-open" not in editor_page.content.decode()  # owners only


def test_members_write_the_reply_but_never_the_services_text(invited):
    send(Client(), invited)
    row = ServiceResponse.objects.get()
    client = factories.logged_in(invited.editor)
    edit = factories.u(invited.assessment, "response_edit", row.pk)
    form = client.get(edit).content.decode()
    assert 'name="text"' not in form and 'name="reply"' in form and "niet eens" in form
    response = client.post(
        edit,
        {
            "text": "Vervalst.",
            "author": "Iemand anders",
            "reply": "Wij danken TikTok.",
            "reply_author": "Berenschot",
            "replied_on": "2026-01-05",
            "lock_version": row.lock_version,
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.text == TEXT and row.author == "TikTok" and row.reply == "Wij danken TikTok."
    # Not deleted, and not "restored" from the history either.
    client.post(factories.u(invited.assessment, "delete", "response", row.pk), {})
    assert ServiceResponse.objects.filter(pk=row.pk).exists()
    change = Change.objects.get(entity="serviceresponse", field="text")
    with pytest.raises(restore.RestoreRefused):
        restore.restore_field(
            change,
            actor=editing.Actor(invited.editor),
            expected=row.lock_version,
            assessment=invited.assessment,
        )


def test_restoring_an_earlier_version_keeps_the_services_response(invited):
    send(Client(), invited)
    hand = ServiceResponse.objects.create(assessment=invited.assessment, author="X", text="Later")
    count = restore.restore_version(
        invited.assessment.versions.get(number=1), actor=editing.Actor(invited.editor)
    )
    assert count > 0
    assert ServiceResponse.objects.filter(submitted_by_service=True, text=TEXT).exists()
    assert not ServiceResponse.objects.filter(pk=hand.pk).exists()


def test_several_rounds_are_listed_in_order(invited):
    send(Client(), invited)
    first = ServiceResponse.objects.get()
    first.reply, first.replied_on = "Ons antwoord.", timezone.localdate()
    first.save()
    _second, token = invite(invited.assessment, invited.owner)
    Client().post(reverse("assessments:reply", args=[token]), {"text": "Een nadere brief."})
    texts = [r.text for r in ServiceResponse.objects.order_by("order")]
    assert texts == [TEXT, "Een nadere brief."]
    from assessments.outputs.report.render import render_html

    html = render_html(Assessment.objects.get(pk=invited.assessment.pk), for_pdf=False)
    appendix = html.split('id="appendix"', 1)[1]
    assert appendix.index("niet eens") < appendix.index("Ons antwoord.")
    assert appendix.index("Ons antwoord.") < appendix.index("Een nadere brief.")
    assert appendix.count('class="service-text"') == 2


# --- Reminders ------------------------------------------------------------------------------------


def test_reminders_go_once_three_days_before_the_deadline(
    invited, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    ReplyInvitation.objects.filter(pk=invited.invitation.pk).update(
        deadline=today + datetime.timedelta(days=5),
        sent_at=timezone.now() - datetime.timedelta(days=9),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reply_reminders", stdout=io.StringIO())
    assert mailoutbox == []  # five days ahead: not yet
    ReplyInvitation.objects.filter(pk=invited.invitation.pk).update(
        deadline=today + datetime.timedelta(days=3)
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reply_reminders", stdout=io.StringIO())
    [reminder] = mailoutbox
    assert reminder.to == ["jan@tiktok.example"] and reminder.subject.startswith("Herinnering")
    invited.invitation.refresh_from_db()
    assert invited.invitation.reminded_at is not None
    # Answered, revoked or expired invitations are never reminded.
    other, _token = invite(invited.assessment, invited.owner)
    ReplyInvitation.objects.filter(pk=other.pk).update(
        deadline=today + datetime.timedelta(days=1),
        sent_at=timezone.now() - datetime.timedelta(days=9),
        revoked_at=timezone.now(),
    )
    assert replies.send_reminders() == 0


# --- The report -----------------------------------------------------------------------------------


def test_the_report_prints_the_response_verbatim_in_a_marked_box_then_the_reply(invited):
    from assessments.outputs.report.render import render_html

    send(Client(), invited)
    row = ServiceResponse.objects.get()
    row.reply, row.reply_author, row.replied_on = "Wij danken TikTok.", "Berenschot", None
    row.save()
    html = render_html(Assessment.objects.get(pk=invited.assessment.pk), for_pdf=False)
    box = html.split('class="service-text"', 1)[1]
    label = f"Zienswijze van TikTok, ontvangen {row.received_on.day}"
    assert label in box.split("</p>", 1)[0] and "over versie 1" in box.split("</p>", 1)[0]
    assert "<strong>niet eens</strong>" in box
    assert box.index("niet eens") < box.index("Wij danken TikTok.")


def test_a_version_recorded_after_the_response_keeps_it_marked(invited):
    send(Client(), invited)
    version = versions.record(
        invited.assessment, actor=editing.Actor(invited.owner), reason=VersionReason.MANUAL
    )
    [row] = versions.workspace(version).responses
    assert row.submitted_by_service and row.version_number == 1 and row.text == TEXT
    Assessment.objects.filter(pk=invited.assessment.pk).update(status=Status.FINAL)


def test_the_word_document_quotes_the_response_under_its_label(invited):
    import re
    import zipfile

    from assessments.outputs.report.data import build_report
    from assessments.outputs.report.docx import report_docx

    send(Client(), invited)
    ServiceResponse.objects.update(reply="Wij danken TikTok.")
    report = build_report(Assessment.objects.get(pk=invited.assessment.pk))
    with zipfile.ZipFile(io.BytesIO(report_docx(report))) as docx:
        document = docx.read("word/document.xml").decode()
    text = re.sub(r"<[^>]+>", "", document)
    assert "Zienswijze van TikTok, ontvangen" in text and "over versie 1" in text
    assert text.index("over versie 1") < text.index("niet eens") < text.index("Wij danken")
    assert '<w:pStyle w:val="BlockText" />' in document  # the service's words, quoted


def test_the_services_footnote_marks_are_its_own_text_not_citations(invited):
    from assessments.domain.workspace import Workspace
    from assessments.outputs.report.render import render_html

    send(Client(), invited, text="Zie onze noot [^1] en [^bron].")
    assessment = Assessment.objects.get(pk=invited.assessment.pk)
    html = render_html(assessment, for_pdf=False)
    assert "Zie onze noot [^1] en [^bron]." in html and "citation-missing" not in html
    assert Workspace(assessment).citations == []
    page = factories.logged_in(invited.owner).get(factories.u(assessment, "appendix"))
    assert "Zie onze noot [^1] en [^bron]." in page.content.decode()


def test_the_pages_speak_the_assessments_language_unless_the_visitor_chose(invited):
    Assessment.objects.filter(pk=invited.assessment.pk).update(language="en")
    page = Client().get(invited.url).content.decode()
    assert "Your response to" in page
    chosen = Client()
    chosen.cookies["django_language"] = "nl"
    assert "Uw zienswijze op" in chosen.get(invited.url).content.decode()


def test_the_history_names_the_services_contact_and_the_channel(invited):
    send(Client(), invited)
    client = factories.logged_in(invited.owner)
    page = client.get(factories.u(invited.assessment, "history")).content.decode()
    assert "Jan Jansen (TikTok)" in page and "(right of reply)" in page
