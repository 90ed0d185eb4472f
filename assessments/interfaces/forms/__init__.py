"""The forms of the ways in, one module per area. The web pages show them; the REST API
validates its JSON with the same forms, so both accept the same things and say the same
when they do not. Model rules (constraints, ``clean``) give the validation messages.

``ROW_FORMS`` names the forms that edit each kind of row (``domain.rowkinds``), by the
kind's key: the pages show one at a time, the API validates a row with all of its kind's
forms and takes its fields from them.
"""

from django.forms import ModelForm

from assessments.interfaces.forms.consultations import (
    ConsultationFindingForm,
    ConsultationForm,
)
from assessments.interfaces.forms.content import (
    AnswerForm,
    ContributionForm,
    GoalForm,
    ProportionalityItemForm,
)
from assessments.interfaces.forms.library import CoverageExclusionForm, LibraryLinkForm
from assessments.interfaces.forms.replies import ServiceResponseForm
from assessments.interfaces.forms.risks import MeasureForm, ResidualRiskForm, RiskForm
from assessments.interfaces.forms.sources import FigureForm, SourceForm

ROW_FORMS: dict[str, tuple[type[ModelForm], ...]] = {
    "answer": (AnswerForm,),
    "goal": (GoalForm,),
    "contribution": (ContributionForm,),
    "risk": (RiskForm, ResidualRiskForm),
    "measure": (MeasureForm,),
    "item": (ProportionalityItemForm,),
    "source": (SourceForm,),
    "figure": (FigureForm,),
    "response": (ServiceResponseForm,),
    "link": (LibraryLinkForm,),
    "exclusion": (CoverageExclusionForm,),
    "consultation": (ConsultationForm,),
    "finding": (ConsultationFindingForm,),
}


def editable_fields(kind_key: str) -> list[str]:
    """The fields the forms of a kind edit, in their order (also the API's writable ones)."""
    return [name for form in ROW_FORMS[kind_key] for name in (form._meta.fields or [])]
