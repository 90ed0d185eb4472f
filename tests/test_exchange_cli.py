"""kia_export, kia_import and kia_demo."""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.domain.constants import Role
from assessments.domain.exchange import export_assessment, to_json
from assessments.domain.models import Assessment, Membership, Organisation
from tests import builders, exchange_helpers, factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> tuple[str, str, CommandError]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), exc.value


# --- kia_export ---------------------------------------------------------------------------------


def test_export_json_to_stdout_by_slug_or_id():
    assessment = builders.rich_assessment()
    for ref in (assessment.slug, str(assessment.pk)):
        out, _err = run("kia_export", ref)
        document = json.loads(out)
        assert document.pop("exported_at")
        assert document == export_assessment(assessment)
    out_dash, _err = run("kia_export", assessment.slug, "--format", "json", "--output", "-")
    assert json.loads(out_dash)["assessment"]["slug"] == assessment.slug


def test_export_json_to_a_file(tmp_path):
    assessment = builders.rich_assessment()
    target = tmp_path / "out.json"
    out, err = run("kia_export", assessment.slug, "--output", str(target))
    assert out == ""
    assert "Wrote tiktok-test" in err
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["risks"] == export_assessment(assessment)["risks"]


def test_export_of_an_unknown_assessment_fails():
    _out, _err, exc = run_failing("kia_export", "no-such-kia")
    assert "No assessment has the slug or id 'no-such-kia'." in str(exc)


def test_export_pdf_needs_a_file():
    assessment = factories.assessment()
    _out, _err, exc = run_failing("kia_export", assessment.slug, "--format", "pdf")
    assert "--output" in str(exc)


# --- kia_import ---------------------------------------------------------------------------------


@pytest.fixture
def exported(tmp_path):
    path = tmp_path / "kia.json"
    path.write_bytes(to_json(export_assessment(builders.rich_assessment())))
    return path


def test_import_prints_the_new_slug(exported):
    org = factories.organisation(slug="team")
    out, _err = run("kia_import", str(exported), "--organisation", "team")
    assert out == "tiktok-test\n"  # another organisation's use of the slug does not count
    assert Assessment.objects.get(slug="tiktok-test", organisation=org).title
    out, _err = run("kia_import", str(exported), "--organisation", "team")
    assert out == "tiktok-test-2\n"
    out, _err = run("kia_import", str(exported), "--organisation", "team", "--slug", "mine")
    assert out == "mine\n"


def test_import_reports_every_problem_and_saves_nothing(tmp_path, exported):
    factories.organisation(slug="team")
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["risks"][0]["category"] = "weather"
    document["measures"][0]["status"] = "done"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    before = exchange_helpers.row_counts()
    out, err, exc = run_failing(
        "kia_import", str(bad), "--organisation", "team", "--language", "en"
    )
    assert exchange_helpers.row_counts() == before
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(
        "Risk R4, risk category: 'weather' is not one of the possible values; choose "
        '"content" (3.1 Content risks), '
    )
    assert lines[0].endswith(" [$.risks[0].category]")
    assert lines[1] == (
        "Measure 1 of risk R4, status: 'done' is not one of the possible values; choose "
        '"in_place" (in place), "planned", "in_progress" (in progress) or "dropped". '
        "[$.measures[0].status]"
    )
    assert len(lines) == 2
    assert "bad.json: 2 problems; nothing was imported." in str(exc)


def test_import_speaks_dutch_by_default(tmp_path, exported):
    factories.organisation(slug="team")
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["risks"][1]["likelihood"]["score"] = "hgh"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    _out, err, exc = run_failing("kia_import", str(bad), "--organisation", "team")
    assert err == (
        "Risico R2, kans: 'hgh' is geen van de mogelijke waarden; kies \"low\" (laag), "
        '"medium" (midden), "high" (hoog), "not_assessable" (niet te beoordelen) of "" '
        "(leeg: nog niet ingevuld). [$.risks[1].likelihood.score]\n"
    )
    assert "bad.json: 1 probleem; er is niets geïmporteerd." in str(exc)


def test_import_with_a_taken_slug_fails(exported):
    factories.organisation(slug="team")
    run("kia_import", str(exported), "--organisation", "team")
    _out, err, _exc = run_failing(
        "kia_import",
        str(exported),
        "--organisation",
        "team",
        "--slug",
        "tiktok-test",
        "--language",
        "en",
    )
    assert err == (
        "General information, short name (in links): The short name 'tiktok-test' is already "
        "taken. [$.assessment.slug]\n"
    )


def test_import_needs_an_existing_organisation_and_file(tmp_path, exported):
    english = ("--language", "en")
    _out, _err, exc = run_failing("kia_import", str(exported), "--organisation", "nobody", *english)
    assert "No organisation has the slug 'nobody'." in str(exc)
    factories.organisation(slug="team")
    _out, _err, exc = run_failing(
        "kia_import", str(tmp_path / "x.json"), "--organisation", "team", *english
    )
    assert "Cannot read" in str(exc)


