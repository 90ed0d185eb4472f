"""The files of a consultation of children: checked, stored, removed (issue 20).

A team attaches the material of a consultation (the questionnaire, the presentation shown),
the feedback given back to the children and, as proof, consent forms. Like the service's
attachments to its response (``replies``) these are files in this deployment's private
storage hanging off their row, not rows of the assessment: they are in no version, no
history, no exchange document (JSON), no public page and no report, so a consent form
never leaves the deployment. Members download them (``permissions.Access.may_download``);
a consent form only those whose role may edit.

A file is accepted only when the checks that already judge uploads accept it:

* a name ending in ``.pdf``: the PDF signature, then ``infra.pdfcheck`` (readable by
  pypdf, not encrypted, at most ``MAX_BYTES``);
* a name ending in ``.png``, ``.jpg`` or ``.jpeg``: ``figures.check`` (a PNG or JPEG by its
  content, at most ``MAX_BYTES`` and its pixel limit, intact), and the content's format
  must be the one the name says. The image is stored re-encoded, without its metadata
  (camera, GPS position), as a figure's is.

Anything else is refused with a message naming the file, and nothing is stored. Writes are
checked as every member's edit is (``editing.Batch.guard``: still a draft, still an
editor); a removed attachment's file goes once its row is gone (also when its consultation
is deleted: ``file_gone``, connected by the domain app).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.domain import editing, figures
from assessments.domain.models import Consultation, ConsultationAttachment
from assessments.domain.models.consultations import AttachmentKind
from assessments.infra import pdfcheck

MAX_BYTES = figures.MAX_BYTES
# The extension a name may end in -> the format the content must have.
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpg": "jpg", "jpeg": "jpg"}
CONTENT_TYPES = {"pdf": "application/pdf", **figures.CONTENT_TYPES}
ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the uploaded file's own name, as shown to members
    content: bytes  # a PDF as uploaded; an image re-encoded without metadata
    extension: str  # "pdf", "png" or "jpg"


def check(upload: UploadedFile) -> CheckedFile:
    """``upload`` as a file that may be attached, or ``ValidationError`` saying why not."""
    name = (upload.name or "").strip()[:200] or _("the file")
    extension = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower() if "." in name else "")
    if extension is None:
        raise ValidationError(
            _("“%(name)s” cannot be attached: only PDF files and PNG or JPEG images can.")
            % {"name": name},
            code="not_accepted",
        )
    if extension == "pdf":
        return CheckedFile(name, _checked_pdf(upload, name), "pdf")
    try:
        image = figures.check(upload.read(MAX_BYTES + 1))
    except ValidationError as error:
        raise ValidationError(f"“{name}”: {' '.join(error.messages)}", code=error.code) from None
    if image.extension != extension:
        raise ValidationError(
            _("“%(name)s” is a %(format)s image, not what its name says: rename it and try again.")
            % {"name": name, "format": image.extension.upper().replace("JPG", "JPEG")},
            code="wrong_extension",
        )
    return CheckedFile(name, image.content, extension)


def _checked_pdf(upload: UploadedFile, name: str) -> bytes:
    size = upload.size or 0
    if 0 < size <= MAX_BYTES:
        upload.seek(0)
        head = upload.read(len(pdfcheck.SIGNATURE))
        upload.seek(0)
        if head != pdfcheck.SIGNATURE:
            raise ValidationError(
                _("“%(name)s” is not a PDF file, although its name says so.") % {"name": name},
                code="wrong_extension",
            )
    problem = pdfcheck.problem(upload, MAX_BYTES)
    if problem:
        raise ValidationError(problem, code="not_a_pdf")
    upload.seek(0)
    return upload.read()


def attach(
    consultation: Consultation, checked: CheckedFile, *, kind: str, actor: editing.Actor
) -> ConsultationAttachment:
    """Store ``checked`` as an attachment of ``consultation``; raises ``EditRefused`` when
    the actor may not edit the assessment now, ``Consultation.DoesNotExist`` when the
    consultation was deleted meanwhile. Nothing is left stored when it fails."""
    if kind not in AttachmentKind.values:
        raise ValidationError(_("Choose the kind of attachment."), code="kind")
    assessment = consultation.assessment
    stored = ""
    try:
        with transaction.atomic():
            editing.Batch(actor, assessment).guard()
            Consultation.objects.select_for_update().get(pk=consultation.pk)
            attachment = ConsultationAttachment(
                consultation=consultation,
                key=secrets.token_hex(16),
                kind=kind,
                name=checked.name[:200],
                size=len(checked.content),
                uploaded_by=actor.account,
            )
            attachment.file.save(
                f"file.{checked.extension}", ContentFile(checked.content), save=False
            )
            stored = str(attachment.file.name)
            attachment.save()
    except BaseException:
        if stored:  # nothing half-saved: the file goes with the rolled-back row
            default_storage.delete(stored)
        raise
    return attachment


def remove(attachment: ConsultationAttachment, *, actor: editing.Actor) -> None:
    """Delete the attachment and (after the commit, ``file_gone``) its file; raises
    ``EditRefused`` when the actor may not edit the assessment now."""
    with transaction.atomic():
        editing.Batch(actor, attachment.consultation.assessment).guard()
        ConsultationAttachment.objects.filter(pk=attachment.pk).delete()


def file_gone(sender: Any, instance: ConsultationAttachment, **kwargs: Any) -> None:
    """``post_delete``: the row is gone (removed, or with its consultation or assessment),
    so its file goes too, once the deletion is committed."""
    name = str(instance.file.name or "")
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def content_type(attachment: ConsultationAttachment) -> str:
    return CONTENT_TYPES[attachment.extension]
