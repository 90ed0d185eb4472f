"""The library core: loading files (all or nothing, versions, withdrawal), the updates an
assessment is shown, coverage, suggested measures, the write guard on links, and links
and exclusions in the exchange format."""

from __future__ import annotations

import copy
from contextlib import contextmanager

import pytest
import yaml
from django.db import transaction

from assessments.domain import editing, rowkinds
from assessments.domain.constants import Channel, Role
from assessments.domain.exchange import export_assessment
from assessments.domain.exchange.importer import import_document
from assessments.domain.library import catalogue, coverage, loader
from assessments.domain.models import (
    ItemRelation,
    LibraryFile,
    LibraryItem,
    LibraryItemText,
    LibraryLink,
)
from assessments.domain.states import Status
from assessments.domain.workspace import Workspace
from tests import builders, factories
from tests.library_files import framework, item, text, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def snapshot() -> tuple:
    """The loaded library, to show it stayed as it was."""
    return (
        sorted(LibraryFile.objects.values_list("urn", "version")),
        sorted(LibraryItem.objects.values_list("urn", "changed_in", "withdrawn_in")),
        LibraryItemText.objects.count(),
        ItemRelation.objects.count(),
    )


def refused(*documents) -> loader.LibraryError:
    with pytest.raises(loader.LibraryError) as exc:
        loader.load_documents(
            [(f"{d['ref']}.yaml", loader.parse(yaml.safe_dump(d), f"{d['ref']}.yaml"))
             for d in documents]
        )  # fmt: skip
    return exc.value


@contextmanager
def writing(assessment, user=None):
    actor = editing.Actor(user, Channel.WEB) if user else editing.SYSTEM
    with transaction.atomic():
        batch = editing.Batch(actor, assessment)
        yield batch
        batch.finish()


def get(urn: str) -> LibraryItem:
    return LibraryItem.objects.get(urn=urn)


# --- Refused files ------------------------------------------------------------------------------


def test_a_file_failing_the_schema_is_refused_with_file_item_and_reason(tmp_path):
    before = snapshot()
    good = write(tmp_path, "good.yaml", framework())
    broken = framework()
    broken["urn"], broken["ref"] = "urn:kia:broken", "broken"
    broken["items"] = [item("urn:kia:broken:1", "1")]
    del broken["items"][0]["source_url"]
    bad = write(tmp_path, "broken.yaml", broken)
    with pytest.raises(loader.LibraryError) as exc:
        loader.load([good, bad])
    assert (exc.value.file, exc.value.item) == ("broken.yaml", "urn:kia:broken:1")
    assert "'source_url' is a required property" in exc.value.reason
    assert snapshot() == before  # the good file was not loaded either


def test_a_header_failing_the_schema_is_refused():
    document = framework()
    document["version"] = 0
    error = refused(document)
    assert (error.file, error.item) == ("test.yaml", None)
    assert error.reason.startswith("version:")


def test_a_urn_used_twice_is_refused():
    before = snapshot()
    document = framework()
    document["items"].append(item("urn:kia:test:a1", "a1 again"))
    error = refused(document)
    assert (error.file, error.item) == ("test.yaml", "urn:kia:test:a1")
    assert "also used in test.yaml" in error.reason
    # A URN of a file already loaded counts too.
    document = framework(items=[item("urn:kia:ivrk:art-16", "16")])
    error = refused(document)
    assert (error.item, error.reason) == (
        "urn:kia:ivrk:art-16",
        "This URN is already used in ivrk.",
    )
    assert snapshot() == before


def test_a_link_to_a_missing_urn_is_refused():
    before = snapshot()
    document = framework()
    document["items"][1]["links"] = [{"type": "concerns", "target": "urn:kia:ivrk:art-99"}]
    error = refused(document)
    assert (error.file, error.item) == ("test.yaml", "urn:kia:test:a2")
    assert "urn:kia:ivrk:art-99" in error.reason
    document = framework()
    document["items"][2]["parent"] = "urn:kia:test:a9"
    assert refused(document).item == "urn:kia:test:a3"
    assert snapshot() == before


