"""The API object: routers, error handling, language and headers, the OpenAPI document.

django-ninja builds the OpenAPI 3.1 document from the typed views and schemas and serves
a docs page rendered on the server from that document (``docs.Reference``), so nothing
is loaded from a CDN. Every answer carries ``API-Version``; messages follow
``Accept-Language`` (Dutch unless English is asked for first).

Every error answer under ``/api/`` is problem+json: the operations' own (``errors``), and,
through ``problems_only`` around every URL of the API, the answers ninja and Django make
without us (405 for a method a path does not have, with ``Allow``; 404 of the API's root).
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_safe
from ninja import NinjaAPI

from assessments.domain.exchange.parsing import MAX_DIGITS
from assessments.interfaces.api import errors, locking, problems
from assessments.interfaces.api.auth import AUTH, PerAddress
from assessments.interfaces.api.bodies import StrictParser
from assessments.interfaces.api.docs import Reference
from assessments.interfaces.api.openapi import PROBLEM, exchange_schema
from assessments.interfaces.api.routers import (
    assessments,
    library,
    library_links,
    organisations,
    public,
    rows,
    versions,
)
from assessments.interfaces.api.schemas import ProblemOut

VERSION = "1.0.0"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def language_of(request: HttpRequest) -> str:
    """The first of our languages the client accepts; Dutch if none."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return DEFAULT_LANGUAGE


def per_request(run):
    """Around every operation (also its authentication and errors): the language, and the
    ``API-Version`` and ``Content-Language`` headers."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = language_of(request)
        with translation.override(language):
            response = run(request, *args, **kwargs)
        response["API-Version"] = VERSION
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language", "Authorization", "Cookie"])
        return response

    return wrapper


# Headers of an error answer that say something to the client and are kept in its problem.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "ETag")


def problems_only(view):
    """Around a URL of the API: an error answer that is not problem+json yet (ninja's 405
    for a wrong method, a 404 raised outside an operation) becomes one, in the caller's
    language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = HttpResponse(status=404)
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            problems.CONTENT_TYPE
        ):
            return response
        status = response.status_code
        kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}

        def answer(req: HttpRequest) -> HttpResponse:
            detail = ""
            if status == 405:
                detail = _("This path accepts: %(methods)s.") % {"methods": kept.get("Allow", "")}
            elif status == 404:
                detail = _("There is nothing here, or not for you.")
            return problems.problem_response(req, status, detail, headers=kept)

        return per_request(answer)(request)

    return wrapper


# Writes of rows name the version they change (``locking``); for a first answer (PUT) it is
# left out.
IF_MATCH = {"patch": True, "delete": True, "put": False}


LARGEST = 10**MAX_DIGITS - 1  # the largest number a body may hold (``exchange.parsing``)


class KiaAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = problems_only(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_operation_id(self, operation: Any) -> str:
        """The id of each operation, as the API has published it since version 1.0
        (``assessments_api_routers_<router>_<view>``): ids must not change when the code
        moves, so they name the router and view, not the Python module's path."""
        router = operation.view_func.__module__.rsplit(".", 1)[-1]
        return f"assessments_api_routers_{router}_{operation.view_func.__name__}"

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """The document; its paths are relative to its one server, ``/api/v1`` (the NL GOV
        rule /core/uri-version: the major version is in the server's URL)."""
        root = self.get_root_path(path_params or {}) if path_prefix is None else path_prefix
        with translation.override("en"):  # one document, whatever the visitor's language
            built = super().get_openapi_schema(path_prefix="", path_params=path_params)
            schema = json.loads(json.dumps(built, cls=DjangoJSONEncoder))  # lazy texts, now
        schema["servers"] = [{"url": root.rstrip("/") or "/"}]
        schema["info"]["contact"] = {
            "name": "KIA",
            "email": settings.DEFAULT_FROM_EMAIL,
            "url": settings.KIA_SITE_URL.rstrip("/") + "/",
        }
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas.update(exchange_schema())

        problem = ProblemOut.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}"
        )
        for name, definition in problem.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas["ProblemOut"] = problem
        components["headers"] = {
            "API-Version": {
                "description": "The version of the API that answered.",
                "schema": {"type": "string", "example": VERSION},
            }
        }
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method in IF_MATCH:
                    operation.setdefault("parameters", []).append(
                        {
                            "name": "If-Match",
                            "in": "header",
                            "required": IF_MATCH[method],
                            "description": "The row's ETag as read, or `*` (412 if it changed "
                            "since; 428 if missing; 400 if it is not a list of entity tags)."
                            + (" Not needed for a first answer." if method == "put" else ""),
                            "schema": {"type": "string", "pattern": locking.IF_MATCH_FORM},
                        }
                    )
                # openapi_extra names statuses as strings, ninja as integers: one key each.
                responses: dict[str, Any] = {}
                for status, answer in operation.get("responses", {}).items():
                    responses[str(status)] = {**responses.get(str(status), {}), **answer}
                operation["responses"] = responses
                if method not in ("get", "delete") or operation.get("parameters"):
                    # /core/error-handling/invalid-input: what a bad request gets.
                    responses.setdefault(
                        "400", {"description": "Invalid input (problem+json).", "content": PROBLEM}
                    )
                responses.setdefault(
                    "default", {"description": "An error (problem+json).", "content": PROBLEM}
                )
                for response in responses.values():
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
        _bounded_integers(schema)
        return schema


def _bounded_integers(node: Any) -> None:
    """Every integer the document describes is within the body parser's limit (a number of
    more than ``MAX_DIGITS`` digits is a 400 wherever it stands), stated where nothing
    narrower is."""
    if isinstance(node, dict):
        if node.get("type") == "integer" or "integer" in (node.get("type") or []):
            node.setdefault("maximum", LARGEST)
            node.setdefault("minimum", -LARGEST)
        for value in node.values():
            _bounded_integers(value)
    elif isinstance(node, list):
        for value in node:
            _bounded_integers(value)


api = KiaAPI(
    title="KIA API",
    version=VERSION,
    description=(
        "The Kinderrechten Impact Assessment (KIA) app's REST API. Authenticate with a "
        "personal API token (made on your profile page) as `Authorization: Bearer <token>`, "
        "or with the browser's session. Errors are `application/problem+json`; messages "
        "follow `Accept-Language` (Dutch by default). Writes need the row's `ETag` in "
        "`If-Match`."
    ),
    urls_namespace="api",
    auth=AUTH,
    parser=StrictParser(),
    # The docs page: the OpenAPI document rendered as a page of the site (api/docs.py).
    docs=Reference(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=require_safe,  # GET and HEAD; anything else is 405 (problem+json)
)
api.add_decorator(per_request, mode="view")
errors.install(api)
api.add_router("/organisations", organisations.router)
api.add_router("/assessments", assessments.router)
api.add_router("/assessments", rows.router)
api.add_router("/assessments", versions.router)
api.add_router("/assessments", library_links.router)
api.add_router("/library", library.router)
api.add_router("/public", public.router, auth=None, throttle=[PerAddress()])

urls = api.urls


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under ``/api/``: 404 as problem+json, like the API's own."""
    return per_request(
        lambda req: problems.problem_response(req, 404, _("There is nothing here, or not for you."))
    )(request)


def index(request: HttpRequest) -> HttpResponse:
    """``/api/`` and ``/api/v1/``: where the docs and the OpenAPI document are; a page for a
    browser, the two links as JSON for a program."""
    links = {"docs": reverse("api:openapi-view"), "openapi": reverse("api:openapi-json")}
    if "text/html" in request.headers.get("Accept", ""):
        response = render(request, "api/index.html", links)
    else:
        response = JsonResponse(
            {key: request.build_absolute_uri(url) for key, url in links.items()}
        )
    response["API-Version"] = VERSION
    return response
