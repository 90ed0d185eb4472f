"""The REST API (``/api/v1/``), built with django-ninja.

Modules: ``main`` (the API object, the per-request language and headers, the finishing of
the OpenAPI document), ``openapi`` (what that document adds: the exchange format's schema),
``auth`` (tokens and the session, throttling, the permission-checked lookup), ``problems``
(problem+json) and ``errors`` (every exception as one), ``locking`` (ETag / If-Match),
``pagination``, ``schemas`` (the rows' schemas made from the row-kind registry and the
forms), ``writing`` (row edits through the forms and ``assessments.domain.editing``) and
``routers/`` (one module per resource, and ``links`` between them).

Every read goes through ``assessments.domain.permissions``, every write through
``assessments.domain.editing`` (as ``Channel.API``) and every lifecycle step through
``assessments.domain.lifecycle``: the API adds no rules of its own.
"""
