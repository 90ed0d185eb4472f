"""A problem as the API answers it: ``application/problem+json`` (RFC 9457).

``Problem`` is raised anywhere in the API; ``problem_response`` writes the body (``type``,
``title``, ``status``, ``detail``, ``instance`` and, for validation errors,
``invalid-params``). ``errors`` turns every other exception into one of these.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("Authentication is required."),
        403: _("This is not allowed."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("Conflict with the current state."),
        412: _("The resource has changed since you read it."),
        413: _("The request is too large."),
        428: _("An If-Match header is required."),
        429: _("Too many requests."),
        500: _("Something went wrong on the server."),
    }


class Problem(Exception):
    """An error the API answers with ``status`` and ``detail``."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        *,
        invalid_params: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.invalid_params = invalid_params
        self.headers = headers or {}


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str = "",
    *,
    invalid_params: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"https://www.rfc-editor.org/rfc/rfc9110#status.{status}",
        "title": _titles().get(status, _("Error.")),
        "status": status,
        "detail": detail or _titles().get(status, ""),
        "instance": request.path,
    }
    if invalid_params:
        body["invalid-params"] = invalid_params
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
