"""Query parameters of list endpoints (DOMAIN.md §10): an unknown one is a ``400`` naming it,
so a partner asking for one dealer's rows with a misspelt filter never silently gets
everyone's."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.settings import api_settings

#: understood by every endpoint (DRF's content negotiation: ``?format=json``)
ALWAYS_ALLOWED = frozenset({api_settings.URL_FORMAT_OVERRIDE} - {None})
#: the paginators' parameters (cursor, page, page size, limit, offset)
PAGINATION_PARAMS = (
    "cursor_query_param",
    "page_query_param",
    "page_size_query_param",
    "limit_query_param",
    "offset_query_param",
)


def reject_unknown_query_params(request, allowed: Iterable[str]) -> None:
    """Raise a 400 (code ``unknown_parameter``, ``attr`` the name) for every query
    parameter not in ``allowed``."""
    allowed = set(allowed) | ALWAYS_ALLOWED
    unknown = [name for name in request.query_params if name not in allowed]
    if unknown:
        raise exceptions.ValidationError(
            {
                name: [
                    exceptions.ErrorDetail(
                        _("Unknown query parameter “%(name)s”.") % {"name": name},
                        code="unknown_parameter",
                    )
                ]
                for name in unknown
            }
        )


def list_query_params(view, queryset) -> set[str]:
    """The names a list view understands: its filters, its ordering and pagination."""
    names: set[str] = set()
    for backend_class in view.filter_backends:
        backend = backend_class()
        if isinstance(backend, DjangoFilterBackend):
            filterset_class = backend.get_filterset_class(view, queryset)
            if filterset_class is not None:
                names |= set(filterset_class.base_filters)
        if isinstance(backend, OrderingFilter):
            names.add(backend.ordering_param)
        if isinstance(backend, SearchFilter) and getattr(view, "search_fields", None):
            names.add(backend.search_param)
    paginator = getattr(view, "paginator", None)
    for attr in PAGINATION_PARAMS:
        if getattr(paginator, attr, None):
            names.add(getattr(paginator, attr))
    return names


class PortalFilterBackend(DjangoFilterBackend):
    """django-filter's backend, and on list views a 400 for unknown query parameters."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "list":
            reject_unknown_query_params(request, list_query_params(view, queryset))
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not set(request.query_params) & set(
            filterset_class.base_filters
        ):
            # no filter asked: an empty form filters nothing, so do not build and validate
            # one (a page of a list polled at page size 100; issue 13)
            return queryset
        return super().filter_queryset(request, queryset, view)
