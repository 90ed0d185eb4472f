"""Every stored field of every model is carried by the exchange export, or is listed below
with the reason why not. A field added to a model without either fails here.

"Carried" is checked by its effect: the field of a row of a rich assessment is changed (in
the database inside a savepoint that is rolled back; the assessment's own fields in memory)
and the exported document must change.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from assessments.domain.exchange import export_assessment
from assessments.domain.models import Assessment, LibraryItem
from assessments.domain.models.base import Tracked
from tests import builders

pytestmark = pytest.mark.django_db

ALL = "*"  # the whole model

# Bookkeeping that every content row has (``Tracked``): the database's id, when and by whom
# it was changed and the lock counter. They say nothing about the assessment itself and
# another deployment assigns its own.
TRACKED = {field.name for field in Tracked._meta.get_fields()} | {"id"}
# The link of a row to its assessment: the document is one assessment, its rows are in it.
PARENT = {"assessment"}

EXCLUDED: dict[str, dict[str, str] | str] = {
    # Accounts and organisations are not part of an assessment; the importer is told
    # which organisation receives the document.
    "Organisation": ALL,
    "Membership": ALL,
    "Invitation": ALL,
    # A user's personal API tokens (REST API) belong to the account, not to an assessment.
    "ApiToken": ALL,
    # Generated PDFs are derived from the content (and made again after an import).
    "ReportFile": ALL,
    # The history and the versions belong to this copy: an import starts its own (recorded
    # as made through "import").
    "Change": ALL,
    "Version": ALL,
    # Review is about a copy, not part of it: comments, rounds, verdicts and sign-offs
    # name this deployment's accounts and versions.
    "Comment": ALL,
    "ReviewRound": ALL,
    "Verdict": ALL,
    "SignOff": ALL,
    "Assessment": {
        "organisation": "chosen by whoever imports",
        "created_by": "accounts are not carried between deployments",
        "finalised_at": "lifecycle of this copy: an import starts it again",
        "published_at": "lifecycle of this copy: an import starts it again",
        "risk_matrix": "an import is scored with the importing deployment's matrix",
        "predecessor": "a link between two assessments of this deployment (re-assessment)",
    },
    # ``order`` is carried by the position of the row in its list, not as a number.
    "Goal": {"order": "position in 'goals'"},
    "Risk": {"order": "position in 'risks' within the category"},
    "Measure": {
        "order": "position in 'measures' after the risk",
        "owner_user": "accounts are not carried (and a published document names no "
        "accounts): a linked member is exported by name as 'owner'",
    },
    "ServiceResponse": {
        "order": "position in 'responses'",
        "invitation": "the invitation and its link belong to this deployment",
    },
    # The right of reply's invitations (links, tokens, contacts) belong to this deployment;
    # the response itself is exported with its version number and who submitted it.
    "ReplyInvitation": ALL,
    # Attachments are files in this deployment's storage; the JSON format carries text.
    "ResponseAttachment": ALL,
    # A consultation's files (its material, the feedback to the children, consent forms)
    # stay in this deployment: a consent form holds personal data and never leaves it.
    "ConsultationAttachment": ALL,
    # Who is told what, and the e-mail sent: about people of this deployment, not the
    # assessment's content.
    "Notification": ALL,
    "NotificationPreference": ALL,
    "Profile": ALL,
    "Reminder": ALL,
    "OutgoingMail": ALL,
    # The scheduler's record of periodic jobs (outbox, reminders, digests) is the
    # deployment's bookkeeping, about no assessment.
    "ScheduledRun": ALL,
    # Log-in, reset and reply attempts counted by the throttles: about accounts and
    # addresses, not any assessment.
    "ThrottleCount": ALL,
    # Single sign-on: accounts' identities at the provider, group-to-role rules and the
    # organisation's audit trail belong to the deployment, not to an assessment.
    "OidcIdentity": ALL,
    "GroupRole": ALL,
    "AuditEntry": ALL,
    # The library is shared data loaded from its own files; the document names its items
    # by URN (and the files' versions under "library").
    "LibraryFile": ALL,
    "LibraryItem": ALL,
    "LibraryItemText": ALL,
    "ItemRelation": ALL,
    "ProportionalityItem": {"order": "position in 'proportionality' within the side"},
    # The image's bytes are not in the JSON (FORMAT.md); its storage name is ("image").
    "Figure": {"order": "position in 'figures'"},
    "Consultation": {"order": "position in 'consultations'"},
    "ConsultationFinding": {"order": "position in 'consultation_findings' within its consultation"},
}


def _rows(model: type[models.Model], assessment: Assessment) -> models.QuerySet:
    if model is Assessment:
        return Assessment.objects.filter(pk=assessment.pk)
    names = {field.name for field in model._meta.get_fields()}
    if "assessment" in names:
        return model._default_manager.filter(assessment=assessment)
    if "risk" in names:
        return model._default_manager.filter(risk__assessment=assessment)
    raise AssertionError(f"{model.__name__}: how does it belong to an assessment?")


def _other_values(field: models.Field, row: models.Model, assessment: Assessment) -> list:
    current = getattr(row, field.attname)
    if field.choices:
        return [value for value, _label in field.flatchoices if value != current]
    if isinstance(field, models.ForeignKey) and field.related_model is LibraryItem:
        return list(LibraryItem.objects.exclude(pk=current).values_list("pk", flat=True)[:2])
    if isinstance(field, models.ForeignKey):
        others = _rows(field.related_model, assessment).exclude(pk=current)
        return list(others.values_list("pk", flat=True)) + ([None] if field.null else [])
    if isinstance(field, models.BooleanField):
        return [value for value in (True, False, None) if value != current]
    if isinstance(field, models.DateField):
        return [(current or datetime.date(2020, 1, 1)) + datetime.timedelta(days=1)]
    if isinstance(field, models.IntegerField):
        return [(current or 0) + 1]
    if isinstance(field, models.FileField):  # a figure's image: another stored file
        return [current.name.replace("a" * 64, "c" * 64)]
    if isinstance(field, models.JSONField):  # a consultation's questions, checklist, URNs
        if isinstance(current, dict):
            return [{**current, "voluntary": {"met": False, "note": "z"}}]
        return [[*(current or []), "urn:kia:ivrk:art-13"]]
    if isinstance(field, models.CharField | models.TextField):
        text = current or ""
        return [text[: (field.max_length or 1000) - 1] + "z"]
    raise AssertionError(f"no other value for {field!r}: extend the test")


def _changes_export(
    field: models.Field, rows: models.QuerySet, assessment: Assessment, before: dict
) -> bool:
    """Whether some accepted change of ``field`` on some row changes the exported document
    (``before``)."""
    if rows.model is Assessment:  # exported from the instance: change it in memory only,
        for value in _other_values(field, assessment, assessment):  # free of the
            changed = Assessment.objects.get(pk=assessment.pk)  # database's rules
            setattr(changed, field.attname, value)
            if export_assessment(changed) != before:
                return True
        return False
    tried = False
    for row in rows:
        for value in _other_values(field, row, assessment):
            try:
                with transaction.atomic():
                    type(row)._default_manager.filter(pk=row.pk).update(**{field.attname: value})
                    tried = True
                    after = export_assessment(Assessment.objects.get(pk=assessment.pk))
                    transaction.set_rollback(True)
            except IntegrityError:
                continue  # a rule of the database refused this value: try another
            if after != before:
                return True
    assert tried, f"{field!r}: the database refused every other value; extend the test"
    return False


def test_every_model_field_is_exported_or_excluded_with_a_reason():
    assessment = builders.rich_assessment()
    before = export_assessment(assessment)
    missing = []
    for model in apps.get_app_config("assessments").get_models():
        excluded = EXCLUDED.get(model.__name__, {})
        if excluded == ALL:
            continue
        assert isinstance(excluded, dict)
        rows = _rows(model, assessment)
        assert rows.exists(), f"the rich assessment has no {model.__name__}: extend it"
        for field in model._meta.concrete_fields:
            if field.name in TRACKED | PARENT or field.name in excluded:
                continue
            if not _changes_export(field, rows, assessment, before):
                missing.append(f"{model.__name__}.{field.name}")
    assert missing == [], f"not exported and not excluded: {missing}"


def test_the_exclusions_name_real_fields():
    """A renamed or removed field must leave the list too."""
    for name, excluded in EXCLUDED.items():
        model = apps.get_model("assessments", name)
        if excluded != ALL:
            assert isinstance(excluded, dict)
            fields = {field.name for field in model._meta.concrete_fields}
            assert set(excluded) <= fields, name
