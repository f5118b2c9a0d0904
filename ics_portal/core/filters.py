"""Filters every list shares, for the pages and the API alike.

- `PortalFilterSet`: the base of every FilterSet; it brings `modified_since`, for clients that sync.
- `DatedFilterSet`: adds `as_at`, a day, for lists of dated records.
- `ModifiedSinceFilter` and `StrictBooleanFilter`: filters that refuse what they cannot read (a 400,
  not a value silently dropped).

Every filter value is at most MAX_VALUE_LENGTH characters (the longest name, code or slug the portal
holds is 200), checked before any filter looks it up; NUL characters never get this far
(`NulCharacterMiddleware`). A date outside the days the portal records is refused as well.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

from .date_range import validate_day

MAX_VALUE_LENGTH = 200


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


class _BoundedForm(forms.Form):
    """A filter form that refuses an over-long value before its field cleans it (a look-up, for a choice)."""

    def full_clean(self):
        too_long = [name for name, field in self.fields.items() if self.is_bound and self._too_long(name, field)]
        if not too_long:
            return super().full_clean()
        fields = self.fields
        self.fields = {name: field for name, field in fields.items() if name not in too_long}
        try:
            super().full_clean()
        finally:
            self.fields = fields
        for name in too_long:
            self.add_error(name, ValidationError(f"Enter at most {MAX_VALUE_LENGTH} characters.", code="max_length"))

    def _too_long(self, name, field) -> bool:
        raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        values = raw if isinstance(raw, list | tuple) else [raw]
        return any(isinstance(value, str) and len(value) > MAX_VALUE_LENGTH for value in values)


class PortalDateFilter(django_filters.DateFilter):
    """A day the portal records (date_range.EARLIEST to LATEST); another is a 400, not a list of nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra["validators"] = [*self.extra.get("validators", ()), validate_day]


class PortalFilterSet(django_filters.FilterSet):
    """The base of every list's FilterSet: `modified_since`, declared once; values of bounded length.

    Subclasses list it in `Meta.fields` to place it among their own filters. Leave
    `filter_queryset` alone here: the API skips a FilterSet that filters the standard
    way when no parameter names one of its filters (ics_portal/api/filtering.py).
    """

    modified_since = ModifiedSinceFilter()

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (_BoundedForm, form_class), {})


class DatedFilterSet(PortalFilterSet):
    """A list of dated records: `as_at` a day, on top of `modified_since`."""

    as_at = PortalDateFilter(method="filter_as_at", label="As at (YYYY-MM-DD)")

    def filter_as_at(self, queryset, name, value):
        return queryset.as_at(value)
