"""Nothing a user writes can make the renderer read a file or contact a host.

Two lines of defence are tested: user text becomes safe HTML (no element that loads
anything), and WeasyPrint's URL fetcher serves only the app's own static files. A tiny
HTTP server on 127.0.0.1 counts requests: it must see none.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assessments.domain.models import Answer, ServiceResponse, Source
from assessments.outputs.report.fetcher import FetchRefused, make_fetcher, resolve
from assessments.outputs.report.render import raw_weasyprint, render_html
from tests import factories


@pytest.fixture
def server():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/report/report.css",
        "https://example.org/report.css",
        "data:text/css,body{}",
        "ftp://example.org/x.css",
        "/static/report/report.css",
        "report/report.css",
        "kia-static:../../../etc/passwd",
        "kia-static:report/../../kia/settings.py",
        "kia-static:report/%2e%2e/%2e%2e/kia/settings.css",
        "kia-static:/etc/passwd",
        "kia-static:report/missing.css",
        "kia-static:report/report.css.py",
        "KIA-STATIC:report/report.css\x00.py",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(FetchRefused):
        resolve(url)


def test_fetcher_serves_the_report_stylesheet():
    assert resolve("kia-static:report/report.css").endswith("static/report/report.css")
    response = make_fetcher().fetch("kia-static:report/report.css")
    assert b"@page" in response.read() and response.content_type == "text/css"
    factories.close(response)


def evil(base: str) -> str:
    return (
        f"![x](file:///etc/passwd) ![pixel]({base}/md-image.png)\n\n"
        f'<img src="{base}/html-image.png"> <link rel=stylesheet href="{base}/link.css">\n\n'
        f"<style>@import url({base}/import.css);"
        f" body {{ background: url({base}/bg.png) }}</style>\n\n"
        f'<object data="{base}/object"></object> <iframe src="{base}/iframe"></iframe>\n\n'
        f'<svg><image href="{base}/svg.png"/></svg> [link]({base}/link-only)'
    )


@pytest.mark.django_db
def test_user_text_makes_the_renderer_fetch_nothing(server):
    base, hits = server
    a = factories.assessment(language="en", reading_guide=evil(base))
    Answer.objects.create(assessment=a, question="2.1", text=evil(base))
    Source.objects.create(assessment=a, key="s", citation="A source", url=f"{base}/source")
    Answer.objects.create(assessment=a, question="2.2", text="Cited.[^s]")
    ServiceResponse.objects.create(assessment=a, author="X", text=evil(base), reply=evil(base))
    factories.risk(a, description=evil(base))
    fetcher = make_fetcher()
    html = render_html(a)
    pdf = raw_weasyprint(html, url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert fetcher.requested == ["kia-static:report/report.css"]
    assert hits == []


def test_the_fetcher_is_a_second_line_of_defence(server, tmp_path):
    """Even HTML that bypassed the Markdown sanitiser loads nothing but static files."""
    base, hits = server
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = f"""<!doctype html><html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="{base}/link.css">
      <link rel="stylesheet" href="file://{secret}">
      <link rel="stylesheet" href="kia-static:report/report.css">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url("{base}/import.css");
        @font-face {{ font-family: x; src: url("{base}/font.ttf") }}
        body {{ background: url("file:///etc/hostname") }}</style></head>
      <body><p style="font-family: x">Hello</p>
      <img src="{base}/img.png"><img src="file:///etc/passwd">
      <img src="data:image/png;base64,iVBORw0KGgo=">
      <object data="{base}/object.svg"></object><embed src="{base}/embed.svg"></body></html>"""
    fetcher = make_fetcher()
    pdf = raw_weasyprint(html, url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert "kia-static:report/report.css" in fetcher.requested
    assert len(fetcher.requested) >= 8  # everything was asked for, and …
    for url in fetcher.requested:
        if url != "kia-static:report/report.css":
            with pytest.raises(FetchRefused):  # … everything else was refused
                resolve(url)
