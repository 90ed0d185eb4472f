"""Log-in (throttled), organisation members and invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.domain import notifications
from assessments.domain.constants import Role
from assessments.domain.models import Invitation, Membership, Organisation, OutgoingMail
from assessments.domain.permissions import role_in
from assessments.infra import mail, throttle
from assessments.infra.models import MailStatus
from assessments.interfaces.forms.accounts import (
    AccountForm,
    InvitationForm,
    OrganisationForm,
    RoleForm,
    ThrottledAuthenticationForm,
)


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_provider"] = settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else ""
        # Switched off, the password form is still there for superusers (?password=1).
        context["password_form"] = (
            settings.KIA_PASSWORD_LOGIN
            or not settings.OIDC_ENABLED
            or "password" in self.request.GET
            or self.request.method == "POST"
        )
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.remember_device(self.request, response, form.get_user().get_username())
        notifications.restore_language(self.request, response, form.get_user())
        return response


def _organisation_for(request: HttpRequest, slug: str, required: Role) -> tuple[Organisation, Role]:
    organisation = Organisation.objects.filter(slug=slug).first()
    role = role_in(request.user, organisation.pk) if organisation else None
    if organisation is None or role is None:
        raise Http404("No such organisation.")
    if not role.includes(required):
        raise PermissionDenied(_("Only an owner can do this."))
    return organisation, role


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = _organisation_for(request, slug, Role.VIEWER)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not role.includes(Role.OWNER):
            raise PermissionDenied(_("Only an owner can invite members."))
        if form.is_valid():
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
            _send_invitation(request, invitation)
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("assessments:members", slug=slug)
    return render(
        request,
        "assessments/members.html",
        {
            "organisation": organisation,
            "role": role,
            "is_owner": role.includes(Role.OWNER),
            "memberships": organisation.memberships.select_related("user").order_by(
                "user__username"
            ),
            "invitations": [i for i in organisation.invitations.all() if i.is_open],
            "form": form,
            "role_choices": Role.choices,
            # Single sign-on: the groups that give roles here, and the audit trail.
            "sso_enabled": settings.OIDC_ENABLED,
            "group_roles": organisation.group_roles.all(),
            "audit": (
                organisation.audit.select_related("user", "actor")[:50]
                if role.includes(Role.OWNER)
                else []
            ),
            # Owners see the e-mail that could not be sent (the outbox page lists it).
            "unsent_mail": (
                OutgoingMail.objects.filter(
                    organisation=organisation, status=MailStatus.FAILED
                ).count()
                if role.includes(Role.OWNER)
                else 0
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def change_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, _role = _organisation_for(request, slug, Role.OWNER)
    with transaction.atomic():
        # One change of this organisation's members at a time: two owners demoting or
        # removing each other at once must not leave it without an owner. After the lock,
        # read again whether the acting user is still an owner and who the owners are.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if role_in(request.user, organisation.pk) != Role.OWNER:
            raise PermissionDenied(_("Only an owner can do this."))
        membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
        owners = organisation.memberships.filter(role=Role.OWNER)
        is_last_owner = membership.role == Role.OWNER and owners.count() == 1
        if request.POST.get("action") == "remove":
            if is_last_owner:
                messages.error(request, _("An organisation needs at least one owner."))
            else:
                membership.delete()
                messages.success(request, _("Member removed."))
            return redirect("assessments:members", slug=slug)
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Unknown role."))
        elif is_last_owner and form.cleaned_data["role"] != Role.OWNER:
            messages.error(request, _("An organisation needs at least one owner."))
        else:
            membership.role = form.cleaned_data["role"]
            # An owner's choice: no longer the provider's groups' to refresh.
            membership.granted_by_groups = False
            membership.save(update_fields=["role", "granted_by_groups"])
            messages.success(request, _("Role changed."))
    return redirect("assessments:members", slug=slug)


@login_required
@require_POST
def change_invitation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An owner revokes a pending invitation, or sends it again with a new link (the old
    link stops working; the 14 days start again)."""
    organisation, _role = _organisation_for(request, slug, Role.OWNER)
    invitation = get_object_or_404(
        Invitation, pk=pk, organisation=organisation, accepted_at__isnull=True
    )
    action = request.POST.get("action")
    if action == "revoke":
        invitation.delete()
        messages.success(
            request, _("Invitation to %(email)s revoked.") % {"email": invitation.email}
        )
    elif action == "resend":
        invitation.token = Invitation._meta.get_field("token").get_default()
        invitation.created_at = timezone.now()
        invitation.save(update_fields=["token", "created_at"])
        _send_invitation(request, invitation)
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
        )
    else:
        messages.error(request, _("Unknown action."))
    return redirect("assessments:members", slug=slug)


