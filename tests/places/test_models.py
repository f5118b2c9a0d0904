import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from places.models import Place
from tests.factories import IcsStageFactory, IntegratedCareSystemFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def test_icb_ods_code_format_is_enforced():
    ics = IntegratedCareSystemFactory.build(icb_ods_code="XWO")
    with pytest.raises(ValidationError) as error:
        ics.full_clean()
    assert "icb_ods_code" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ics.save()


def test_place_slug_is_unique_within_its_ics_only():
    first = PlaceFactory(slug="bassetlaw")
    PlaceFactory(slug="bassetlaw")  # another ICS: allowed, as when a place moved ICS
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceFactory(ics=first.ics, slug="bassetlaw")


def test_place_as_at_shows_a_move_between_systems():
    before = PlaceFactory(name="Bassetlaw", end_date=datetime.date(2022, 6, 30))
    after = PlaceFactory(name="Bassetlaw", start_date=datetime.date(2022, 7, 1))
    assert list(Place.objects.as_at(datetime.date(2021, 4, 1))) == [before]
    assert list(Place.objects.as_at(datetime.date(2023, 4, 1))) == [after]


def test_stage_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        IcsStageFactory(start_date=datetime.date(2022, 7, 1), end_date=datetime.date(2022, 6, 1))
