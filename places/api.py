"""API viewsets for ICSs and places."""

from django.core.exceptions import PermissionDenied as RuleRefused
from rest_framework.exceptions import PermissionDenied

from ics_portal.api.viewsets import PortalViewSet
from places import services
from places.filters import IntegratedCareSystemFilter, PlaceFilter
from places.models import IntegratedCareSystem, Place
from places.serializers import IntegratedCareSystemSerializer, PlaceSerializer


class IntegratedCareSystemViewSet(PortalViewSet):
    """Integrated care systems, by slug. Only superusers add or remove one; its staff may edit it."""

    queryset = IntegratedCareSystem.objects.for_api()
    serializer_class = IntegratedCareSystemSerializer
    filterset_class = IntegratedCareSystemFilter
    lookup_field = "slug"
    ordering_fields = ["short_name", "name", "region", "population", "icb_ods_code", "modified_at"]
    ordering = ["short_name"]

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


class PlaceViewSet(PortalViewSet):
    """Places inside ICSs, by id (a place's slug is unique only within its ICS)."""

    queryset = Place.objects.for_api()
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    ordering_fields = ["name", "population", "start_date", "modified_at"]
    ordering = ["name"]
