"""Comparing two to four assessments or versions: the picker, the page and its exports.

``/compare/?a=<organisation>/<slug>[@v<n>]&a=…`` names the columns in order. The page
redirects to the canonical form of its URL (each final or published assessment pinned to
the version it shows), so a shared link keeps showing the same content. Members read any
assessment of their organisation, anyone a published one (its published version); a
reader who may not read one of the columns gets 404 for the whole comparison.

The PDF is rendered in the request, in the limited child process of the report renderer:
a comparison is at most four columns of summaries (no answer texts, shared sources only),
a few pages that take a second or two, and it belongs to no one assessment whose stored
files could keep it. The time limit (``COMPARISON_PDF_SECONDS``) stays below the web
server's request timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.domain import states
from assessments.domain.models import Assessment, Version
from assessments.outputs.comparison import side_by_side, tables
from assessments.outputs.comparison.side_by_side import BadComparison, Comparison
from assessments.outputs.report.child import RenderFailed
from assessments.outputs.report.render import render_comparison_pdf

COMPARISON_PDF_SECONDS = 20


def _query(comparison: Comparison) -> str:
    """The canonical query string: the columns in order, "/" and "@" as they are."""
    return urlencode(comparison.query, safe="/@")


def _url(name: str, comparison: Comparison) -> str:
    return f"{reverse(name)}?{_query(comparison)}"


def _refused(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    context = {"message": message, **_choices(request)}
    return render(request, "assessments/compare/picker.html", context, status=status)


@dataclass(frozen=True)
class Choice:
    """One assessment in the picker: the values it can be chosen as (its current content
    and each version for members, its published version for others)."""

    assessment: Assessment
    options: list[tuple[str, str, bool]]  # (value of ``a``, label, chosen)


def _choices(request: HttpRequest) -> dict:
    """What the picker offers: the reader's organisations' assessments (with their
    versions) and every published one."""
    user = request.user
    chosen = set(request.GET.getlist("a")) | set(request.GET.getlist("chosen"))
    own: list[Choice] = []
    if user.is_authenticated:
        for a in (
            Assessment.objects.for_member(user)
            .select_related("organisation")
            .prefetch_related(Prefetch("versions", queryset=Version.objects.order_by("-number")))
            .order_by("organisation__name", "title")
        ):
            name = f"{a.organisation.slug}/{a.slug}"
            settled = states.is_settled(a)  # stands for its newest version: no "current"
            options = [] if settled else [(name, _("current content"), name in chosen)]
            options += [
                (
                    f"{name}@v{v.number}",
                    str(v.label),
                    f"{name}@v{v.number}" in chosen or (settled and i == 0 and name in chosen),
                )
                for i, v in enumerate(a.versions.all())
            ]
            own.append(Choice(a, options))
    own_ids = {choice.assessment.pk for choice in own}
    public = []
    for a in states.published(Assessment.objects.select_related("organisation")).order_by(
        "service_name", "title"
    ):
        if a.pk in own_ids:
            continue
        name = f"{a.organisation.slug}/{a.slug}"
        picked = name in chosen or any(value.startswith(f"{name}@v") for value in chosen)
        public.append(Choice(a, [(name, str(a.title), picked)]))
    return {"own": own, "public": public, "max_columns": side_by_side.MAX_COLUMNS}


def _comparison(request: HttpRequest) -> Comparison:
    return side_by_side.for_request(request.user, request.GET.getlist("a"))


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    values = [value for value in request.GET.getlist("a") if value.strip()]
    if not values and "a" not in request.GET:
        return render(request, "assessments/compare/picker.html", _choices(request))
    try:
        comparison = _comparison(request)
    except BadComparison as refused:
        return _refused(request, refused.message)
    if request.META.get("QUERY_STRING", "") != _query(comparison):
        return redirect(_url("assessments:compare", comparison))
    return render(
        request,
        "assessments/compare/page.html",
        {
            "c": comparison,
            "csv_url": _url("assessments:compare_csv", comparison),
            "xlsx_url": _url("assessments:compare_xlsx", comparison),
            "pdf_url": _url("assessments:compare_pdf", comparison),
        },
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(comparison: Comparison, extension: str) -> str:
    names = "-".join(column.live.slug[:30] for column in comparison.columns)
    return f"comparison-{names}.{extension}"


def _export(
    request: HttpRequest, make: Callable[[Comparison], bytes], content_type: str, extension: str
) -> HttpResponse:
    """The comparison the query names as a file made by ``make``, or the picker saying why
    not (400 for a bad query, 503 when the PDF renderer gave up)."""

    try:
        comparison = _comparison(request)
        content = make(comparison)
    except BadComparison as refused:
        return _refused(request, refused.message)
    except RenderFailed:
        message = _("The PDF could not be made now. Try again in a moment.")
        return _refused(request, message, status=503)
    return _download(content, content_type, _filename(comparison, extension))


def _pdf(comparison: Comparison) -> bytes:
    return render_comparison_pdf(comparison, seconds=COMPARISON_PDF_SECONDS).content


@require_GET
def compare_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, tables.comparison_csv, "text/csv; charset=utf-8", "csv")


@require_GET
def compare_xlsx(request: HttpRequest) -> HttpResponse:
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _export(request, tables.comparison_xlsx, xlsx, "xlsx")


@require_GET
def compare_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, _pdf, "application/pdf", "pdf")


urlpatterns = [
    path("compare/", compare, name="compare"),
    path("compare/comparison.csv", compare_csv, name="compare_csv"),
    path("compare/comparison.xlsx", compare_xlsx, name="compare_xlsx"),
    path("compare/comparison.pdf", compare_pdf, name="compare_pdf"),
]
