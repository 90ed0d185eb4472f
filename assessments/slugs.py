"""Short names for links: made from a title, and kept unique per model."""

from __future__ import annotations

import re

from django.db import models
from django.utils.text import slugify


def slug_from(title: str, fallback: str) -> str:
    """Lower-case letters, digits and single hyphens, e.g. "KIA op TikTok" → "kia-op-tiktok"."""
    return re.sub(r"[-_]+", "-", slugify(title)).strip("-") or fallback


def free_slug(model: type[models.Model], wanted: str) -> str:
    """``wanted`` if no row of ``model`` has it yet, otherwise the first free ``wanted-N``."""
    max_length = model._meta.get_field("slug").max_length
    wanted = wanted[:max_length].strip("-")
    if not model.objects.filter(slug=wanted).exists():
        return wanted
    stem = wanted[: max_length - 8]
    taken = set(model.objects.filter(slug__startswith=f"{stem}-").values_list("slug", flat=True))
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"
