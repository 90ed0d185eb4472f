from django.contrib import admin
from django.urls import include, path

from assessments.views.accounts import LoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Authentication lives outside the app's namespace: Django's views reverse these names.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
]
