from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import mfa_views, views

handler404 = "portal.views.page_not_found"

PAGE_APPS = [app for app in settings.PROJECT_APPS if app != "portal"]

admin.site.site_header = _("Channel Portal administration")
admin.site.site_title = _("Channel Portal")
admin.site.index_title = _("Manufacturer administration")

handler500 = "portal.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/two-factor/", mfa_views.mfa_setup, name="mfa-setup"),
    path("accounts/two-factor/qr.svg", mfa_views.mfa_qr, name="mfa-qr"),
    path("accounts/two-factor/verify/", mfa_views.mfa_verify, name="mfa-verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        mfa_views.mfa_recovery_codes,
        name="mfa-recovery-codes",
    ),
    path("accounts/two-factor/disable/", mfa_views.mfa_disable, name="mfa-disable"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's start-up script as a file (no inline script: CSP)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("portal.site_urls")),
    # Each app's portal pages (``<app>/urls.py``), found through settings.PROJECT_APPS.
    *[path("", include(f"{app}.urls")) for app in PAGE_APPS],
]
# No route serves MEDIA_ROOT, in any setting: uploads are private and leave only through
# the scoped download views (portal/files.py).
