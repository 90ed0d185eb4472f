"""Rendered report parts kept on disk, by a hash of everything that makes them (issue 21).

A part's key hashes its whole HTML document (the part's text, its footnote numbers, the
contents' page numbers of the front part, the page count of the pagination document), the
static files it links (the stylesheet), the WeasyPrint version and the source of our own
changes to WeasyPrint (``artifacts``, ``layout_fixes``, ``engine``) and ``FORMAT``. So an
entry made by an older template, stylesheet or WeasyPrint is never found again: it ages
out. Figures need nothing more: their URLs name the image's SHA-256.

The directory (``KIA_REPORT_PARTS_DIR``) is a cache: losing it costs a render. It holds at
most ``KIA_REPORT_PARTS_MB``; the least recently used entries go first. Entries are
written to a temporary file and renamed, so a reader never sees half a PDF."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from assessments.outputs.report import artifacts, engine, layout_fixes
from assessments.outputs.report import fetcher as fetchers

logger = logging.getLogger(__name__)
FORMAT = "parts-1"
_STATIC = re.compile(rf'"{fetchers.SCHEME}:([^"]+)"')


@functools.cache
def _code_version() -> str:
    import weasyprint  # noqa: PLC0415 -- slow

    sources = [
        Path(str(module.__file__)).read_bytes() for module in (artifacts, engine, layout_fixes)
    ]
    return digest(FORMAT, weasyprint.__version__, *sources)


def _static_files(html: str) -> list[bytes]:
    found = []
    for path in sorted(set(_STATIC.findall(html))):
        located = finders.find(path)
        found.append(path.encode() + b"\0" + (Path(located).read_bytes() if located else b""))
    return found


def digest(*texts: str | bytes) -> str:
    """A SHA-256 of ``texts``, each with its length, so that no two lists of texts that
    differ give the same input."""
    sha = hashlib.sha256()
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        sha.update(len(data).to_bytes(8, "big"))
        sha.update(data)
    return sha.hexdigest()


def key(html: str) -> str:
    return digest(_code_version(), html, *_static_files(html))


def _directory() -> Path:
    return Path(settings.KIA_REPORT_PARTS_DIR)


def get(entry: str) -> bytes | None:
    path = _directory() / entry[:2] / f"{entry}.pdf"
    try:
        content = path.read_bytes()
    except OSError:
        return None
    os.utime(path)  # recently used
    return content


def put(entry: str, content: bytes) -> None:
    """Keep ``content``; a cache that cannot be written (full disk, read-only folder) is
    logged and costs only the next render's time."""
    folder = _directory() / entry[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, folder / f"{entry}.pdf")
        _prune()
    except OSError as error:
        logger.warning("A part of the report was not kept in %s: %s", folder, error)


def _prune() -> None:
    limit = settings.KIA_REPORT_PARTS_MB * 1024 * 1024
    entries = []
    for path in _directory().glob("*/*.pdf"):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        path.unlink(missing_ok=True)
        total -= size
