"""`/api/v1/`: each app of ``settings.PROJECT_APPS`` with an ``api/urls.py`` registers its
viewsets there (``register(router)``); the kernel's own resources are in
``portal/api/site_urls.py``. The kernel finds them by name, never imports them."""

from django.conf import settings
from django.urls import include, path

from portal.api import site_urls
from portal.api.routers import PortalRouter
from portal.discovery import app_modules

router = PortalRouter()
extra_urlpatterns = []
apps = [app for app in settings.PROJECT_APPS if app != "portal"]
for module in [site_urls, *app_modules(apps, "api.urls")]:
    module.register(router)
    extra_urlpatterns += getattr(module, "urlpatterns", [])

urlpatterns = [*extra_urlpatterns, path("", include(router.urls))]
