"""Optimistic locking over HTTP: ``ETag`` from a row's ``lock_version``, ``If-Match`` back.

A row's ETag is strong (``"risk-12-3"``: kind, id and lock version), because its JSON is
fully determined by them, and ``If-Match`` compares strongly (RFC 9110). A write without
``If-Match`` is refused with 428, one with an older ETag with 412; the compare-and-swap
itself is ``assessments.domain.editing``'s, so a race between two writers ends the same way.
An ``If-Match`` that is not ``*`` or a list of entity tags (``IF_MATCH_FORM``, stated in the
OpenAPI document) is refused with 400.
"""

from __future__ import annotations

import re

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from assessments.interfaces.api.problems import Problem

# RFC 9110's If-Match: "*" or entity tags (optionally weak, W/) separated by commas.
_TAG = r'(W/)?"[\x21\x23-\x7e]*"'
IF_MATCH_FORM = rf"^[ \t]*(\*|{_TAG}([ \t]*,[ \t]*{_TAG})*)[ \t]*$"


def etag_of(obj: models.Model) -> str:
    return f'"{obj._meta.model_name}-{obj.pk}-{obj.lock_version}"'  # type: ignore[attr-defined]


def expected_version(request: HttpRequest, obj: models.Model) -> int:
    """The lock version the client saw, read from ``If-Match``; 428 without it, 412 when
    it names another version (or another row)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise Problem(
            428,
            _("Send the row's ETag in If-Match (read the row first) so no change is lost."),
        )
    if not re.fullmatch(IF_MATCH_FORM, header):
        raise Problem(
            400,
            _('If-Match must be * or the ETag as read, in double quotes ("…").'),
            invalid_params=[{"name": "If-Match", "code": "pattern", "reason": header[:100]}],
        )
    current = etag_of(obj)
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags or current in tags:
        return obj.lock_version  # type: ignore[attr-defined]
    raise Problem(
        412,
        _("Someone changed this row after you read it. Read it again and retry."),
        headers={"ETag": current},
    )
