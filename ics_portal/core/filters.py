"""Filters every dated list shares: `as_at` a day, and `modified_since` for syncing."""

import django_filters


class DatedFilterSet(django_filters.FilterSet):
    as_at = django_filters.DateFilter(method="filter_as_at", label="As at (YYYY-MM-DD)")
    modified_since = django_filters.IsoDateTimeFilter(
        field_name="modified_at", lookup_expr="gte", label="Modified since (ISO 8601)"
    )

    def filter_as_at(self, queryset, name, value):
        return queryset.as_at(value)
