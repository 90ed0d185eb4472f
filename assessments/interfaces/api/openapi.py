"""Parts of the OpenAPI document that django-ninja cannot derive from the views: the
exchange format's JSON Schema (the same file the import checks) and the problem+json body."""

from __future__ import annotations

import copy
from typing import Any

from assessments.domain.exchange.schema import load_schema


def exchange_schema() -> dict[str, dict[str, Any]]:
    """The exchange format's JSON Schema as OpenAPI components (its ``$defs`` beside it)."""
    schema = copy.deepcopy(load_schema())
    definitions = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (
                    v.replace("#/$defs/", "#/components/schemas/Exchange_")
                    if k == "$ref" and isinstance(v, str)
                    else rewrite(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    components = {"ExchangeDocument": rewrite(schema)}
    for name, definition in definitions.items():
        components[f"Exchange_{name}"] = rewrite(definition)
    return components


PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemOut"}}}
DOCUMENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ExchangeDocument"}}}
