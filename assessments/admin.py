from django.contrib import admin

from assessments import models
from assessments.forms import ThrottledAdminAuthenticationForm

# The admin's log-in is throttled like the app's (assessments.throttle).
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


@admin.register(models.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "service_name", "status", "updated_at"]
    list_filter = ["status", "kind", "language", "organisation"]
    search_fields = ["title", "slug", "service_name", "service_provider", "assessor"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at", "updated_by", "version"]
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
        ("History", {"fields": ["created_at", "updated_at", "updated_by", "version"]}),
    ]


@admin.register(models.Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["assessment", "question", "updated_at"]
    list_filter = ["assessment"]
    search_fields = ["text"]


@admin.register(models.Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "assessment", "kind", "order"]
    list_filter = ["kind", "assessment"]


@admin.register(models.Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["assessment", "question", "summary"]
    list_filter = ["assessment"]


class MeasureInline(admin.StackedInline):
    model = models.Measure
    extra = 0


@admin.register(models.Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ["topic", "assessment", "category", "likelihood", "impact", "gross_label"]
    list_filter = ["category", "assessment"]
    search_fields = ["topic", "description"]
    inlines = [MeasureInline]

    @admin.display(description="kans × impact")
    def gross_label(self, risk: models.Risk) -> str:
        return risk.gross_score.label


@admin.register(models.Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "risk", "status", "owner", "due_date"]
    list_filter = ["status", "risk__assessment"]
    search_fields = ["title", "owner"]


@admin.register(models.ProportionalityItem)
class ProportionalityItemAdmin(admin.ModelAdmin):
    list_display = ["text", "assessment", "side", "order"]
    list_filter = ["side", "assessment"]


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "citation", "assessment", "accessed_on"]
    list_filter = ["assessment"]
    search_fields = ["key", "citation", "url"]


@admin.register(models.ServiceResponse)
class ServiceResponseAdmin(admin.ModelAdmin):
    list_display = ["author", "assessment", "received_on"]


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
