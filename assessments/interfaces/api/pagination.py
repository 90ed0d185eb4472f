"""Pages of a list: ``page`` and ``pageSize`` in, ``_links`` (self, first, prev, next,
last) and the total out, as the NL GOV API Design Rules describe."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from assessments.interfaces.api.problems import Problem

DEFAULT_SIZE = 20
MAX_SIZE = 100


class PageQuery(Schema):
    """``page`` and ``pageSize`` of a list's query, with their bounds in the OpenAPI
    document (a value outside them is a 400 before the view runs)."""

    page: int = Field(default=1, ge=1, le=2**31 - 1, description="The page, from 1.")
    page_size: int = Field(
        default=DEFAULT_SIZE, ge=1, le=MAX_SIZE, alias="pageSize", description="Items a page."
    )


def _link(request: HttpRequest, page: int, size: int) -> dict[str, str]:
    query = request.GET.copy()
    query["page"] = str(page)
    query["pageSize"] = str(size)
    return {"href": f"{request.path}?{query.urlencode()}"}


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | list[Any], page: int, size: int
) -> tuple[list[Any], dict[str, Any]]:
    """The rows of ``page`` and the page's metadata (``page``, ``pageSize``, ``total``,
    ``_links``). A page past the last is empty (the rows may have gone since the client
    counted them), with ``prev`` pointing back."""
    if size < 1 or size > MAX_SIZE:
        raise Problem(
            400,
            _("pageSize must be between 1 and %(max)d.") % {"max": MAX_SIZE},
            invalid_params=[{"name": "pageSize", "code": "range", "reason": _("Out of range.")}],
        )
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    last = max(1, math.ceil(total / size))
    if page < 1:  # (the query's bounds refuse it first; here for other callers)
        raise Problem(
            400,
            _("There is no page %(page)d; the last is %(last)d.") % {"page": page, "last": last},
            invalid_params=[{"name": "page", "code": "range", "reason": _("Out of range.")}],
        )
    shown = list(rows[(page - 1) * size : page * size])
    links = {
        "self": _link(request, page, size),
        "first": _link(request, 1, size),
        "last": _link(request, last, size),
    }
    if page > 1:
        links["prev"] = _link(request, min(page - 1, last), size)
    if page < last:
        links["next"] = _link(request, page + 1, size)
    return shown, {"page": page, "pageSize": size, "total": total, "_links": links}
