"""The organisation's action plan: every measure of its assessments, filtered, exported."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain.constants import Role
from assessments.domain.followup import PlanFilters, action_plan, plan_owners, plan_table
from assessments.domain.models import Assessment
from assessments.domain.permissions import get_organisation
from assessments.interfaces.web.forms import ActionPlanFilterForm
from assessments.outputs.risk_register import CSV_DELIMITER, csv_cell

FORMATS = ("csv", "xlsx")


@login_required
def actions(request: HttpRequest, slug: str, download: str = "") -> HttpResponse:
    # Every member reads every assessment of the organisation, so every measure.
    organisation, _role = get_organisation(request.user, slug, Role.VIEWER)
    assessments = list(
        Assessment.objects.filter(organisation=organisation)
        .order_by("title")
        .values_list("slug", "title")
    )
    form = ActionPlanFilterForm(
        request.GET or None, assessments=assessments, owners=plan_owners(organisation)
    )
    filters = PlanFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = PlanFilters(
            assessment=data["assessment"],
            owner=data["owner"],
            status=data["status"],
            overdue=data["overdue"],
            due_before=data["due_before"],
            order=data["order"] or "due",
        )
    rows = action_plan(organisation, filters) if not form.errors else []
    if download:
        return _download(organisation.slug, rows, download)
    query = request.GET.urlencode()
    return render(
        request,
        "assessments/action_plan.html",
        {
            "organisation": organisation,
            "form": form,
            "rows": rows,
            "overdue_count": sum(row.overdue for row in rows),
            "query": f"?{query}" if query else "",
        },
        status=400 if form.errors else 200,
    )


def _download(slug: str, rows, kind: str) -> HttpResponse:
    headers, table = plan_table(rows)
    name = f"{slug}-{_('action-plan')}-{timezone.localdate().isoformat()}"
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=CSV_DELIMITER)
        writer.writerow(headers)
        writer.writerows([csv_cell(cell) for cell in row] for row in table)
        response = HttpResponse(
            out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            _xlsx(headers, table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _xlsx(headers: list[str], table: list[tuple]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Action plan")[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(table, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
                cell.data_type = "s"  # text, even when it starts with "="
            else:
                cell.value = value
                if value is not None:
                    cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for letter, width in zip("ABCDEFGHI", (30, 24, 30, 34, 22, 14, 30, 12, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


urlpatterns = [
    path("organisation/<slug:slug>/actions/", actions, name="action_plan"),
    *[
        path(
            f"organisation/<slug:slug>/actions.{kind}",
            actions,
            {"download": kind},
            name=f"action_plan_{kind}",
        )
        for kind in FORMATS
    ],
]
