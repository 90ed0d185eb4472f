"""Downloads and the upload page: permissions, success, failure, size limit."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from assessments.domain.constants import Role
from assessments.domain.exchange import export_assessment, to_json
from assessments.domain.models import Assessment
from tests import builders, exchange_helpers, factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DOWNLOADS = ("export_json", "risk_register_csv", "risk_register_xlsx")


@pytest.fixture
def assessment():
    return builders.rich_assessment()


def url(name: str, slug: str) -> str:
    return reverse(f"assessments:{name}", args=[slug])


def upload(client, organisation, content: bytes, name: str = "kia.json"):
    client.cookies["django_language"] = "en"
    return client.post(
        reverse("assessments:import"),
        {"organisation": organisation.pk, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize("name", DOWNLOADS)
def test_anonymous_users_are_sent_to_log_in(client, assessment, name):
    response = client.get(url(name, assessment.slug))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_import_page_needs_log_in(client):
    response = client.get(reverse("assessments:import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", DOWNLOADS)
def test_non_members_do_not_see_the_assessment(client, assessment, name):
    client.force_login(factories.member(factories.organisation(), Role.OWNER))
    assert client.get(url(name, assessment.slug)).status_code == 404


def test_viewer_downloads_the_json(client, assessment):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    response = client.get(url("export_json", assessment.slug))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="tiktok-test.json"'
    document = json.loads(response.content)
    assert document.pop("exported_at")
    assert document == export_assessment(assessment)


def test_viewer_downloads_the_risk_register(client, assessment):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    response = client.get(url("risk_register_csv", assessment.slug))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="tiktok-test-risk-register.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "Schadelijke content" in response.content.decode("utf-8-sig")

    response = client.get(url("risk_register_xlsx", assessment.slug))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('risk-register.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 6  # header + 5 rows


def test_import_form_offers_only_organisations_where_the_user_edits(client):
    editing, owning, viewing = (factories.organisation() for _ in range(3))
    user = factories.member(editing, Role.EDITOR)
    for org, role in ((owning, Role.OWNER), (viewing, Role.VIEWER)):
        org.memberships.create(user=user, role=role)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("assessments:import"))
    assert response.status_code == 200
    choices = list(response.context["form"].fields["organisation"].queryset)
    assert sorted(o.pk for o in choices) == sorted([editing.pk, owning.pk])
    html = response.content.decode()
    assert 'for="id_file"' in html  # labelled fields
    assert 'for="id_organisation"' in html
    assert 'enctype="multipart/form-data"' in html


def test_viewer_cannot_import_into_that_organisation(client, assessment):
    viewer = factories.member(assessment.organisation, Role.VIEWER)
    client.force_login(viewer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("assessments:import"))
    assert "you need to be an editor or owner" in page.content.decode()
    before = exchange_helpers.row_counts()
    response = upload(client, assessment.organisation, to_json(export_assessment(assessment)))
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert exchange_helpers.row_counts() == before


def test_editor_imports_and_goes_to_the_new_assessment(client, assessment):
    org = factories.organisation()
    editor = factories.member(org, Role.EDITOR)
    client.force_login(editor)
    response = upload(client, org, to_json(export_assessment(assessment)))
    assert response.status_code == 302
    imported = Assessment.objects.get(slug="tiktok-test", organisation=org)
    assert response["Location"] == reverse("assessments:detail", args=[imported.slug])
    assert imported.organisation == org
    assert imported.created_by == editor
    assert imported.risks.count() == 4


def test_failed_import_lists_the_problems_and_saves_nothing(client, assessment):
    org = factories.organisation()
    client.force_login(factories.member(org, Role.OWNER))
    document = export_assessment(assessment)
    document["risks"][3]["likelihood"]["score"] = "hgh"
    document["measures"][0]["risk"] = "risk-42"
    before = exchange_helpers.row_counts()
    response = upload(client, org, json.dumps(document).encode())
    assert response.status_code == 400
    assert exchange_helpers.row_counts() == before
    [problem] = response.context["problems"]
    assert problem["path"] == "$.risks[3].likelihood.score"
    assert problem["location"] == "Risk R4, likelihood (kans)"
    assert problem["message"].startswith("'hgh' is not one of the possible values; choose ")
    html = response.content.decode()
    assert "The file was not imported" in html
    assert (
        "<strong>Risk R4, likelihood (kans)</strong>: &#x27;hgh&#x27; is not one of the "
        "possible values" in html
    )
    assert '<code class="text-body-secondary">$.risks[3].likelihood.score</code>' in html

    document["risks"][3]["likelihood"]["score"] = "high"  # now the reference is checked
    response = upload(client, org, json.dumps(document).encode())
    assert response.status_code == 400
    assert "<strong>Measure 1, risk</strong>: No risk has the id &#x27;risk-42&#x27;." in (
        response.content.decode()
    )
    assert exchange_helpers.row_counts() == before


def test_broken_json_upload(client):
    org = factories.organisation()
    client.force_login(factories.member(org, Role.EDITOR))
    response = upload(client, org, b'{"format": ')
    assert response.status_code == 400
    assert (
        "<strong>The file</strong>: The file is not valid JSON: line 1, column 12: a value was "
        "expected here." in response.content.decode()
    )


@override_settings(KIA_MAX_UPLOAD_BYTES=1000)
def test_oversized_upload_is_refused(client, assessment):
    org = factories.organisation()
    client.force_login(factories.member(org, Role.EDITOR))
    before = exchange_helpers.row_counts()
    content = to_json(export_assessment(assessment))
    assert 1000 < len(content) < 64 * 1024  # the file field's own check
    response = upload(client, org, content)
    assert response.status_code == 400
    assert "the largest accepted is 1000" in response.content.decode()
    assert "file" in response.context["form"].errors
    # Far beyond the limit: refused on Content-Length by the middleware, before the CSRF
    # check or the view reads a byte of it.
    response = upload(client, org, b" " * (200 * 1024))
    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
    assert exchange_helpers.row_counts() == before
