"""A @compiled queryset (ics_portal/core/compiled.py, ADR 16) reads what the queryset it stands for would read,
for any arguments, while its SQL is written once; and a function it cannot safely compile is refused."""

import datetime
import threading

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.db.models.sql.compiler import SQLCompiler

from ics_portal.core.compiled import compiled
from partners.models import Partnership
from places.models import PlaceMembership
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)


def partnerships(ics_id, day, kinds_left_out):
    return (
        Partnership.objects.as_at(day)
        .filter(ics=ics_id)
        .exclude(organisation__kind__in=kinds_left_out)
        .select_related("organisation", "place")
        .order_by(Lower("organisation__name"), "pk")
    )


@compiled
def compiled_partnerships(ics_id: int, day: datetime.date, kinds_left_out: tuple[str, ...]):
    return partnerships(ics_id, day, kinds_left_out)


@pytest.fixture
def two_systems():
    """Two ICSs' partners of three kinds, some ended before DAY, some begun after it."""
    systems = [f.IntegratedCareSystemFactory(), f.IntegratedCareSystemFactory()]
    for ics in systems:
        for kind in ("university", "hospice", "vcse"):
            for dates in ({}, {"end_date": DAY.replace(month=5)}, {"start_date": DAY.replace(month=7)}):
                f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(kind=kind), **dates)
    return systems


@pytest.mark.parametrize("kinds_left_out", [(), ("vcse",), ("vcse", "hospice")])
@pytest.mark.parametrize("day", [DAY, DAY.replace(month=8), DAY.replace(year=2024)])
def test_reads_what_the_queryset_reads_for_any_arguments(two_systems, day, kinds_left_out):
    for ics in two_systems:
        read = list(compiled_partnerships(ics.pk, day, kinds_left_out))
        expected = list(partnerships(ics.pk, day, kinds_left_out))
        assert read == expected
        assert [(p.organisation.name, p.place) for p in read] == [(p.organisation.name, p.place) for p in expected]


def test_the_sql_is_written_once_per_shape(two_systems, monkeypatch):
    @compiled
    def fresh(ics_id: int, day: datetime.date, kinds_left_out: tuple[str, ...]):
        return partnerships(ics_id, day, kinds_left_out)

    list(fresh(two_systems[0].pk, DAY, ("pcn",)))  # compiled for one kind left out
    written = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: written.append(1) or as_sql(self, *a, **k))
    for ics in two_systems:
        for kind in ("vcse", "hospice"):
            assert {p.ics_id for p in fresh(ics.pk, DAY.replace(month=9), (kind,))} == {ics.pk}
    assert written == []
    list(fresh(two_systems[0].pk, DAY, ("pcn", "vcse")))  # two kinds left out: another statement
    assert written


def test_a_compiled_queryset_cannot_be_refined():
    queryset = compiled_partnerships(1, DAY, ())
    with pytest.raises(TypeError, match="cannot be refined"):
        queryset.filter(role="member")
    with pytest.raises(TypeError, match="cannot be refined"):
        queryset.count()


def test_arguments_of_another_type_are_refused():
    with pytest.raises(TypeError, match="takes int, date, tuple"):
        compiled_partnerships("1", DAY, ())
    with pytest.raises(TypeError, match="takes int, date, tuple"):
        compiled_partnerships(1, DAY, ["gp_practice"])


def test_a_function_whose_sql_depends_on_an_argument_is_refused():
    @compiled
    def odd_or_even(ics_id: int):
        queryset = PlaceMembership.objects.filter(ics=ics_id)
        return queryset.filter(start_date__isnull=True) if ics_id % 2 else queryset

    @compiled
    def before_or_after(day: datetime.date):
        return PlaceMembership.objects.as_at(day) if day < DAY else PlaceMembership.objects.started_by(day)

    for branching, argument in ((odd_or_even, 1), (before_or_after, DAY)):
        with pytest.raises(ValueError, match="builds different SQL"):
            list(branching(argument))


def test_a_function_that_changes_an_argument_is_refused():
    @compiled
    def the_day_after(day: datetime.date):
        return PlaceMembership.objects.as_at(day + datetime.timedelta(days=1))

    with pytest.raises(ValueError, match="passes an argument on changed"):
        list(the_day_after(DAY))


def test_a_prefetch_built_from_an_argument_is_refused():
    @compiled
    def with_places_then(ics_id: int, day: datetime.date):
        then = PlaceMembership.objects.as_at(day)
        return Partnership.objects.filter(ics=ics_id).prefetch_related(Prefetch("ics__place_memberships", then))

    with pytest.raises(ValueError, match="prefetches with an argument"):
        list(with_places_then(1, DAY))


@pytest.mark.django_db(transaction=True)
def test_a_statement_compiled_in_one_thread_reads_in_another(two_systems):
    """runserver and threaded workers answer each request in a thread of its own, with its own connection."""
    ics = two_systems[0]
    expected = list(compiled_partnerships(ics.pk, DAY, ()))  # compiled here, on this thread's connection
    read = []

    def in_another_thread():
        try:
            read.extend(compiled_partnerships(ics.pk, DAY, ()))
        finally:
            connection.close()

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    assert read == expected and len(read) == 3
