"""Figures' images: checked, cleaned and stored; the one place that reads uploaded images.

An upload becomes a figure's image only when

* it is at most ``MAX_BYTES`` long (checked before Pillow reads a byte),
* Pillow recognises it as PNG or JPEG from its content (the file name says nothing),
* its size in pixels is at most ``MAX_PIXELS`` (read from the header, before decoding: a
  "decompression bomb" of a few kB that unpacks to gigabytes is refused unread),
* ``verify()`` finds it intact and it decodes completely (a truncated file is refused).

It is then re-encoded in the same format from its pixels only: EXIF (with GPS positions),
XMP, text chunks, comments and colour profiles are dropped; a photo's EXIF orientation is
applied first, so it stays upright. The result is stored through Django's storage under
``figures/<assessment id>/<sha256>.<png|jpg>``: private (served only by
``views.figures.image`` to members, and to the PDF renderer by ``report.fetcher``), and
named by its content, so a version that refers to it keeps finding the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from assessments.domain.models import Figure

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"PNG": "png", "JPEG": "jpg"}  # Pillow's format name -> our file extension
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
FOLDER = "figures"
# The names this module gives; the fetcher and the image view accept no others.
NAME_RE = re.compile(rf"^{FOLDER}/(\d+)/([0-9a-f]{{64}})\.(png|jpg)\Z")


@dataclass(frozen=True)
class CheckedImage:
    content: bytes  # re-encoded, without metadata
    extension: str  # "png" or "jpg"
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def check(data: bytes) -> CheckedImage:
    """The cleaned image of ``data``, or ``ValidationError`` with a message for the user."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The image is too large (%(size)s); the largest accepted is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)},
            code="too_large",
        )
    not_an_image = ValidationError(_("This is not a PNG or JPEG image."), code="not_an_image")
    with warnings.catch_warnings():
        # Pillow warns (and above twice its limit raises) about very large images: our own
        # pixel limit, checked from the header before decoding, is lower.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
                fmt, (width, height) = probe.format, probe.size
                _check_pixels(width, height)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as opened:
                opened.load()
                image: Image.Image = ImageOps.exif_transpose(opened)
                image.info = {}  # Pillow writes some of it back (a JPEG's comment, DPI)
                extension = FORMATS[str(fmt)]
                out = io.BytesIO()
                if extension == "png":
                    image.save(out, format="PNG", optimize=False)
                else:
                    if image.mode not in ("RGB", "L", "CMYK"):
                        image = image.convert("RGB")
                    image.save(out, format="JPEG", quality=90)
                width, height = image.size
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, KeyError, EOFError):
            raise not_an_image from None
    return CheckedImage(out.getvalue(), extension, width, height)


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels; the most accepted is %(limit)s megapixels.")
        % {"limit": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise _too_many_pixels()


def store(image: CheckedImage, assessment_id: int) -> str:
    """Store ``image`` for the assessment (once per content) and return its storage name."""
    name = f"{FOLDER}/{assessment_id}/{image.sha256}.{image.extension}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(image.content))
        if saved != name:  # written at the same moment by another request: keep one
            default_storage.delete(saved)
    return name


def attach(figure: Figure, image: CheckedImage) -> None:
    """Store ``image`` for the figure's assessment and give the figure its name and size."""
    figure.image.name = store(image, figure.assessment_id)
    figure.width, figure.height = image.width, image.height


def belongs_to(name: str, assessment_id: int) -> bool:
    """Whether ``name`` is an image name this module gives, for this assessment."""
    match = NAME_RE.match(name or "")
    return match is not None and int(match.group(1)) == assessment_id


def content_type(name: str) -> str:
    return CONTENT_TYPES[name.rsplit(".", 1)[-1]]
