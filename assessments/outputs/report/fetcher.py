"""The only way WeasyPrint may load anything: the app's own static files, from disk, and
the assessment's figures, from the storage.

WeasyPrint asks its URL fetcher for every stylesheet, image, font or attachment a
document refers to. Ours answers only for URLs under the private ``kia-static:`` scheme
(and, when ``STATIC_URL`` is an absolute URL, under ``STATIC_URL``), looks the path up
with the staticfiles finders and reads the file from disk; and for ``kia-figure:<name>``,
where the name must be one that ``assessments.domain.figures`` gives to a checked image
(``figures/<id>/<sha256>.png|jpg``), read through Django's storage. Everything else (``file:``,
``http(s):``, ``data:``, relative paths, anything outside the static files) is refused
with ``FetchRefused``; WeasyPrint logs the error and leaves the resource out. So neither
a user's text nor a mistake in a template can make the renderer read a file or contact
a host.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage

from assessments.domain import figures

SCHEME = "kia-static"
FIGURE_SCHEME = "kia-figure"
ALLOWED_SUFFIXES = {".css", ".png", ".jpg", ".jpeg", ".svg", ".ttf", ".otf", ".woff", ".woff2"}


class FetchRefused(ValueError):
    """The renderer asked for something it may not load."""


def static_url(path: str) -> str:
    """The URL under which the report refers to the static file ``path``."""
    return f"{SCHEME}:{path}"


def figure_url(name: str) -> str:
    """The URL under which the report refers to the figure image stored as ``name``."""
    return f"{FIGURE_SCHEME}:{name}"


def figure_image(url: str) -> tuple[bytes, str]:
    """The bytes and content type of the figure image ``url`` names, or ``FetchRefused``."""
    name = url[len(FIGURE_SCHEME) + 1 :]
    if not figures.NAME_RE.match(name):
        raise FetchRefused(f"The report may not load {url[:200]!r}.")
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read(figures.MAX_BYTES + 1), figures.content_type(name)
    except OSError:
        raise FetchRefused(f"No figure image for {url[:200]!r}.") from None


def _static_path(url: str) -> str:
    """The static-file path that ``url`` names; refuses URLs outside the static files."""
    if url.startswith(f"{SCHEME}:"):
        path = url[len(SCHEME) + 1 :]
    elif urlsplit(settings.STATIC_URL).scheme and url.startswith(settings.STATIC_URL):
        path = url[len(settings.STATIC_URL) :]  # an absolute STATIC_URL, read from disk
    else:
        raise FetchRefused(f"The report may not load {url[:200]!r}.")
    path = unquote(path.split("?", 1)[0].split("#", 1)[0]).lstrip("/")
    parts = PurePosixPath(path).parts
    if not path or "\\" in path or "\x00" in path or any(part in ("..", ".") for part in parts):
        raise FetchRefused(f"Bad static path in {url[:200]!r}.")
    if PurePosixPath(path).suffix.lower() not in ALLOWED_SUFFIXES:
        raise FetchRefused(f"The report does not load files like {url[:200]!r}.")
    return path


def resolve(url: str) -> str:
    """The file on disk for ``url``, or ``FetchRefused``."""
    found = finders.find(_static_path(url))
    if not found:
        raise FetchRefused(f"No static file for {url[:200]!r}.")
    return found


def make_fetcher():
    """A new fetcher for one rendering; its ``requested`` list records every URL asked for.

    WeasyPrint is imported here, not at module level (it is slow to import).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415 -- slow

    class StaticFilesFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
            self.requested: list[str] = []

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            self.requested.append(url)
            if url.startswith(f"{FIGURE_SCHEME}:"):
                body, content_type = figure_image(url)
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
            path = resolve(url)
            with open(path, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesFetcher()
