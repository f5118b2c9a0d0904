import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from places.models import PlaceMembership
from tests.factories import IcsStageFactory, IntegratedCareSystemFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def test_icb_ods_code_format_is_enforced():
    ics = IntegratedCareSystemFactory.build(icb_ods_code="XWO")
    with pytest.raises(ValidationError) as error:
        ics.full_clean()
    assert "icb_ods_code" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ics.save()


def test_a_place_slug_is_unique_across_england():
    PlaceFactory(slug="bassetlaw")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceFactory(slug="bassetlaw")


def test_a_place_that_moved_is_one_place_in_each_ics_on_its_days():
    south_yorkshire, nottinghamshire = IntegratedCareSystemFactory(), IntegratedCareSystemFactory()
    bassetlaw = PlaceFactory(name="Bassetlaw", ics=None)
    PlaceMembership.objects.create(place=bassetlaw, ics=south_yorkshire, end_date=datetime.date(2022, 6, 30))
    PlaceMembership.objects.create(place=bassetlaw, ics=nottinghamshire, start_date=datetime.date(2022, 7, 1))
    in_ics_on = lambda day: list(PlaceMembership.objects.as_at(day).values_list("place", "ics"))  # noqa: E731
    assert in_ics_on(datetime.date(2022, 6, 30)) == [(bassetlaw.pk, south_yorkshire.pk)]
    assert in_ics_on(datetime.date(2022, 7, 1)) == [(bassetlaw.pk, nottinghamshire.pk)]


def test_the_database_refuses_a_place_in_two_icss_on_one_day():
    bassetlaw = PlaceFactory(ics=None)
    PlaceMembership.objects.create(
        place=bassetlaw, ics=IntegratedCareSystemFactory(), end_date=datetime.date(2022, 7, 1)
    )
    membership = PlaceMembership(
        place=bassetlaw, ics=IntegratedCareSystemFactory(), start_date=datetime.date(2022, 7, 1)
    )
    with pytest.raises(ValidationError, match="another ICS for part of that period"):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_stage_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        IcsStageFactory(start_date=datetime.date(2022, 7, 1), end_date=datetime.date(2022, 6, 1))