def test_an_older_version_is_refused():
    loader.load_documents([("test.yaml", framework(version=2))])
    before = snapshot()
    error = refused(framework(version=1))
    assert "Version 1 is older than the loaded version 2." in error.reason
    assert snapshot() == before


def test_the_same_version_with_changed_items_is_refused_and_unchanged_is_left_alone():
    loader.load_documents([("test.yaml", framework())])
    before = snapshot()
    [result] = loader.load_documents([("test.yaml", framework())])
    assert result.unchanged and snapshot() == before
    changed = framework()
    changed["items"][0]["text"] = text("Anders")
    assert "did not go up" in refused(changed).reason
    added = framework()
    added["items"].append(item("urn:kia:test:a4", "a4"))
    assert "did not go up" in refused(added).reason
    assert snapshot() == before


# --- Versions: changed and withdrawn items ------------------------------------------------------


@pytest.fixture
def linked():
    """The test framework (v1) loaded, and an assessment whose risk links a1, a2 and a3."""
    loader.load_documents([("test.yaml", framework())])
    with builders.building() as b:
        risk = b.add("risk", category="privacy", topic="Profilering")
    with writing(b.assessment) as batch:
        for n in (1, 2, 3):
            catalogue.link(batch, risk, get(f"urn:kia:test:a{n}"))
    return b.assessment, risk


def test_a_newer_text_keeps_the_old_one_and_the_assessment_is_shown_the_change(linked):
    assessment, risk = linked
    assert catalogue.updates(assessment) == []
    newer = framework(version=2)
    newer["items"][0]["title"] = text("Nieuwe titel", "New title")
    [result] = loader.load_documents([("test.yaml", newer)])
    assert result.changed == ["urn:kia:test:a1"]
    a1 = get("urn:kia:test:a1")
    assert a1.changed_in == 2
    assert list(a1.texts.values_list("version", "title")) == [
        (1, text("Titel a1", "Title a1")),
        (2, text("Nieuwe titel", "New title")),
    ]
    assert get("urn:kia:test:a2").changed_in == 1  # unchanged items keep their version
    [update] = catalogue.updates(assessment)
    assert update.link.risk == risk and update.item == a1
    assert (update.old_title, update.old_text) == ("Title a1", "Text a1")
    assert (update.item.title_text, update.withdrawn) == ("New title", False)
    with writing(assessment) as batch:
        catalogue.take_new_text(batch, update.link)
    assert catalogue.updates(assessment) == []
    assert LibraryLink.objects.get(item=a1).item_version == 2


def test_an_item_dropped_or_listed_as_withdrawn_is_withdrawn_and_links_stay(linked):
    assessment, risk = linked
    newer = framework(version=2)
    newer["items"] = [newer["items"][0], newer["items"][2]]  # a2 dropped
    newer["withdrawn"] = ["urn:kia:test:a3"]  # a3 still listed, but withdrawn
    [result] = loader.load_documents([("test.yaml", newer)])
    assert result.withdrawn == ["urn:kia:test:a2", "urn:kia:test:a3"]
    assert get("urn:kia:test:a2").withdrawn_in == 2
    assert get("urn:kia:test:a3").is_withdrawn
    assert not get("urn:kia:test:a1").is_withdrawn
    assert risk.library_links.count() == 3  # the links stay
    updates = catalogue.updates(assessment)
    assert [(u.item.urn, u.withdrawn) for u in updates] == [
        ("urn:kia:test:a2", True),
        ("urn:kia:test:a3", True),
    ]
    # Withdrawn items are not offered any more.
    assert [i.urn for i in catalogue.search(files=["test"])] == ["urn:kia:test:a1"]


