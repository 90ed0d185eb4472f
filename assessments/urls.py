from assessments.views import (
    accounts,
    assessment,
    chapters,
    comments,
    compare,
    core,
    exchange,
    figures,
    history,
    presence,
    profile,
    public,
    reassessment,
    replies,
    report,
    review,
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
    *figures.urlpatterns,
    *exchange.urlpatterns,
    *report.urlpatterns,
    *history.urlpatterns,
    *versions.urlpatterns,
    *comments.urlpatterns,
    *review.urlpatterns,
    *presence.urlpatterns,
    *profile.urlpatterns,
    *public.urlpatterns,
    *compare.urlpatterns,
    *reassessment.urlpatterns,
    *replies.urlpatterns,
]
