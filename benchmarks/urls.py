"""The bench's URLconf: the portal's, plus the bare list views that are the physical limit
of B5 (``.values()`` + ``JsonResponse``, no serializer, no filter, no pagination class).
Registered only here, never in the portal's URLconf."""

from django.http import JsonResponse
from django.urls import include, path

from conflicts.models import Ticket
from inventory.models import StockLevel

LEVEL_FIELDS = (
    "id",
    "warehouse__code",
    "product__sku",
    "product__product_line__code",
    "warehouse__region__code",
    "quantity",
    "as_of",
    "updated_at",
)
TICKET_FIELDS = (
    "id",
    "title",
    "category",
    "priority",
    "status",
    "dealer__code",
    "region__code",
    "group",
    "opened_at",
    "resolution_due",
    "escalation_level",
)


def bare_levels(request):
    rows = list(StockLevel.objects.order_by("-pk").values(*LEVEL_FIELDS)[:100])
    return JsonResponse({"results": rows})


def bare_tickets(request):
    rows = list(Ticket.objects.order_by("-pk").values(*TICKET_FIELDS)[:100])
    return JsonResponse({"results": rows})


urlpatterns = [
    path("bench/bare/levels/", bare_levels),
    path("bench/bare/tickets/", bare_tickets),
    path("", include("portal.urls")),
]