def _send_invitation(request: HttpRequest, invitation: Invitation) -> None:
    organisation = invitation.organisation
    link = request.build_absolute_uri(reverse("assessments:invitation", args=[invitation.token]))
    # Through the outbox: a mail server that is down delays the invitation, never fails it.
    mail.queue(
        organisation=organisation,
        to=[invitation.email],
        subject=_("Invitation to %(organisation)s") % {"organisation": organisation.name},
        body=_(
            "%(user)s invites you to work on children's rights impact assessments of "
            "%(organisation)s as %(role)s. Accept within 14 days: %(link)s"
        )
        % {
            "user": request.user.get_username(),
            "organisation": organisation.name,
            "role": Role(invitation.role).label,
            "link": link,
        },
    )


@login_required
def new_organisation(request: HttpRequest) -> HttpResponse:
    """Anyone logged in can start an organisation; they become its owner."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organisation = form.save()
            Membership.objects.create(organisation=organisation, user=request.user, role=Role.OWNER)
        request.session["organisation_id"] = organisation.pk
        messages.success(request, _("Organisation created. You are its owner."))
        return redirect("assessments:home")
    return render(
        request,
        "assessments/organisation_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organisation by an invitation: at most once, and only as the invited address.

    A logged-in user joins when their account's e-mail address is the invited one (letter
    case aside); anyone else is told that the invitation was sent to another address (shown
    partly). Someone without an account signs up here and gets the invited address: the
    link reached them at that address. Accepting marks the invitation used by a conditional
    UPDATE in the same transaction that adds the member, so of two people accepting at once
    only one joins.
    """
    invitation = Invitation.objects.filter(token=token).select_related("organisation").first()
    if invitation is None or not invitation.is_open:
        return _invalid_invitation(request)
    form: AccountForm | None = None
    if request.user.is_authenticated:
        if not invitation.is_for(request.user.email):
            return render(
                request,
                "assessments/invitation.html",
                {"invitation": invitation, "other_address": True},
                status=403,
            )
        if request.method == "POST":
            if not _join(invitation, request.user):
                return _invalid_invitation(request)
            request.session["organisation_id"] = invitation.organisation_id
            messages.success(request, _("You joined %(org)s.") % {"org": invitation.organisation})
            return redirect("assessments:home")
    else:
        form = AccountForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                user = form.save(commit=False)
                user.email = invitation.email
                user.save()
                if not _join(invitation, user):
                    transaction.set_rollback(True)  # no account without the membership
                    return _invalid_invitation(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["organisation_id"] = invitation.organisation_id
            messages.success(
                request, _("Welcome! You joined %(org)s.") % {"org": invitation.organisation}
            )
            return redirect("assessments:home")
    return render(
        request,
        "assessments/invitation.html",
        {"invitation": invitation, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _invalid_invitation(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/invitation.html", {"invalid": True}, status=404)


def _join(invitation: Invitation, user) -> bool:
    """Mark ``invitation`` used and make ``user`` a member; False (and nothing changed) if
    it was used, revoked or expired in the meantime."""
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            accepted_at__isnull=True,
            created_at__gt=timezone.now() - Invitation.VALID_FOR,
        ).update(accepted_at=timezone.now())
        if not claimed:
            return False
        try:
            with transaction.atomic():
                Membership.objects.create(
                    organisation=invitation.organisation, user=user, role=invitation.role
                )
        except IntegrityError:
            pass  # already a member: keep the existing role
    return True


urlpatterns = [
    path("organisation/new/", new_organisation, name="new_organisation"),
    path("organisation/<slug:slug>/members/", members, name="members"),
    path("organisation/<slug:slug>/members/<int:pk>/", change_member, name="change_member"),
    path(
        "organisation/<slug:slug>/invitations/<int:pk>/",
        change_invitation,
        name="change_invitation",
    ),
    path("invitation/<str:token>/", accept_invitation, name="invitation"),
]
