"""manage.py kia_library: list, load, diff, show."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.domain.models import LibraryFile, LibraryItem
from tests import factories
from tests.library_files import framework, item, shipped, text, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("kia_library", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> tuple[str, CommandError]:
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("kia_library", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue(), exc.value


def test_list_names_each_file_with_version_items_and_licence():
    out, _err = run("list")
    ivrk = LibraryFile.objects.get(ref="ivrk")
    assert f"ivrk v{ivrk.version}: " in out
    assert "42 items" in out  # the articles of the Convention
    assert "urn:kia:aadc · framework · 15 items\n" in out  # each once, however many links
    assert "urn:kia:measures · catalogue · 88 items\n" in out
    assert f"licence: {ivrk.licence}" in out
    assert "mappings" in out  # the mappings file counts its mappings
    # In the library's order: the frameworks, then the catalogues and the mappings.
    listed = [line.split(" v")[0] for line in out.splitlines() if not line.startswith(" ")]
    assert listed == ["ivrk", "gc25", "code", "dsa28", "aadc", "kia", "risks", "measures",
                      "mapping"]  # fmt: skip


def test_load_of_the_shipped_data_again_changes_nothing():
    out, _err = run("load")
    assert "ivrk v1: unchanged." in out
    assert out.count("unchanged.") == len(LibraryFile.objects.filter(organisation=None))


def test_load_prints_what_changed_per_file(tmp_path):
    run("load", str(write(tmp_path, "test.yaml", framework())))
    newer = framework(version=2)
    newer["items"][0]["text"] = text("Nieuwe tekst", "New text")
    newer["items"].append(item("urn:kia:test:a4", "a4"))
    del newer["items"][1]  # a2 is no longer listed: withdrawn
    out, _err = run("load", str(write(tmp_path, "test-2.yaml", newer)))
    assert "test: v1 → v2 (1 added, 1 changed, 1 withdrawn)" in out
    assert "  added: urn:kia:test:a4" in out
    assert "  changed: urn:kia:test:a1" in out
    assert "  withdrawn: urn:kia:test:a2" in out
    assert LibraryItem.objects.get(urn="urn:kia:test:a2").withdrawn_in == 2


def test_a_file_that_cannot_be_loaded_names_file_item_and_reason_and_changes_nothing(tmp_path):
    good = write(tmp_path, "good.yaml", framework())
    broken = framework()
    broken["urn"] = "urn:kia:other"
    broken["ref"] = "other"
    broken["items"] = [item("urn:kia:other:x", "x", links=[{"type": "concerns", "target":
                                                            "urn:kia:nowhere:1"}])]  # fmt: skip
    bad = write(tmp_path, "bad.yaml", broken)
    _out, exc = run_failing("load", str(good), str(bad))
    assert "Nothing was loaded." in str(exc)
    assert "bad.yaml, urn:kia:other:x" in str(exc)
    assert "urn:kia:nowhere:1" in str(exc)
    assert not LibraryFile.objects.filter(ref__in=["test", "other"]).exists()


def test_load_of_a_missing_file_fails(tmp_path):
    _out, exc = run_failing("load", str(tmp_path / "gone.yaml"))
    assert "gone.yaml: no such file" in str(exc)


def test_load_of_an_organisations_own_catalogue(tmp_path):
    factories.organisation(slug="gemeente")
    own = framework()
    own.update(urn="urn:kia:org-gemeente", ref="eigen", kind="catalogue")
    own["items"] = [
        item("urn:kia:org-gemeente:r1", "E1", "typical-risk", category="privacy",
             links=[{"type": "concerns", "target": "urn:kia:ivrk:art-16"}]),
    ]  # fmt: skip
    path = write(tmp_path, "eigen.yaml", own)
    out, _err = run("load", "--organisation", "gemeente", str(path))
    assert "org-gemeente: new, v1 (1 added, 0 changed, 0 withdrawn)" in out
    assert LibraryFile.objects.get(ref="org-gemeente").organisation.slug == "gemeente"
    _out, exc = run_failing("load", "--organisation", "nobody", str(path))
    assert "No organisation has the slug 'nobody'." in str(exc)


def test_diff_shows_the_changes_between_two_versions_of_a_file(tmp_path):
    old = shipped("ivrk")
    new = shipped("ivrk")
    new["version"] = 2
    new["items"][15]["title"] = text("Privacy en eer", "Privacy and honour")  # art. 16
    new["withdrawn"] = ["urn:kia:ivrk:art-42"]
    new["items"] = [i for i in new["items"] if i["urn"] != "urn:kia:ivrk:art-42"]
    out, err = run("diff", str(write(tmp_path, "a.yaml", old)), str(write(tmp_path, "b.yaml", new)))
    assert "ivrk: v1 → v2" in out
    assert "changed: urn:kia:ivrk:art-16" in out
    assert "title was: Bescherming van de persoonlijke levenssfeer / Right to privacy" in out
    assert "title now: Privacy en eer / Privacy and honour" in out
    assert "withdrawn: urn:kia:ivrk:art-42" in out
    assert err == ""
    assert LibraryItem.objects.get(urn="urn:kia:ivrk:art-16").title["en"] == "Right to privacy"


def test_diff_warns_when_items_changed_but_the_version_did_not(tmp_path):
    old, new = framework(), framework()
    new["items"][0]["title"] = text("Anders")
    _out, err = run(
        "diff", str(write(tmp_path, "a.yaml", old)), str(write(tmp_path, "b.yaml", new))
    )
    assert "version did not go up" in err


def test_diff_of_two_different_files_fails(tmp_path):
    _out, exc = run_failing(
        "diff", str(write(tmp_path, "a.yaml", shipped("ivrk"))), str(write(tmp_path, "b.yaml",
                                                                           framework()))
    )  # fmt: skip
    assert "not versions of the same file" in str(exc)


def test_show_an_item_with_its_texts_and_relations():
    out, _err = run("show", "urn:kia:code:p1")
    assert "urn:kia:code:p1 (code v1)" in out
    assert "P1 · principle" in out
    assert "title: Zet het belang van het kind voorop bij het ontwerp / Put the best" in out
    assert "concerns → urn:kia:ivrk:art-3 (art. 3)" in out
    assert "text versions: v1" in out
    out, _err = run("show", "urn:kia:ivrk")
    assert "licence:" in out and "items: 42" in out
    _out, exc = run_failing("show", "urn:kia:ivrk:art-99")
    assert "no item or file urn:kia:ivrk:art-99" in str(exc)
