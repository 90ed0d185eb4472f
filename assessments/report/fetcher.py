"""The only way WeasyPrint may load anything: the app's own static files, from disk.

WeasyPrint asks its URL fetcher for every stylesheet, image, font or attachment a
document refers to. Ours answers only for URLs under the private ``kia-static:`` scheme
(and, when ``STATIC_URL`` is an absolute URL, under ``STATIC_URL``), looks the path up
with the staticfiles finders and reads the file from disk. Everything else (``file:``,
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

SCHEME = "kia-static"
ALLOWED_SUFFIXES = {".css", ".png", ".jpg", ".jpeg", ".svg", ".ttf", ".otf", ".woff", ".woff2"}


class FetchRefused(ValueError):
    """The renderer asked for something it may not load."""


def static_url(path: str) -> str:
    """The URL under which the report refers to the static file ``path``."""
    return f"{SCHEME}:{path}"


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
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
            self.requested: list[str] = []

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            self.requested.append(url)
            path = resolve(url)
            with open(path, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesFetcher()
