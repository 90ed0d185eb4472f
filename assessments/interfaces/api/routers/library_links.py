"""The links from an assessment's rows (goals, contributions, risks, measures) to items of
the children's-rights library.

A link is added under its row (``POST …/risks/{pk}/links`` with the item's URN; an
``If-Match`` with the row's ETag, when sent, must still match), read in the assessment's
list or one by one (with its ETag), its note changed (``PATCH``) and removed (``DELETE``)
with ``If-Match`` like every row. Reads need a member, writes an editor of a draft; every
write goes through ``domain.editing`` (``catalogue.link``, ``editing.delete``), so it is in the
history. (No ``from __future__ import annotations``: ninja reads the body types.)
"""

from typing import Any

from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from assessments.domain import editing
from assessments.domain.constants import Role
from assessments.domain.library import catalogue
from assessments.domain.models import (
    Assessment,
    Contribution,
    Goal,
    LibraryItem,
    LibraryLink,
    Measure,
    Risk,
)
from assessments.interfaces.api import writing
from assessments.interfaces.api.auth import access
from assessments.interfaces.api.locking import etag_of, expected_version
from assessments.interfaces.api.problems import Problem
from assessments.interfaces.api.routers.links import href

router = Router(tags=["library links"])
WHERE = "/{organisation}/{slug}"
KINDS = ("goal", "contribution", "risk", "measure")


class LibraryLinkOut(Schema):
    id: int
    lock_version: int
    item: str = Field(description="The URN of the library item.")
    label: str = Field(description="The item's reference and title.")
    row_kind: str = Field(description="goal, contribution, risk or measure.")
    row: str = Field(description="The row's id (a contribution: its question number).")
    item_version: int = Field(description="The item's text version the link was made on.")
    current_version: int = Field(description="The item's text version in the library now.")
    withdrawn: bool
    note: str
    links: dict[str, dict[str, str]] = Field(alias="_links")


class LibraryLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item: str = Field(description="The URN of a library item, e.g. urn:kia:ivrk:art-16.")
    note: str = Field(default="", max_length=2000)


class LibraryLinkChange(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(max_length=2000)


def _kind_of(link: LibraryLink) -> str:
    return next(kind for kind in KINDS if getattr(link, f"{kind}_id", None))


def link_out(link: LibraryLink, assessment: Assessment) -> dict[str, Any]:
    kind = _kind_of(link)
    row = link.row
    where = {"organisation": assessment.organisation.slug, "slug": assessment.slug}
    return {
        "id": link.pk,
        "lock_version": link.lock_version,
        "item": link.item.urn,
        "label": link.item.label,
        "row_kind": kind,
        "row": row.question if kind == "contribution" else str(row.pk),
        "item_version": link.item_version,
        "current_version": link.item.changed_in,
        "withdrawn": link.item.is_withdrawn,
        "note": link.note,
        "_links": {
            "self": href("library_link_detail", pk=link.pk, **where),
            "item": href("library_item", urn=link.item.urn),
        },
    }


def _links(assessment: Assessment) -> models.QuerySet[LibraryLink]:
    return LibraryLink.objects.filter(assessment=assessment).select_related(
        "item__file", "goal", "contribution", "risk", "measure"
    )


def _one(assessment: Assessment, pk: int) -> LibraryLink:
    found = _links(assessment).filter(pk=pk).first()
    if found is None:
        raise Http404("No such link.")
    return found


def _tagged(response: HttpResponse, link: LibraryLink, assessment: Assessment) -> dict[str, Any]:
    response["ETag"] = etag_of(link)
    return link_out(link, assessment)


@router.get(
    WHERE + "/library-links",
    response=list[LibraryLinkOut],
    by_alias=True,
    summary="All links of the assessment's rows to library items",
    url_name="library_link_list",
)
def library_link_list(request: HttpRequest, organisation: str, slug: str) -> list[dict[str, Any]]:
    assessment = access(request, organisation, slug).assessment
    return [link_out(link, assessment) for link in _links(assessment).order_by("pk")]


@router.get(
    WHERE + "/library-links/{pk}",
    response=LibraryLinkOut,
    by_alias=True,
    summary="One link to a library item",
    url_name="library_link_detail",
)
def library_link_detail(
    request: HttpRequest, response: HttpResponse, organisation: str, slug: str, pk: int
) -> dict[str, Any]:
    assessment = access(request, organisation, slug).assessment
    return _tagged(response, _one(assessment, pk), assessment)


@router.patch(
    WHERE + "/library-links/{pk}",
    response=LibraryLinkOut,
    by_alias=True,
    summary="Change a link's note (If-Match with its ETag)",
)
def library_link_update(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    pk: int,
    body: LibraryLinkChange,
) -> dict[str, Any]:
    found = access(request, organisation, slug, Role.EDITOR, write=True)
    link = _one(found.assessment, pk)
    expected = expected_version(request, link)
    link.note = body.note.strip()
    saved = editing.save(
        link,
        actor=writing.actor(request.auth.user),  # type: ignore[attr-defined]
        expected=expected,
        assessment=found.assessment,
    )
    return _tagged(response, _one(found.assessment, saved.pk), found.assessment)


@router.delete(
    WHERE + "/library-links/{pk}",
    response={204: None},
    summary="Remove a link to a library item (If-Match with its ETag)",
)
def library_link_delete(request: HttpRequest, organisation: str, slug: str, pk: int) -> Any:
    found = access(request, organisation, slug, Role.EDITOR, write=True)
    link = _one(found.assessment, pk)
    expected = expected_version(request, link)
    editing.delete(
        link,
        actor=writing.actor(request.auth.user),  # type: ignore[attr-defined]
        expected=expected,
        assessment=found.assessment,
    )
    return Status(204, None)


# --- Adding a link under its row -----------------------------------------------------------------


def _row(assessment: Assessment, kind: str, key: str) -> models.Model:
    rows: dict[str, Any] = {
        "goal": lambda: Goal.objects.filter(assessment=assessment, pk=_int(key)),
        "contribution": lambda: Contribution.objects.filter(assessment=assessment, question=key),
        "risk": lambda: Risk.objects.filter(assessment=assessment, pk=_int(key)),
        "measure": lambda: Measure.objects.filter(risk__assessment=assessment, pk=_int(key)),
    }
    found = rows[kind]().first()
    if found is None:
        raise Http404("No such row.")
    return found


def _int(value: str) -> int:
    if not value.isdigit():
        raise Http404("No such row.")
    return int(value)


def _item(urn: str, assessment: Assessment) -> LibraryItem:
    item = (
        LibraryItem.objects.filter(urn=urn.strip(), withdrawn_in__isnull=True)
        .filter(
            models.Q(file__organisation__isnull=True)
            | models.Q(file__organisation_id=assessment.organisation_id)
        )
        .select_related("file")
        .first()
    )
    if item is None:
        raise Problem(
            400,
            _("There is no library item %(urn)s (or it was withdrawn).") % {"urn": urn[:200]},
            invalid_params=[
                {"name": "item", "code": "unknown", "reason": _("No such library item.")}
            ],
        )
    return item


def _row_links(request: HttpRequest, organisation: str, slug: str, kind: str, key: str) -> Any:
    assessment = access(request, organisation, slug).assessment
    row = _row(assessment, kind, key)
    rows = _links(assessment).filter(**{kind: row}).order_by("pk")
    return [link_out(link, assessment) for link in rows]


def _create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    kind: str,
    key: str,
    body: LibraryLinkIn,
) -> Any:
    found = access(request, organisation, slug, Role.EDITOR, write=True)
    row = _row(found.assessment, kind, key)
    if request.headers.get("If-Match", "").strip():
        expected_version(request, row)  # the row as the caller read it, or 412
    item = _item(body.item, found.assessment)
    if _links(found.assessment).filter(**{kind: row}, item=item).exists():
        raise Problem(409, _("This row is already linked to %(item)s.") % {"item": item.label})
    with transaction.atomic():
        batch = editing.Batch(
            writing.actor(request.auth.user),  # type: ignore[attr-defined]
            found.assessment,
        )
        link = catalogue.link(batch, row, item, note=body.note.strip())
        batch.finish()
    created = _one(found.assessment, link.pk)
    response["Location"] = link_out(created, found.assessment)["_links"]["self"]["href"]
    return Status(201, _tagged(response, created, found.assessment))


