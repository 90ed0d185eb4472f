"""Addresses of things the pages show that are not pages themselves (a figure's image),
shared by the views and the template tags."""

from __future__ import annotations

from django.urls import reverse

from assessments.domain import figures
from assessments.domain.models import Figure


def image_url(figure: Figure, slug: str) -> str:
    """Where a page shows the figure's image (members only; never ``MEDIA_URL``)."""
    match = figures.NAME_RE.match(figure.image.name or "")
    if match is None:
        return ""
    return reverse("assessments:figure_image", args=[slug, match.group(2), match.group(3)])
