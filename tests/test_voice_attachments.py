"""The files of a consultation of children (issue 20): the questionnaire, the presentation,
the feedback to the children and consent forms, attached through the checks the app already
has (``infra.pdfcheck`` for PDFs, ``domain.figures.check`` for images), downloaded by
members only, and never part of a version, the JSON export, the report or the public page."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone, translation
from PIL import Image

from assessments.domain import consultation_files, editing, versions
from assessments.domain.constants import Role, VersionReason
from assessments.domain.exchange import export_assessment
from assessments.domain.exchange.export import to_json
from assessments.domain.models import Assessment, Consultation, ConsultationAttachment
from assessments.domain.rowkinds import BY_KEY
from assessments.domain.states import Status
from assessments.outputs.report.render import render_html
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

FOLDER = "private/consultations"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (21, 66, 115)).save(out, format="PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


class Team:
    def __init__(self) -> None:
        self.org = factories.organisation()
        self.assessment = factories.assessment(self.org, language="nl")
        self.editor = factories.member(self.org, Role.EDITOR)
        self.viewer = factories.member(self.org, Role.VIEWER)
        row = BY_KEY["consultation"].new(self.assessment, title="Kinderpanel", method="panel")
        self.consultation = editing.create(row, actor=editing.SYSTEM, assessment=self.assessment)

    def attach(self, client: Client, name: str, content: bytes, kind: str = "material"):
        url = factories.u(self.assessment, "consultation_attach", self.consultation.pk)
        return client.post(url, {"kind": kind, "file": upload(name, content)}, follow=True)

    def download(self, client: Client, attachment: ConsultationAttachment):
        return client.get(factories.u(self.assessment, "consultation_attachment", attachment.key))


@pytest.fixture
def team() -> Team:
    return Team()


def _stored() -> list[str]:
    if not default_storage.exists(FOLDER):
        return []
    folders, _files = default_storage.listdir(FOLDER)
    return [name for folder in folders for name in default_storage.listdir(f"{FOLDER}/{folder}")[1]]


def test_an_editor_attaches_a_pdf_and_an_image_and_members_download_them(team):
    editor = factories.logged_in(team.editor)
    page = team.attach(editor, "Vragenlijst panel.pdf", factories.pdf_bytes())
    assert "Attached: Vragenlijst panel.pdf" in page.content.decode()
    team.attach(editor, "Terugkoppeling.png", png(), kind="feedback")
    pdf, image = ConsultationAttachment.objects.order_by("pk")
    assert (pdf.kind, pdf.name, pdf.extension) == ("material", "Vragenlijst panel.pdf", "pdf")
    assert (image.kind, image.extension) == ("feedback", "png")
    assert len(_stored()) == 2
    # The consultation's page lists both, with their kind, for editing and deleting.
    edit = editor.get(factories.u(team.assessment, "consultation_edit", team.consultation.pk))
    body = edit.content.decode()
    assert 'id="attachments"' in body and "Vragenlijst panel.pdf" in body
    assert "Terugkoppeling.png" in body and "Feedback to the children" in body
    # A viewer downloads them, as files, never shown inline or sniffed.
    viewer = factories.logged_in(team.viewer)
    download = team.download(viewer, pdf)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    factories.close(download)
    download = team.download(viewer, image)
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    factories.close(download)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vragen.docx", b"PK\x03\x04 a word file", "only PDF files and PNG or JPEG images"),
        ("vragen", factories.pdf_bytes(), "only PDF files and PNG or JPEG images"),
        ("vragen.pdf", b"PK\x03\x04 not a pdf at all", "is not a PDF file, although its name"),
        ("vragen.pdf", png(), "is not a PDF file, although its name"),
        ("geheim.pdf", factories.pdf_bytes(password="geheim"), "password"),
        ("kapot.pdf", b"%PDF-1.7\n garbage garbage", "could not be read"),
        ("leeg.pdf", b"", "The submitted file is empty"),
        ("foto.png", factories.pdf_bytes(), "This is not a PNG or JPEG image"),
        ("foto.png", jpeg(), "is a JPEG image, not what its name says"),
        ("foto.jpg", png(), "is a PNG image, not what its name says"),
    ],
    ids=[
        "docx",
        "no-extension",
        "zip-named-pdf",
        "png-named-pdf",
        "encrypted",
        "damaged",
        "empty",
        "pdf-named-png",
        "jpeg-named-png",
        "png-named-jpg",
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_stored(team, name, content, message):
    editor = factories.logged_in(team.editor)
    page = team.attach(editor, name, content).content.decode()
    assert "Not attached:" in page and message in page
    assert not ConsultationAttachment.objects.exists()
    assert _stored() == []


def test_a_too_large_file_is_refused(team, monkeypatch):
    monkeypatch.setattr(consultation_files, "MAX_BYTES", 100)
    editor = factories.logged_in(team.editor)
    page = team.attach(editor, "groot.pdf", factories.pdf_bytes()).content.decode()
    assert "is too large" in page and "the largest accepted is 100" in page
    assert not ConsultationAttachment.objects.exists() and _stored() == []


def test_an_image_loses_its_metadata(team):
    image = Image.new("RGB", (60, 40), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    team.attach(factories.logged_in(team.editor), "bord.jpeg", out.getvalue())
    [attachment] = ConsultationAttachment.objects.all()
    with attachment.file.open("rb") as handle:
        assert b"PhoneMaker" not in handle.read()


def test_only_editors_upload_and_only_while_it_is_a_draft(team):
    viewer = factories.logged_in(team.viewer)
    url = factories.u(team.assessment, "consultation_attach", team.consultation.pk)
    refused = viewer.post(url, {"kind": "material", "file": upload("a.pdf", factories.pdf_bytes())})
    assert refused.status_code == 403
    Assessment.objects.filter(pk=team.assessment.pk).update(status=Status.FINAL)
    page = team.attach(factories.logged_in(team.editor), "a.pdf", factories.pdf_bytes())
    assert "cannot be edited now" in page.content.decode()
    assert not ConsultationAttachment.objects.exists() and _stored() == []


def test_deleting_an_attachment_or_its_consultation_removes_the_file(
    team, django_capture_on_commit_callbacks
):
    editor = factories.logged_in(team.editor)
    team.attach(editor, "a.pdf", factories.pdf_bytes())
    team.attach(editor, "b.pdf", factories.pdf_bytes())
    first, second = ConsultationAttachment.objects.order_by("pk")
    url = factories.u(team.assessment, "consultation_attachment_delete", first.key)
    with django_capture_on_commit_callbacks(execute=True):
        page = editor.post(url, follow=True)
    assert "Deleted: a.pdf" in page.content.decode()
    assert not default_storage.exists(first.file.name)
    assert default_storage.exists(second.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        editing.delete(
            Consultation.objects.get(pk=team.consultation.pk),
            actor=editing.SYSTEM,
            expected=None,
            assessment=team.assessment,
        )
    assert not ConsultationAttachment.objects.exists()
    assert not default_storage.exists(second.file.name)


def test_a_non_member_cannot_download_and_a_viewer_not_a_consent_form(team):
    editor = factories.logged_in(team.editor)
    team.attach(editor, "Materiaal.pdf", factories.pdf_bytes())
    team.attach(editor, "Toestemming ouders.pdf", factories.pdf_bytes(), kind="consent")
    material = ConsultationAttachment.objects.get(kind="material")
    consent = ConsultationAttachment.objects.get(kind="consent")
    outsider = factories.logged_in(factories.member(factories.organisation(), Role.OWNER))
    assert team.download(outsider, material).status_code == 404
    assert team.download(outsider, consent).status_code == 404
    assert team.download(Client(), material).status_code == 302  # to the log-in page
    viewer = factories.logged_in(team.viewer)
    assert team.download(viewer, consent).status_code == 403
    overview = viewer.get(factories.u(team.assessment, "consultations")).content.decode()
    assert "Materiaal.pdf" in overview and "Toestemming ouders.pdf" not in overview
    download = team.download(editor, consent)
    assert download.status_code == 200
    factories.close(download)
    overview = editor.get(factories.u(team.assessment, "consultations")).content.decode()
    assert "Toestemming ouders.pdf" in overview


def test_attachments_are_never_in_the_export_the_report_or_the_public_page(team):
    editor = factories.logged_in(team.editor)
    team.attach(editor, "Formulier-Xq7 ouders.pdf", factories.pdf_bytes(), kind="consent")
    team.attach(editor, "Vragenlijst-Zk3.pdf", factories.pdf_bytes())
    keys = list(ConsultationAttachment.objects.values_list("key", flat=True))
    assessment = Assessment.objects.get(pk=team.assessment.pk)
    exported = to_json(export_assessment(assessment)).decode()
    report = render_html(assessment, for_pdf=False)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Status.PUBLISHED, finalised_at=timezone.now(), published_at=timezone.now()
    )
    assessment.refresh_from_db()
    version = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.PUBLISHED)
    public = Client()
    base = f"/public/{assessment.organisation.slug}/{assessment.slug}/"
    page = public.get(base).content.decode()
    public_json = public.get(f"{base}assessment.json").content.decode()
    public_report = public.get(f"{base}report.html").content.decode()
    for shown in (
        exported,
        report,
        page,
        public_json,
        public_report,
        to_json(version.document).decode(),
    ):
        assert "Kinderpanel" in shown  # the consultation itself is there
        assert "Xq7" not in shown and "Zk3" not in shown
        assert not any(key in shown for key in keys)
        assert FOLDER not in shown


def test_the_edit_page_of_a_new_consultation_says_to_save_first(team):
    editor = factories.logged_in(team.editor)
    body = editor.get(factories.u(team.assessment, "consultation_new")).content.decode()
    assert "Save the consultation first" in body
