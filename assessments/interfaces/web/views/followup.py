"""The organisation's action plan: every measure of its assessments, filtered, exported."""

from __future__ import annotations

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
from assessments.interfaces.forms.followup import ActionPlanFilterForm
from assessments.outputs import spreadsheets

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
        response = HttpResponse(
            spreadsheets.to_csv(headers, table), content_type="text/csv; charset=utf-8"
        )
    else:
        sheet = spreadsheets.Sheet(
            title=_("Action plan"),
            header=headers,
            rows=table,
            widths=(30, 24, 30, 34, 22, 14, 30, 12, 10),
        )
        response = HttpResponse(spreadsheets.to_xlsx(sheet), content_type=spreadsheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


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
