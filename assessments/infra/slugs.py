"""Short names for links: made from a title, and kept unique per model (or per organisation).

A free short name is looked up among the rows in scope only (an assessment's among its own
organisation's assessments), so the name chosen never reveals what another organisation
has. Two requests that pick the same free name at once are settled by the database: the
loser retries with the next free name (``save_with_free_slug``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

logger = logging.getLogger(__name__)

# Each concurrent request that wins a name costs the others one retry.
MAX_ATTEMPTS = 50


def slug_from(title: str, fallback: str) -> str:
    """Lower-case letters, digits and single hyphens, e.g. "KIA op TikTok" → "kia-op-tiktok"."""
    return re.sub(r"[-_]+", "-", slugify(title)).strip("-") or fallback


def free_slug(model: type[models.Model], wanted: str, **scope: Any) -> str:
    """``wanted`` if no row of ``model`` within ``scope`` has it yet, otherwise the first
    free ``wanted-N``; ``scope`` filters the rows, e.g. ``organisation=org``."""
    rows = model._default_manager.filter(**scope)
    field = model._meta.get_field("slug")
    max_length = getattr(field, "max_length", None) or 100
    wanted = wanted[:max_length].strip("-")
    if not rows.filter(slug=wanted).exists():
        return wanted
    stem = wanted[: max_length - 8]
    taken = set(rows.filter(slug__startswith=f"{stem}-").values_list("slug", flat=True))
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def save_with_free_slug(obj: models.Model, wanted: str, *scope_fields: str) -> None:
    """Insert the new ``obj`` under the first free slug like ``wanted`` among the rows that
    share its ``scope_fields``; if a concurrent request takes that slug first, try the next
    free one. Each try runs in a savepoint, so a surrounding transaction survives a refusal."""
    model = type(obj)
    scope = {field: getattr(obj, field) for field in scope_fields}
    for _attempt in range(MAX_ATTEMPTS):
        slug = free_slug(model, wanted, **scope)
        obj.slug = slug  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
            return
        except IntegrityError:
            if not model._default_manager.filter(slug=slug, **scope).exists():
                raise  # another rule refused the row: not a slug race
            logger.info("slug %r was taken concurrently; trying the next free one", slug)
    raise IntegrityError(f"no free slug like {wanted!r} after {MAX_ATTEMPTS} attempts")
