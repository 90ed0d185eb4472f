from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tracked(models.Model):
    """Who changed a row last and when, and a lock counter for optimistic locking.

    ``lock_version`` goes up by one on every edit made through the app, so a save that
    started from an older version can be refused instead of overwriting newer work.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lock_version = models.PositiveIntegerField(_("lock version"), default=1, editable=False)

    class Meta:
        abstract = True


def not_assessable_needs_reason(score_field: str, reason_field: str, message: str):
    """A check constraint: a score of "cannot be assessed" needs a non-empty reason."""
    return models.CheckConstraint(
        condition=~models.Q(**{score_field: "not_assessable"}) | ~models.Q(**{reason_field: ""}),
        name=f"%(app_label)s_%(class)s_{score_field}_reason",
        violation_error_message=message,
    )
