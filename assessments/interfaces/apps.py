from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterfacesConfig(AppConfig):
    """The ways in: web pages, the REST API, the admin, template tags and management
    commands. An app of its own so that Django finds its ``templatetags``, ``management``
    and ``admin`` modules here; it has no models."""

    name = "assessments.interfaces"
    label = "kia_interfaces"
    verbose_name = _("KIA pages, API and commands")
