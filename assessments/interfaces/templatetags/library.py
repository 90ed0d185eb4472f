"""Template helpers for the children's-rights library: the chips of a row's links."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import template
from django.urls import reverse

from assessments.domain.library import catalogue
from assessments.domain.models import LibraryLink
from assessments.outputs import rights

register = template.Library()

LINKABLE = ("goal", "contribution", "risk", "measure")


def links_by_row(ws) -> dict[tuple[str, int], list[LibraryLink]]:
    """All links of the workspace's assessment by (kind, row id): one query per page."""
    cached = getattr(ws, "_library_links", None)
    if cached is None:
        cached = defaultdict(list)
        found = (
            LibraryLink.objects.filter(assessment=ws.assessment)
            .select_related("item", "item__file")
            .order_by("item__file__ref", "item__order", "pk")
        )
        for link in found:
            for kind in LINKABLE:
                row_id = getattr(link, f"{kind}_id", None)
                if row_id is not None:
                    cached[(kind, row_id)].append(link)
        ws._library_links = cached
    return cached


@register.simple_tag
def row_links(ws, kind: str, row) -> list[LibraryLink]:
    """The links of ``row`` (a goal, contribution, risk or measure; None: no links)."""
    if row is None or getattr(row, "pk", None) is None:
        return []
    return links_by_row(ws).get((kind, row.pk), [])


@register.inclusion_tag("assessments/library/_chips.html", takes_context=True)
def library_chips(context, kind: str, row: Any, name: str = "", ref: str = "") -> dict:
    """The row's links as named chips with their reference; for editors each removable,
    and a link to the picker. ``ref`` names a contribution by its question (it may not
    exist yet)."""
    ws = context["ws"]
    access = context.get("access")
    slug = ws.assessment.slug
    request = context.get("request")
    key = ref or (str(row.pk) if row is not None else "")
    return {
        "links": row_links(ws, kind, row),
        "can_edit": bool(access and access.can_edit) and bool(key),
        "picker_url": reverse("assessments:links", args=[slug, kind, key]) if key else "",
        "slug": slug,
        "name": name,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def suggested_measures(ws, risk) -> list:
    """The catalogue's typical measures for a risk linked to catalogue items (none for a
    risk without links, at no cost)."""
    if not links_by_row(ws).get(("risk", risk.pk)):
        return []
    return catalogue.suggested_measures(risk)


@register.filter
def rights_chips(urns) -> str:
    """A finding's library items (URNs) by their short names: "art. 19, Code P3"."""
    return ", ".join(rights.chips_of(urns or []))
