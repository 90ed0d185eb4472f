"""Bytes -> a JSON value, with size limit, UTF-8 and syntax problems named for people."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_noop

from assessments.domain.exchange.errors import InvalidAssessment, json_path, text

# The reasons json.JSONDecodeError gives (by how they start), told in the UI language.
_JSON_REASONS = (
    ("Expecting value", gettext_noop("a value was expected here")),
    (
        "Expecting property name",
        gettext_noop("a field name in double quotes was expected here (is a comma too many?)"),
    ),
    ("Expecting ':'", gettext_noop("a colon (:) was expected here")),
    ("Expecting ','", gettext_noop("a comma (,) was expected here")),
    ("Extra data", gettext_noop("there is more after the end of the document")),
    ("Unterminated string", gettext_noop("a text is not closed with a double quote")),
    (
        "Invalid control character",
        gettext_noop("a text holds a control character such as a line break; write it as \\n"),
    ),
    ("Invalid \\escape", gettext_noop("a text holds an unknown escape after a backslash (\\)")),
    ("Invalid \\u", gettext_noop("a \\u escape needs four hexadecimal digits")),
    (
        "Illegal trailing comma",
        gettext_noop("there is a comma too many before the closing bracket"),
    ),
)


class _NotJSON(ValueError):
    """NaN, Infinity or -Infinity: Python reads them, JSON does not have them."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _json_reason(error: json.JSONDecodeError) -> str:
    for start, reason in _JSON_REASONS:
        if error.msg.startswith(start):
            return text(reason)
    return text(gettext_noop("the text cannot be read here"))


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
                    text(
                        gettext_noop("The file is %(size)s; the largest accepted is %(limit)s."),
                        size=filesizeformat(len(raw)),
                        limit=filesizeformat(limit),
                    ),
                )
            ]
        )
    try:
        decoded = bytes(raw).decode("utf-8-sig")  # a BOM, as some editors write, is fine
    except UnicodeDecodeError as exc:
        raise InvalidAssessment(
            [
                (
                    "$",
                    text(
                        gettext_noop("The file is not UTF-8 text (byte %(position)d)."),
                        position=exc.start,
                    ),
                )
            ]
        ) from exc
    duplicates: list[str] = []
    try:
        value = json.loads(
            decoded,
            object_pairs_hook=lambda pairs: _object(pairs, duplicates),
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise InvalidAssessment(
            [
                (
                    "$",
                    text(
                        gettext_noop(
                            "The file is not valid JSON: line %(line)s, column %(column)s: "
                            "%(reason)s."
                        ),
                        line=exc.lineno,
                        column=exc.colno,
                        reason=_json_reason(exc),
                    ),
                )
            ]
        ) from exc
    except _NotJSON as exc:
        message = text(
            gettext_noop("The file is not valid JSON: %(name)s is not a JSON value."),
            name=exc.name,
        )
        raise InvalidAssessment([("$", message)]) from exc
    except RecursionError as exc:
        message = text(gettext_noop("The file is not valid JSON: it is nested too deeply."))
        raise InvalidAssessment([("$", message)]) from exc
    surrogate = _lone_surrogate(value)
    if surrogate:
        raise InvalidAssessment(
            [
                (
                    surrogate,
                    text(
                        gettext_noop(
                            "The text contains a lone surrogate escape (such as \\ud800), "
                            "which is not a character; it cannot be stored."
                        )
                    ),
                )
            ]
        )
    if duplicates:
        raise InvalidAssessment(
            [
                (
                    "$",
                    text(
                        gettext_noop("The key '%(key)s' appears twice in the same object."), key=key
                    ),
                )
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
    raise _NotJSON(name)