LIST: dict[str, Any] = {"response": list[LibraryLinkOut], "by_alias": True}
CREATE: dict[str, Any] = {"response": {201: LibraryLinkOut}, "by_alias": True}
OPTIONAL = "If-Match with the row's ETag: optional; 412 when the row changed since"


@router.get(WHERE + "/goals/{pk}/links", summary="The library items a goal is linked to", **LIST)
def goal_library_links(request: HttpRequest, organisation: str, slug: str, pk: int) -> Any:
    return _row_links(request, organisation, slug, "goal", str(pk))


@router.post(WHERE + "/goals/{pk}/links", summary=f"Link a goal ({OPTIONAL})", **CREATE)
def goal_library_link_create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    pk: int,
    body: LibraryLinkIn,
) -> Any:
    return _create(request, response, organisation, slug, "goal", str(pk), body)


@router.get(
    WHERE + "/contributions/{question}/links",
    summary="The library items a contribution is linked to",
    **LIST,
)
def contribution_library_links(
    request: HttpRequest, organisation: str, slug: str, question: str
) -> Any:
    return _row_links(request, organisation, slug, "contribution", question)


@router.post(
    WHERE + "/contributions/{question}/links",
    summary=f"Link a contribution ({OPTIONAL})",
    **CREATE,
)
def contribution_library_link_create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    question: str,
    body: LibraryLinkIn,
) -> Any:
    return _create(request, response, organisation, slug, "contribution", question, body)


@router.get(WHERE + "/risks/{pk}/links", summary="The library items a risk is linked to", **LIST)
def risk_library_links(request: HttpRequest, organisation: str, slug: str, pk: int) -> Any:
    return _row_links(request, organisation, slug, "risk", str(pk))


@router.post(WHERE + "/risks/{pk}/links", summary=f"Link a risk ({OPTIONAL})", **CREATE)
def risk_library_link_create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    pk: int,
    body: LibraryLinkIn,
) -> Any:
    return _create(request, response, organisation, slug, "risk", str(pk), body)


@router.get(
    WHERE + "/measures/{pk}/links", summary="The library items a measure is linked to", **LIST
)
def measure_library_links(request: HttpRequest, organisation: str, slug: str, pk: int) -> Any:
    return _row_links(request, organisation, slug, "measure", str(pk))


@router.post(WHERE + "/measures/{pk}/links", summary=f"Link a measure ({OPTIONAL})", **CREATE)
def measure_library_link_create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    pk: int,
    body: LibraryLinkIn,
) -> Any:
    return _create(request, response, organisation, slug, "measure", str(pk), body)
