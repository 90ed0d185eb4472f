"""Every rule of the data model is enforced by model validation (with a message) and,
where one row decides, by the database itself (so nothing slips in around the forms)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from assessments.domain.constants import GoalKind, ProportionalitySide, Role
from assessments.domain.models import (
    Answer,
    Contribution,
    Goal,
    Measure,
    Membership,
    ProportionalityItem,
    Risk,
    Source,
)
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def assert_db_refuses(obj) -> None:
    """The database rejects the row even when model validation is bypassed."""
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


@pytest.mark.parametrize(
    ("score_field", "reason_field", "message"),
    [
        ("likelihood", "likelihood_reason", "why the likelihood cannot be assessed"),
        ("impact", "impact_reason", "why the impact cannot be assessed"),
        (
            "residual_likelihood",
            "residual_likelihood_reason",
            "why the residual likelihood cannot be assessed",
        ),
        ("residual_impact", "residual_impact_reason", "why the residual impact cannot be assessed"),
    ],
)
def test_not_assessable_needs_a_reason(score_field, reason_field, message):
    risk = factories.risk(factories.assessment())
    setattr(risk, score_field, "not_assessable")
    with pytest.raises(ValidationError) as exc:
        risk.full_clean()
    assert f"Give a reason {message}." in messages(exc.value)
    assert_db_refuses(risk)
    risk.refresh_from_db()
    assert getattr(risk, score_field) == ""  # nothing half-saved

    setattr(risk, score_field, "not_assessable")
    setattr(risk, reason_field, "The service did not share usage data.")
    risk.full_clean()
    risk.save()


def test_scores_outside_the_scale_are_refused():
    risk = factories.risk(factories.assessment())
    risk.likelihood = "extreme"
    with pytest.raises(ValidationError) as exc:
        risk.full_clean()
    assert "likelihood" in exc.value.message_dict
    assert_db_refuses(risk)


def test_unknown_risk_category_is_refused():
    risk = Risk(assessment=factories.assessment(), category="weather", topic="Rain")
    with pytest.raises(ValidationError) as exc:
        risk.full_clean()
    assert "category" in exc.value.message_dict
    assert_db_refuses(risk)


def test_every_category_including_other_takes_any_number_of_risks():
    parent = factories.assessment()
    for key in (
        "content",
        "conduct",
        "contact",
        "consumer",
        "advanced_technology",
        "privacy",
        "health",
        "other",
    ):
        for n in range(3):
            r = Risk(assessment=parent, category=key, topic=f"{key} {n}")
            r.full_clean()
            r.save()
    assert parent.risks.count() == 24


def test_period_must_not_end_before_it_starts():
    parent = factories.assessment()
    parent.period_start = datetime.date(2024, 12, 31)
    parent.period_end = datetime.date(2024, 10, 1)
    with pytest.raises(ValidationError) as exc:
        parent.full_clean()
    assert "The period cannot end before it starts." in messages(exc.value)
    assert_db_refuses(parent)


def test_question_1_3_only_after_1_2_no():
    parent = factories.assessment()
    parent.prescan_offers_service = "yes"
    parent.prescan_accessible_to_minors = "yes"
    parent.prescan_can_exclude_minors = "no"
    with pytest.raises(ValidationError) as exc:
        parent.full_clean()
    assert "Question 1.3 is only answered when 1.2 is 'no'." in messages(exc.value)
    assert_db_refuses(parent)
    parent.prescan_accessible_to_minors = "no"
    parent.full_clean()
    parent.save()


def test_prescan_answers_must_be_yes_or_no():
    parent = factories.assessment()
    parent.prescan_offers_service = "ja"  # fits the column, but is not a choice
    with pytest.raises(ValidationError):
        parent.full_clean()
    assert_db_refuses(parent)


def test_slug_is_unique_per_organisation():
    first = factories.assessment(slug="tiktok-2025")
    factories.assessment(slug="tiktok-2025")  # another organisation may use it too
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.assessment(first.organisation, slug="tiktok-2025")


def test_one_main_goal_per_assessment():
    parent = factories.assessment()
    Goal.objects.create(assessment=parent, kind=GoalKind.MAIN, title="Profit")
    Goal.objects.create(assessment=parent, kind=GoalKind.SUB, title="Joy")
    Goal.objects.create(assessment=parent, kind=GoalKind.SUB, title="Income for creators")
    second = Goal(assessment=parent, kind=GoalKind.MAIN, title="Another main goal")
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "An assessment has only one main goal." in messages(exc.value)
    assert_db_refuses(second)
    # Another assessment has its own main goal.
    Goal.objects.create(assessment=factories.assessment(), kind=GoalKind.MAIN, title="Learning")


def test_answers_only_for_known_questions_and_once():
    parent = factories.assessment()
    Answer.objects.create(assessment=parent, question="2.1", text="An app.")
    for key in ("2.3.1", "2.3.2", "2.3.3", "3.8", "4.1", "5.3", "5.6"):
        Answer(assessment=parent, question=key).full_clean()
    unknown = Answer(assessment=parent, question="9.9", text="?")
    with pytest.raises(ValidationError):
        unknown.full_clean()
    assert_db_refuses(unknown)
    for key in ("2.3", "2.8", "1.1"):  # answered elsewhere: parts, Contribution, pre-scan
        with pytest.raises(ValidationError):
            Answer(assessment=parent, question=key).full_clean()
    twice = Answer(assessment=parent, question="2.1", text="Again")
    with pytest.raises(ValidationError) as exc:
        twice.full_clean()
    assert "This question already has an answer." in messages(exc.value)
    assert_db_refuses(twice)


def test_contributions_only_for_2_8_to_2_14_and_once():
    parent = factories.assessment()
    for number in ("2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14"):
        Contribution.objects.create(assessment=parent, question=number, text="…")
    for bad in ("2.7", "2.15", "3.1"):
        c = Contribution(assessment=parent, question=bad)
        with pytest.raises(ValidationError):
            c.full_clean()
        assert_db_refuses(c)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(assessment=parent, question="2.8")


def test_a_measure_always_belongs_to_its_risks_assessment():
    one, other = factories.assessment(), factories.assessment()
    risk = factories.risk(one)
    measure = Measure.objects.create(risk=risk, title="Content moderation", owner="Trust & Safety")
    assert measure.risk.assessment == one
    assert list(Measure.objects.filter(risk__assessment=other)) == []
    # A measure cannot exist without a risk.
    orphan = Measure(title="Nothing to mitigate")
    with pytest.raises(ValidationError) as exc:
        orphan.full_clean()
    assert "risk" in exc.value.message_dict
    # Deleting the risk takes its measures with it: no measure points nowhere.
    risk.delete()
    assert not Measure.objects.filter(pk=measure.pk).exists()


def test_measure_status_is_in_place_or_planned():
    measure = Measure(risk=factories.risk(factories.assessment()), title="x", status="someday")
    with pytest.raises(ValidationError):
        measure.full_clean()
    assert_db_refuses(measure)


def test_proportionality_items_point_at_the_right_kind_of_origin():
    parent = factories.assessment()
    risk = factories.risk(parent)
    contribution = Contribution.objects.create(assessment=parent, question="2.13")
    goal = Goal.objects.create(assessment=parent, kind=GoalKind.MAIN, title="Profit")

    ok = [
        ProportionalityItem(assessment=parent, side=ProportionalitySide.HARM, text="h", risk=risk),
        ProportionalityItem(
            assessment=parent,
            side=ProportionalitySide.CHILD_BENEFIT,
            text="b",
            contribution=contribution,
        ),
        ProportionalityItem(
            assessment=parent, side=ProportionalitySide.ORGANISATION_BENEFIT, text="g", goal=goal
        ),
        ProportionalityItem(assessment=parent, side=ProportionalitySide.HARM, text="free text"),
    ]
    for item in ok:
        item.full_clean()
        item.save()

    bad = [
        (
            ProportionalityItem(
                assessment=parent, side=ProportionalitySide.CHILD_BENEFIT, text="b", risk=risk
            ),
            "A benefit cannot come from a risk.",
        ),
        (
            ProportionalityItem(
                assessment=parent,
                side=ProportionalitySide.HARM,
                text="h",
                contribution=contribution,
            ),
            "A harm can only come from a risk.",
        ),
        (
            ProportionalityItem(
                assessment=parent,
                side=ProportionalitySide.CHILD_BENEFIT,
                text="b",
                contribution=contribution,
                goal=goal,
            ),
            "A benefit comes from a goal or a contribution, not both.",
        ),
    ]
    for item, message in bad:
        with pytest.raises(ValidationError) as exc:
            item.full_clean()
        assert message in messages(exc.value)
        assert_db_refuses(item)
    assert parent.proportionality_items.count() == len(ok)


def test_proportionality_item_cannot_point_into_another_assessment():
    parent, other = factories.assessment(), factories.assessment()
    foreign_risk = factories.risk(other)
    item = ProportionalityItem(
        assessment=parent, side=ProportionalitySide.HARM, text="h", risk=foreign_risk
    )
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert exc.value.message_dict == {"risk": ["This belongs to another assessment."]}


def test_source_keys_are_valid_and_unique_per_assessment():
    parent = factories.assessment()
    Source.objects.create(assessment=parent, key="ofcom-2024", citation="Ofcom (2024).")
    duplicate = Source(assessment=parent, key="ofcom-2024", citation="Again")
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "Another source of this assessment has this key." in messages(exc.value)
    assert_db_refuses(duplicate)
    Source(assessment=factories.assessment(), key="ofcom-2024", citation="x").full_clean()
    for bad_key in ("", "-starts-with-dash", "has space", "x]y", "a" * 65):
        with pytest.raises(ValidationError):
            Source(assessment=parent, key=bad_key, citation="x").full_clean()
    with pytest.raises(ValidationError):
        Source(assessment=parent, key="ok", citation="x", url="javascript:alert(1)").full_clean()


def test_membership_once_per_organisation_and_role_valid():
    org = factories.organisation()
    account = factories.member(org, Role.VIEWER)
    again = Membership(organisation=org, user=account, role=Role.OWNER)
    with pytest.raises(ValidationError) as exc:
        again.full_clean()
    assert "This user is already a member of the organisation." in messages(exc.value)
    assert_db_refuses(again)
    bad = Membership(organisation=factories.organisation(), user=account, role="admin")
    with pytest.raises(ValidationError):
        bad.full_clean()
    assert_db_refuses(bad)


def test_role_order():
    assert Role.OWNER.includes(Role.EDITOR)
    assert Role.EDITOR.includes(Role.REVIEWER)
    assert Role.REVIEWER.includes(Role.VIEWER)
    assert not Role.VIEWER.includes(Role.REVIEWER)
    assert not Role.REVIEWER.includes(Role.EDITOR)
    assert not Role.EDITOR.includes(Role.OWNER)


def test_organisation_with_assessments_cannot_be_deleted_by_accident():
    from django.db.models import ProtectedError

    parent = factories.assessment()
    with pytest.raises(ProtectedError):
        parent.organisation.delete()


def test_deleting_an_assessment_removes_everything_in_it():
    parent = factories.assessment()
    risk = factories.risk(parent)
    Measure.objects.create(risk=risk, title="m")
    Source.objects.create(assessment=parent, key="s", citation="c")
    Answer.objects.create(assessment=parent, question="2.1")
    parent.delete()
    assert not Risk.objects.exists()
    assert not Measure.objects.exists()
    assert not Source.objects.exists()
    assert not Answer.objects.exists()


def test_messages_are_dutch_by_default():
    risk = factories.risk(factories.assessment())
    risk.impact = "not_assessable"
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        risk.full_clean()
    assert "Geef een reden waarom de impact niet te beoordelen is." in messages(exc.value)
