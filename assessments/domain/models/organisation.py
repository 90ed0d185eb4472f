import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import Role

# What an owner declares when signing off a final assessment, unless the organisation wrote
# its own text (``Organisation.attestation``). Dutch in the Dutch interface.
DEFAULT_ATTESTATION = _(
    "I declare that this Children's Rights Impact Assessment was carried out with care and "
    "describes the service correctly and completely to the best of our knowledge, and that "
    "the measures recorded in it will be carried out and followed up. On behalf of the "
    "organisation I answer for this version."
)


class Organisation(models.Model):
    """A team or institution that owns assessments: a service's team, or researchers."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )
    attestation = models.TextField(
        _("attestation for sign-off"),
        blank=True,
        help_text=_("What an owner declares when finalising. Empty: the standard text."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def attestation_text(self) -> str:
        """The attestation an owner ticks when finalising, in the current language when it
        is the standard text."""
        return self.attestation.strip() or str(DEFAULT_ATTESTATION)


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    # Granted by the person's groups at the identity provider (single sign-on): refreshed
    # at each of their log-ins, removed when no group gives it any more.
    granted_by_groups = models.BooleanField(_("granted by a group"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                name="membership_once_per_organisation",
                violation_error_message=_("This user is already a member of the organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) @ {self.organisation}"

    def has_role(self, required: Role) -> bool:
        return Role(self.role).includes(required)


def _new_token() -> str:
    """A fresh secret for an invitation link."""
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An invitation by e-mail to join an organisation in a role; valid for two weeks."""

    VALID_FOR = timedelta(days=14)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EDITOR)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and timezone.now() < self.created_at + self.VALID_FOR

    def is_for(self, email: str) -> bool:
        """Whether ``email`` is the invited address (letter case and spaces aside)."""
        return bool(email) and email.strip().casefold() == self.email.strip().casefold()

    @property
    def email_hint(self) -> str:
        """The invited address shown partly, e.g. "j…@e….org", for someone else's eyes."""
        local, _at, domain = self.email.partition("@")
        name, dot, tld = domain.rpartition(".")
        return f"{local[:1]}…@{(name or tld)[:1]}…{dot}{tld if name else ''}"
