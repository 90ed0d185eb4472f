"""The children's-rights library, read-only: its files (frameworks and catalogues), their
items (searchable, in pages), one item by its URN, and the mappings between frameworks.

Every signed-in caller reads the shared library; an organisation's own catalogue
(``org-<slug>``) only its members. Titles and texts are given in both languages
(``{"nl": …, "en": …}``) and ``label`` in the caller's (``Accept-Language``).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from assessments.domain.models import ItemRelation, LibraryFile, LibraryItem, Membership
from assessments.interfaces.api.auth import caller
from assessments.interfaces.api.pagination import DEFAULT_SIZE, paginate
from assessments.interfaces.api.problems import Problem
from assessments.interfaces.api.routers.links import href
from assessments.interfaces.api.schemas import Choice, Link, PageMeta

router = Router(tags=["library"])

FILE_KINDS = ("framework", "catalogue")  # the mappings have their own collection
MAPPING = "mapping"


class LibraryFileOut(Schema):
    ref: str
    urn: str
    kind: Annotated[str, Choice(FILE_KINDS)]
    version: int
    name: dict[str, str]
    description: dict[str, str]
    label: str = Field(description="The name in the caller's language.")
    publisher: str
    languages: list[str]
    source_url: str
    licence: str
    attribution: str
    organisation: str | None = Field(
        default=None, description="The organisation whose own catalogue this is; null: shared."
    )
    items: int = Field(description="How many items it has (withdrawn ones included).")
    links: dict[str, Link] = Field(alias="_links")


class RelationOut(Schema):
    type: str
    target: str = Field(description="The URN of the item it points at.")
    relationship: str = ""


class LibraryItemOut(Schema):
    urn: str
    ref: str
    kind: str
    file: str = Field(description="The ref of the file it belongs to (ivrk, code, …).")
    label: str = Field(description="Reference and title in the caller's language.")
    title: dict[str, str]
    text: dict[str, str]
    source_url: str
    tags: list[str]
    category: str = Field(description="The KIA risk category of a typical risk, else empty.")
    parent: str | None = Field(default=None, description="The URN of the item above it.")
    changed_in: int = Field(description="The file version in which its text last changed.")
    withdrawn_in: int | None = None
    relations: list[RelationOut]
    links: dict[str, Link] = Field(alias="_links")


class LibraryFileDetailOut(LibraryFileOut):
    content: list[LibraryItemOut] = Field(description="Its items, in their order.")


class LibraryItemPage(PageMeta):
    items: list[LibraryItemOut]


class MappingOut(Schema):
    source: str
    source_file: str
    target: str
    target_file: str
    relationship: str = Field(description="equal, subset, superset or intersect.")
    note: dict[str, str] | None = None


class MappingPage(PageMeta):
    items: list[MappingOut]


class ItemFilter(Schema):
    q: str | None = Field(default=None, description="Words in the reference, title or text.")
    framework: str | None = Field(default=None, description="A file's ref (ivrk, code, risks …).")
    kind: str | None = Field(default=None, description="article, principle, typical-risk …")
    withdrawn: bool = Field(default=False, description="Also the items that were withdrawn.")
    page: int = 1
    page_size: int = Field(default=DEFAULT_SIZE, alias="pageSize")


class MappingFilter(Schema):
    framework: str | None = Field(
        default=None, description="Only mappings from or to this file's items (its ref)."
    )
    page: int = 1
    page_size: int = Field(default=DEFAULT_SIZE, alias="pageSize")


# --- What the caller may read -------------------------------------------------------------------


def visible_files(request: HttpRequest) -> QuerySet[LibraryFile]:
    """The shared library and the own catalogues of the caller's organisations."""
    mine = Membership.objects.filter(user=caller(request).user).values("organisation_id")
    return LibraryFile.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=mine)
    ).select_related("organisation")


def _items(request: HttpRequest) -> QuerySet[LibraryItem]:
    return LibraryItem.objects.filter(file__in=visible_files(request)).select_related(
        "file", "parent"
    )


def _both(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}


def file_out(file: LibraryFile, count: int) -> dict[str, Any]:
    return {
        "ref": file.ref,
        "urn": file.urn,
        "kind": file.kind,
        "version": file.version,
        "name": _both(file.name),
        "description": _both(file.description),
        "label": file.label,
        "publisher": file.publisher,
        "languages": list(file.languages or []),
        "source_url": file.source_url,
        "licence": file.licence,
        "attribution": file.attribution,
        "organisation": file.organisation.slug if file.organisation else None,
        "items": count,
        "_links": {
            "self": href("library_framework", ref=file.ref),
            "items": {"href": href("library_items")["href"] + f"?framework={file.ref}"},
        },
    }


