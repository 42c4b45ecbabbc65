"""`/api/v1/`: each app registers its viewsets in ``<app>/api/urls.py:register(router)``;
the portal's own site-wide resources are in ``portal/api/site_urls.py``."""

from importlib import import_module

from django.urls import include, path

from portal.api.routers import PortalRouter

router = PortalRouter()
extra_urlpatterns = []
for module_path in (
    "portal.api.site_urls",
    "dealers.api.urls",
    "inventory.api.urls",
    "commissions.api.urls",
    "conflicts.api.urls",
):
    module = import_module(module_path)
    module.register(router)
    extra_urlpatterns += getattr(module, "urlpatterns", [])

urlpatterns = [*extra_urlpatterns, path("", include(router.urls))]
