"""The demos are linked to the children's rights library: every risk and measure of the
TikTok and homework demos addresses at least one IVRK article and one principle of the
Code voor Kinderrechten (TikTok's also a section of the DSA article 28 guidelines), and a
few articles are marked not relevant with a reason. A demo naming an item the library
lacks is not loaded."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.domain.library import coverage
from assessments.domain.models import Assessment
from assessments.domain.workspace import Workspace
from assessments.interfaces.management.commands.kia_demo import DEMO_DIR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def demos(media) -> dict[str, Assessment]:
    out = io.StringIO()
    call_command("kia_demo", stdout=out, stderr=io.StringIO())
    # The importer's notices are shown (TikTok's file says it is published).
    assert "tiktok-2025.json: The file says the assessment is published" in out.getvalue()
    return {a.slug: a for a in Assessment.objects.filter(organisation__slug="demo")}


def addressed_directly(ws: Workspace) -> dict[str, set[tuple[str, int]]]:
    """Per framework ("code" counts its principles only), the rows linked to its items."""
    rows: dict[str, set[tuple[str, int]]] = {}
    for framework in coverage.of(ws):
        rows[framework.file.ref] = {
            (ref.kind, ref.row.pk)
            for covered in framework.addressed
            if framework.file.ref != "code" or covered.item.kind == "principle"
            for ref in covered.rows
            if ref.via is None
        }
    return rows


@pytest.mark.parametrize(
    ("slug", "frameworks"),
    [("tiktok-2025", ("ivrk", "code", "dsa28")), ("voorbeeld-huiswerkapp", ("ivrk", "code"))],
)
def test_every_risk_and_measure_of_the_demo_is_linked(demos, slug, frameworks):
    ws = Workspace(demos[slug])
    rows = {("risk", risk.pk) for risk in ws.risks} | {
        ("measure", measure.pk) for risk in ws.risks for measure in risk.measures.all()
    }
    assert len(rows) > 35
    addressed = addressed_directly(ws)
    for ref in frameworks:
        unlinked = sorted(rows - addressed[ref])
        assert not unlinked, f"{slug}: rows without a link to {ref}: {unlinked}"


@pytest.mark.parametrize("slug", ["tiktok-2025", "voorbeeld-huiswerkapp"])
def test_the_demo_marks_a_few_articles_not_relevant_with_a_reason(demos, slug):
    [ivrk] = [c for c in coverage.of(Workspace(demos[slug])) if c.file.ref == "ivrk"]
    excluded = {item.ref: reason for item, reason in ivrk.excluded}
    assert {"art. 21", "art. 25", "art. 38"} <= set(excluded)
    assert all(len(reason) > 20 for reason in excluded.values())
    # None is overruled by a link (an item addressed is not shown as excluded).
    marked = {exclusion.item.ref for exclusion in demos[slug].exclusions.all()}
    assert marked == set(excluded)
    # The articles its risks and measures concern are addressed, not excluded or missing.
    assert {"art. 16", "art. 19", "art. 24"} <= {c.item.ref for c in ivrk.addressed}
    assert ivrk.total == 42


def test_the_tiktok_demo_addresses_typical_risks_through_the_catalogue(demos):
    ws = Workspace(demos["tiktok-2025"])
    risks = {link.item.urn for link in ws.rows("link") if link.item.kind == "typical-risk"}
    assert {"urn:kia:risks:content-1", "urn:kia:risks:contact-2"} <= risks
    [aadc] = [c for c in coverage.of(ws) if c.file.ref == "aadc"]
    assert aadc.addressed and all(ref.via for c in aadc.addressed for ref in c.rows)


def test_a_demo_that_names_an_item_the_library_lacks_is_not_loaded(tmp_path):
    document = json.loads((DEMO_DIR / "voorbeeld-huiswerkapp.json").read_text(encoding="utf-8"))
    document["library_links"][2]["item"] = "urn:kia:ivrk:art-99"
    (tmp_path / "voorbeeld-huiswerkapp.json").write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"voorbeeld-huiswerkapp\.json"):
        call_command("kia_demo", "--directory", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert "links to items the library lacks; not loaded" in err.getvalue()
    assert "$.library_links[2].item: urn:kia:ivrk:art-99" in err.getvalue()
    assert not Assessment.objects.filter(slug="voorbeeld-huiswerkapp").exists()
