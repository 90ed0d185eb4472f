"""Benchmarks (``make bench``): scripts run with the production settings on a throwaway
database, never shipped with the app. ``builder`` makes a Berenschot-size assessment (also
used by the tests); ``report`` times the PDF and Word report, ``pages`` the team's pages."""

import os


def setup() -> None:
    """Django with the settings ``make bench`` gives (``kia.settings`` unless told)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kia.settings")
    import django

    django.setup()
