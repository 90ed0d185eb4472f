"""Who signs in with the organisation's identity provider (OpenID Connect), and what roles
their groups give them.

The protocol (discovery, state, nonce, PKCE, the ID token's checks) lives in the web
interface (``interfaces/web/oidc.py``); it hands this module the claims it verified.

- An account is found by the provider's subject (``OidcIdentity``). A first log-in links to
  an existing account only when the provider says the e-mail address is verified and one
  account has it; otherwise a new account is made, without the unverified address (so it
  can neither take over an account nor accept an invitation meant for that address).
- Roles come from groups: the deployment's ``OIDC_GROUP_ROLES`` and each organisation's own
  ``GroupRole`` rows. Memberships granted so are refreshed at every log-in: a group no
  longer given removes its role. Memberships an owner made by hand are left alone.
- Someone with no mapped group gets no membership (pending until an owner adds them).
- Every log-in, link and role change is written to the organisation's audit trail.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.domain.constants import Role
from assessments.domain.grouprules import GroupRule
from assessments.domain.models import (
    AuditAction,
    AuditEntry,
    GroupRole,
    Membership,
    OidcIdentity,
    Organisation,
)

log = logging.getLogger(__name__)


@dataclass
class Claims:
    """What the provider said about the person, after the ID token was verified."""

    issuer: str
    subject: str
    email: str = ""
    email_verified: bool = False
    name: str = ""
    preferred_username: str = ""
    groups: list[str] = field(default_factory=list)


def _audit(
    action: AuditAction,
    *,
    user,
    organisation: Organisation | None = None,
    detail: str = "",
    actor=None,
) -> None:
    AuditEntry.objects.create(
        organisation=organisation,
        user=user,
        actor=actor if actor is not None else user,
        action=action,
        detail=detail[:300],
    )


def _new_username(claims: Claims) -> str:
    """A free username from the provider's preferred name or the e-mail's local part."""
    User = get_user_model()
    wanted = claims.preferred_username or claims.email.partition("@")[0] or "sso"
    base = re.sub(r"[^\w.@+-]", "", wanted)[:120] or "sso"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _find_or_make_user(claims: Claims):
    """The account of this subject: known, linked by a verified address, or new."""
    User = get_user_model()
    identity = (
        OidcIdentity.objects.select_related("user")
        .filter(issuer=claims.issuer, subject=claims.subject)
        .first()
    )
    if identity is not None:
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
        return identity.user, None
    if claims.email and claims.email_verified:
        same = list(User.objects.filter(email__iexact=claims.email)[:2])
        if len(same) == 1:
            OidcIdentity.objects.create(
                user=same[0],
                issuer=claims.issuer,
                subject=claims.subject,
                last_login_at=timezone.now(),
            )
            return same[0], AuditAction.SSO_LINK
        if len(same) > 1:
            log.warning("sso: %d accounts have the verified address; a new one is made", 2)
    user = User(
        username=_new_username(claims),
        # Only a verified address is kept: an unverified one could accept an invitation
        # or receive a password reset meant for whoever owns that address.
        email=claims.email if claims.email_verified else "",
        first_name=claims.name[:150],
    )
    user.set_unusable_password()
    user.save()
    OidcIdentity.objects.create(
        user=user, issuer=claims.issuer, subject=claims.subject, last_login_at=timezone.now()
    )
    return user, AuditAction.SSO_ACCOUNT


def roles_from_groups(groups: Iterable[str], rules: Iterable[GroupRule]) -> dict[int, Role]:
    """The highest role each organisation gives these groups (deployment rules, then the
    organisations' own mappings)."""
    groups = {g for g in groups if g}
    wanted: dict[int, Role] = {}

    def give(organisation_id: int, role: Role) -> None:
        if organisation_id not in wanted or role.rank > wanted[organisation_id].rank:
            wanted[organisation_id] = role

    rules = [r for r in rules if r.group in groups]
    if rules:
        ids = dict(
            Organisation.objects.filter(slug__in={r.organisation for r in rules}).values_list(
                "slug", "pk"
            )
        )
        for rule in rules:
            if rule.organisation in ids:
                give(ids[rule.organisation], rule.role)
            else:
                log.warning("sso: OIDC_GROUP_ROLES names no organisation %r", rule.organisation)
    for organisation_id, role in GroupRole.objects.filter(group__in=groups).values_list(
        "organisation_id", "role"
    ):
        give(organisation_id, Role(role))
    return wanted


def refresh_roles(user, groups: Iterable[str], rules: Iterable[GroupRule]) -> None:
    """Make the memberships granted by groups what the groups give now."""
    wanted = roles_from_groups(groups, rules)
    current = {
        m.organisation_id: m
        for m in Membership.objects.select_related("organisation").filter(user=user)
    }
    for organisation_id, membership in current.items():
        if not membership.granted_by_groups:
            continue  # an owner's choice: not the provider's to change
        role = wanted.get(organisation_id)
        organisation = membership.organisation
        if role is None:
            Organisation.objects.select_for_update().get(pk=organisation_id)
            last_owner = (
                membership.role == Role.OWNER
                and not organisation.memberships.filter(role=Role.OWNER)
                .exclude(pk=membership.pk)
                .exists()
            )
            if last_owner:
                log.warning("sso: %s stays the last owner of %s", user, organisation.slug)
                continue
            membership.delete()
            _audit(
                AuditAction.ROLE_REMOVED,
                user=user,
                organisation=organisation,
                detail=f"{user.get_username()}: {membership.role}",
            )
        elif role != membership.role:
            old = membership.role
            membership.role = role
            membership.save(update_fields=["role"])
            _audit(
                AuditAction.ROLE_CHANGED,
                user=user,
                organisation=organisation,
                detail=f"{user.get_username()}: {old} → {role}",
            )
    for organisation_id, role in wanted.items():
        if organisation_id in current:
            continue
        membership = Membership.objects.create(
            user=user, organisation_id=organisation_id, role=role, granted_by_groups=True
        )
        _audit(
            AuditAction.ROLE_GRANTED,
            user=user,
            organisation=membership.organisation,
            detail=f"{user.get_username()}: {role}",
        )


def sign_in(claims: Claims, *, rules: Iterable[GroupRule] = ()):
    """The account for a verified log-in, its roles refreshed from its groups."""
    if not claims.issuer or not claims.subject:
        raise ValueError("A log-in needs the provider's issuer and subject.")
    with transaction.atomic():
        user, how = _find_or_make_user(claims)
        if not user.is_active:
            return user
        refresh_roles(user, claims.groups, list(rules))
        organisations = list(Organisation.objects.filter(memberships__user=user))
        for organisation in organisations:
            if how is not None:
                _audit(how, user=user, organisation=organisation, detail=user.get_username())
            _audit(
                AuditAction.SSO_LOGIN,
                user=user,
                organisation=organisation,
                detail=user.get_username(),
            )
        if not organisations:
            # Pending: kept, so the deployment's admin can see who waits.
            _audit(how or AuditAction.SSO_LOGIN, user=user, detail=user.get_username())
    return user


def is_pending(user) -> bool:
    """Signed in through the provider, and no organisation has taken them in yet."""
    return user.is_authenticated and not user.memberships.exists() and user.oidc_identities.exists()


def map_group(organisation: Organisation, group: str, role: Role, *, actor) -> GroupRole:
    """An owner maps one of the provider's groups to a role in their organisation."""
    mapping, _created = GroupRole.objects.update_or_create(
        organisation=organisation, group=group.strip(), defaults={"role": role}
    )
    _audit(
        AuditAction.MAPPING_ADDED,
        user=None,
        actor=actor,
        organisation=organisation,
        detail=f"{mapping.group} → {role}",
    )
    return mapping


def unmap_group(mapping: GroupRole, *, actor) -> None:
    mapping.delete()
    _audit(
        AuditAction.MAPPING_REMOVED,
        user=None,
        actor=actor,
        organisation=mapping.organisation,
        detail=mapping.group,
    )
