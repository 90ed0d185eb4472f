"""Errors as problem+json (RFC 9457), as the NL GOV API Design Rules ask.

Every error of the API is ``application/problem+json`` with ``type``, ``title``, ``status``,
``detail`` and ``instance`` (the request's path); validation errors add ``invalid-params``,
one entry per field with its path (``name``) and the reason. Titles and details follow the
request's language (``Accept-Language``, Dutch by default; see ``main``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from assessments.domain.editing import EditConflict
from assessments.domain.exchange.errors import InvalidAssessment
from assessments.domain.exchange.locations import describe
from assessments.interfaces.api.bodies import BadBody
from assessments.interfaces.api.locking import etag_of
from assessments.interfaces.api.problems import Problem, problem_response


def _invalid_from_ninja(exc: NinjaValidationError) -> list[dict[str, str]]:
    params = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in ("body", "query", "path", "header"):
            where = location[0]
            location = location[1:]
            if where == "body" and location and location[0] in ("payload", "data", "body"):
                location = location[1:]
        params.append(
            {
                "name": ".".join(location) or "body",
                "code": str(error.get("type", "invalid")),
                "reason": _invalid_reason(error),
            }
        )
    return params


def _invalid_reason(error: dict[str, Any]) -> str:
    """Pydantic's messages are English; the common ones get ours (translated)."""
    kind = str(error.get("type", ""))
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is unknown.")
    if kind.startswith(("int_", "integer")):
        return _("Enter a whole number.")
    if kind == "string_pattern_mismatch":
        return _("This value does not have the expected form.")
    if kind.startswith("string"):
        return _("Enter text.")
    if kind.startswith(("datetime", "date")):
        return _("Enter a valid date.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("Out of range.")
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    return str(error.get("msg", _("This value is not valid.")))


def install(api) -> None:
    """Answer every error of ``api`` as problem+json."""

    @api.exception_handler(Problem)
    def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
        return problem_response(
            request,
            exc.status,
            exc.detail,
            invalid_params=exc.invalid_params,
            headers=exc.headers,
        )

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return problem_response(
            request,
            400,
            _("Some fields are not valid; see invalid-params."),
            invalid_params=_invalid_from_ninja(exc),
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            request,
            401,
            _("Send a valid API token as 'Authorization: Bearer <token>', or log in."),
            headers={"WWW-Authenticate": 'Bearer realm="kia"'},
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(request, 404, _("There is nothing here, or not for you."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        status = getattr(exc, "status_code", 403)  # EditRefused's: 403, or 413 (too large)
        return problem_response(request, status, str(exc) or _("This is not allowed."))

    @api.exception_handler(EditConflict)
    def _conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
        if exc.current is None:
            return problem_response(request, 404, _("This row was deleted in the meantime."))
        return problem_response(
            request,
            412,
            _("Someone changed this row after you read it. Read it again and retry."),
            headers={"ETag": etag_of(exc.current)},
        )

    @api.exception_handler(InvalidAssessment)
    def _invalid_document(request: HttpRequest, exc: InvalidAssessment) -> HttpResponse:
        return problem_response(
            request,
            400,
            _("The document cannot be imported; nothing was saved. See invalid-params."),
            # The import page's own descriptions: the app's names for places ("Risico R2,
            # kans") in the request's language, with the JSON path as the name.
            invalid_params=[
                {
                    "name": found["path"],
                    "code": "invalid",
                    "reason": f"{found['location']}: {found['message']}",
                }
                for found in describe(exc)
            ],
        )

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, int(exc.wait or 60))
        return problem_response(
            request,
            429,
            _("Too many requests; try again in %(seconds)d seconds.") % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 403:  # ninja's CSRF refusal
            return problem_response(request, 403, _("The CSRF check failed."))
        body = exc.__cause__  # ninja wraps what the parser refused
        if isinstance(body, BadBody):
            where = [{"name": body.name, "code": body.code, "reason": body.detail}]
            return problem_response(request, 400, body.detail, invalid_params=where)
        return problem_response(request, exc.status_code, "")

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logging.getLogger(__name__).exception("API error at %s", request.path)
        return problem_response(request, 500, "")
