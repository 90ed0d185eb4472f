"""User text is rendered only through Markdown plus a sanitiser."""

import pytest

from assessments.outputs.markdown import render


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        '<img src="http://127.0.0.1:1/" onerror="alert(1)">',
        "<style>body{display:none}</style>",
        '<link rel=stylesheet href="http://127.0.0.1:1/x.css">',
        '<a href="#" onclick="alert(1)">x</a>',
        '<div style="background:url(http://127.0.0.1:1/)">x</div>',
        "<iframe src=http://127.0.0.1:1/></iframe>",
    ],
)
def test_raw_html_is_shown_as_text(evil):
    html = render(evil)
    assert "<script" not in html and "<img" not in html and "<style" not in html
    assert "<link" not in html and "<iframe" not in html and "<div" not in html
    assert "<a " not in html  # no element is created, so no attribute can act
    assert "&lt;" in html  # the user sees what they typed


@pytest.mark.parametrize(
    "source",
    [
        "![x](file:///etc/passwd)",
        "![tracker](http://127.0.0.1:1/pixel.png)",
        "![x](data:image/png;base64,AAAA)",
    ],
)
def test_images_are_never_loaded(source):
    html = render(source)
    assert "<img" not in html and "src=" not in html and "href=" not in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](file:///etc/passwd)",
        "[x](vbscript:msgbox)",
        "[x](data:text/html;base64,AAAA)",
    ],
)
def test_dangerous_links_are_dropped(link):
    html = render(link)
    assert "<a" not in html and "href" not in html  # left as plain text, not a link


def test_safe_markdown_survives():
    html = render(
        "# Kop\n\n**vet** en *schuin*, [bron](https://example.org/a?b=1).\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- een\n- twee\n"
    )
    assert "<h4>Kop</h4>" in html
    assert "<strong>vet</strong>" in html and "<em>schuin</em>" in html
    assert (
        'href="https://example.org/a?b=1"' in html and 'rel="noopener noreferrer nofollow"' in html
    )
    assert "<table>" in html and "<td>2</td>" in html
    assert "<li>een</li>" in html


def test_citations_go_through_the_callback_in_order():
    seen = []

    def cite(key: str) -> str:
        seen.append(key)
        return f'<sup class="citation"><a href="#src-{key}">{len(seen)}</a></sup>'

    html = render("Feit.[^ofcom-2024] Nog een.[^dpc:2023] En weer.[^ofcom-2024]", cite=cite)
    assert seen == ["ofcom-2024", "dpc:2023", "ofcom-2024"]
    assert '<sup class="citation"><a href="#src-ofcom-2024"' in html
    assert ">1</a></sup> Nog een." in html
    assert render("Zie [^x].") == '<p>Zie<sup class="citation">[x]</sup>.</p>\n'


def test_citation_callback_output_is_still_sanitised():
    html = render("x[^k]", cite=lambda key: '<sup onclick="evil()"><script>1</script></sup>')
    assert "onclick" not in html and "<script" not in html


def test_empty_text():
    assert render("") == "" and render("   \n") == ""


def test_adjacent_citations_are_separated():
    html = render("Twee bronnen.[^a][^b] Eén.[^c]", cite=lambda key: f"<sup>{key}</sup>")
    assert '<sup>a</sup><sup class="citation-sep">,\u202f</sup><sup>b</sup>' in html
    assert html.count("citation-sep") == 1


def test_citation_clusters_keep_their_commas_and_calls_hug_their_text():
    html = render("Drie [^a] [^b]\n[^c] en één [^d].", cite=lambda key: f"<sup>{key}</sup>")
    sep = '<sup class="citation-sep">,\u202f</sup>'
    assert f"Drie<sup>a</sup>{sep}<sup>b</sup>{sep}<sup>c</sup> en één<sup>d</sup>." in html
