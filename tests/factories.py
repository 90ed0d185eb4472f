"""Small helpers that build valid objects for tests."""

from __future__ import annotations

import io
from itertools import count

from django.contrib.auth import get_user_model
from django.test import Client

from assessments.domain.constants import Role
from assessments.domain.models import Assessment, Membership, Organisation, Risk

_seq = count(1)


def organisation(**kwargs) -> Organisation:
    n = next(_seq)
    kwargs.setdefault("name", f"Organisation {n}")
    kwargs.setdefault("slug", f"org-{n}")
    return Organisation.objects.create(**kwargs)


def user(*, password: str = "pw-for-tests-123", **kwargs):
    n = next(_seq)
    kwargs.setdefault("username", f"user{n}")
    kwargs.setdefault("email", f"user{n}@example.org")
    return get_user_model().objects.create_user(password=password, **kwargs)


def logged_in(user, **client_options) -> Client:
    """A test client logged in as ``user`` that chose English (the language switch's cookie;
    the app speaks Dutch to everyone else, whatever the browser asks for)."""
    client = Client(**client_options)
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def member(org: Organisation, role: Role = Role.EDITOR, **kwargs):
    account = user(**kwargs)
    Membership.objects.create(organisation=org, user=account, role=role)
    return account


def assessment(org: Organisation | None = None, **kwargs) -> Assessment:
    n = next(_seq)
    kwargs.setdefault("title", f"KIA {n}")
    kwargs.setdefault("slug", f"kia-{n}")
    kwargs.setdefault("service_name", f"Service {n}")
    return Assessment.objects.create(organisation=org or organisation(), **kwargs)


def risk(parent: Assessment, **kwargs) -> Risk:
    kwargs.setdefault("category", "content")
    kwargs.setdefault("topic", "Harmful content")
    return Risk.objects.create(assessment=parent, **kwargs)


def u(assessment: Assessment, name: str, *args) -> str:
    """The URL of an assessment's page ``assessments:<name>``."""
    from django.urls import reverse

    return reverse(f"assessments:{name}", args=[assessment.slug, *args])


def close(response) -> None:
    """Close a streamed response (a file download) the way the test client closes the ones it
    reads to the end: without ``close_old_connections``, which would close the database
    connection of a test that runs inside a transaction (PostgreSQL)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def pdf_bytes(*, password: str = "", pages: int = 1) -> bytes:
    """A small PDF of blank pages (encrypted with ``password`` if given), as uploaded."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
