"""Parts of the OpenAPI document that django-ninja cannot derive from the views: the
exchange format's JSON Schema (the same file the import checks) and the problem+json body."""

from __future__ import annotations

import copy
from typing import Any

from assessments.domain.exchange.schema import load_schema


def component_name(definition: str) -> str:
    """The component of one of the exchange format's ``$defs``, in UpperCamelCase as the
    NL GOV API Design Rules ask (``residual_estimate`` is ``ExchangeResidualEstimate``)."""
    return "Exchange" + "".join(part.capitalize() for part in definition.split("_"))


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
                    "#/components/schemas/" + component_name(v.removeprefix("#/$defs/"))
                    if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/")
                    else rewrite(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    components = {"ExchangeDocument": rewrite(schema)}
    for name, definition in definitions.items():
        components[component_name(name)] = rewrite(definition)
    # The format's dates are YYYY-MM-DD (its pattern): say so as the format too.
    components["ExchangeDate"].setdefault("format", "date")
    return components


PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemOut"}}}
DOCUMENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ExchangeDocument"}}}
