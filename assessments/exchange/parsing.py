"""Bytes -> a JSON value, with size limit, UTF-8 and syntax problems named for people."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from assessments.exchange.errors import InvalidAssessment, json_path


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
    surrogate = _lone_surrogate(value)
    if surrogate:
        raise InvalidAssessment(
            [
                (
                    surrogate,
                    _(
                        "The text contains a lone surrogate escape (such as \\ud800), "
                        "which is not a character; it cannot be stored."
                    ),
                )
            ]
        )
    if duplicates:
        raise InvalidAssessment(
            [
                ("$", _("The key '%(key)s' appears twice in the same object.") % {"key": key})
                for key in dict.fromkeys(duplicates)
            ]
        )
    return value


def _lone_surrogate(value: Any, path: tuple = ()) -> str | None:
    """The JSON path of the first text (or object holding a key) with a lone surrogate."""
    if isinstance(value, str):
        return json_path(*path) if _has_surrogate(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _has_surrogate(key):
                return json_path(*path)  # the key itself cannot be shown
            found = _lone_surrogate(item, (*path, key))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _lone_surrogate(item, (*path, index))
            if found:
                return found
    return None


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            duplicates.append(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")
