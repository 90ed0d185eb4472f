"""The admin. Content is written through the write path (``editing``) like everywhere
else, so admin edits are in the history (through "admin"); the status only changes through
the lifecycle (``domain.lifecycle``), so it is read-only here."""

from django.contrib import admin
from django.db import transaction

from assessments.domain import editing, models, rowkinds
from assessments.domain.constants import Channel
from assessments.interfaces.forms.accounts import ThrottledAdminAuthenticationForm


def _actor(request) -> editing.Actor:
    return editing.Actor(request.user, Channel.ADMIN)


def _assessment_of(obj) -> models.Assessment | None:
    if isinstance(obj, models.Assessment):
        return obj if obj.pk else None
    kind = rowkinds.kind_of(obj)
    return obj.assessment if kind.parent == "assessment" else getattr(obj, kind.parent).assessment


class RecordedAdmin(admin.ModelAdmin):
    """Saves, deletes and inline edits go through ``editing`` and are recorded."""

    def save_model(self, request, obj, form, change) -> None:
        batch = editing.Batch(_actor(request), _assessment_of(obj))
        batch.save_current(obj)
        batch.finish()

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            batch = editing.Batch(_actor(request), _assessment_of(obj))
            batch.delete(obj, expected=None)
            batch.finish()

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        batch = editing.Batch(_actor(request), _assessment_of(form.instance))
        for obj in formset.deleted_objects:
            batch.delete(obj, expected=None)
        for obj in instances:
            batch.save_current(obj)
        batch.finish()


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the app writes (history, versions, review): read-only in the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "assessment", "entity", "object_label", "field", "action", "user_name"]
    list_filter = ["via", "action", "entity"]
    search_fields = ["object_label", "field", "user_name"]


@admin.register(models.Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "number", "name", "reason", "status", "created_at"]
    list_filter = ["reason", "status"]
    search_fields = ["name", "assessment__title"]


# Review (comments, rounds, verdicts, sign-offs) is written by the app: read-only here, so
# nobody edits someone else's comment or a recorded sign-off behind the app's rules.
@admin.register(models.Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "assessment", "on", "chapter", "author_name", "resolved_at"]
    list_filter = ["on", "chapter"]
    search_fields = ["text", "author_name", "assessment__title"]


