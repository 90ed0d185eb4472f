"""Figures: images (screenshots, charts) attached to an assessment and cited in answers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.domain.citations import validate_figure_key
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.base import Tracked
from assessments.domain.models.sources import Source


class Figure(Tracked):
    """An image that any answer can show as ``[[fig:key]]``, numbered "Figuur n" in the report.

    The image was checked and re-encoded by ``assessments.domain.figures`` (PNG or JPEG, limits,
    metadata stripped) and stored under a private, content-addressed name
    (``figures/<assessment>/<sha256>.<ext>``); it is only ever served through the app."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="figures")
    key = models.CharField(
        _("key"),
        max_length=64,
        validators=[validate_figure_key],
        help_text=_("Short name used to show the figure in answers, as [[fig:key]]."),
    )
    image = models.FileField(_("image"), max_length=200)
    width = models.PositiveIntegerField(_("width (pixels)"), default=0)
    height = models.PositiveIntegerField(_("height (pixels)"), default=0)
    caption = models.TextField(_("caption"), blank=True)
    alt_text = models.TextField(
        _("alt text"),
        help_text=_("What the image shows, for readers who cannot see it (screen readers)."),
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="figures",
        help_text=_("A source of this assessment; or describe the source below."),
    )
    source_text = models.CharField(_("source (text)"), max_length=500, blank=True)
    source_url = models.URLField(_("source URL"), max_length=2000, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["assessment", "order", "pk"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "key"],
                name="figure_key_unique_per_assessment",
                violation_error_message=_("Another figure of this assessment has this key."),
            ),
            models.CheckConstraint(
                condition=~models.Q(alt_text=""),
                name="figure_alt_text_required",
                violation_error_message=_("Describe what the image shows (alt text)."),
            ),
        ]

    def __str__(self) -> str:
        return f"[[fig:{self.key}]] {self.caption[:80]}"
