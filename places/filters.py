"""Filters for ICS and place lists, shared by the pages and the API."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import MultipleObjectsReturned, ValidationError
from django_filters.fields import IsoDateTimeField, ModelChoiceField

from ics_portal.core.filters import DatedFilterSet
from places.models import IntegratedCareSystem, Place, Region


class _UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            # PostgreSQL takes offsets up to ±15:59, ISO 8601 up to ±23:59: compare in UTC.
            return value.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise ValidationError("That date and time is out of range.", code="invalid") from None


class ModifiedSinceFilter(django_filters.IsoDateTimeFilter):
    """Rows changed at or after an ISO 8601 moment, for clients that sync."""

    field_class = _UtcIsoDateTimeField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "modified_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", "Modified since (ISO 8601)")
        super().__init__(**kwargs)


class _StrictNullBooleanSelect(forms.NullBooleanSelect):
    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        if raw in (None, "", "unknown"):
            return None
        # Only the words: Django's widget also takes "2" and "3" (its old option values) and drops the rest.
        return {"true": True, "false": False, "True": True, "False": False}.get(raw, raw)


class _StrictNullBooleanField(forms.NullBooleanField):
    widget = _StrictNullBooleanSelect

    def to_python(self, value):
        if value in (True, False, None):
            return value
        raise ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """true or false (or absent); anything else is a 400, not silently ignored."""

    field_class = _StrictNullBooleanField


class IntegratedCareSystemFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(choices=Region.choices, label="NHS England region (ODS code)")
    ods_code = django_filters.CharFilter(field_name="icb_ods_code", lookup_expr="iexact", label="ICB ODS code")
    modified_since = ModifiedSinceFilter()

    class Meta:
        model = IntegratedCareSystem
        fields = ["region", "ods_code", "modified_since"]


class PlaceFilter(DatedFilterSet):
    ics = django_filters.ModelChoiceFilter(
        field_name="ics", to_field_name="slug", queryset=IntegratedCareSystem.objects.all(), label="ICS (slug)"
    )
    slug = django_filters.CharFilter(label="Place slug (unique within an ICS)")
    ods_code = django_filters.CharFilter(lookup_expr="iexact", label="Sub-ICB location ODS code")
    modified_since = ModifiedSinceFilter()

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
