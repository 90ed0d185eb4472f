"""Is an uploaded file the PDF it claims to be? Judged by its content, never by its name or
the Content-Type the browser sent: the PDF signature, then pypdf must read it, and it must
not be encrypted (a file behind a password cannot be read by the assessor or printed)."""

from __future__ import annotations

import logging

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SIGNATURE = b"%PDF-"


def problem(upload: UploadedFile, max_bytes: int) -> str | None:
    """What is wrong with ``upload`` as a PDF attachment, in words; None if nothing."""
    name = upload.name or _("the file")
    size = upload.size or 0
    if size > max_bytes:
        return _("“%(name)s” is too large (%(size)s); the largest accepted is %(limit)s.") % {
            "name": name,
            "size": filesizeformat(size),
            "limit": filesizeformat(max_bytes),
        }
    if size == 0:
        return _("“%(name)s” is empty.") % {"name": name}
    upload.seek(0)
    head = upload.read(len(SIGNATURE))
    upload.seek(0)
    if head != SIGNATURE:
        return _("“%(name)s” is not a PDF file. Only PDF files can be attached.") % {"name": name}
    from pypdf import PdfReader  # noqa: PLC0415 -- slow

    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            return _(
                "“%(name)s” is protected with a password (encrypted). Attach a version "
                "without a password."
            ) % {"name": name}
        if len(reader.pages) < 1:
            raise ValueError("no pages")
    except Exception as exc:  # pypdf raises many kinds on damaged files
        logger.info("Refused attachment %r: %s", name, exc)
        return _("“%(name)s” could not be read as a PDF file; it may be damaged.") % {"name": name}
    finally:
        upload.seek(0)
    return None
