import datetime

import django_filters
import pytest

from governance import filters as governance_filters
from ics_portal.core.filters import DatedFilterSet, ModifiedSinceFilter, PortalFilterSet, StrictBooleanFilter
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
    """Core's filter, shared; or, for records with drafts, governance's subclass of it by the public timestamp."""
    filtersets = _filtersets()
    assert len(filtersets) >= 12
    shared = PortalFilterSet.declared_filters["modified_since"]
    with_drafts = {"BoardFilter", "MeetingFilter", "MoUFilter", "AgendaItemFilter"}
    public_only = {"DecisionFilter"}  # a view's rows, public to everyone: by its item's public timestamp
    for filterset in filtersets:
        assert issubclass(filterset, PortalFilterSet), filterset
        if filterset.__name__ in with_drafts:
            assert type(filterset.base_filters["modified_since"]) is governance_filters.PublicModifiedSinceFilter
            assert issubclass(governance_filters.PublicModifiedSinceFilter, ModifiedSinceFilter)
        elif filterset.__name__ in public_only:
            assert type(filterset.base_filters["modified_since"]) is ModifiedSinceFilter
        else:
            assert filterset.base_filters["modified_since"] is shared, filterset
            assert "modified_since" not in vars(filterset), filterset


def test_dated_filtersets_add_as_at_to_the_base():
    assert issubclass(DatedFilterSet, PortalFilterSet)
    assert list(DatedFilterSet.base_filters) == ["modified_since", "as_at"]
    dated = {f.__name__ for f in _filtersets() if issubclass(f, DatedFilterSet)}
    assert dated == {
        "IntegratedCareSystemFilter",
        "ClusterFilter",
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


@pytest.mark.django_db
def test_a_value_longer_than_any_the_portal_holds_is_refused_before_it_is_looked_up(django_assert_num_queries):
    from ics_portal.core.filters import MAX_VALUE_LENGTH

    assert MAX_VALUE_LENGTH == 200
    filterset = partners_filters.OrganisationFilter(
        {"ics": "x" * 201, "q": "y" * 10_000, "kind": "nhs_trust"}, queryset=Organisation.objects.none()
    )
    with django_assert_num_queries(0):  # the ICS is not looked up
        assert not filterset.is_valid()
    assert filterset.errors == {"ics": ["Enter at most 200 characters."], "q": ["Enter at most 200 characters."]}
    assert filterset.form.cleaned_data["kind"] == "nhs_trust"  # the other filters still clean


def test_a_value_of_the_longest_length_is_read():
    assert _cleaned({"flag": "true", "modified_since": "2024-06-01T12:00:00Z" + " " * 179}) is not None


@pytest.mark.parametrize("day", ["0144-03-07", "1948-07-04", "2100-01-01"])
def test_as_at_and_meeting_days_outside_the_portals_range_are_refused(day):
    expected = f"Enter a date from 5 July 1948 (the NHS's first day) to 31 December 2099; {day} is outside"
    places = places_filters.PlaceFilter({"as_at": day}, queryset=Organisation.objects.none())
    assert not places.is_valid() and places.errors["as_at"][0].startswith(expected)
    meetings = governance_filters.MeetingFilter(
        {"starts_after": day, "starts_before": day}, queryset=Organisation.objects.none()
    )
    assert not meetings.is_valid()
    assert set(meetings.errors) == {"starts_after", "starts_before"}


@pytest.mark.parametrize("day", ["1948-07-05", "2099-12-31"])
def test_the_first_and_last_days_are_in_range(day):
    places = places_filters.PlaceFilter({"as_at": day}, queryset=Organisation.objects.none())
    assert places.is_valid(), places.errors
