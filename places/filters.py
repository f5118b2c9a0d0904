"""Filters for ICS and place lists, shared by the pages and the API."""

import django_filters

from ics_portal.core.filters import DatedFilterSet
from places.models import Cluster, IntegratedCareSystem, Place, PlaceMembership, Region


class IntegratedCareSystemFilter(DatedFilterSet):
    region = django_filters.ChoiceFilter(choices=Region.choices, label="NHS England region (ODS code)")
    ods_code = django_filters.CharFilter(field_name="icb_ods_code", lookup_expr="iexact", label="ICB ODS code")

    class Meta:
        model = IntegratedCareSystem
        fields = ["region", "ods_code", "as_at", "modified_since"]


class PlaceFilter(DatedFilterSet):
    ics = django_filters.ModelChoiceFilter(
        field_name="memberships__ics",
        to_field_name="slug",
        queryset=IntegratedCareSystem.objects.all(),
        label="ICS (slug): places that belonged to it (on the as_at day, with as_at)",
        method="in_ics",
    )
    slug = django_filters.CharFilter(label="Place slug")
    ods_code = django_filters.CharFilter(lookup_expr="iexact", label="Sub-ICB location ODS code")

    class Meta:
        model = Place
        fields = ["ics", "slug", "ods_code", "as_at", "modified_since"]

    def in_ics(self, queryset, name, ics):
        memberships = PlaceMembership.objects.filter(ics=ics)
        day = self.form.cleaned_data.get("as_at")
        if day:
            memberships = memberships.as_at(day)
        return queryset.filter(pk__in=memberships.values("place"))


class PlaceSlugFilter(django_filters.ModelChoiceFilter):
    """A place by its slug (unique across England)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", Place.objects.all())
        kwargs.setdefault("label", "Place (slug)")
        super().__init__(*args, **kwargs)


class ClusterFilter(DatedFilterSet):
    class Meta:
        model = Cluster
        fields = ["as_at", "modified_since"]
