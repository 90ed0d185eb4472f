"""Bytes -> a JSON value, with size limit, UTF-8 and syntax problems named for people."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from assessments.exchange.errors import InvalidAssessment


def parse(raw: bytes | bytearray | str) -> Any:
    """The JSON value in ``raw``, or ``InvalidAssessment`` naming what is wrong with it."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    limit = settings.KIA_MAX_UPLOAD_BYTES
    if len(raw) > limit:
        raise InvalidAssessment(
            [
                (
                    "$",
                    _("The file is %(size)s; the largest accepted is %(limit)s.")
                    % {"size": filesizeformat(len(raw)), "limit": filesizeformat(limit)},
                )
            ]
        )
    try:
        text = bytes(raw).decode("utf-8-sig")  # a BOM, as some editors write, is fine
    except UnicodeDecodeError as exc:
        raise InvalidAssessment(
            [("$", _("The file is not UTF-8 text (byte %(position)d).") % {"position": exc.start})]
        ) from exc
    duplicates: list[str] = []
    try:
        value = json.loads(
            text,
            object_pairs_hook=lambda pairs: _object(pairs, duplicates),
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise InvalidAssessment(
            [
                (
                    "$",
                    _("This is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
                    % {"error": exc.msg, "line": exc.lineno, "column": exc.colno},
                )
            ]
        ) from exc
    except (ValueError, RecursionError) as exc:
        message = _("This is not valid JSON: %(error)s") % {"error": exc}
        raise InvalidAssessment([("$", message)]) from exc
    if duplicates:
        raise InvalidAssessment(
            [
                ("$", _("The key '%(key)s' appears twice in the same object.") % {"key": key})
                for key in dict.fromkeys(duplicates)
            ]
        )
    return value


def _object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            duplicates.append(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")
