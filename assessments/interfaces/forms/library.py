"""Links of rows to the children's rights library, and items marked not relevant. The
item itself is picked from the library (``domain.library.catalogue.search``)."""

from __future__ import annotations

from django import forms

from assessments.domain.models import CoverageExclusion, LibraryLink
from assessments.interfaces.forms.base import VersionedForm


class LibraryLinkForm(VersionedForm):
    """What a team may say about a link: why the row concerns the item."""

    class Meta:
        model = LibraryLink
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class CoverageExclusionForm(VersionedForm):
    class Meta:
        model = CoverageExclusion
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
