"""The JSON Schema of the exchange format (``assessments/schema/assessment.schema.json``),
and its errors told in the app's words.

jsonschema's own messages ("'hgh' is not one of […]") are English and name values as
Python does; ``schema_problems`` turns each error into a message in the UI language by its
keyword (``required``, ``enum``, ``type``, …), with the choices' labels taken from the
model field at that place (``locations``), so a new choice needs no new message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from assessments.domain.exchange.errors import Problem, json_path, text
from assessments.domain.exchange.locations import FieldInfo, place

FORMAT = "kia-assessment"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "assessment.schema.json"
_SHOWN_CHARS = 60


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema())


def shown(value: Any) -> str:
    """A value from the file as a person reads it: texts in quotes, cut when long."""
    if isinstance(value, str):
        cut = value if len(value) <= _SHOWN_CHARS else value[: _SHOWN_CHARS - 1] + "…"
        return f"'{cut}'"
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return json.dumps(value)


def _or_list(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s or %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _choices(values: list[Any], field: FieldInfo | None) -> str:
    """``"low" (low), "medium" (medium) or "" (empty)``, labels in the active language."""
    items = []
    for value in values:
        label = field.choice_label(value) if field else None
        if value == "":
            label = _("empty: not answered yet")
        elif value is None:
            label = _("empty")
        written = json.dumps(value, ensure_ascii=False)
        items.append(f"{written} ({label})" if label and str(label) != value else written)
    return _or_list(items)


_lazy_choices = lazy(_choices, str)

_TYPES = {
    "string": gettext_noop("text"),
    "null": gettext_noop("null (empty)"),
    "array": gettext_noop("a list [ … ]"),
    "object": gettext_noop("an object { … }"),
    "integer": gettext_noop("a whole number"),
    "number": gettext_noop("a number"),
}


def _types(expected: str | list[str], field: FieldInfo | None) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    if field is not None and isinstance(field.field, models.DateField):
        names = ["date" if name == "string" else name for name in names]
    if "boolean" in names:
        at = names.index("boolean")
        names[at : at + 1] = ["true", "false"]
    return _or_list(
        [
            _("a date written YYYY-MM-DD") if n == "date" else _(_TYPES[n]) if n in _TYPES else n
            for n in names
        ]
    )


_lazy_types = lazy(_types, str)


@cache
def _pattern_messages() -> dict[str, str]:
    """Messages for the schema's patterns, by pattern (read from the schema itself)."""
    schema = load_schema()
    defs, parts = schema["$defs"], schema["properties"]
    return {
        defs["date"]["pattern"]: gettext_noop("'%(value)s' is not a date written as YYYY-MM-DD."),
        defs["id"]["pattern"]: gettext_noop(
            "'%(value)s' is not a valid id: use 1 to 64 letters, digits or the characters _ . : -"
        ),
        parts["assessment"]["properties"]["slug"]["pattern"]: gettext_noop(
            "'%(value)s' is not a valid short name: use 1 to 100 lower-case letters, digits "
            "and hyphens."
        ),
        parts["sources"]["items"]["properties"]["key"]["pattern"]: gettext_noop(
            "'%(value)s' is not a valid key: start with a letter or digit, followed by at "
            "most 63 letters, digits or the characters _ . : -"
        ),
    }


def _value(error: SchemaError) -> str:
    instance = error.instance
    return instance[:_SHOWN_CHARS] if isinstance(instance, str) else shown(instance)


def _limit_message(error: SchemaError) -> str:
    limit, instance = error.validator_value, error.instance
    messages = {
        "minimum": gettext_noop("This must be at least %(limit)s."),
        "maximum": gettext_noop("This must be at most %(limit)s."),
        "exclusiveMinimum": gettext_noop("This must be more than %(limit)s."),
        "exclusiveMaximum": gettext_noop("This must be less than %(limit)s."),
        "minItems": gettext_noop("This list has %(count)s items; at least %(limit)s are needed."),
        "maxItems": gettext_noop("This list has %(count)s items; at most %(limit)s are accepted."),
        "minLength": gettext_noop(
            "The text has %(count)s characters; at least %(limit)s are needed."
        ),
        "maxLength": gettext_noop(
            "The text has %(count)s characters; at most %(limit)s are accepted."
        ),
    }
    count = len(instance) if isinstance(instance, str | list) else instance
    if error.validator == "minLength" and limit == 1:
        return text(gettext_noop("This must not be empty."))
    return text(messages[str(error.validator)], count=count, limit=limit)


def _message(error: SchemaError, field: FieldInfo | None) -> str:
    keyword = str(error.validator)
    if keyword == "enum":
        return text(
            gettext_noop("%(value)s is not one of the possible values; choose %(choices)s."),
            value=shown(error.instance),
            choices=_lazy_choices(list(error.validator_value), field),
        )
    if keyword == "const":
        return text(
            gettext_noop("This must be %(value)s."),
            value=json.dumps(error.validator_value, ensure_ascii=False),
        )
    if keyword == "type":
        return text(
            gettext_noop("This must be %(expected)s, not %(value)s."),
            expected=_lazy_types(error.validator_value, field),
            value=shown(error.instance),
        )
    if keyword in ("minLength", "maxLength", "minItems", "maxItems") or "imum" in keyword:
        return _limit_message(error)
    if keyword == "pattern":
        known = _pattern_messages().get(str(error.validator_value))
        if known:
            return text(known, value=_value(error))
        return text(
            gettext_noop("'%(value)s' does not have the required form (%(pattern)s)."),
            value=_value(error),
            pattern=error.validator_value,
        )
    if keyword == "format":
        if error.validator_value == "date":
            return text(
                _pattern_messages()[load_schema()["$defs"]["date"]["pattern"]], value=_value(error)
            )
        return text(
            gettext_noop("'%(value)s' is not a valid %(format)s."),
            value=_value(error),
            format=error.validator_value,
        )
    if keyword == "uniqueItems":
        return text(gettext_noop("This list holds the same item more than once."))
    return text(
        gettext_noop("This value does not fit the format here (rule '%(keyword)s')."),
        keyword=keyword,
    )


def _problems(error: SchemaError) -> list[Problem]:
    """One or more (path, message) for a jsonschema error, pointing at the key concerned."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        return [
            (
                json_path(*path, key),
                text(
                    gettext_noop("The field '%(key)s' is not known here; known are: %(allowed)s."),
                    key=key,
                    allowed=", ".join(allowed),
                ),
            )
            for key in error.instance
            if key not in allowed
        ]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [key for key in error.validator_value if key not in error.instance]
        message = text(gettext_noop("This is missing; it is required."))
        return [(json_path(*path, key), message) for key in missing]
    if error.validator in ("oneOf", "anyOf") and error.context:
        return _problems(best_match(error.context))
    return [(json_path(*path), _message(error, place(path).field))]


def translated(errors: Iterable[SchemaError]) -> list[Problem]:
    """The problems of jsonschema ``errors``, in order and without repeats."""
    problems: dict[Problem, None] = {}  # ordered and without repeats
    for error in errors:
        problems.update(dict.fromkeys(_problems(error)))
    return list(problems)


def schema_problems(data: Any) -> list[Problem]:
    """Every way ``data`` breaks the schema; [] when it is valid.

    The order is jsonschema's walk through the schema, which follows FORMAT.md's order of
    parts and, within a list, the items' order.
    """
    return translated(_validator().iter_errors(data))
