"""Typographic quotes and no-break spaces in the report's text (never in tags or code)."""

from __future__ import annotations

import pytest

from assessments.outputs.report.typography import typeset


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("nl", '<p>Hij zei "hallo" en ging.</p>', "<p>Hij zei „hallo” en ging.</p>"),
        ("en", '<p>She said "hello" and left.</p>', "<p>She said “hello” and left.</p>"),
        ("nl", "<p>risico's en 's avonds, 't is zo</p>", "<p>risico’s en ’s avonds, ’t is zo</p>"),
        ("nl", "<p>waarde 'zelfwaarde'.</p>", "<p>waarde ‘zelfwaarde’.</p>"),
        ("en", "<p>it's the 'For You' feed</p>", "<p>it’s the ‘For You’ feed</p>"),
        ("nl", "<p>&quot;Stop&quot; zei &#x27;m</p>", "<p>„Stop” zei ’m</p>"),
        ("nl", '<p>"<em>vet</em>" en (\'x\')</p>', "<p>„<em>vet</em>” en (‘x’)</p>"),
        ("nl", "<p>€ 4,99 of €5 per maand</p>", "<p>€\u00a04,99 of €\u00a05 per maand</p>"),
        ("nl", "<p>vanaf 13 jaar, zie p. 8 en nr. 1391</p>",
         "<p>vanaf 13\u00a0jaar, zie p.\u00a08 en nr.\u00a01391</p>"),
    ],
)  # fmt: skip
def test_text_is_typeset(language, source, expected):
    assert typeset(source, language) == expected


def test_tags_attributes_code_styles_and_urls_are_left_alone():
    html = (
        '<head><title>"x"</title><style>a::after { content: "x"; }</style></head>'
        "<body><p title=\"a 'b'\">x</p><code>print(\"x\")</code><pre>'y'</pre>"
        "<a class=\"url\" href=\"https://e.org/?q='a'\">https://e.org/?q='a'</a></body>"
    )
    assert typeset(html, "nl") == html
