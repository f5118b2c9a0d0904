"""Filters for ICS and place lists, shared by the pages and the API."""

import django_filters
from django.core.exceptions import MultipleObjectsReturned, ValidationError
from django_filters.fields import ModelChoiceField

from ics_portal.core.filters import DatedFilterSet, PortalFilterSet
from places.models import IntegratedCareSystem, Place, Region


class IntegratedCareSystemFilter(PortalFilterSet):
    region = django_filters.ChoiceFilter(choices=Region.choices, label="NHS England region (ODS code)")
    ods_code = django_filters.CharFilter(field_name="icb_ods_code", lookup_expr="iexact", label="ICB ODS code")

    class Meta:
        model = IntegratedCareSystem
        fields = ["region", "ods_code", "modified_since"]


class PlaceFilter(DatedFilterSet):
    ics = django_filters.ModelChoiceFilter(
        field_name="ics", to_field_name="slug", queryset=IntegratedCareSystem.objects.all(), label="ICS (slug)"
    )
    slug = django_filters.CharFilter(label="Place slug (unique within an ICS)")
    ods_code = django_filters.CharFilter(lookup_expr="iexact", label="Sub-ICB location ODS code")

    class Meta:
        model = Place
        fields = ["ics", "slug", "ods_code", "as_at", "modified_since"]


class _PlaceSlugField(ModelChoiceField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except MultipleObjectsReturned:
            raise ValidationError(
                "Places in more than one ICS have this slug: give the ICS too (ics=…).", code="ambiguous"
            ) from None


def places_of_requested_ics(request):
    """Place slugs are unique only within an ICS, so look a slug up within the ICS asked for, if any."""
    places = Place.objects.all()
    ics = request.GET.get("ics") if request is not None else None
    return places.filter(ics__slug=ics) if ics else places


class PlaceSlugFilter(django_filters.ModelChoiceFilter):
    """A place by its slug, within the `ics` filter's ICS when one is given (400 if still ambiguous)."""

    field_class = _PlaceSlugField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", places_of_requested_ics)
        kwargs.setdefault("label", "Place (slug)")
        super().__init__(*args, **kwargs)