# --- kia_demo -----------------------------------------------------------------------------------


def password_in(out: str) -> str:
    [line] = [line for line in out.splitlines() if line.strip().startswith("password:")]
    return line.split(":", 1)[1].strip()


def test_demo_loads_valid_files_reports_invalid_ones_and_is_idempotent(tmp_path):
    document = export_assessment(builders.rich_assessment(slug="tiktok-2025"))
    Assessment.objects.all().delete()  # start from an empty database of assessments
    (tmp_path / "tiktok-2025.json").write_bytes(to_json(document))
    (tmp_path / "broken.json").write_text('{"format": "kia-assessment", "version": 1}')

    out, err, exc = run_failing("kia_demo", "--directory", str(tmp_path))
    assert "broken.json" in str(exc)
    assert "General information: This is missing; it is required." in err
    assert "voorbeeld-huiswerkapp.json is missing" in out
    assert "tiktok-2025.json: loaded as 'tiktok-2025'." in out
    # The file says "final", but this one has gaps: it stays a draft and says why.
    assert "'tiktok-2025' stays draft: Not final yet" in err
    assert "http://127.0.0.1:8000/" in out
    assert "username: demo" in out
    assert "demo assessments: tiktok-2025" in out
    assert "local use only" in out

    organisation = Organisation.objects.get(slug="demo")
    assert organisation.name == "Demo-organisatie"
    user = get_user_model().objects.get(username="demo")
    first_password = password_in(out)
    assert user.check_password(first_password)
    assert first_password not in user.password  # only a hash is stored
    assert Membership.objects.get(organisation=organisation, user=user).role == Role.OWNER
    assert organisation.assessments.get().created_by == user

    (tmp_path / "broken.json").unlink()
    out, _err = run("kia_demo", "--directory", str(tmp_path))  # now succeeds
    assert "'tiktok-2025' exists already" in out
    assert Assessment.objects.count() == 1
    assert Membership.objects.filter(user=user).count() == 1
    second_password = password_in(out)
    assert second_password != first_password
    user.refresh_from_db()
    assert user.check_password(second_password)
    assert not user.check_password(first_password)


def test_demo_without_files_still_creates_the_account(tmp_path):
    out, _err = run("kia_demo", "--directory", str(tmp_path / "nowhere"))
    assert "tiktok-2025.json is missing" in out
    assert "demo assessments: (none)" in out
    assert get_user_model().objects.get(username="demo").check_password(password_in(out))


def test_the_homework_demo_shows_its_figure_in_the_report(media):
    from django.core.files.storage import default_storage

    from assessments.outputs.report.render import render_html

    out, _err = run("kia_demo")
    assert "'voorbeeld-huiswerkapp': figure 'klassenchat' added." in out
    homework = Assessment.objects.get(slug="voorbeeld-huiswerkapp")
    figure = homework.figures.get()
    assert (figure.key, figure.width, figure.height) == ("klassenchat", 1100, 620)
    assert figure.alt_text.startswith("Twee schermen naast elkaar.")
    assert default_storage.exists(figure.image.name)
    html = render_html(homework)
    assert html.count('class="report-figure"') == 1
    text = re.sub(r"<[^>]+>", "", html).replace("\xa0", " ").replace("\u202f", " ")
    assert "Figuur 1. De klassenchat met meldknop" in text and "(zie figuur 1)" in text
    assert "[fig:" not in html  # every reference found its figure
    run("kia_demo")  # a second run leaves the loaded demo (and its figure) alone
    assert homework.figures.count() == 1


def test_a_demo_figure_that_cannot_be_read_is_reported_and_skipped(tmp_path, media):
    document = export_assessment(builders.rich_assessment(slug="tiktok-2025"))
    Assessment.objects.all().delete()
    (tmp_path / "tiktok-2025.json").write_bytes(to_json(document))
    folder = tmp_path / "figures" / "tiktok-2025"
    folder.mkdir(parents=True)
    (folder / "broken.png").write_bytes(b"not an image")
    listed = [
        {"key": "broken", "file": "broken.png", "alt_text": "Kapot."},
        {"key": "gone", "file": "gone.png", "alt_text": "Weg."},
        {"key": "no alt text", "file": "broken.png"},
    ]
    (folder / "figures.json").write_text(json.dumps(listed))
    out, err = run("kia_demo", "--directory", str(tmp_path))
    assert "tiktok-2025.json: loaded as 'tiktok-2025'." in out
    assert "figure 'broken' skipped" in err
    assert "figure 'gone' skipped" in err
    assert "figure 'no alt text' skipped" in err
    assert not Assessment.objects.get(slug="tiktok-2025").figures.exists()
