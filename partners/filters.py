"""The partner directory's filters, shared by the HTML page and the API."""

import django_filters
from django.db.models import Q

from ics_portal.core.filters import DatedFilterSet, StrictBooleanFilter
from partners.models import Organisation, Partnership
from places.filters import PlaceSlugFilter
from places.models import IntegratedCareSystem


class OrganisationFilter(DatedFilterSet):
    ics = django_filters.ModelChoiceFilter(
        field_name="partnerships__ics",
        to_field_name="slug",
        queryset=IntegratedCareSystem.objects.all(),
        label="ICS",
        method="filter_partner_of",
    )
    place = PlaceSlugFilter(field_name="partnerships__place", label="Place", method="filter_partner_of")
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)
    sector = django_filters.ChoiceFilter(choices=Organisation.Sector.choices)
    ods_code = django_filters.CharFilter(field_name="ods_code", lookup_expr="iexact", label="ODS code")
    active = StrictBooleanFilter(method="filter_active", label="Operating today")
    q = django_filters.CharFilter(method="filter_text", label="Name or ODS code")
    # The API lists what is true today unless asked otherwise; `active` asks about today itself.
    chooses_by_date = ("active",)

    class Meta:
        model = Organisation
        fields = ["ics", "place", "kind", "sector", "ods_code", "active", "q", "as_at", "modified_since"]

    def filter_partner_of(self, queryset, name, value):
        """Organisations with a partnership in this ICS or place, in force on the as-at day if one is given."""
        partnerships = Partnership.objects.filter(**{name.split("__")[1]: value})
        as_at = self.form.cleaned_data.get("as_at")
        if as_at:
            partnerships = partnerships.as_at(as_at)
        return queryset.filter(pk__in=partnerships.values("organisation_id"))

    def filter_active(self, queryset, name, value):
        current = queryset.current()
        return current if value else queryset.exclude(pk__in=current.values("pk"))

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(ods_code__iexact=value.strip()))


class PartnershipFilter(DatedFilterSet):
    """Memberships of ICSs and places, for the API's partnership list."""

    ics = django_filters.ModelChoiceFilter(
        field_name="ics", to_field_name="slug", queryset=IntegratedCareSystem.objects.all(), label="ICS (slug)"
    )
    place = PlaceSlugFilter(field_name="place")
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisation",
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        label="Organisation (slug)",
    )
    ods_code = django_filters.CharFilter(field_name="organisation__ods_code", lookup_expr="iexact", label="ODS code")
    kind = django_filters.ChoiceFilter(field_name="organisation__kind", choices=Organisation.Kind.choices)
    role = django_filters.ChoiceFilter(choices=Partnership.Role.choices)

    class Meta:
        model = Partnership
        fields = ["ics", "place", "organisation", "ods_code", "kind", "role", "as_at", "modified_since"]
