"""Benchmarks (``make bench``): scripts run with the production settings on a throwaway
database, never shipped with the app. ``report`` times the PDF and Word report, ``pages`` the
team's pages, both on a Berenschot-size assessment (``tests.builders.berenschot_size``)."""

import os


def setup() -> None:
    """Django with the settings ``make bench`` gives (``kia.settings`` unless told)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kia.settings")
    import django

    django.setup()
