"""Notifications: the list and the bell, each person's choices, the language they chose,
and the organisation's outgoing e-mail for its owners."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from assessments.domain import notifications
from assessments.domain.constants import Role
from assessments.domain.models import Notification, OutgoingMail
from assessments.domain.permissions import get_organisation
from assessments.infra import mail
from assessments.infra.models import MailStatus
from assessments.interfaces.forms.accounts import NotificationPreferencesForm

PAGE_SIZE = 50  # notifications per page, newest first


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    found = Notification.objects.for_user(request.user).select_related("assessment")
    unread_only = request.GET.get("show") == "unread"
    if unread_only:
        found = found.unread()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"n": n, "text": notifications.describe(n), "quote": notifications.quote(n)}
        for n in page.object_list
    ]
    context = {
        "rows": rows,
        "unread_only": unread_only,
        "page": page,
        "query": "show=unread" if unread_only else "",
    }
    return render(request, "assessments/notifications.html", context)


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    target = notification.path or reverse("assessments:detail", args=[notification.assessment.slug])
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("assessments:notifications")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``pk``) or all of them (no ``pk``) read."""
    mine = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    pk = request.POST.get("pk", "")
    if pk:
        if not pk.isdigit():
            messages.error(request, _("Unknown notification."))
            return redirect("assessments:notifications")
        mine = mine.filter(pk=int(pk))
    count = mine.update(read_at=timezone.now())
    if not pk:
        messages.success(request, _("All notifications marked as read."))
    elif not count:
        messages.info(request, _("That notification was already read."))
    return redirect("assessments:notifications")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = notifications.preferences(request.user)
    initial = {**current, "language": notifications.language_of(request.user)}
    form = NotificationPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        language = data.pop("language")
        notifications.set_preferences(request.user, data)
        notifications.remember_language(request.user, language)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("assessments:notification_preferences")
    return render(
        request,
        "assessments/notification_preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also keeps the choice for the person's e-mail."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated:
        notifications.remember_language(request.user, code)
    return response


@login_required
def outbox(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's e-mail that is waiting or could not be sent (owners only)."""
    organisation, _role = get_organisation(request.user, slug, Role.OWNER)
    if request.method == "POST":
        pk = request.POST.get("pk", "")
        found = get_object_or_404(
            OutgoingMail, pk=int(pk) if pk.isdigit() else 0, organisation=organisation
        )
        if found.status == MailStatus.FAILED:
            mail.try_again(found)
            messages.success(request, _("The e-mail to %(to)s is queued again.") % {"to": found.to})
        return redirect("assessments:outbox", slug=slug)
    unsent = OutgoingMail.objects.filter(organisation=organisation).exclude(status=MailStatus.SENT)
    return render(
        request,
        "assessments/outbox.html",
        {
            "organisation": organisation,
            "unsent": unsent[:PAGE_SIZE],
            "sent": OutgoingMail.objects.filter(
                organisation=organisation, status=MailStatus.SENT
            ).order_by("-sent_at")[:20],
        },
    )


urlpatterns = [
    path("notifications/", notification_list, name="notifications"),
    path("notifications/<int:pk>/", open_notification, name="notification_open"),
    path("notifications/read/", mark_read, name="notifications_read"),
    path("notifications/preferences/", preferences, name="notification_preferences"),
    path("organisation/<slug:slug>/mail/", outbox, name="outbox"),
]
