from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(using: str = "default", **kwargs) -> None:
    """`migrate` also makes the database cache's table (used when no Redis is configured)."""
    call_command("createcachetable", database=using, verbosity=0)


class AssessmentsConfig(AppConfig):
    """The domain: the models and their migrations live here. The label stays
    "assessments", so tables, content types, permissions and admin URLs are unchanged."""

    name = "assessments.domain"
    label = "assessments"
    verbose_name = _("Children's rights impact assessments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="kia-cache-table")
        from assessments.domain import (  # noqa: PLC0415 -- app registry
            consultation_files,
            events,
            notifications,
        )
        from assessments.domain.library import loader  # noqa: PLC0415 -- app registry

        post_migrate.connect(loader.load_on_migrate, sender=self, dispatch_uid="kia-library")

        events.happened.connect(notifications.on_event, dispatch_uid="kia-notifications")
        # A consultation's attachment takes its file with it, however its row goes.
        post_delete.connect(
            consultation_files.file_gone,
            sender="assessments.ConsultationAttachment",
            dispatch_uid="kia-consultation-files",
        )
