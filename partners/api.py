"""API viewsets for organisations, partnerships, and one ICS's partner list."""

from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from ics_portal.api.viewsets import PortalViewSet
from partners.filters import OrganisationFilter, PartnershipFilter
from partners.models import Organisation, Partnership
from partners.serializers import OrganisationSerializer, PartnershipSerializer
from places.models import IntegratedCareSystem

ORGANISATION_ORDERING = ["name", "ods_code", "kind", "sector", "start_date", "end_date", "modified_at"]


class OrganisationViewSet(PortalViewSet):
    """Partner organisations, by slug: `?ics=<slug>&kind=nhs_trust` is an ICS's trusts in one call."""

    queryset = Organisation.objects.for_api()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"
    ordering_fields = ORGANISATION_ORDERING
    ordering = ["name"]


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("ics", exclude=True)]))
class IcsPartnerViewSet(PortalViewSet):
    """The partner organisations of one ICS (any place in it), with the partner directory's filters.

    With `as_at` it lists the organisations that were partners on that day.
    """

    queryset = Organisation.objects.for_api()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ORGANISATION_ORDERING
    ordering = ["name"]

    def fixed_filter_data(self):
        slug = self.kwargs["slug"]
        # The route takes any text: only a slug is looked up (a NUL character would fail in PostgreSQL).
        if len(slug) > IntegratedCareSystem._meta.get_field("slug").max_length or not slug_re.match(slug):
            raise Http404("No ICS has this slug.")
        get_object_or_404(IntegratedCareSystem, slug=slug)
        return {"ics": slug}


class PartnershipViewSet(PortalViewSet):
    """Memberships of an ICS (or of a place in it) by an organisation, with role, dates and source."""

    queryset = Partnership.objects.for_api()
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    ordering_fields = ["start_date", "end_date", "role", "organisation__name", "modified_at"]
    ordering = ["organisation__name"]