def _relations(items: list[LibraryItem]) -> dict[int, list[dict[str, str]]]:
    found: dict[int, list[dict[str, str]]] = {item.pk: [] for item in items}
    rows = (
        ItemRelation.objects.filter(source__in=items)
        .select_related("target")
        .order_by("source_id", "pk")
    )
    for relation in rows:
        found[relation.source_id].append(
            {
                "type": relation.type,
                "target": relation.target.urn,
                "relationship": relation.relationship or "",
            }
        )
    return found


def items_out(items: list[LibraryItem]) -> list[dict[str, Any]]:
    relations = _relations(items)
    return [
        {
            "urn": item.urn,
            "ref": item.ref,
            "kind": item.kind,
            "file": item.file.ref,
            "label": item.label,
            "title": _both(item.title),
            "text": _both(item.text),
            "source_url": item.source_url,
            "tags": list(item.tags or []),
            "category": item.category,
            "parent": item.parent.urn if item.parent else None,
            "changed_in": item.changed_in,
            "withdrawn_in": item.withdrawn_in,
            "relations": relations[item.pk],
            "_links": {"self": href("library_item", urn=item.urn)},
        }
        for item in items
    ]


# --- Routes -------------------------------------------------------------------------------------


@router.get(
    "/frameworks",
    response=list[LibraryFileOut],
    by_alias=True,
    summary="The library's frameworks and catalogues",
    url_name="library_frameworks",
)
def library_frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    files = (
        visible_files(request)
        .filter(kind__in=FILE_KINDS)
        .annotate(count=Count("items"))
        .order_by("organisation_id", "kind", "pk")
    )
    return [file_out(f, f.count) for f in files]


@router.get(
    "/frameworks/{ref}",
    response=LibraryFileDetailOut,
    by_alias=True,
    summary="One framework or catalogue with its items",
    url_name="library_framework",
)
def library_framework(request: HttpRequest, ref: str) -> dict[str, Any]:
    file = visible_files(request).filter(ref=ref, kind__in=FILE_KINDS).first()
    if file is None:
        raise Problem(404, _("There is no such framework or catalogue in the library."))
    items = list(_items(request).filter(file=file).order_by("order", "pk"))
    return {**file_out(file, len(items)), "content": items_out(items)}


@router.get(
    "/items",
    response=LibraryItemPage,
    by_alias=True,
    summary="Items of the library (search by words, framework and kind)",
    url_name="library_items",
)
def library_items(request: HttpRequest, filters: Query[ItemFilter]) -> dict[str, Any]:
    rows = _items(request)
    if not filters.withdrawn:
        rows = rows.filter(withdrawn_in__isnull=True)
    if filters.framework:
        rows = rows.filter(file__ref=filters.framework)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    for word in (filters.q or "").split()[:8]:
        rows = rows.filter(
            Q(ref__icontains=word)
            | Q(urn__icontains=word)
            | Q(title__nl__icontains=word)
            | Q(title__en__icontains=word)
            | Q(text__nl__icontains=word)
            | Q(text__en__icontains=word)
        )
    rows = rows.order_by("file__organisation_id", "file_id", "order", "pk")
    shown, meta = paginate(request, rows, filters.page, filters.page_size)
    return {**meta, "items": items_out(shown)}


@router.get(
    "/items/{urn}",
    response=LibraryItemOut,
    by_alias=True,
    summary="One item of the library by its URN",
    url_name="library_item",
)
def library_item(request: HttpRequest, urn: str) -> dict[str, Any]:
    item = _items(request).filter(urn=urn).first()
    if item is None:
        raise Problem(404, _("There is no such item in the library."))
    return items_out([item])[0]


@router.get(
    "/mappings",
    response=MappingPage,
    by_alias=True,
    summary="Mappings between frameworks, with their relationship",
    url_name="library_mappings",
)
def library_mappings(request: HttpRequest, filters: Query[MappingFilter]) -> dict[str, Any]:
    files = visible_files(request)
    rows = ItemRelation.objects.filter(type=MAPPING, source__file__in=files, target__file__in=files)
    if filters.framework:
        rows = rows.filter(
            Q(source__file__ref=filters.framework) | Q(target__file__ref=filters.framework)
        )
    rows = rows.select_related("source__file", "target__file").order_by("pk")
    shown, meta = paginate(request, rows, filters.page, filters.page_size)
    return {
        **meta,
        "items": [
            {
                "source": r.source.urn,
                "source_file": r.source.file.ref,
                "target": r.target.urn,
                "target_file": r.target.file.ref,
                "relationship": r.relationship or "",
                "note": _both(r.note) if isinstance(r.note, dict) and r.note else None,
            }
            for r in shown
        ],
    }