def test_a_file_that_withdraws_items_loads_again_unchanged_and_they_stay_withdrawn(linked):
    newer = framework(version=2)
    newer["withdrawn"] = ["urn:kia:test:a3"]  # still listed, withdrawn
    loader.load_documents([("test.yaml", newer)])
    before = snapshot()
    [result] = loader.load_documents([("test.yaml", newer)])
    assert result.unchanged and (result.added, result.withdrawn) == ([], [])
    assert snapshot() == before
    # A later version that still lists it as withdrawn keeps the version it went in.
    later = copy.deepcopy(newer)
    later["version"] = 3
    later["items"][0]["text"] = text("Nieuw")
    [result] = loader.load_documents([("test.yaml", later)])
    assert (result.changed, result.withdrawn) == (["urn:kia:test:a1"], [])
    assert get("urn:kia:test:a3").withdrawn_in == 2


# --- Coverage -----------------------------------------------------------------------------------


def test_coverage_counts_direct_links_links_through_catalogue_items_exclusions_and_gaps():
    with builders.building() as b:
        risk = b.add("risk", category="content", topic="Zelfbeschadiging")
        measure = b.add("measure", risk, title="Moderatie")
        b.add("link", item=get("urn:kia:ivrk:art-17"), risk=risk)
        b.add("link", item=get("urn:kia:risks:content-1"), measure=measure)
        b.add("exclusion", item=get("urn:kia:ivrk:art-38"), reason="Geen gewapend conflict.")
        b.add("exclusion", item=get("urn:kia:ivrk:art-19"), reason="Wordt toch gedekt.")
    result = {c.file.ref: c for c in coverage.of(Workspace(b.assessment))}
    assert list(result) == ["ivrk", "gc25", "code", "dsa28", "aadc", "kia"]
    ivrk = result["ivrk"]
    addressed = {c.item.ref: c.rows for c in ivrk.addressed}
    # art. 17: directly by the risk, and through the typical risk linked to the measure.
    assert [(r.kind, r.label, r.via) for r in addressed["art. 17"]] == [
        ("risk", "R1", None),
        ("measure", "R1 · Moderatie", get("urn:kia:risks:content-1")),
    ]
    # content-1 concerns art. 6, 17, 19 and 24: addressed through it.
    assert set(addressed) == {"art. 6", "art. 17", "art. 19", "art. 24"}
    assert [r.via.urn for r in addressed["art. 24"]] == ["urn:kia:risks:content-1"]
    # An item addressed is not listed as excluded, even when marked so.
    assert [(i.ref, reason) for i, reason in ivrk.excluded] == [
        ("art. 38", "Geen gewapend conflict.")
    ]
    assert "art. 16" in {i.ref for i in ivrk.missing}
    assert not {"art. 17", "art. 38"} & {i.ref for i in ivrk.missing}
    assert ivrk.total == 42
    assert {c.item.ref for c in result["code"].addressed} == {"P9"}
    assert {c.item.ref for c in result["dsa28"].addressed} == {"§ 5.5", "§ 6"}
    # The KIA's own categories: a risk addresses its category.
    assert [c.item.urn for c in result["kia"].addressed] == ["urn:kia:kia:category-content"]


def test_a_withdrawn_item_that_nobody_addresses_is_not_a_gap():
    art = get("urn:kia:ivrk:art-42")
    LibraryItem.objects.filter(pk=art.pk).update(withdrawn_in=2)
    ws = Workspace(factories.assessment())
    [ivrk] = coverage.of(ws, frameworks=("ivrk",))
    assert art not in ivrk.missing and ivrk.total == 41


# --- Suggested measures -------------------------------------------------------------------------


