"""The lifecycle of an assessment, in one place.

States: draft → in review → final → published. Each ``Transition`` says from which states it
starts, where it leads, the least role that may take it, whether it needs a reason, whether
the page must ask for confirmation, and whether it records a version. ``perform`` checks all
of that and the guards (submitting names reviewers; finalising needs a complete assessment
and a ticked attestation) inside one transaction with the assessment's row locked, so a
refused transition writes nothing.

Review rounds go with the transitions: submitting opens a round for the chosen reviewers on
the version it records; requesting changes and finalising close it; finalising records the
sign-off (``SignOff``) on the version it records (``domain.review`` keeps the rounds).

A settled assessment's appendix stays open to its owners: ``add_to_appendix`` writes the
service's response, or the reply to it, and records a new version in the same state (a
published assessment stays public throughout; its earlier versions stay readable), and
the service's contact is told by e-mail (``replies.tell_of_appendix``).

The states themselves, their groups and the initial state are ``domain.states``. When a
transition settles an assessment (finalise, publish), ``version_settled`` tells whoever
listens once the transaction has committed; the report makes that version's PDF (connected
in ``kia.apps``), so the lifecycle never imports the outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assessments.domain import completeness, editing, replies, review, states, versions
from assessments.domain.constants import Role, RoundOutcome, VersionReason
from assessments.domain.models import Assessment, Membership, ServiceResponse, SignOff, Version
from assessments.domain.states import PUBLIC, SETTLED, Status
from assessments.domain.workspace import Workspace

# Sent after the commit of a transition that recorded a settled version (``version=``).
version_settled = Signal()


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[Status]
    target: Status
    role: Role
    label: Promise
    done: Promise  # the message after it succeeded
    needs_reason: bool = False
    confirm: Promise | None = None  # the question the page asks first, if any
    records: VersionReason | None = None  # a version is recorded on the way


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            Role.EDITOR,
            _("Submit for review"),
            _("Submitted for review. Editing is paused until an owner decides."),
            confirm=_(
                "Submit this assessment for review? Choose who reviews it; they are told. "
                "Editing is paused until an owner finalises it or requests changes."
            ),
            records=VersionReason.SUBMITTED,
        ),
        Transition(
            "request_changes",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            Role.OWNER,
            _("Request changes"),
            _("The assessment is a draft again; the team can make the changes."),
            needs_reason=True,
        ),
        Transition(
            "finalise",
            frozenset({Status.DRAFT, Status.IN_REVIEW}),
            Status.FINAL,
            Role.OWNER,
            _("Mark as final"),
            _("The assessment is final and recorded as a version. Editing is locked."),
            confirm=_(
                "Mark this assessment as final? Editing is locked until an owner reopens it."
            ),
            records=VersionReason.FINALISED,
        ),
        Transition(
            "reopen",
            frozenset({Status.FINAL}),
            Status.DRAFT,
            Role.OWNER,
            _("Reopen as draft"),
            _("The assessment is a draft again and can be edited."),
            needs_reason=True,
            confirm=_("Reopen this final assessment as a draft?"),
        ),
        Transition(
            "publish",
            frozenset({Status.FINAL}),
            Status.PUBLISHED,
            Role.OWNER,
            _("Publish"),
            _("The assessment is published and listed on the public page."),
            confirm=_("Publish this assessment? Anyone can then read it and download its PDF."),
            records=VersionReason.PUBLISHED,
        ),
        Transition(
            "unpublish",
            frozenset({Status.PUBLISHED}),
            Status.FINAL,
            Role.OWNER,
            _("Unpublish"),
            _("The assessment is no longer public."),
            confirm=_("Take this assessment off the public page?"),
        ),
    )
}


class TransitionRefused(Exception):
    """A transition that may not happen now; ``message`` says why. Nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def available(assessment: Assessment, role: Role | None) -> list[Transition]:
    """The transitions this role may take from the assessment's current state."""
    if role is None:
        return []
    return [
        t
        for t in TRANSITIONS.values()
        if assessment.status in t.sources and Role(role).includes(t.role)
    ]


REVIEWER_ROLES = frozenset({Role.REVIEWER, Role.EDITOR, Role.OWNER})


def check_reviewers(assessment: Assessment, reviewers: Sequence[Any], submitter: Any) -> None:
    """Submitting names at least one reviewer: members of the assessment's organisation with
    the role reviewer or higher, not the one who submits."""
    if not reviewers:
        raise TransitionRefused(str(_("Choose at least one reviewer.")))
    ids = {user.pk for user in reviewers}
    if submitter is not None and submitter.pk in ids:
        raise TransitionRefused(str(_("You cannot review what you submit yourself.")))
    allowed = Membership.objects.filter(
        organisation_id=assessment.organisation_id, user_id__in=ids, role__in=REVIEWER_ROLES
    ).count()
    if allowed != len(ids):
        raise TransitionRefused(
            str(
                _("Reviewers must be members of the organisation with the role reviewer or higher.")
            )
        )


