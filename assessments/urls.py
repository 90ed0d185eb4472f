from assessments.views import core

app_name = "assessments"

# Each view module owns its URL patterns; add a module's list here.
urlpatterns = [
    *core.urlpatterns,
]
