"""The one place that decides who may see or change an assessment.

Every view that reads an assessment goes through ``get_assessment``:

* anonymous users are sent to the login page (by ``login_required`` on the view);
* an assessment of an organisation the user is not a member of does not exist for them
  (404, so its existence is not revealed);
* a member whose role is below the required one gets 403;
* asking for a role that may change the assessment (editor and up) while the lifecycle
  (``states.is_editable``) does not allow editing gets 403, except for views that take
  lifecycle transitions themselves (``allow_locked=True``).

Short names (slugs) are unique per organisation, and links are ``/a/<slug>/``. For a member
of several organisations one slug may therefore name more than one assessment they can
see; then the organisation they work in now (``organisation_id``, chosen in the header and
kept in the session) decides, and otherwise the organisation whose name comes first, the
same fallback as the dashboard's. The dashboard lists the current organisation's
assessments only, so its links always lead to the assessment listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, When
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.domain import editing, states, versions
from assessments.domain.constants import Role
from assessments.domain.models import (
    Assessment,
    ConsultationAttachment,
    Membership,
    Organisation,
    Version,
)


@dataclass(frozen=True)
class Access:
    """An assessment together with the user's role in its organisation."""

    assessment: Assessment
    role: Role

    @property
    def can_edit(self) -> bool:
        return self.role.includes(Role.EDITOR) and states.is_editable(self.assessment)

    @property
    def can_review(self) -> bool:
        return self.role.includes(Role.REVIEWER)

    @property
    def is_owner(self) -> bool:
        return self.role.includes(Role.OWNER)

    @property
    def sees_consent_forms(self) -> bool:
        """Consent forms attached to a consultation of children hold personal data: only
        members whose role may edit see and download them (also once it is settled)."""
        return self.role.includes(Role.EDITOR)

    def may_download(self, attachment: ConsultationAttachment) -> bool:
        """Whether this member may see and download an attachment of a consultation."""
        return self.sees_consent_forms or not attachment.is_consent


def role_refusal() -> str:
    """Why a member below the role a page needs is refused (the 403 page shows it)."""
    return _("Your role does not allow this. Ask an owner of the organisation if you need this.")


def locked_refusal(assessment: Assessment, role: Role) -> str:
    """Why an editing page of an assessment that is not a draft is refused: an owner of a
    final or published one is pointed to what they can still do (its appendix)."""
    message = editing.refusal(assessment)
    if role.includes(Role.OWNER) and states.can_add_to_appendix(assessment):
        message += " " + _(
            "An owner can still add the service's response and the reply in the appendix; "
            "they are recorded as a new version."
        )
    return message


def role_in(user, organisation_id: int) -> Role | None:
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user=user, organisation_id=organisation_id)
        .values_list("role", flat=True)
        .first()
    )
    return Role(membership) if membership else None


def get_assessment(
    user,
    slug: str,
    required: Role = Role.VIEWER,
    *,
    allow_locked: bool = False,
    organisation_id: int | None = None,
    organisation_slug: str | None = None,
) -> Access:
    """Load the assessment ``slug`` for ``user`` with at least ``required`` role; when the
    user's organisations have several, the one of ``organisation_id`` (see above). With
    ``organisation_slug`` (the API's links name the organisation) only that organisation's."""
    if not user.is_authenticated:
        raise Http404("No such assessment.")
    rows = Assessment.objects.for_member(user).select_related("organisation").filter(slug=slug)
    if organisation_slug is not None:
        rows = rows.filter(organisation__slug=organisation_slug)
    row = (
        rows.annotate(member_role=F("organisation__memberships__role"))
        .order_by(
            Case(When(organisation_id=organisation_id, then=0), default=1),
            "organisation__name",
            "organisation_id",
        )
        .first()
    )
    if row is None:
        raise Http404("No such assessment.")
    role = Role(row.member_role)
    if not role.includes(required):
        raise PermissionDenied(role_refusal())
    if required.includes(Role.EDITOR) and not states.is_editable(row) and not allow_locked:
        raise PermissionDenied(locked_refusal(row, role))
    return Access(row, role)


def get_organisation(user, slug: str, required: Role = Role.VIEWER) -> tuple[Organisation, Role]:
    """The organisation ``slug`` with the user's role in it: 404 for non-members (its
    existence is not revealed), 403 below ``required``."""
    organisation = Organisation.objects.filter(slug=slug).first()
    role = role_in(user, organisation.pk) if organisation else None
    if organisation is None or role is None:
        raise Http404("No such organisation.")
    if not role.includes(required):
        raise PermissionDenied(role_refusal())
    return organisation, role


@dataclass(frozen=True)
class Readable:
    """An assessment someone may read, named by organisation and slug: ``role`` is the
    reader's role when they are a member, None when they read it because it is published
    (then only its published version)."""

    assessment: Assessment
    role: Role | None

    @property
    def is_member(self) -> bool:
        return self.role is not None


def get_readable(user, organisation: str, slug: str) -> Readable:
    """Load ``organisation``/``slug`` for reading: a member reads any of the organisation's
    assessments, anyone (also anonymous) a published one. 404 for anything else, so an
    outsider cannot tell an unpublished assessment from one that does not exist."""
    row = (
        Assessment.objects.select_related("organisation")
        .filter(organisation__slug=organisation, slug=slug)
        .first()
    )
    if row is None:
        raise Http404("No such assessment.")
    role = role_in(user, row.organisation_id)
    if role is None and row.status not in states.PUBLIC:
        raise Http404("No such assessment.")
    return Readable(row, role)


def get_published(organisation: str, slug: str) -> tuple[Assessment, Version]:
    """The published assessment ``slug`` of ``organisation`` (slugs are unique per
    organisation) and the version it stands for; 404 for anything else."""
    assessment = (
        states.published(Assessment.objects.all())
        .select_related("organisation")
        .filter(organisation__slug=organisation, slug=slug)
    ).first()
    version = versions.published_version(assessment) if assessment else None
    if assessment is None or version is None:
        raise Http404("Nothing published under this name.")
    return assessment, version
