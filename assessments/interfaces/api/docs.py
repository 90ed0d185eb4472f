"""The API's docs page and its front door, for people.

``Reference`` renders the same OpenAPI document as ``/api/v1/openapi.json`` on the server,
as a page of the site (its header, language switch and landmarks): operations by tag,
their parameters, body and answers, labelled in the interface's language (the document's
own descriptions are English, marked ``lang="en"``). No script, so nothing to fail axe or
the CSP; tools read the document itself. ``index`` answers ``/api/`` and ``/api/v1/``:
a page that points to both for a browser, the two links as JSON for a program.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def _type_of(schema: dict[str, Any]) -> str:
    """A short name of a schema's type: ``string``, ``integer``, ``Risk``, ``array of …``."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"] if s.get("type") != "null")
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {_type_of(schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    return str(kind)


def operations(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The document's operations grouped by their first tag, in the document's order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    server = (document.get("servers") or [{"url": ""}])[0]["url"].rstrip("/")
    for relative, item in document.get("paths", {}).items():
        path = server + relative  # as a person types it: /api/v1/…
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            groups.setdefault((operation.get("tags") or ["api"])[0], []).append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type_of(p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": [
                        (media, _type_of(content.get("schema", {})))
                        for media, content in body.items()
                    ],
                    "responses": [
                        (status, answer.get("description", ""))
                        for status, answer in operation.get("responses", {}).items()
                    ],
                }
            )
    return list(groups.items())


class Reference(DocsBase):
    """The API reference as a page of the site."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        document = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/reference.html",
            {
                "info": document.get("info", {}),
                "groups": operations(document),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )
