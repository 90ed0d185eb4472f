"""Middleware of our own: request size limits, the Permissions-Policy header, and 503
(not 500) while the database is unreachable."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.interfaces.api.main import language_of
from assessments.interfaces.api.problems import problem_response
from assessments.interfaces.web.views.common import LARGE_BODY

logger = logging.getLogger(__name__)


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than allowed, before it is read.

    Runs right after the middleware that sets the security headers (so the 413 has them
    too) and before anything that reads the body, so neither the CSRF check (which parses
    forms) nor a view reads a byte of it. The connection is the server's to close or keep
    (``Connection`` is a hop-by-hop header a WSGI application must not set).

    Anonymous requests, and every view not marked with ``views.common.allows_large_body``,
    get ``KIA_MAX_REQUEST_BYTES``; upload views get ``KIA_MAX_UPLOAD_BYTES`` (plus room
    for the form around the file). A view with a ``kia_body_limit(request, match)``
    function decides itself (the service's reply page: its attachments, for a valid link
    only, also without an account). A body without a length (chunked) is not read at all
    by Django's WSGI request, so it needs no check here.
    """

    FORM_OVERHEAD = 64 * 1024

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(_("Bad Content-Length."), status=400, content_type="text/plain")
        if length:
            limit, upload = self.limit_for(request)
            if length > limit:
                return self.refuse(request, length, limit, upload)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, length: int, limit: int, upload: bool) -> HttpResponse:
        # Runs before LocaleMiddleware: pick the language from the request ourselves.
        if request.path.startswith("/api/"):  # the API's clients read problem+json
            with translation.override(language_of(request)):
                message = _(
                    "The request is too large (%(size)s); the largest accepted is %(limit)s."
                )
                detail = message % {"size": filesizeformat(length), "limit": filesizeformat(limit)}
                return problem_response(request, 413, detail)
        with translation.override(translation.get_language_from_request(request)):
            message = (
                _("The file is too large; the largest accepted is %(limit)s.")
                if upload
                else _("The request is too large (%(size)s); the largest accepted is %(limit)s.")
            )
            return HttpResponse(
                message % {"size": filesizeformat(length), "limit": filesizeformat(limit)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )

    def limit_for(self, request: HttpRequest) -> tuple[int, bool]:
        """The largest body accepted, and whether the view takes uploads."""
        small = settings.KIA_MAX_REQUEST_BYTES
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return small, False
        own_limit = getattr(match.func, "kia_body_limit", None)
        if own_limit is not None:  # e.g. the reply page: only for a link that opens
            limit = own_limit(request, match)
            return (limit + self.FORM_OVERHEAD, True) if limit else (small, False)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return small, False  # anonymous: nobody else uploads before logging in
        if getattr(match.func, LARGE_BODY, False):
            return settings.KIA_MAX_UPLOAD_BYTES + self.FORM_OVERHEAD, True
        return small, False


class PermissionsPolicyMiddleware:
    """Turn off browser features the app never uses (camera, location, …)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer 503 with "try again" instead of 500.

    Only connection errors (``OperationalError``, ``InterfaceError``) are answered so;
    they are logged in one line. Every other error stays a 500 with its traceback.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        return HttpResponse(
            _("The service is temporarily unavailable. Please try again in a minute."),
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "30"},
        )