def test_suggested_measures_put_those_mitigating_the_linked_typical_risk_first():
    typical = get("urn:kia:risks:content-1")
    mitigating = set(
        ItemRelation.objects.filter(target=typical, type="mitigates").values_list(
            "source__urn", flat=True
        )
    )
    assert len(mitigating) >= 2
    with builders.building() as b:
        risk = b.add("risk", category="content", topic="Zelfbeschadiging")
        b.add("link", item=typical, risk=risk)
    suggested = [i.urn for i in catalogue.suggested_measures(risk)]
    assert set(suggested[: len(mitigating)]) == mitigating
    assert len(suggested) > len(mitigating)  # then those concerning the same rights
    assert all(get(urn).kind == "typical-measure" for urn in suggested)
    # A measure of the risk linked to one of them: that one is no longer suggested.
    taken = get(suggested[0])
    with writing(risk.assessment) as batch:
        measure = batch.create(rowkinds.BY_KEY["measure"].new(risk, title=taken.title_text))
        catalogue.link(batch, measure, taken)
    assert taken not in catalogue.suggested_measures(risk)


def test_no_suggestions_for_a_risk_without_links():
    risk = factories.risk(factories.assessment())
    assert catalogue.suggested_measures(risk) == []


# --- Writes go through the write path -----------------------------------------------------------


def test_linking_on_a_final_assessment_is_refused_like_any_edit():
    assessment = factories.assessment()
    risk = factories.risk(assessment)
    editor = factories.member(assessment.organisation, Role.EDITOR)
    editing.transition(
        assessment, {"status": Status.FINAL}, actor=editing.SYSTEM, reason="", name="finalise"
    )
    assessment.refresh_from_db()
    refused_edit = pytest.raises(editing.EditRefused, match="cannot be edited now")
    with refused_edit, writing(assessment, editor) as batch:
        catalogue.link(batch, risk, get("urn:kia:ivrk:art-16"))
    assert not LibraryLink.objects.filter(risk=risk).exists()


def test_a_link_is_written_in_the_history_and_linking_twice_keeps_one():
    assessment = factories.assessment()
    risk = factories.risk(assessment)
    editor = factories.member(assessment.organisation, Role.EDITOR)
    with writing(assessment, editor) as batch:
        first = catalogue.link(batch, risk, get("urn:kia:ivrk:art-16"))
    with writing(assessment, editor) as batch:
        again = catalogue.link(batch, risk, get("urn:kia:ivrk:art-16"))
    assert first.pk == again.pk and risk.library_links.count() == 1
    recorded = assessment.changes.filter(entity="librarylink", object_id=first.pk)
    assert set(recorded.values_list("field", flat=True)) >= {"item_id", "risk_id"}
    assert recorded.filter(field="item_id").count() == 1  # the second link wrote nothing
    with pytest.raises(ValueError), writing(assessment, editor) as batch:
        catalogue.link(batch, assessment, get("urn:kia:ivrk:art-16"))


# --- The exchange format ------------------------------------------------------------------------


def test_export_and_import_keep_links_and_exclusions():
    assessment = builders.rich_assessment()
    document = export_assessment(assessment)
    assert len(document["library_links"]) == 5 and len(document["exclusions"]) == 1
    assert document["library"] == {"code": 1, "ivrk": 1, "risks": 1}
    imported = import_document(document, organisation=factories.organisation())
    assert not [n for n in imported.notices if "library" in str(n)]
    again = export_assessment(imported.assessment)
    for key in ("library_links", "exclusions", "library"):
        assert again[key] == document[key]


def test_an_unknown_urn_imports_the_rest_with_a_notice_naming_its_place():
    document = copy.deepcopy(export_assessment(builders.rich_assessment()))
    document["library_links"][1]["item"] = "urn:kia:ivrk:art-99"
    document["exclusions"][0]["item"] = "urn:kia:org-elders:r1"
    imported = import_document(document, organisation=factories.organisation())
    notices = [str(n) for n in imported.notices]
    assert any("$.library_links[1].item" in n and "urn:kia:ivrk:art-99" in n for n in notices)
    assert any("$.exclusions[0].item" in n and "urn:kia:org-elders:r1" in n for n in notices)
    assert imported.assessment.library_links.count() == 4
    assert not imported.assessment.exclusions.exists()
