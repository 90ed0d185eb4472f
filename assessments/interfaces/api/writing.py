"""Row edits from JSON: validated by the row's web form(s), written by ``editing``.

A body names only the fields it changes (the others keep their stored value); the merged
values go through the same form as on the pages, so every rule (required fields, choices,
lengths, "cannot be assessed" needs a reason, 5.3 links within the assessment) gives the same
message, here as problem+json ``invalid-params``. Nothing is saved unless all is valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms as django_forms
from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from assessments.domain import editing
from assessments.domain.constants import Channel
from assessments.domain.models import Assessment
from assessments.interfaces.api.problems import Problem


def actor(user) -> editing.Actor:
    return editing.Actor(user, via=Channel.API)


def _form_name(model: type[models.Model], key: str) -> str:
    """``goal_id`` (the API's name of a link) -> ``goal`` (the form's)."""
    if key.endswith("_id"):
        try:
            field = model._meta.get_field(key.removesuffix("_id"))
        except Exception:
            return key
        if isinstance(field, models.ForeignKey):
            return field.name
    return key


def _api_name(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return field.attname if isinstance(field, models.ForeignKey) else name


def validated(
    obj: models.Model,
    changes: dict[str, Any],
    form_classes: Sequence[type[django_forms.ModelForm]],
    assessment: Assessment,
) -> models.Model:
    """``obj`` with ``changes`` applied, checked by ``form_classes``; 400 with every
    field's problem otherwise (``obj`` is then left as it was)."""
    model = type(obj)
    wanted = {_form_name(model, key): value for key, value in changes.items()}
    problems: list[dict[str, str]] = []
    cleaned: list[django_forms.ModelForm] = []
    for form_class in form_classes:
        names = list(form_class._meta.fields or [])
        data = model_to_dict(obj, fields=names)
        data.update({k: v for k, v in wanted.items() if k in names})
        data = {k: "" if v is None else v for k, v in data.items()}
        form = form_class(data, instance=obj, assessment=assessment)  # type: ignore[call-arg]
        if form.is_valid():
            cleaned.append(form)
            continue
        for name, errors in form.errors.as_data().items():
            for error in errors:
                for message in error.messages:
                    problems.append(
                        {
                            "name": _api_name(model, name) if name != "__all__" else "body",
                            "code": error.code or "invalid",
                            "reason": message,
                        }
                    )
    if problems:
        raise Problem(
            400, _("Some fields are not valid; see invalid-params."), invalid_params=problems
        )
    return obj  # the forms have set the cleaned values on it


def save(
    obj: models.Model,
    changes: dict[str, Any],
    form_classes: Sequence[type[django_forms.ModelForm]],
    *,
    user,
    assessment: Assessment,
    expected: int | None,
) -> models.Model:
    """Validate and write one row (create it when it has no id yet)."""
    validated(obj, changes, form_classes, assessment)
    return editing.save(obj, actor=actor(user), expected=expected, assessment=assessment)