def perform(
    assessment: Assessment,
    name: str,
    *,
    actor: editing.Actor,
    role: Role,
    reason: str = "",
    reviewers: Sequence[Any] = (),
    attested: bool = False,
) -> Transition:
    """Take transition ``name``; raises ``TransitionRefused`` (and writes nothing) if it may
    not happen. ``assessment`` is refreshed afterwards.

    ``reviewers`` (users) are whom a submission asks for a review; ``attested`` says the
    owner ticked the organisation's attestation when finalising."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused(str(_("Unknown action.")))
    if not Role(role).includes(transition.role):
        raise TransitionRefused(
            str(_("Only an owner can do this."))
            if transition.role == Role.OWNER
            else str(_("Your role does not allow this."))
        )
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise TransitionRefused(str(_("Give a reason; it is kept in the history.")))
    if transition.name == "submit":
        check_reviewers(assessment, reviewers, actor.account)
    if transition.name == "finalise" and not attested:
        raise TransitionRefused(str(_("Tick the attestation to sign off.")))
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status not in transition.sources:
            raise TransitionRefused(
                str(_("The assessment is %(status)s now; nothing was changed."))
                % {"status": locked.get_status_display()}
            )
        if transition.target == Status.FINAL and transition.name == "finalise":
            check = completeness.check(Workspace(locked))
            if not check.can_finalise:
                count = len(check.gaps)
                raise TransitionRefused(
                    ngettext(
                        "Not final yet: %(count)d gap remains (see the list).",
                        "Not final yet: %(count)d gaps remain (see the list).",
                        count,
                    )
                    % {"count": count}
                )
        now = timezone.now()
        values: dict[str, object] = {"status": transition.target}
        if transition.target == Status.DRAFT:
            values.update(finalised_at=None, published_at=None)
        elif transition.target == Status.FINAL:
            values.update(finalised_at=locked.finalised_at or now, published_at=None)
        elif transition.target == Status.PUBLISHED:
            values.update(published_at=now)
        editing.transition(locked, values, actor=actor, reason=reason, name=transition.name)
        version = None
        if transition.target == Status.PUBLISHED:
            _supersede(locked, actor=actor)
        if transition.records is not None:
            version = versions.record(locked, actor=actor, reason=transition.records)
            if transition.target in SETTLED:
                # The PDF of a settled version is made (and kept) once the transition is
                # committed; a version under review is rendered when someone asks for it.
                settled = version
                transaction.on_commit(lambda: version_settled.send(sender=Version, version=settled))
        if transition.name == "submit" and version is not None:
            review.start_round(
                locked, submitter=actor.account, reviewers=reviewers, version=version
            )
        elif transition.name == "request_changes":
            review.close_round(
                locked,
                outcome=RoundOutcome.CHANGES_REQUESTED,
                actor=actor.account,
                reason=reason,
            )
        elif transition.name == "finalise" and version is not None:
            review.close_round(locked, outcome=RoundOutcome.FINALISED, actor=actor.account)
            SignOff.objects.create(
                assessment=locked,
                version=version,
                user=actor.account,
                user_name=actor.name or str(_("the system")),
                role=Role(role),
                attestation=locked.organisation.attestation_text(),
            )
    assessment.refresh_from_db()
    return transition


def add_to_appendix(
    assessment: Assessment,
    response: ServiceResponse,
    *,
    actor: editing.Actor,
    role: Role,
    expected: int | None,
    link_for: Callable[[Version], str] | None = None,
) -> Version | None:
    """Add a response of the service (a new row) or the reply to one (an existing row) to
    the appendix of a final or published assessment, without reopening or unpublishing it.

    The row is written through the write path under the assessment's lock, then the
    assessment is recorded as its next version (reason "appendix added", in the state it
    is in), whose PDF is made once committed (``version_settled``); the earlier versions
    stay as they were. A response already in a version keeps its text: only its reply can
    change. The service's contact of the response is e-mailed, with ``link_for(version)``
    when the version is public. Only owners; raises ``EditRefused`` (nothing written) or
    ``EditConflict``. Returns the new version, or None when nothing changed."""
    if not Role(role).includes(Role.OWNER):
        raise editing.EditRefused(
            str(_("Only an owner can add to the appendix of a final or published assessment."))
        )
    editing.one_line_end(response)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not states.can_add_to_appendix(locked) or response.assessment_id != locked.pk:
            raise editing.EditRefused(editing.refusal(locked))
        if response.pk is not None:
            stored = ServiceResponse.objects.filter(pk=response.pk).first()
            if stored is None:
                raise editing.EditConflict(None)
            if any(
                getattr(stored, name) != getattr(response, name)
                for name in ServiceResponse.SERVICE_FIELDS
            ):
                raise editing.EditRefused(
                    str(
                        _(
                            "A response in a recorded version stays as it was; only its reply "
                            "can be added or changed."
                        )
                    )
                )
        batch = editing.Batch(actor, locked, guarded=False)
        batch.save(response, expected=expected)
        if not batch.changes:
            return None
        batch.finish()
        version = versions.record(locked, actor=actor, reason=VersionReason.APPENDIX)
        transaction.on_commit(lambda: version_settled.send(sender=Version, version=version))
        link = link_for(version) if link_for is not None and states.is_public(locked) else ""
        replies.tell_of_appendix(version, [response], link=link)
    assessment.refresh_from_db()
    return version


def _supersede(successor: Assessment, *, actor: editing.Actor) -> None:
    """A published re-assessment replaces its predecessor on the public page: the
    predecessor, if still published, is unpublished (back to final), recorded in its
    history with the successor named as the reason. Runs inside ``perform``'s transaction."""
    if successor.predecessor_id is None:
        return
    previous = (
        Assessment.objects.select_for_update()
        .filter(pk=successor.predecessor_id, status__in=PUBLIC)
        .first()
    )
    if previous is None:
        return
    reason = str(_("Replaced by the published re-assessment “%(title)s”.")) % {
        "title": successor.title
    }
    editing.transition(
        previous,
        {"status": TRANSITIONS["unpublish"].target, "published_at": None},
        actor=actor,
        reason=reason,
        name="unpublish",
    )
