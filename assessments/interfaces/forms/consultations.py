"""The children's own voice: a consultation of children, its findings, and on the
assessment the reason none was held and the summary for children (issue 20).

The API sends the questions, the checklist and the library items as JSON; the page sends
the questions as lines ("Question? [2.1, 3.2]"), the library items as URNs separated by
spaces and the checklist as one choice and note per requirement. Both go through the same
fields, so both say the same when something is wrong."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from assessments.domain import consultation_files
from assessments.domain.models import (
    Assessment,
    Consultation,
    ConsultationFinding,
    Contribution,
    Goal,
    LibraryItem,
    Measure,
    Risk,
)
from assessments.domain.models.assessment import CHILD_SUMMARY_MAX_CHARS
from assessments.domain.models.consultations import REQUIREMENTS, AttachmentKind
from assessments.interfaces.forms.base import DATE, VersionedForm

NO_PERSONAL_DATA = _(
    "Do not record children's names, contact details or anything else that identifies a "
    "child; describe how consent was obtained. A signed consent form belongs only among the "
    "consultation's attachments, as a consent form (kept as proof, never published)."
)
MARKDOWN_NOTE = _(
    "The fields of several lines use Markdown: **bold**, *italic*, lists with “- ”, links as "
    "[text](https://…); cite a source with [^key]. The one-line fields (the name, facilitated "
    "by, age bands, form of the feedback), the questions asked and the notes on the "
    "requirements are printed exactly as typed."
)
_INFORMS = re.compile(r"\s*\[([^\]]*)\]\s*$")


class QuestionLinesField(forms.JSONField):
    """The questions asked, one a line, each ending in the numbers of the instrument's
    questions it informs in square brackets: ``Wat vind je van de feed? [3.2, 3.4]``."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.lstrip().startswith("["):
            questions = []
            for line in value.splitlines():
                if not line.strip():
                    continue
                found = _INFORMS.search(line)
                informs = []
                if found:
                    informs = [n.strip() for n in re.split(r"[,;\s]+", found[1]) if n.strip()]
                    line = line[: found.start()]
                questions.append({"text": line.strip(), "informs": informs})
            return questions
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(q, dict) for q in value):
            return "\n".join(
                q.get("text", "") + (f" [{', '.join(q['informs'])}]" if q.get("informs") else "")
                for q in value
            )
        return super().prepare_value(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(data) != initial


class UrnListField(forms.JSONField):
    """Library items by URN, separated by spaces, commas or lines (or a JSON list)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.lstrip().startswith("["):
            return [urn for urn in re.split(r"[,;\s]+", value) if urn]
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return " ".join(str(urn) for urn in value)
        return super().prepare_value(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(data) != initial


class ConsultationForm(VersionedForm):
    """A consultation as the API writes it (the checklist as JSON)."""

    questions = QuestionLinesField(
        label=_("Questions asked"),
        required=False,
        help_text=_(
            "One question a line, printed as typed; end it with the numbers of the KIA "
            "questions it informs in square brackets, e.g. “What do you like about the feed? "
            "[2.8, 3.2]”."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Consultation
        fields = [
            "title",
            "held_from",
            "held_until",
            "method",
            "method_note",
            "facilitator",
            "facilitator_expertise",
            "children_count",
            "age_bands",
            "recruitment",
            "groups",
            "vulnerable_groups",
            "uses_service",
            "assent",
            "parental_consent",
            "withdrawal",
            "no_consent_reason",
            "safeguarding",
            "data_handling",
            "questions",
            "feedback_on",
            "feedback_form",
            "feedback",
            "requirements",
            "limitations",
        ]
        widgets = {
            "held_from": DATE,
            "held_until": DATE,
            "feedback_on": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "method_note",
                    "facilitator_expertise",
                    "recruitment",
                    "groups",
                    "vulnerable_groups",
                    "assent",
                    "parental_consent",
                    "withdrawal",
                    "no_consent_reason",
                    "safeguarding",
                    "data_handling",
                    "feedback",
                    "limitations",
                )
            },
        }
        help_texts = {
            "age_bands": _("For example “8-11, 12-14, 15-17”."),
            "groups": NO_PERSONAL_DATA,
            "no_consent_reason": _(
                "Only when no assent or consent was asked (for example an anonymous survey "
                "of published material): say why."
            ),
            "data_handling": _("How the answers were anonymised and how long they are kept."),
        }

    def clean_questions(self) -> list[Any]:
        return self.cleaned_data.get("questions") or []

    def clean_requirements(self) -> dict[str, Any]:
        return self.cleaned_data.get("requirements") or {}


class ConsultationPageForm(ConsultationForm):
    """The page's form: the checklist as a choice and a note per requirement."""

    MET = (("", _("(not said)")), ("yes", _("met")), ("no", _("not met")))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirements"].widget = forms.HiddenInput()
        self.fields["requirements"].required = False
        given = self.instance.requirements or {}
        self.requirement_rows = []
        for key, label in REQUIREMENTS:
            entry = given.get(key, {})
            met, note = f"met_{key}", f"note_{key}"
            self.fields[met] = forms.ChoiceField(
                label=capfirst(label), choices=self.MET, required=False,
                initial={True: "yes", False: "no"}.get(entry.get("met"), ""),
                help_text=_(
                    "The nine basic requirements for the participation of children of the UN "
                    "Committee on the Rights of the Child (General Comment No. 12, 2009, para. "
                    "134): was each one met, and how?"
                ) if key == REQUIREMENTS[0][0] else "",
            )  # fmt: skip
            self.fields[note] = forms.CharField(
                label=_("Note on “%(requirement)s”") % {"requirement": label},
                required=False, initial=entry.get("note", ""), max_length=2000,
            )  # fmt: skip
            self.requirement_rows.append((self[met], self[note]))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        checklist = {}
        for key, _label in REQUIREMENTS:
            met = {"yes": True, "no": False}.get(data.get(f"met_{key}") or "")
            note = (data.get(f"note_{key}") or "").strip()
            if met is not None or note:
                checklist[key] = {"met": met, "note": note}
        data["requirements"] = checklist
        self.instance.requirements = checklist
        return data


class ConsultationFindingForm(VersionedForm):
    library_items = UrnListField(
        label=_("Children's rights (library items)"),
        required=False,
        help_text=_("URNs of items of the library, e.g. urn:kia:ivrk:art-12, separated by spaces."),
    )

    class Meta:
        model = ConsultationFinding
        fields = [
            "text",
            "contribution",
            "goal",
            "risk",
            "measure",
            "library_items",
            "weight",
            "change",
            "evidence",
            "follow_up",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "weight": forms.Textarea(attrs={"rows": 2}),
            "change": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "text": _(
                "In your own words; quote children only without anything that identifies them."
            ),
            "evidence": _(
                "Illustrative: it shows what some children think. Evidential: it was gathered "
                "so that it can carry a conclusion."
            ),
        }

    def __init__(self, *args: Any, assessment: Assessment | None = None, **kwargs: Any):
        super().__init__(*args, assessment=assessment, **kwargs)
        a = self.assessment
        self.fields["contribution"].queryset = Contribution.objects.filter(assessment=a)  # type: ignore[attr-defined]
        self.fields["goal"].queryset = Goal.objects.filter(assessment=a)  # type: ignore[attr-defined]
        self.fields["risk"].queryset = Risk.objects.filter(assessment=a)  # type: ignore[attr-defined]
        self.fields["measure"].queryset = Measure.objects.filter(risk__assessment=a)  # type: ignore[attr-defined]

    def clean_library_items(self) -> list[str]:
        urns = self.cleaned_data.get("library_items") or []
        if not isinstance(urns, list) or not all(isinstance(u, str) for u in urns):
            raise forms.ValidationError(_("Library items are a list of URNs (urn:kia:…)."))
        known = set(LibraryItem.objects.filter(urn__in=urns).values_list("urn", flat=True))
        unknown = [urn for urn in urns if urn not in known]
        if unknown:
            raise forms.ValidationError(
                _("The library has no item %(urns)s."), params={"urns": ", ".join(unknown)}
            )
        return list(dict.fromkeys(urns))


class ChildVoiceForm(VersionedForm):
    """On the assessment: why no children were consulted, and the summary for children."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's counter shows the summary's own limit (two pages), not the general one.
        self.fields["child_summary"].widget.attrs["maxlength"] = str(CHILD_SUMMARY_MAX_CHARS)

    class Meta:
        model = Assessment
        fields = ["no_consultation_reason", "child_summary"]
        widgets = {
            "no_consultation_reason": forms.Textarea(attrs={"rows": 3}),
            "child_summary": forms.Textarea(attrs={"rows": 14}),
        }


class ConsultationAttachmentForm(forms.Form):
    """A file of a consultation: its kind and the file, checked by its content
    (``consultation_files.check``) before anything is stored."""

    kind = forms.ChoiceField(
        label=_("Kind of attachment"),
        choices=AttachmentKind.choices,
        initial=AttachmentKind.MATERIAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Material: the questionnaire, the presentation shown. Feedback: the letter or "
            "summary given back to the children. A consent form is kept as proof only: it is "
            "never in the report, the public page or the JSON export, and only members who "
            "may edit can open it."
        ),
    )
    file = forms.FileField(
        label=_("File (PDF, PNG or JPEG)"),
        help_text=_(
            "At most 10 MB. No documents with children's names or contact details, except "
            "consent forms; a PDF with a password cannot be read. Location and camera data "
            "are removed from images."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": consultation_files.ACCEPT}),
    )

    def clean_file(self) -> consultation_files.CheckedFile:
        return consultation_files.check(self.cleaned_data["file"])
