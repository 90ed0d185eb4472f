from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from assessments.infra.throttle import ThrottledPasswordResetView
from assessments.interfaces.api.main import api, index, not_found
from assessments.interfaces.web import oidc
from assessments.interfaces.web.views.accounts import LoginView
from assessments.interfaces.web.views.notifications import set_language
from kia import health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("ready/", health.ready, name="ready"),
    # Browsers ask for /favicon.ico on every page, the report's too: the icon in static.
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("favicon.ico"), permanent=True),
        name="favicon",
    ),
    path("admin/", admin.site.urls),
    # The language switch also keeps the choice for the person's e-mail.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Authentication lives outside the app's namespace: Django's views reverse these names.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    # Single sign-on (OpenID Connect; 404 unless configured), and a log-out that ends the
    # provider's session too.
    path("accounts/oidc/", include(oidc.urlpatterns)),
    path("accounts/logout/", oidc.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The REST API (assessments/api): its OpenAPI document and docs under /api/v1/.
    # /api/ and /api/v1/ point to the docs and the OpenAPI document.
    path("api/", index, name="api_index"),
    path("api/v1/", index, name="api_v1_index"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", not_found),
    path("", include("assessments.interfaces.web.urls")),
]
