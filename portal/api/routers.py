from rest_framework.routers import DefaultRouter


class PortalRouter(DefaultRouter):
    """The `/api/v1/` router. Apps register on it in their ``api/urls.py`` (``register(router)``)."""

    include_format_suffixes = False
