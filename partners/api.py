"""API viewsets for organisations, partnerships, and one ICS's partner list."""

import datetime

from django.core.validators import slug_re
from django.db.models import Case, Prefetch, Value, When
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from ics_portal.api.exceptions import no_such
from ics_portal.api.filtering import todays_list
from ics_portal.api.viewsets import PortalViewSet
from partners.filters import OrganisationFilter, PartnershipFilter
from partners.models import Organisation, Partnership, names_prefetch, succession_prefetches
from partners.serializers import IcsPartnerSerializer, OrganisationSerializer, PartnershipSerializer
from places.models import IntegratedCareSystem

ORGANISATION_ORDERING = ["name", "ods_code", "kind", "sector", "start_date", "end_date", "modified_at"]


class NamesOnDayMixin:
    """Organisations named as they were on the `as_at` day asked for (the FilterSet refuses a bad one)."""

    def as_at_day(self) -> datetime.date | None:
        raw = self.request.query_params.get("as_at") if self.request is not None else None
        try:
            return datetime.date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["as_at"] = self.as_at_day()
        context["in_list"] = self.action == "list"
        return context


class OrganisationNamesMixin(NamesOnDayMixin):
    def get_queryset(self):
        """A list with `as_at` names each organisation as it was: their names in one query for the page.

        A single organisation reads its names when serialized (one query, as a prefetch would cost): the
        writes load it twice before serializing it once.
        """
        queryset = super().get_queryset()
        return queryset.with_names() if self.action == "list" and self.as_at_day() else queryset


class OrganisationViewSet(OrganisationNamesMixin, PortalViewSet):
    """Partner organisations, by slug: `?ics=<slug>&kind=nhs_trust` is an ICS's trusts in one call."""

    queryset = Organisation.objects.for_api()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"
    ordering_fields = ORGANISATION_ORDERING
    ordering = ["name"]

    def get_queryset(self):
        """A single organisation with its successions both ways (lists leave them out)."""
        queryset = super().get_queryset()
        return queryset if self.action == "list" else queryset.prefetch_related(*succession_prefetches())


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("ics", exclude=True)]))
class IcsPartnerViewSet(OrganisationNamesMixin, PortalViewSet):
    """The partner organisations of one ICS (any place in it), with their role and place there, and the partner
    directory's filters.

    Today's partners; with `as_at` those that were partners on that day; with `include=all` every one there has been.
    """

    queryset = Organisation.objects.for_api()
    serializer_class = IcsPartnerSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ORGANISATION_ORDERING
    ordering = ["name"]
    fixed_filters = ("ics",)

    def fixed_filter_data(self):
        slug = self.kwargs["slug"]
        # The route takes any text: only a slug is looked up (a NUL character would fail in PostgreSQL).
        too_long = len(slug) > IntegratedCareSystem._meta.get_field("slug").max_length
        if too_long or not slug_re.match(slug) or not IntegratedCareSystem.objects.filter(slug=slug).exists():
            raise no_such(IntegratedCareSystem, "slug", slug)
        return {"ics": slug}

    def get_queryset(self):
        """Each organisation with its partnerships in this ICS on the list's day (every one, when the list has
        every row), most senior role first: one query for the page."""
        partnerships = Partnership.objects.filter(ics__slug=self.kwargs.get("slug")).select_related("place")
        if self.as_at_day():
            partnerships = partnerships.as_at(self.as_at_day())
        elif self.request is None or todays_list(self.request, self):
            partnerships = partnerships.current()
        seniority = Case(*(When(role=role, then=Value(rank)) for rank, role in enumerate(Partnership.Role.values)))
        here = Prefetch("partnerships", queryset=partnerships.order_by(seniority, "pk"), to_attr="partnerships_here")
        return super().get_queryset().prefetch_related(here)


class PartnershipViewSet(NamesOnDayMixin, PortalViewSet):
    """Memberships of an ICS (or of a place in it) by an organisation, with role, dates and source.

    With `as_at`, `organisation_name` is the organisation's name on that day.
    """

    queryset = Partnership.objects.for_api()
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    ordering_fields = ["start_date", "end_date", "role", "organisation__name", "modified_at"]
    ordering = ["organisation__name"]

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.prefetch_related(names_prefetch("organisation__names")) if self.as_at_day() else queryset
