"""The JSON Schema of the exchange format (``assessments/schema/assessment.schema.json``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from assessments.exchange.errors import Problem, json_path

FORMAT = "kia-assessment"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "assessment.schema.json"


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema())


def _problems(error: SchemaError) -> list[Problem]:
    """One or more (path, message) for a jsonschema error, pointing at the key concerned."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        return [
            (json_path(*path, key), f"unknown key; allowed here: {', '.join(allowed)}")
            for key in error.instance
            if key not in allowed
        ]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [key for key in error.validator_value if key not in error.instance]
        return [(json_path(*path, key), "this key is required") for key in missing]
    return [(json_path(*path), error.message)]


def schema_problems(data: Any) -> list[Problem]:
    """Every way ``data`` breaks the schema; [] when it is valid.

    The order is jsonschema's walk through the schema, which follows FORMAT.md's order of
    parts and, within a list, the items' order.
    """
    problems: dict[Problem, None] = {}  # ordered and without repeats
    for error in _validator().iter_errors(data):
        problems.update(dict.fromkeys(_problems(error)))
    return list(problems)
