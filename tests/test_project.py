"""Project-level checks: migrations are complete and the home page works in both languages."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_home_page_in_dutch_and_english(client):
    nl = client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="nl">' in nl
    assert "Kinderrechten Impact Assessment" in nl
    assert "Direct naar de inhoud" in nl
    # An English browser alone still gets Dutch; choosing English (the switch's cookie) counts.
    assert '<html lang="nl">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["django_language"] = "en"
    en = client.get("/").content.decode()
    assert '<html lang="en">' in en
    assert "Rights Impact Assessment" in en and "Kinderrechten" not in en
    assert "Skip to main content" in en


def test_bootstrap_is_served_from_an_installed_package():
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap/css/bootstrap.min.css")
    assert finders.find("bootstrap/js/bootstrap.bundle.min.js")


def test_static_files_are_served_with_debug_off(client):
    from django.conf import settings

    assert not settings.DEBUG
    response = client.get("/static/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200
    assert b".btn" in b"".join(response.streaming_content)
