"""The children's own voice: consultations with children and what they said (issue 20).

A ``Consultation`` records whom the team consulted, how, with what consent and care, the
questions asked (each linked to the questions of the instrument it informs), the feedback
given back to the children, the nine requirements of General Comment No. 12 (a checklist
with a note each) and its limitations. Each ``ConsultationFinding`` is what the children
said on one point, linked to a wellbeing value, goal, risk or measure (and optionally to
items of the children's rights library, by URN), with the weight the team gave it and what
changed because of it. Both are rows of the assessment (``rowkinds``): in the history and
the versions. No personal data of children belongs here: no names, no contact details.

A ``ConsultationAttachment`` is a file of a consultation (the questionnaire, the
presentation shown, the feedback letter to the children, a consent form kept as proof):
like the service's ``ResponseAttachment`` it is a file in this deployment's private
storage hanging off its row, not a row of its own, so it is in no version, no history and
no export (``assessments.domain.consultation_files``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.domain import instrument
from assessments.domain.models.answers import Contribution, Goal
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.base import Tracked
from assessments.domain.models.risks import Measure, Risk

# The nine basic requirements for the participation of children (UN Committee on the
# Rights of the Child, General Comment No. 12 (2009), para. 134), in its order.
REQUIREMENTS: tuple[tuple[str, Any], ...] = (
    ("transparent", _("transparent and informative")),
    ("voluntary", _("voluntary")),
    ("respectful", _("respectful")),
    ("relevant", _("relevant")),
    ("child_friendly", _("child-friendly")),
    ("inclusive", _("inclusive")),
    ("training", _("supported by training")),
    ("safe", _("safe and sensitive to risk")),
    ("accountable", _("accountable")),
)
REQUIREMENT_KEYS = tuple(key for key, _label in REQUIREMENTS)


class Method(models.TextChoices):
    PANEL = "panel", _("panel")
    FOCUS_GROUP = "focus_group", _("focus group")
    INTERVIEWS = "interviews", _("interviews")
    SURVEY = "survey", _("survey")
    CO_DESIGN = "co_design", _("co-design")
    OTHER = "other", _("other")


class UsesService(models.TextChoices):
    ALL = "all", _("all of them")
    SOME = "some", _("some of them")
    NONE = "none", _("none of them")
    UNKNOWN = "unknown", _("not known")


class Evidence(models.TextChoices):
    ILLUSTRATIVE = "illustrative", _("illustrative")
    EVIDENTIAL = "evidential", _("evidential")


def validate_questions(value: Any) -> None:
    """A list of {"text": …, "informs": [question numbers of the instrument]}."""
    if not isinstance(value, list):
        raise ValidationError(_("The questions are a list."), code="malformed")
    known = set(instrument.QUESTION_BY_NUMBER)
    for number, question in enumerate(value, start=1):
        if (
            not isinstance(question, dict)
            or set(question) - {"text", "informs"}
            or not isinstance(question.get("text"), str)
            or not question["text"].strip()
            or not isinstance(question.get("informs", []), list)
        ):
            raise ValidationError(
                _("Question %(number)d needs a text and a list of the questions it informs."),
                params={"number": number},
                code="malformed",
            )
        unknown = [q for q in question.get("informs", []) if q not in known]
        if unknown:
            raise ValidationError(
                _("Question %(number)d informs %(unknown)s, which the instrument does not have."),
                params={"number": number, "unknown": ", ".join(map(str, unknown))},
                code="unknown_question",
            )


def validate_requirements(value: Any) -> None:
    """{requirement: {"met": true/false/null, "note": "…"}} for the nine requirements."""
    if not isinstance(value, dict):
        raise ValidationError(_("The requirements are a mapping."), code="malformed")
    unknown = sorted(set(value) - set(REQUIREMENT_KEYS))
    if unknown:
        raise ValidationError(
            _("Unknown requirement: %(names)s."), params={"names": ", ".join(unknown)}
        )
    for key, entry in value.items():
        if (
            not isinstance(entry, dict)
            or set(entry) - {"met", "note"}
            or entry.get("met") not in (True, False, None)
            or not isinstance(entry.get("note", ""), str)
        ):
            raise ValidationError(
                _("The requirement '%(name)s' has a 'met' (yes, no or empty) and a note."),
                params={"name": key},
            )


def validate_urns(value: Any) -> None:
    if not isinstance(value, list) or not all(
        isinstance(urn, str) and urn.startswith("urn:kia:") for urn in value
    ):
        raise ValidationError(_("Library items are a list of URNs (urn:kia:…)."))


class Consultation(Tracked):
    """One consultation of children (a panel, a focus group, a survey …)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="consultations"
    )
    title = models.CharField(_("name of the consultation"), max_length=200)
    held_from = models.DateField(_("held on or from"), null=True, blank=True)
    held_until = models.DateField(_("held until"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    method_note = models.TextField(_("how it was done"), blank=True)
    facilitator = models.CharField(_("facilitated by"), max_length=300, blank=True)
    facilitator_expertise = models.TextField(_("expertise of the facilitators"), blank=True)
    children_count = models.PositiveIntegerField(_("number of children"), null=True, blank=True)
    age_bands = models.CharField(_("age bands"), max_length=200, blank=True)
    recruitment = models.TextField(_("how the children were recruited"), blank=True)
    groups = models.TextField(_("groups that took part"), blank=True)
    vulnerable_groups = models.TextField(_("vulnerable groups that took part"), blank=True)
    uses_service = models.CharField(
        _("do they use the service?"),
        max_length=8,
        choices=UsesService.choices,
        default=UsesService.UNKNOWN,
    )
    assent = models.TextField(_("how the children's assent was obtained"), blank=True)
    parental_consent = models.TextField(_("how parental consent was obtained"), blank=True)
    no_consent_reason = models.TextField(_("why no consent was asked"), blank=True)
    withdrawal = models.TextField(_("the right to withdraw, and how it was explained"), blank=True)
    safeguarding = models.TextField(_("safeguarding"), blank=True)
    data_handling = models.TextField(_("data handling (anonymisation, retention)"), blank=True)
    questions = models.JSONField(
        _("questions asked"), default=list, blank=True, validators=[validate_questions]
    )
    feedback_on = models.DateField(_("feedback given on"), null=True, blank=True)
    feedback_form = models.CharField(_("form of the feedback"), max_length=300, blank=True)
    feedback = models.TextField(_("what was told back to the children"), blank=True)
    requirements = models.JSONField(
        _("requirements of General Comment No. 12"),
        default=dict,
        blank=True,
        validators=[validate_requirements],
    )
    limitations = models.TextField(_("limitations"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["assessment", "order", "pk"]
        verbose_name = _("consultation of children")
        verbose_name_plural = _("consultations of children")
        constraints = [
            models.CheckConstraint(
                condition=Q(held_until__isnull=True)
                | Q(held_from__isnull=True)
                | Q(held_until__gte=models.F("held_from")),
                name="consultation_period_in_order",
                violation_error_message=_("The consultation cannot end before it began."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def consent_recorded(self) -> bool:
        """Consent is recorded in full (assent, parental consent and the right to
        withdraw), or the team says why none was asked."""
        if self.no_consent_reason.strip():
            return True
        return all(text.strip() for text in (self.assent, self.parental_consent, self.withdrawal))

    @property
    def checklist(self) -> list[dict[str, Any]]:
        """The nine requirements in their order, each with its label, met and note."""
        given = self.requirements or {}
        return [
            {
                "key": key,
                "label": label,
                "met": given.get(key, {}).get("met"),
                "note": given.get(key, {}).get("note", ""),
            }
            for key, label in REQUIREMENTS
        ]


class ConsultationFinding(Tracked):
    """What the children said on one point, and what the team did with it."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="findings"
    )
    text = models.TextField(_("what the children said"))
    contribution = models.ForeignKey(
        Contribution, verbose_name=_("wellbeing value"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="findings",
    )  # fmt: skip
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="findings",
    )  # fmt: skip
    risk = models.ForeignKey(
        Risk, verbose_name=_("risk"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="findings",
    )  # fmt: skip
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="findings",
    )  # fmt: skip
    library_items = models.JSONField(
        _("children's rights (library items)"),
        default=list,
        blank=True,
        validators=[validate_urns],
    )
    weight = models.TextField(_("weight given"), blank=True)
    change = models.TextField(_("what changed because of it"), blank=True)
    evidence = models.CharField(
        _("evidence status"),
        max_length=16,
        choices=Evidence.choices,
        default=Evidence.ILLUSTRATIVE,
    )
    follow_up = models.BooleanField(
        _("the children asked for this to be followed up"), default=False
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["consultation", "order", "pk"]
        verbose_name = _("finding of a consultation")
        verbose_name_plural = _("findings of consultations")

    def __str__(self) -> str:
        return self.text[:120]

    @property
    def linked_rows(self) -> list[Any]:
        return [
            row
            for row in (self.contribution, self.goal, self.risk, self.measure)
            if row is not None
        ]

    @property
    def linked_labels(self) -> list[str]:
        """The rows it informs, as people name them: "2.10 creativiteit", the goal's title,
        "R3 Pesten" (a risk numbered by the workspace), the measure's title."""
        labels = []
        if self.contribution is not None:
            labels.append(f"{self.contribution.question} {self.contribution.summary}".strip())
        if self.goal is not None:
            labels.append(self.goal.title)
        if self.risk is not None:
            labels.append(f"{getattr(self.risk, 'label', '')} {self.risk.topic}".strip())
        if self.measure is not None:
            labels.append(self.measure.title)
        return labels

    def clean(self) -> None:
        """A finding's rows belong to its consultation's assessment."""
        assessment_id = self.consultation.assessment_id if self.consultation_id else None
        for name in ("contribution", "goal", "risk"):
            row = getattr(self, name)
            if row is not None and assessment_id and row.assessment_id != assessment_id:
                raise ValidationError({name: _("This row belongs to another assessment.")})
        if (
            self.measure is not None
            and assessment_id
            and self.measure.risk.assessment_id != assessment_id
        ):
            raise ValidationError({"measure": _("This row belongs to another assessment.")})


class AttachmentKind(models.TextChoices):
    MATERIAL = "material", _("material of the consultation")
    FEEDBACK = "feedback", _("feedback to the children")
    CONSENT = "consent", _("consent form (proof)")


def _attachment_path(instance: ConsultationAttachment, filename: str) -> str:
    # A private prefix (MEDIA_ROOT is never served directly) and a random name: the
    # uploaded file's own name is kept in ``name`` only. ``filename`` is "file.<extension>"
    # as ``consultation_files`` gives it.
    extension = filename.rsplit(".", 1)[-1]
    return f"private/consultations/{instance.consultation.assessment_id}/{instance.key}.{extension}"


class ConsultationAttachment(models.Model):
    """A checked PDF or image of a consultation; served only to members as a download,
    a consent form only to those whose role may edit (``permissions.Access``)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attachments"
    )
    key = models.CharField(max_length=32, unique=True, editable=False)
    kind = models.CharField(
        _("kind of attachment"),
        max_length=16,
        choices=AttachmentKind.choices,
        default=AttachmentKind.MATERIAL,
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("attachment of a consultation")
        verbose_name_plural = _("attachments of consultations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_consent(self) -> bool:
        return self.kind == AttachmentKind.CONSENT

    @property
    def extension(self) -> str:
        return str(self.file.name).rsplit(".", 1)[-1]
