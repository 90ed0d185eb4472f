"""Single sign-on (OpenID Connect): who a provider's subject is here, which of an
organisation's groups give which role, and the organisation's audit trail of log-ins,
links and role changes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import Role


class OidcIdentity(models.Model):
    """A provider's subject (``iss`` + ``sub``), linked to one account here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last log-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer} → {self.user}"


class GroupRole(models.Model):
    """An owner's rule: members of the provider's group ``group`` get ``role`` here."""

    organisation = models.ForeignKey(
        "Organisation", on_delete=models.CASCADE, related_name="group_roles"
    )
    group = models.CharField(_("group"), max_length=200)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["group"]
        verbose_name = _("group role")
        verbose_name_plural = _("group roles")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "group"],
                name="group_role_once_per_organisation",
                violation_error_message=_("This group already has a role here."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="group_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.role} @ {self.organisation_id}"


class AuditAction(models.TextChoices):
    SSO_LOGIN = "sso_login", _("logged in with single sign-on")
    SSO_LINK = "sso_link", _("single sign-on linked to an existing account")
    SSO_ACCOUNT = "sso_account", _("account made at first single sign-on")
    ROLE_GRANTED = "role_granted", _("role granted by a group")
    ROLE_CHANGED = "role_changed", _("role changed by a group")
    ROLE_REMOVED = "role_removed", _("role removed: no longer in a group")
    MAPPING_ADDED = "mapping_added", _("group mapped to a role")
    MAPPING_REMOVED = "mapping_removed", _("group mapping removed")


class AuditEntry(models.Model):
    """One line of an organisation's audit trail (none: the account has no organisation)."""

    organisation = models.ForeignKey(
        "Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="audit"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.detail}"
