"""ICB organisations and partnerships across 1 April 2026, and councils placed by district name."""

import datetime

import pytest

from partners.models import Organisation, Partnership
from partners.reference_data import council_key
from partners.selectors import unplaced_council_names
from places.models import IntegratedCareSystem

BEFORE, AFTER = datetime.date(2026, 3, 31), datetime.date(2026, 4, 1)

pytestmark = pytest.mark.usefixtures("loaded_demo", "db")


def test_old_icbs_end_with_their_one_successor_and_new_icbs_are_partners_of_their_ics():
    mid_and_south_essex = Organisation.objects.get(ods_code="QH8")
    assert (mid_and_south_essex.end_date, mid_and_south_essex.successor.ods_code) == (BEFORE, "D7T5G")
    assert Organisation.objects.get(ods_code="QJG").successor is None  # divided between two
    essex = Organisation.objects.get(ods_code="D7T5G")
    assert (essex.kind, essex.name, essex.start_date) == ("icb", "NHS Essex Integrated Care Board", AFTER)
    (partnership,) = essex.partnerships.all()
    assert (partnership.ics.icb_ods_code, partnership.role, partnership.start_date) == ("D7T5G", "icb", AFTER)
    assert Organisation.objects.filter(kind="icb").as_at(AFTER).count() == 36


def test_partnerships_with_an_abolished_ics_end_with_it_and_none_are_invented_for_new_ones():
    assert not Partnership.objects.filter(ics__icb_ods_code="QJG").exclude(end_date__lte=BEFORE).exists()
    assert Partnership.objects.filter(ics__icb_ods_code="QJG").as_at(BEFORE).exists()
    new = IntegratedCareSystem.objects.filter(start_date=AFTER)
    assert set(Partnership.objects.filter(ics__in=new).values_list("role", flat=True)) == {"icb"}


def test_council_names_and_districts_compare_without_the_words_for_their_kind():
    assert council_key("Leeds City Council") == council_key("Leeds") == "leeds"
    assert council_key("City of Bradford Metropolitan District Council") == "bradford"
    assert council_key("Royal Borough of Kingston-Upon-Thames Council") == council_key("Kingston upon Thames")
    assert council_key("Bath & North East Somerset Council") == council_key("Bath and North East Somerset")


def test_a_council_is_placed_at_the_one_place_with_its_district():
    leeds = Partnership.objects.get(organisation__ods_code="212", place__isnull=False)
    assert (leeds.place.ods_code, leeds.ics.icb_ods_code, leeds.role) == ("15F", "QWO", "constitutional_partner")
    assert leeds.source.endswith("(placed by district name)")
    twin = Partnership.objects.get(organisation__ods_code="212", place=None)
    assert (leeds.start_date, leeds.end_date) == (twin.start_date, twin.end_date)


def test_councils_not_placed_are_listed_for_their_ics_page():
    west_yorkshire = IntegratedCareSystem.objects.get(icb_ods_code="QWO")
    # Council 218 is one organisation with two names (North Yorkshire Council since 1 April 2023): named as
    # on the day asked, by its name now when no day is.
    assert unplaced_council_names(west_yorkshire) == ["North Yorkshire Council"]
    assert unplaced_council_names(west_yorkshire, datetime.date(2022, 8, 1)) == ["North Yorkshire County Council"]
    assert "Leeds City Council" not in unplaced_council_names(west_yorkshire)
    suffolk = IntegratedCareSystem.objects.get(icb_ods_code="QJG")
    assert unplaced_council_names(suffolk, AFTER) == []
    assert unplaced_council_names(suffolk, BEFORE) == ["Essex County Council", "Suffolk County Council"]
