"""Template filters of the comparison page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def at(items, index: int):
    """``items[index]`` (a column's label for a cell of a stacked table)."""
    try:
        return items[index]
    except (IndexError, TypeError):
        return ""


@register.filter
def pair(first, second) -> tuple:
    """``(first, second)``: to loop over a column's two heat maps."""
    return (first, second)
