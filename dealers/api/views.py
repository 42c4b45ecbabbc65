from dealers.api.serializers import DealerSerializer, RegionSerializer
from dealers.filters import DealerFilterSet, RegionFilterSet
from dealers.models import Dealer, Region
from portal.api.views import PortalNoDeleteViewSet


class RegionViewSet(PortalNoDeleteViewSet):
    """The region tree. Everybody signed in reads it; staff and manufacturer keys edit it."""

    queryset = Region.objects.select_related("parent__parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        # Regions are shared reference data, visible to every authenticated caller.
        return self.queryset.all()


class DealerViewSet(PortalNoDeleteViewSet):
    queryset = Dealer.objects.select_related("tier", "region")
    serializer_class = DealerSerializer
    filterset_class = DealerFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name", "created_at"]
