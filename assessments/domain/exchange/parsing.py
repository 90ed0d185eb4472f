"""Bytes -> a JSON value, with size limit, UTF-8 and syntax problems named for people."""

from __future__ import annotations

import json
import re
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


class NotJSON(ValueError):
    """NaN, Infinity or -Infinity: Python reads them, JSON does not have them."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


# No number the app stores needs more digits; Python refuses to read over 4,300 anyway.
MAX_DIGITS = 30


class NumberTooLong(ValueError):
    """A number with more digits than any value of the app has."""

    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def strict_int(digits: str) -> int:
    """``json.loads``'s ``parse_int``: numbers of at most ``MAX_DIGITS`` digits."""
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise NumberTooLong(len(digits.lstrip("-")))
    return int(digits)


def refuse_constant(name: str) -> None:
    """``json.loads``'s ``parse_constant``: NaN and the infinities are not JSON."""
    raise NotJSON(name)


def place_of_long_number(text: str) -> tuple[int, int]:
    """Line and column of the first number longer than ``MAX_DIGITS`` in ``text``."""
    found = re.search(rf"\d{{{MAX_DIGITS + 1},}}", text)
    start = found.start() if found else 0
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


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
            parse_constant=refuse_constant,
            parse_int=strict_int,
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
    except NotJSON as exc:
        message = text(
            gettext_noop("The file is not valid JSON: %(name)s is not a JSON value."),
            name=exc.name,
        )
        raise InvalidAssessment([("$", message)]) from exc
    except NumberTooLong as exc:
        line, column = place_of_long_number(decoded)
        message = text(
            gettext_noop(
                "Line %(line)s, column %(column)s: a number of %(digits)s digits; no value of "
                "an assessment has more than %(limit)s."
            ),
            line=line,
            column=column,
            digits=exc.digits,
            limit=MAX_DIGITS,
        )
        raise InvalidAssessment([("$", message)]) from exc
    except RecursionError as exc:
        message = text(gettext_noop("The file is not valid JSON: it is nested too deeply."))
        raise InvalidAssessment([("$", message)]) from exc
    surrogate = lone_surrogate(value)
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


def lone_surrogate(value: Any, path: tuple = ()) -> str | None:
    """The JSON path of the first text (or object holding a key) with a lone surrogate."""
    if isinstance(value, str):
        return json_path(*path) if _has_surrogate(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _has_surrogate(key):
                return json_path(*path)  # the key itself cannot be shown
            found = lone_surrogate(item, (*path, key))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = lone_surrogate(item, (*path, index))
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
