import datetime

import django_filters
import pytest

from governance import filters as governance_filters
from ics_portal.core.filters import DatedFilterSet, PortalFilterSet, StrictBooleanFilter
from partners import filters as partners_filters
from partners.models import Organisation
from places import filters as places_filters


class _Flags(PortalFilterSet):
    flag = StrictBooleanFilter()


def _cleaned(data):
    filterset = _Flags(data, queryset=Organisation.objects.none())
    assert filterset.is_valid(), filterset.errors
    return filterset.form.cleaned_data


def _errors(data):
    filterset = _Flags(data, queryset=Organisation.objects.none())
    assert not filterset.is_valid()
    return filterset.errors


def _filtersets():
    modules = (places_filters, partners_filters, governance_filters)
    return [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, django_filters.FilterSet)
        and value.__module__ == module.__name__
    ]


def test_every_filterset_inherits_modified_since_from_the_base():
    filtersets = _filtersets()
    assert len(filtersets) >= 12
    shared = PortalFilterSet.declared_filters["modified_since"]
    for filterset in filtersets:
        assert issubclass(filterset, PortalFilterSet), filterset
        assert filterset.base_filters["modified_since"] is shared, filterset
        assert "modified_since" not in vars(filterset), filterset


def test_dated_filtersets_add_as_at_to_the_base():
    assert issubclass(DatedFilterSet, PortalFilterSet)
    assert list(DatedFilterSet.base_filters) == ["modified_since", "as_at"]
    dated = {f.__name__ for f in _filtersets() if issubclass(f, DatedFilterSet)}
    assert dated == {
        "PlaceFilter",
        "OrganisationFilter",
        "PartnershipFilter",
        "ProgrammeFilter",
        "BoardFilter",
        "BoardMembershipFilter",
        "MoUFilter",
    }


def test_modified_since_reads_iso_8601_and_compares_in_utc():
    modified_since = PortalFilterSet.base_filters["modified_since"]
    assert (modified_since.field_name, modified_since.lookup_expr) == ("modified_at", "gte")
    assert modified_since.label == "Modified since (ISO 8601)"
    value = _cleaned({"modified_since": "2024-06-01T12:00:00+05:30"})["modified_since"]
    assert value == datetime.datetime(2024, 6, 1, 6, 30, tzinfo=datetime.UTC)
    assert value.tzinfo is datetime.UTC


def test_modified_since_refuses_what_it_cannot_read():
    assert _errors({"modified_since": "yesterday"}) == {"modified_since": ["Enter a valid date/time."]}
    # Valid ISO 8601 but outside what a datetime holds once moved to UTC.
    assert _errors({"modified_since": "0001-01-01T00:00:00+01:00"}) == {
        "modified_since": ["That date and time is out of range."]
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("True", True), ("false", False), ("False", False), ("", None), ("unknown", None)],
)
def test_strict_boolean_takes_the_words(raw, expected):
    assert _cleaned({"flag": raw})["flag"] is expected


@pytest.mark.parametrize("raw", ["2", "3", "1", "0", "yes", "TRUE"])
def test_strict_boolean_refuses_anything_else(raw):
    assert _errors({"flag": raw}) == {"flag": ["Use true or false."]}
