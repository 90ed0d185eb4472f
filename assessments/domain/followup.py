"""Follow-up of measures and re-assessments: the action plan's rows and due-date reminders.

``check_due_dates`` (hourly by the worker's scheduler, or ``manage.py check_due_dates``)
tells the measure's owner (when a member of the organisation) and the assessment's owners
about planned or in-progress measures due within ``DUE_SOON`` days or overdue, and about
final or published assessments whose re-assessment date has come. Each reminder is sent
once per measure (or assessment), state and date (``Reminder``), so running it twice tells
no one twice; a new due date is a new reminder.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain import events, instrument, states
from assessments.domain.constants import EventKind, MeasureStatus, Role
from assessments.domain.models import Assessment, Measure, Membership, Reminder
from assessments.domain.models.risks import measure_is_overdue

DUE_SOON = datetime.timedelta(days=14)


@dataclass(frozen=True)
class DueReport:
    measures: int
    reassessments: int


def _owners(organisation_id: int) -> list:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=organisation_id, role=Role.OWNER
        ).select_related("user")
    ]


def _remember(**fields) -> bool:
    """Record a reminder; False if it was sent before."""
    try:
        with transaction.atomic():
            Reminder.objects.create(**fields)
    except IntegrityError:
        return False
    return True


def check_due_dates(today: datetime.date | None = None) -> DueReport:
    today = today or timezone.localdate()
    measures = reassessments = 0
    owners_of: dict[int, list] = {}
    due = (
        Measure.objects.filter(
            status__in=MeasureStatus.open_values(), due_date__lte=today + DUE_SOON
        )
        .select_related("risk__assessment__organisation", "owner_user")
        .order_by("due_date", "pk")
    )
    for measure in due:
        assert measure.due_date is not None
        assessment = measure.risk.assessment
        state = "overdue" if measure.due_date < today else "due"
        with transaction.atomic():
            if not _remember(
                assessment=assessment, measure=measure, state=state, on_date=measure.due_date
            ):
                continue
            org = assessment.organisation_id
            recipients = list(owners_of.setdefault(org, _owners(org)))
            if (
                measure.owner_user is not None
                and Membership.objects.filter(organisation_id=org, user=measure.owner_user).exists()
            ):
                recipients.insert(0, measure.owner_user)
            events.emit(
                EventKind.MEASURE_DUE,
                assessment=assessment,
                recipients=recipients,
                path=reverse("assessments:chapter", args=[assessment.slug, 4])
                + f"#risk-{measure.risk_id}",
                measure=measure.title,
                due_date=measure.due_date,
                state=state,
            )
            measures += 1
    settled = states.settled(Assessment.objects.filter(next_reassessment_on__lte=today))
    for assessment in settled.select_related("organisation"):
        assert assessment.next_reassessment_on is not None
        with transaction.atomic():
            if not _remember(
                assessment=assessment,
                state="reassessment",
                on_date=assessment.next_reassessment_on,
            ):
                continue
            org = assessment.organisation_id
            events.emit(
                EventKind.REASSESSMENT_DUE,
                assessment=assessment,
                recipients=owners_of.setdefault(org, _owners(org)),
                path=reverse("assessments:detail", args=[assessment.slug]),
                due_date=assessment.next_reassessment_on,
            )
            reassessments += 1
    return DueReport(measures, reassessments)


# --- The action plan: every measure of an organisation's assessments ------------------------


@dataclass(frozen=True)
class PlanFilters:
    assessment: str = ""  # slug
    owner: str = ""  # "m<user id>", "t:<name>" or "none"
    status: str = ""  # a MeasureStatus, or "open" (planned or in progress)
    overdue: bool = False
    due_before: datetime.date | None = None
    order: str = "due"  # "due" or "-due"


@dataclass(frozen=True)
class PlanRow:
    measure: Measure
    assessment: Assessment
    category: str  # "3.1 Content risks"
    owner: str
    overdue: bool


def owner_key(owner_user_id: int | None, owner: str) -> str:
    if owner_user_id is not None:
        return f"m{owner_user_id}"
    return f"t:{owner.strip()}" if owner.strip() else "none"


def plan_owners(organisation) -> list[tuple[str, str]]:
    """The owners named in the organisation's measures: (filter key, name), by name."""
    found: dict[str, str] = {}
    measures = Measure.objects.filter(risk__assessment__organisation=organisation)
    for measure in measures.select_related("owner_user").only(
        "owner", "owner_user__username", "owner_user__first_name", "owner_user__last_name"
    ):
        key = owner_key(measure.owner_user_id, measure.owner)
        if key != "none":
            found[key] = measure.owner_name
    return sorted(found.items(), key=lambda item: item[1].casefold())


def action_plan(organisation, filters: PlanFilters, today: datetime.date | None = None):
    """The measures of ``organisation``'s assessments, filtered and sorted by due date
    (those without one last)."""
    today = today or timezone.localdate()
    found = Measure.objects.filter(risk__assessment__organisation=organisation).select_related(
        "risk__assessment", "owner_user"
    )
    if filters.assessment:
        found = found.filter(risk__assessment__slug=filters.assessment)
    if filters.owner == "none":
        found = found.filter(owner_user__isnull=True, owner="")
    elif filters.owner.startswith("m") and filters.owner[1:].isdigit():
        found = found.filter(owner_user_id=int(filters.owner[1:]))
    elif filters.owner.startswith("t:"):
        found = found.filter(owner_user__isnull=True, owner__iexact=filters.owner[2:])
    if filters.status == "open":
        found = found.filter(status__in=MeasureStatus.open_values())
    elif filters.status:
        found = found.filter(status=filters.status)
    if filters.overdue:
        found = found.overdue(today)
    if filters.due_before:
        found = found.filter(due_date__lt=filters.due_before)
    due = F("due_date")
    found = found.order_by(
        due.desc(nulls_last=True) if filters.order == "-due" else due.asc(nulls_last=True),
        "risk__assessment__title",
        "risk__category",
        "risk__order",
        "order",
        "pk",
    )
    rows = []
    for measure in found:
        category = instrument.category(measure.risk.category)
        rows.append(
            PlanRow(
                measure=measure,
                assessment=measure.risk.assessment,
                category=f"{category.number} {category.name}",
                owner=measure.owner_name,
                overdue=measure_is_overdue(measure.status, measure.due_date, today),
            )
        )
    return rows


def plan_table(rows: list[PlanRow]) -> tuple[list[str], list[tuple]]:
    """The action plan as a table for CSV and XLSX (headers in the active language)."""
    headers = [
        _("Assessment"),
        _("Category"),
        _("Risk"),
        _("Measure"),
        _("Owner"),
        _("Status"),
        _("Reason for dropping"),
        _("Due date"),
        _("Overdue"),
    ]
    table = [
        (
            row.assessment.title,
            row.category,
            row.measure.risk.topic,
            row.measure.title,
            row.owner,
            str(MeasureStatus(row.measure.status).label),
            row.measure.status_reason,
            row.measure.due_date,
            _("overdue") if row.overdue else "",
        )
        for row in rows
    ]
    return headers, table
