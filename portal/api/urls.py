"""`/api/v1/`: each app of ``settings.PROJECT_APPS`` with an ``api/urls.py`` registers its
viewsets there (``register(router)``); the kernel's own resources are in
``portal/api/site_urls.py``. The kernel finds them by name, never imports them."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.urls import include, path

from portal.api.routers import PortalRouter

router = PortalRouter()
extra_urlpatterns = []
API_MODULES = ["portal.api.site_urls"] + [
    f"{app}.api.urls"
    for app in settings.PROJECT_APPS
    if app != "portal" and find_spec(f"{app}.api") and find_spec(f"{app}.api.urls")
]
for module_path in API_MODULES:
    module = import_module(module_path)
    module.register(router)
    extra_urlpatterns += getattr(module, "urlpatterns", [])

urlpatterns = [*extra_urlpatterns, path("", include(router.urls))]
