from assessments.views import (
    accounts,
    assessment,
    chapters,
    core,
    exchange,
    followup,
    history,
    notifications,
    presence,
    public,
    report,
    rows,
    versions,
)

app_name = "assessments"

# Each view module owns its URL patterns; add a module's list here.
urlpatterns = [
    *core.urlpatterns,
    *accounts.urlpatterns,
    *assessment.urlpatterns,
    *chapters.urlpatterns,
    *rows.urlpatterns,
    *exchange.urlpatterns,
    *report.urlpatterns,
    *history.urlpatterns,
    *versions.urlpatterns,
    *presence.urlpatterns,
    *public.urlpatterns,
    *notifications.urlpatterns,
    *followup.urlpatterns,
]
