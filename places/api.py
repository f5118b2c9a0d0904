"""API viewsets for ICSs and places."""

from django.core.exceptions import PermissionDenied as RuleRefused
from rest_framework.exceptions import PermissionDenied

from ics_portal.api.viewsets import PortalViewSet
from places import services
from places.filters import ClusterFilter, IntegratedCareSystemFilter, PlaceFilter
from places.models import Cluster, IntegratedCareSystem, Place
from places.serializers import ClusterSerializer, IntegratedCareSystemSerializer, PlaceSerializer


class IntegratedCareSystemViewSet(PortalViewSet):
    """Integrated care systems, by slug. Only superusers add or remove one; its staff may edit it."""

    queryset = IntegratedCareSystem.objects.for_api()
    serializer_class = IntegratedCareSystemSerializer
    filterset_class = IntegratedCareSystemFilter
    lookup_field = "slug"
    ordering_fields = ["short_name", "name", "region", "population", "icb_ods_code", "modified_at"]
    ordering = ["short_name"]

    def filter_queryset(self, queryset):
        # One ICS by its slug, whenever it existed; a list, of today's ICSs unless asked otherwise.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def check_rules(self, serializer):
        # An ICS's identity (names in URLs, national codes) is set nationally, by superusers (docs/adr/0004).
        try:
            services.ics_identity_check(user=self.request.user, ics=serializer.candidate, before=serializer.instance)
        except RuleRefused as refusal:
            raise PermissionDenied(str(refusal)) from None

    def save(self, serializer):
        return services.ics_save(
            ics=serializer.candidate, user=self.request.user, before=serializer.instance, validated=True
        )


class ClusterViewSet(PortalViewSet):
    """Clusters: ICSs sharing a chair, chief executive and sometimes a board while legally separate. Read only."""

    queryset = Cluster.objects.with_members()
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilter
    lookup_field = "slug"
    ordering_fields = ["name", "start_date"]
    ordering = ["name"]
    http_method_names = ["get", "head"]  # Recorded nationally, in the admin.


class PlaceViewSet(PortalViewSet):
    """Places, by slug, with the ICSs they belonged to and when."""

    queryset = Place.objects.for_api()
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    lookup_field = "slug"
    ordering_fields = ["name", "population", "start_date", "modified_at"]
    ordering = ["name"]
