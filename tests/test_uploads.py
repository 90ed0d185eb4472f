"""Issue 22, items 21 and 22: an early 413 carries the security headers, and the development
server answers it (no hop-by-hop header). That uploads are never spooled to disk is tested
with the reply page (tests/test_replies.py), the page that takes the largest bodies."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

BIG = str(50 * 1024 * 1024)


@pytest.mark.django_db
def test_an_early_413_has_the_security_headers_and_no_connection_header(client):
    response = client.generic(
        "POST", "/import/", b"x", content_type="text/plain", CONTENT_LENGTH=BIG
    )
    assert response.status_code == 413
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"]
    assert "Connection" not in response


@pytest.mark.django_db(transaction=True)
def test_the_development_server_answers_a_body_over_the_limit_with_413(live_server):
    where = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        connection.putrequest("POST", "/accounts/login/")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", BIG)
        connection.endheaders()  # the body is never sent: the server must not wait for it
        response = connection.getresponse()
        assert response.status == 413
        assert response.getheader("X-Content-Type-Options") == "nosniff"
    finally:
        connection.close()
