"""Figures: the upload refuses what is not a clean PNG or JPEG, images reach members only,
the renderer's fetcher serves figures and nothing else, and the web pages and the PDF give
every figure the same number."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessments.domain import figures, versions
from assessments.domain.constants import Role, VersionReason
from assessments.domain.editing import SYSTEM
from assessments.domain.exchange import export_assessment, to_json
from assessments.domain.exchange.importer import import_document
from assessments.domain.models import Answer, Change, Figure, Source
from assessments.outputs.markdown import render
from assessments.outputs.report import fetcher
from assessments.outputs.report.data import build_report
from assessments.outputs.report.render import render_html
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def png(size=(40, 30), mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else (21, 66, 115)).save(out, format="PNG", **save)
    return out.getvalue()


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (60, 40), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (52.0, 5.0, 0.0), 4: (4.0, 53.0, 0.0)}  # GPS: latitude, longitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def stored_files() -> list[str]:
    try:
        folders = default_storage.listdir(figures.FOLDER)[0]
    except FileNotFoundError:
        return []
    return [
        name
        for folder in folders
        for name in default_storage.listdir(f"{figures.FOLDER}/{folder}")[1]
    ]


def add_figure(assessment, key: str, data: bytes | None = None, **fields) -> Figure:
    checked = figures.check(data or png())
    return Figure.objects.create(
        assessment=assessment,
        key=key,
        image=figures.store(checked, assessment.pk),
        width=checked.width,
        height=checked.height,
        alt_text=fields.pop("alt_text", f"Alt text of {key}"),
        **fields,
    )


# --- Upload ------------------------------------------------------------------------------------


def upload(client, assessment, name: str, data: bytes, **fields):
    form = {"key": "plot", "alt_text": "Een staafdiagram.", "caption": "Schermtijd", **fields}
    form["upload"] = SimpleUploadedFile(name, data)
    return client.post(reverse("assessments:figure_new", args=[assessment.slug]), form)


@pytest.mark.parametrize(
    ("name", "data", "field", "message"),
    [
        (
            "notes.txt",
            b"Dit is gewoon tekst.\n" * 20,
            "upload",
            "not a PNG or JPEG image",
        ),
        ("plot.png", b"%PDF-1.7 not a picture", "upload", "not a PNG or JPEG image"),
        ("truncated.png", png()[:60], "upload", "not a PNG or JPEG image"),
        ("anim.png", b"GIF89a" + png()[6:], "upload", "not a PNG or JPEG image"),
        ("huge.png", png((8000, 5001), mode="1", optimize=True), "upload", "too many pixels"),
        ("big.png", b"\x89PNG" + b"\x00" * figures.MAX_BYTES, "upload", "too large"),
        ("plot.png", png(), "alt_text", "This field is required"),
    ],
    ids=["text", "pdf-named-png", "truncated", "gif", "pixels", "bytes", "no-alt-text"],
)
def test_bad_uploads_get_a_message_at_the_field_and_nothing_is_stored(
    team, name, data, field, message
):
    assessment, editor, _owner = team
    client = factories.logged_in(editor)
    extra = {"alt_text": ""} if field == "alt_text" else {}
    response = upload(client, assessment, name, data, **extra)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert not Figure.objects.exists()
    assert not Change.objects.filter(entity="figure").exists()
    assert stored_files() == []


def test_a_png_named_file_with_jpeg_content_is_taken_as_the_jpeg_it_is(team):
    assessment, editor, _owner = team
    response = upload(factories.logged_in(editor), assessment, "photo.png", jpeg_with_gps())
    assert response.status_code == 302
    figure = Figure.objects.get()
    assert figure.image.name.endswith(".jpg") and (figure.width, figure.height) == (60, 40)


def test_upload_strips_metadata_and_records_the_write(team):
    assessment, editor, _owner = team
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original and b"secret comment" in original
    response = upload(factories.logged_in(editor), assessment, "photo.jpg", original)
    assert response.status_code == 302
    figure = Figure.objects.get()
    cleaned = stored(figure.image.name)
    assert b"PhoneMaker" not in cleaned and b"secret comment" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert re.fullmatch(rf"figures/{assessment.pk}/[0-9a-f]{{64}}\.jpg", figure.image.name)
    change = Change.objects.get(entity="figure", field="image")
    assert change.new == figure.image.name and change.user == editor


def test_the_pixel_limit_is_checked_before_decoding():
    """A few kB of PNG that would decode to 100 megapixels is refused from its header."""
    bomb = png((10_000, 10_000), mode="1", optimize=True)
    assert len(bomb) < 200_000
    with pytest.raises(Exception, match="pixels"):
        figures.check(bomb)


# --- Serving --------------------------------------------------------------------------------


def test_images_are_served_to_members_only(team, client):
    assessment, editor, _owner = team
    figure = add_figure(assessment, "plot")
    from assessments.interfaces.web.links import image_url

    url = image_url(figure, assessment.slug)
    assert not url.startswith("/media")
    viewer = factories.member(assessment.organisation, Role.VIEWER)
    response = factories.logged_in(viewer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == stored(figure.image.name)
    assert response["X-Content-Type-Options"] == "nosniff"
    outsider = factories.member(factories.organisation(), Role.OWNER)
    assert factories.logged_in(outsider).get(url).status_code == 404
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    # Another assessment's image is not reachable through this one's address.
    other = factories.assessment(assessment.organisation)
    theirs = add_figure(other, "theirs", png((41, 30)))
    sha = theirs.image.name.rsplit("/", 1)[1].split(".")[0]
    wrong = reverse("assessments:figure_image", args=[assessment.slug, sha, "png"])
    assert factories.logged_in(editor).get(wrong).status_code == 404


def test_the_fetcher_serves_figures_and_nothing_else(team, settings):
    assessment, _editor, _owner = team
    figure = add_figure(assessment, "plot")
    body, content_type = fetcher.figure_image(fetcher.figure_url(figure.image.name))
    assert content_type == "image/png" and body[:4] == b"\x89PNG"
    (settings.MEDIA_ROOT / "secret.txt").write_text("no")
    refused = [
        "kia-figure:secret.txt",
        "kia-figure:../secret.txt",
        f"kia-figure:figures/{assessment.pk}/../../secret.txt",
        f"kia-figure:figures/{assessment.pk}/{'a' * 64}.png",  # no such file
        f"kia-figure:figures/{assessment.pk}/{'a' * 64}.gif",
        "kia-figure:/etc/passwd",
        f"file://{settings.MEDIA_ROOT}/{figure.image.name}",
        f"http://127.0.0.1/{figure.image.name}",
    ]
    for url in refused:
        with pytest.raises(fetcher.FetchRefused):
            fetcher.figure_image(url) if url.startswith("kia-figure:") else fetcher.resolve(url)
    made = fetcher.make_fetcher()
    assert made.fetch(fetcher.figure_url(figure.image.name)).read(4) == b"\x89PNG"
    with pytest.raises(fetcher.FetchRefused):
        made.fetch("kia-figure:secret.txt")


# --- Markdown, numbering, report ---------------------------------------------------------------


def test_markdown_places_a_figure_alone_in_its_paragraph_and_refers_inside_a_sentence():
    calls = []

    def place(key, block):
        calls.append((key, block))
        return f'<figure data-key="{key}"><img src="x" alt="a"></figure>' if block else "FIG"

    html = render("Zie [[fig:a]] hier.\n\n[[fig:a]]\n\nTekst \ue000 [[fig:b]]", figure=place)
    assert calls == [("a", False), ("a", True), ("b", False)]
    assert '<p>Zie FIG hier.</p>\n<figure data-key="a">' in html
    assert "<p><figure" not in html
    # Without a callback (e.g. a public summary) the reference stays text; no image.
    assert "<img" not in render("[[fig:a]]") and "[fig:a]" in render("[[fig:a]]")


def _numbered_assessment(team):
    assessment = team[0]
    source = Source.objects.create(assessment=assessment, key="ofcom", citation="Ofcom (2024).")
    add_figure(assessment, "feed", caption="De feed", source=source, order=0)
    add_figure(assessment, "plot", png((50, 20)), caption="Schermtijd", order=1)
    add_figure(assessment, "unused", png((30, 30)), caption="Nooit genoemd", order=2)
    Answer.objects.create(
        assessment=assessment,
        question="2.1",
        text="Eerst [[fig:plot]], dan de feed.[^ofcom]\n\n[[fig:feed]]\n\n[[fig:plot]]\n",
    )
    Answer.objects.create(assessment=assessment, question="2.2", text="Weer [[fig:feed]].")
    return assessment


def test_figures_are_numbered_in_order_of_first_reference(team):
    assessment = _numbered_assessment(team)
    html = render_html(assessment)
    # Numbered by first reference: plot (in a sentence) is Figuur 1, although the feed is
    # placed before it; the figure no answer refers to comes last, in the Figures section.
    assert html.index('id="figure-2"') < html.index('id="figure-1"') < html.index('id="figure-3"')
    assert html.index('id="figure-3"') > html.index('id="figures"')
    assert re.search(
        r'id="figure-2"><img src="kia-figure:figures/\d+/\w+\.png" alt="Alt text of feed">', html
    )
    assert "Figuur 2</span>. De feed" in html and "Figuur 3</span>. Nooit genoemd" in html
    assert html.count('<figure class="report-figure"') == 3  # each figure printed once
    assert '<a class="figure-ref" href="#figure-1">figuur 1</a>' in html
    assert '<a class="figure-ref" href="#figure-2">figuur 2</a>' in html
    report = build_report(assessment)
    assert len(report.figures) == 1  # only "unused" waits for the Figures section
    # The feed's source is footnote 2: after the citation in the sentence before it.
    assert [(f.number, f.key) for f in report.footnotes] == [(1, "ofcom"), (2, "ofcom")]


def test_web_pages_show_the_pdf_figure_and_footnote_numbers(team):
    assessment = _numbered_assessment(team)
    _assessment, editor, _owner = team
    page = factories.logged_in(editor).get(
        reverse("assessments:chapter", args=[assessment.slug, 2])
    )
    body = page.content.decode()
    assert ">figure 1</a>" in body and "Figure 2</span>. De feed" in body
    assert re.search(r'<img class="figure-img[^>]*src="/a/[^"]+/figures/image/\w+\.png"', body)
    assert "[1]</a></sup>" in body  # the citation is footnote 1 in the PDF too
    listing = factories.logged_in(editor).get(
        reverse("assessments:figures", args=[assessment.slug])
    )
    assert "not referred to" in listing.content.decode()  # the unused figure is flagged


def test_pdf_prints_figure_numbers_and_alt_text_in_the_tags(team):
    from pypdf import PdfReader

    from assessments.outputs.report.render import render_pdf_document

    assessment = _numbered_assessment(team)
    pdf = render_pdf_document(assessment).content
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Figuur 1. Schermtijd" in text and "Figuur 2. De feed" in text
    assert "Figuur 3. Nooit genoemd" in text
    alts = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert sorted(alts) == ["Alt text of feed", "Alt text of plot", "Alt text of unused"]


# --- Versions and the exchange format ----------------------------------------------------------


def test_a_version_keeps_its_figures_after_they_are_deleted(team):
    assessment = _numbered_assessment(team)
    version = versions.record(assessment, actor=SYSTEM, reason=VersionReason.MANUAL)
    Figure.objects.filter(assessment=assessment).delete()
    html = render_html(assessment, workspace=versions.workspace(version))
    names = re.findall(r'src="kia-figure:([^"]+)"', html)
    assert len(names) == 3
    assert all(fetcher.figure_image(f"kia-figure:{name}")[0] for name in names)


def test_export_describes_figures_and_an_import_says_they_stay_behind(team):
    assessment = _numbered_assessment(team)
    document = export_assessment(assessment)
    assert [f["key"] for f in document["figures"]] == ["feed", "plot", "unused"]
    assert document["figures"][0]["source"] == "ofcom"
    assert document["figures"][0]["alt_text"] == "Alt text of feed"
    other = factories.organisation()
    imported = import_document(
        to_json(document), organisation=other, user=factories.member(other, Role.EDITOR)
    )
    assert not Figure.objects.filter(assessment__organisation=other).exists()
    assert any("3" in notice and "figu" in notice for notice in imported.notices)


# --- Footnote numbers: the web pages equal the PDF (TikTok demo) ------------------------------

WEB_CITATION = re.compile(
    r'<sup class="citation"><a href="[^"]*#source-([^"]+)" title="[^"]*"[^>]*>\[(\d+)\]</a></sup>'
)


def test_web_pages_number_footnotes_as_the_pdf_does_for_the_tiktok_demo():
    from assessments.interfaces.management.commands.kia_demo import DEMO_DIR

    org = factories.organisation()
    editor = factories.member(org, Role.EDITOR)
    raw = (DEMO_DIR / "tiktok-2025.json").read_bytes()
    assessment = import_document(raw, organisation=org, user=editor).assessment
    report = build_report(assessment)
    printed = {(str(f.number), f.key) for f in report.footnotes}
    assert len(printed) > 350
    client = factories.logged_in(editor)
    pages = [reverse("assessments:chapter", args=[assessment.slug, n]) for n in range(1, 6)]
    pages.append(reverse("assessments:appendix", args=[assessment.slug]))
    shown = []
    for page in pages:
        body = client.get(page).content.decode()
        shown += [(number, key) for key, number in WEB_CITATION.findall(body)]
    assert set(shown) <= printed, sorted(set(shown) - printed)[:5]
    numbers = [int(number) for number, _key in shown]
    assert len(numbers) == len(set(numbers))  # every citation its own number, as in the PDF
    # All the PDF's footnotes that stand in chapters 1-5 and the appendix are on the pages.
    front = {f.number for f in report.footnotes} - set(numbers)
    assert len(front) < 10, sorted(front)


def test_the_word_document_embeds_the_figures_with_their_alt_text(team):
    import zipfile

    from assessments.outputs.report.docx import report_docx

    assessment = _numbered_assessment(team)
    with zipfile.ZipFile(io.BytesIO(report_docx(build_report(assessment)))) as docx:
        media = [name for name in docx.namelist() if name.startswith("word/media/")]
        document = docx.read("word/document.xml").decode()
    assert len(media) == 3
    assert 'descr="Alt text of feed"' in document
    text = re.sub(r"<[^>]+>", "", document)
    assert "Figuur 1. Schermtijd" in text and "Figuur 3. Nooit genoemd" in text


def test_the_figures_page_flags_references_to_missing_figures(team):
    assessment, editor, _owner = team
    Answer.objects.create(assessment=assessment, question="2.2", text="[[fig:nergens]]")
    page = factories.logged_in(editor).get(reverse("assessments:figures", args=[assessment.slug]))
    body = page.content.decode()
    assert "References to figures that do not exist" in body
    assert "[[fig:nergens]]</code> in 2.2" in body
    html = render_html(assessment)
    assert "[figuur ontbreekt: nergens]" in html


def test_comparing_versions_shows_figure_changes(team):
    from assessments.outputs.comparison.version_diff import compare

    assessment = _numbered_assessment(team)
    first = versions.record(assessment, actor=SYSTEM, reason=VersionReason.MANUAL)
    Figure.objects.filter(key="plot").update(caption="Schermtijd per dag")
    Figure.objects.filter(key="unused").delete()
    section = next(
        s
        for s in compare(versions.of(first), versions.current(assessment)).sections
        if s.key == "figures"
    )
    changes = {(row.kind, row.label) for row in section.rows}
    assert changes == {("changed", "plot"), ("removed", "unused")}