@admin.register(models.ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "number", "submitted_by_name", "submitted_at", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["assessment__title"]


@admin.register(models.Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["round", "chapter", "reviewer_name", "verdict", "given_at"]
    list_filter = ["verdict", "chapter"]
    search_fields = ["reviewer_name", "reason"]


@admin.register(models.SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "version", "user_name", "role", "signed_at"]
    search_fields = ["user_name", "assessment__title"]


@admin.register(models.ThrottleCount)
class ThrottleCountAdmin(ReadOnlyAdmin):
    """Counted attempts; an operator can delete a row to lift a lockout early."""

    list_display = ["key", "count", "last", "expires"]
    search_fields = ["key"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(models.AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Single sign-on log-ins, links and role changes (also on the members page)."""

    list_display = ["at", "organisation", "action", "detail", "actor"]
    list_filter = ["action"]
    search_fields = ["detail", "organisation__slug"]


@admin.register(models.OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin):
    """A provider's subject linked to an account; deleting one unlinks it (the next
    single sign-on then links by a verified address or makes a new account)."""

    list_display = ["user", "issuer", "subject", "created_at", "last_login_at"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["issuer", "subject", "created_at", "last_login_at"]


@admin.register(models.GroupRole)
class GroupRoleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "group", "role"]
    list_filter = ["role"]


# The admin's log-in is throttled like the app's (assessments.infra.throttle).
admin.site.login_form = ThrottledAdminAuthenticationForm


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class GoalInline(admin.StackedInline):
    model = models.Goal
    extra = 0


class RiskInline(admin.TabularInline):
    model = models.Risk
    fields = ["category", "topic", "likelihood", "impact", "order"]
    extra = 0
    show_change_link = True


class ServiceResponseInline(admin.StackedInline):
    model = models.ServiceResponse
    extra = 0
    # Whether the service sent a response itself is set by the reply workflow only.
    readonly_fields = ["submitted_by_service", "invitation"]


@admin.register(models.Assessment)
class AssessmentAdmin(RecordedAdmin):
    list_display = ["title", "organisation", "kind", "service_name", "status", "updated_at"]
    list_filter = ["status", "kind", "language", "organisation"]
    search_fields = ["title", "slug", "service_name", "service_provider", "assessor"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "status",
        "finalised_at",
        "published_at",
        "created_at",
        "updated_at",
        "updated_by",
        "lock_version",
    ]
    inlines = [GoalInline, RiskInline, ServiceResponseInline]
    fieldsets = [
        (None, {"fields": ["organisation", "title", "slug", "kind", "status", "language"]}),
        (
            "Service",
            {
                "fields": [
                    "service_name",
                    "service_provider",
                    "service_cooperated",
                    "cooperation_note",
                ]
            },
        ),
        (
            "Assessment",
            {
                "fields": [
                    "assessor",
                    "commissioner",
                    "period_start",
                    "period_end",
                    "next_reassessment_on",
                    "finalised_at",
                    "published_at",
                ]
            },
        ),
        ("Front matter", {"fields": ["reading_guide", "disclaimers", "limitations"]}),
        (
            "1 Pre-scan",
            {
                "fields": [
                    "prescan_offers_service",
                    "prescan_accessible_to_minors",
                    "prescan_can_exclude_minors",
                    "prescan_note",
                ]
            },
        ),
        ("History", {"fields": ["created_at", "updated_at", "updated_by", "lock_version"]}),
    ]


@admin.register(models.Answer)
class AnswerAdmin(RecordedAdmin):
    list_display = ["assessment", "question", "updated_at"]
    list_filter = ["assessment"]
    search_fields = ["text"]


@admin.register(models.Goal)
class GoalAdmin(RecordedAdmin):
    list_display = ["title", "assessment", "kind", "order"]
    list_filter = ["kind", "assessment"]


@admin.register(models.Contribution)
class ContributionAdmin(RecordedAdmin):
    list_display = ["assessment", "question", "summary"]
    list_filter = ["assessment"]


class MeasureInline(admin.StackedInline):
    model = models.Measure
    extra = 0


@admin.register(models.Risk)
class RiskAdmin(RecordedAdmin):
    list_display = ["topic", "assessment", "category", "likelihood", "impact", "gross_label"]
    list_filter = ["category", "assessment"]
    search_fields = ["topic", "description"]
    inlines = [MeasureInline]

    @admin.display(description="kans × impact")
    def gross_label(self, risk: models.Risk) -> str:
        return risk.gross_score.label


@admin.register(models.Measure)
class MeasureAdmin(RecordedAdmin):
    list_display = ["title", "risk", "status", "owner", "owner_user", "due_date"]
    list_filter = ["status", "risk__assessment"]
    search_fields = ["title", "owner"]


@admin.register(models.ProportionalityItem)
class ProportionalityItemAdmin(RecordedAdmin):
    list_display = ["text", "assessment", "side", "order"]
    list_filter = ["side", "assessment"]


@admin.register(models.Source)
class SourceAdmin(RecordedAdmin):
    list_display = ["key", "citation", "assessment", "accessed_on"]
    list_filter = ["assessment"]
    search_fields = ["key", "citation", "url"]


@admin.register(models.Figure)
class FigureAdmin(RecordedAdmin):
    """Caption, alt text and source can be corrected here; images are only added on the
    figures page, where they are checked and cleaned (``assessments.domain.figures``)."""

    list_display = ["key", "caption", "assessment"]
    list_filter = ["assessment"]
    search_fields = ["key", "caption", "alt_text"]
    readonly_fields = ["image", "width", "height"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.ServiceResponse)
class ServiceResponseAdmin(RecordedAdmin):
    list_display = ["author", "assessment", "received_on", "submitted_by_service"]

    def get_readonly_fields(self, request, obj=None):
        """The service's own response is verbatim: only the reply can be changed here."""
        if obj is not None and obj.is_verbatim:
            return [*models.ServiceResponse.SERVICE_FIELDS, "invitation"]
        return ["submitted_by_service", "invitation"]


@admin.register(models.ReplyInvitation)
class ReplyInvitationAdmin(admin.ModelAdmin):
    """Invitations to respond are made, sent and closed from the appendix page."""

    list_display = ["contact_organisation", "email", "assessment", "deadline", "status"]
    list_filter = ["assessment__organisation"]
    search_fields = ["email", "contact_name", "contact_organisation"]
    exclude = ["token_hash"]
    readonly_fields = [
        "assessment",
        "version",
        "contact_name",
        "contact_organisation",
        "email",
        "deadline",
        "note",
        "created_by",
        "created_at",
        "sent_at",
        "revoked_at",
        "responded_at",
        "reminded_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(models.ResponseAttachment)
class ResponseAttachmentAdmin(admin.ModelAdmin):
    """The service's attachments: listed only (members download them from the appendix;
    the private storage is never linked directly)."""

    list_display = ["name", "response", "size", "created_at"]
    fields = ("response", "name", "size", "created_at")
    readonly_fields = ("response", "name", "size", "created_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(models.ConsultationAttachment)
class ConsultationAttachmentAdmin(admin.ModelAdmin):
    """Files of consultations of children: listed only (members download them from the
    consultation's page; the private storage is never linked directly, and a consent form
    is personal data)."""

    list_display = ["name", "kind", "consultation", "size", "created_at"]
    list_filter = ["kind"]
    fields = ("consultation", "kind", "name", "size", "uploaded_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    list_filter = ["organisation", "role"]
    search_fields = ["email"]


@admin.register(models.ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["assessment", "status", "language", "page_count", "size", "created_at"]
    list_filter = ["status", "language"]
    readonly_fields = [f.name for f in models.ReportFile._meta.fields]


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "assessment", "delivery", "created_at", "read_at"]
    list_filter = ["kind", "delivery"]
    readonly_fields = [f.name for f in models.Notification._meta.fields]


@admin.register(models.NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]


@admin.register(models.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]


@admin.register(models.Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["assessment", "measure", "state", "on_date", "created_at"]
    readonly_fields = [f.name for f in models.Reminder._meta.fields]


@admin.register(models.OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in models.OutgoingMail._meta.fields]


@admin.register(models.ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """The scheduler's record of each periodic job (read-only: the workers write it)."""

    list_display = ["job", "period", "status", "attempts", "started_at", "succeeded_at", "worker"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in models.ScheduledRun._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made on the profile page (the secret is shown once there); an administrator
    can see them and revoke one by setting its revocation time."""

    list_display = ["user", "name", "prefix", "scope", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = [
        f.name for f in models.ApiToken._meta.fields if f.name not in {"revoked_at", "expires_at"}
    ]

    def has_add_permission(self, request) -> bool:
        return False


# The library is loaded from its files (``kia_library``), never edited here.
@admin.register(models.LibraryFile)
class LibraryFileAdmin(ReadOnlyAdmin):
    list_display = ["ref", "urn", "version", "kind", "organisation", "loaded_at"]
    list_filter = ["kind"]


@admin.register(models.LibraryItem)
class LibraryItemAdmin(ReadOnlyAdmin):
    list_display = ["urn", "ref", "kind", "file", "changed_in", "withdrawn_in"]
    list_filter = ["file", "kind"]
    search_fields = ["urn", "ref"]


admin.site.register(models.LibraryItemText, ReadOnlyAdmin)
admin.site.register(models.ItemRelation, ReadOnlyAdmin)


# Every kind of row (``rowkinds``) is in the admin, its writes recorded; the ones above
# have lists and filters of their own, a new kind gets the plain recorded form.
for _kind in rowkinds.KINDS:
    if not admin.site.is_registered(_kind.model):
        admin.site.register(_kind.model, RecordedAdmin)
