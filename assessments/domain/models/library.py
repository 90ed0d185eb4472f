"""The children's rights library (frameworks, catalogues, mappings) and an assessment's
links to it.

The library is data in the repository (``domain/library/data/*.yaml``), loaded into
``LibraryFile``, ``LibraryItem``, ``LibraryItemText`` and ``ItemRelation`` by
``domain.library.loader``; every version of an item's text is kept, so an assessment that
linked an older text can be shown what changed. An assessment's rows point at items through
``LibraryLink`` rows, and the team marks items it judged not relevant with a
``CoverageExclusion``: both are rows of the assessment (``rowkinds``), in its history and
versions. Withdrawing an item never deletes a link (``on_delete=PROTECT``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from assessments.domain.models.answers import Contribution, Goal
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.base import Tracked
from assessments.domain.models.organisation import Organisation
from assessments.domain.models.risks import Measure, Risk


def in_language(text: dict[str, str] | None) -> str:
    """A text of the library ({"nl": …, "en": …}) in the active language (Dutch if the
    other is missing)."""
    if not text:
        return ""
    language = (translation.get_language() or "nl")[:2]
    return text.get(language) or text.get("nl") or text.get("en") or ""


class LibraryFile(models.Model):
    """One framework, catalogue or set of mappings, at the version last loaded."""

    class Kind(models.TextChoices):
        FRAMEWORK = "framework", _("framework")
        CATALOGUE = "catalogue", _("catalogue")
        MAPPING = "mapping", _("mappings")

    urn = models.CharField(_("URN"), max_length=200, unique=True)
    ref = models.CharField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300)
    languages = models.JSONField(_("languages"), default=list)
    source_url = models.URLField(_("source"), max_length=500)
    licence = models.CharField(_("licence"), max_length=300)
    attribution = models.TextField(_("attribution"))
    # An organisation's own catalogue; None for the shared library.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="library_files",
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        ordering = ["order", "ref"]
        verbose_name = _("library file")
        verbose_name_plural = _("library files")

    def __str__(self) -> str:
        return f"{self.ref} v{self.version}"

    @property
    def label(self) -> str:
        return in_language(self.name)


class LibraryItem(models.Model):
    """An article, section, principle, standard, category, typical risk or measure."""

    file = models.ForeignKey(LibraryFile, on_delete=models.CASCADE, related_name="items")
    urn = models.CharField(_("URN"), max_length=200, unique=True)
    ref = models.CharField(_("reference"), max_length=40)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.JSONField(_("title"), default=dict)
    text = models.JSONField(_("text"), default=dict)
    source_url = models.URLField(_("source"), max_length=500)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    category = models.CharField(_("risk category"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    changed_in = models.PositiveIntegerField(_("text changed in version"), default=1)
    withdrawn_in = models.PositiveIntegerField(_("withdrawn in version"), null=True, blank=True)

    class Meta:
        ordering = ["file", "order"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")

    def __str__(self) -> str:
        return self.label

    @property
    def title_text(self) -> str:
        return in_language(self.title)

    @property
    def text_text(self) -> str:
        return in_language(self.text)

    @property
    def label(self) -> str:
        return f"{self.ref} {self.title_text}".strip()

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_in is not None


class LibraryItemText(models.Model):
    """An item's title and text as a version of its file had them."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="texts")
    version = models.PositiveIntegerField(_("version"))
    title = models.JSONField(_("title"), default=dict)
    text = models.JSONField(_("text"), default=dict)

    class Meta:
        ordering = ["item", "version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="library_text_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.item.urn} v{self.version}"


class ItemRelation(models.Model):
    """A typed link from one item to another: "concerns", "interprets", … from an item's
    own links, or "mapping" with a relationship between frameworks."""

    MAPPING = "mapping"

    class Relationship(models.TextChoices):
        EQUAL = "equal", _("equal")
        SUBSET = "subset", _("narrower")
        SUPERSET = "superset", _("broader")
        INTERSECT = "intersect", _("overlapping")

    # The file that declared it (reloading a file replaces its relations).
    file = models.ForeignKey(LibraryFile, on_delete=models.CASCADE, related_name="relations")
    source = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="relations")
    target = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="inverse")
    type = models.CharField(_("type"), max_length=40)
    relationship = models.CharField(
        _("relationship"), max_length=16, choices=Relationship.choices, blank=True
    )
    note = models.JSONField(_("note"), default=dict, blank=True)

    class Meta:
        ordering = ["source", "pk"]
        verbose_name = _("relation between library items")
        verbose_name_plural = _("relations between library items")

    def __str__(self) -> str:
        return f"{self.source.urn} {self.type} {self.target.urn}"


LINKED_ROWS = ("goal", "contribution", "risk", "measure")


class LibraryLink(Tracked):
    """A row of the assessment (goal, contribution, risk or measure) linked to an item."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="library_links"
    )
    item = models.ForeignKey(
        LibraryItem, verbose_name=_("library item"), on_delete=models.PROTECT, related_name="links"
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="library_links",
    )  # fmt: skip
    contribution = models.ForeignKey(
        Contribution, verbose_name=_("contribution"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="library_links",
    )  # fmt: skip
    risk = models.ForeignKey(
        Risk, verbose_name=_("risk"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="library_links",
    )  # fmt: skip
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="library_links",
    )  # fmt: skip
    # The version of the item's text the team linked (or took since).
    item_version = models.PositiveIntegerField(_("text version"), default=1)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("link to the library")
        verbose_name_plural = _("links to the library")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(goal__isnull=False, contribution=None, risk=None, measure=None)
                    | Q(goal=None, contribution__isnull=False, risk=None, measure=None)
                    | Q(goal=None, contribution=None, risk__isnull=False, measure=None)
                    | Q(goal=None, contribution=None, risk=None, measure__isnull=False)
                ),
                name="library_link_one_row",
                violation_error_message=_("A link belongs to exactly one row."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row_label} → {self.item.ref}"

    @property
    def row(self) -> Any:
        for name in LINKED_ROWS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None

    @property
    def row_kind(self) -> str:
        return next((n for n in LINKED_ROWS if getattr(self, f"{n}_id") is not None), "")

    @property
    def row_label(self) -> str:
        row = self.row
        if row is None:
            return ""
        return str(getattr(row, "topic", None) or getattr(row, "title", None) or row)[:120]


class CoverageExclusion(Tracked):
    """A library item the team judged not relevant to this service, with its reason."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="exclusions")
    item = models.ForeignKey(
        LibraryItem,
        verbose_name=_("library item"),
        on_delete=models.PROTECT,
        related_name="exclusions",
    )
    reason = models.TextField(_("why not relevant"))

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("item marked not relevant")
        verbose_name_plural = _("items marked not relevant")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"],
                name="exclusion_once_per_item",
                violation_error_message=_("This item is already marked not relevant."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="exclusion_has_reason",
                violation_error_message=_("Say why the item is not relevant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.ref}: {self.reason[:60]}"
