"""England's 2025-2027 ICB changes as loaded by load_demo (places/reorganisation_data.py), on real PostgreSQL."""

import datetime

import pytest
from django.core.management import call_command

from places.models import (
    Cluster,
    IcsStage,
    IcsSuccession,
    IntegratedCareSystem,
    MapOutline,
    Place,
    PlaceMembership,
    PlannedChange,
)
from places.outlines import refresh_outlines

BEFORE, AFTER = datetime.date(2026, 3, 31), datetime.date(2026, 4, 1)
NEW_CODES = {"T6Y0W", "D7T5G", "S1Y5D", "S9B9J", "Z9B2Z", "S0E4D"}

pytestmark = pytest.mark.usefixtures("loaded_demo", "db")


def ics(code):
    return IntegratedCareSystem.objects.get(icb_ods_code=code)


def test_42_icss_until_31_march_2026_and_36_from_1_april():
    systems = IntegratedCareSystem.objects
    assert systems.as_at(datetime.date(2021, 4, 1)).count() == 42
    assert systems.as_at(BEFORE).count() == 42
    assert systems.as_at(AFTER).count() == 36
    assert set(systems.filter(start_date=AFTER).values_list("icb_ods_code", flat=True)) == NEW_CODES
    assert systems.filter(end_date=BEFORE).count() == 12


def test_a_new_ics_has_its_codes_region_statutory_stage_and_source():
    essex = ics("D7T5G")
    assert (essex.name, essex.slug, essex.gss_code, essex.region) == (
        "Essex Integrated Care System",
        "essex",
        "E54000066",
        "Y61",
    )
    assert essex.source == "icb_changes_2026.csv" and essex.source_url.startswith("https://github.com/rcpch/")
    stage = essex.stages.get()
    assert (stage.stage, stage.start_date, stage.end_date) == (IcsStage.Stage.STATUTORY_ICS, AFTER, None)
    assert stage.name_then == "NHS Essex Integrated Care Board"
    assert ics("Z9B2Z").region == "Y56" and ics("S0E4D").region == "Y59"


def test_an_abolished_ics_ends_with_its_last_stage():
    frimley = ics("QNQ")
    assert frimley.end_date == BEFORE
    assert frimley.stages.order_by("start_date").last().end_date == BEFORE


def test_norfolk_and_suffolk_succeeds_norfolk_and_waveney_wholly_and_snee_in_part():
    successions = IcsSuccession.objects.filter(successor__icb_ods_code="T6Y0W", date=AFTER)
    kinds = {s.predecessor.icb_ods_code: s.kind for s in successions}
    assert kinds == {"QMM": "merger", "QJG": "boundary_change"}
    moved = successions.get(predecessor__icb_ods_code="QJG").places.values_list("ods_code", flat=True)
    assert set(moved) == {"06L", "07K"}


def test_frimley_divided_three_ways_and_east_berkshire_created():
    successions = IcsSuccession.objects.filter(predecessor__icb_ods_code="QNQ")
    assert {s.successor.icb_ods_code: s.kind for s in successions} == {
        "S0E4D": "boundary_change",
        "S9B9J": "boundary_change",
        "QRL": "acquisition",
    }
    assert "92A" in successions.get(successor__icb_ods_code="S9B9J").note
    assert "D9Y0V" in successions.get(successor__icb_ods_code="QRL").note
    d4u1y = Place.objects.get(ods_code="D4U1Y")
    assert d4u1y.end_date == BEFORE and d4u1y.memberships.get().end_date == BEFORE
    east_berkshire = Place.objects.get(ods_code="U2G6B")
    assert (east_berkshire.name, east_berkshire.gss_code, east_berkshire.start_date) == ("East Berkshire", "", AFTER)
    assert east_berkshire.memberships.get().ics.icb_ods_code == "S0E4D"
    assert list(successions.get(successor__icb_ods_code="S0E4D").places.all()) == [east_berkshire]


def test_a_moved_place_is_one_place_in_one_ics_each_day():
    north_east_essex = Place.objects.get(ods_code="06T")
    assert north_east_essex.memberships.as_at(BEFORE).get().ics.icb_ods_code == "QJG"
    assert north_east_essex.memberships.as_at(AFTER).get().ics.icb_ods_code == "D7T5G"
    assert PlaceMembership.objects.filter(place__ods_code="06T").values("place_id").distinct().count() == 1


def test_hiow_keeps_its_code_with_a_new_ons_code_and_the_old_one_in_its_stage():
    hiow = ics("QRL")
    assert hiow.is_current_on(BEFORE) and hiow.is_current_on(AFTER)
    assert hiow.gss_code == "E54000067"
    stage = hiow.stages.get(stage=IcsStage.Stage.STATUTORY_ICS)
    assert stage.gss_code_then == "E54000042" and "E54000067 from 1 April 2026" in stage.note


def test_clusters_say_when_their_start_is_only_the_sources_date():
    central_east = Cluster.objects.get(name__startswith="Central East")
    assert (central_east.start_date, central_east.start_from_source) == (datetime.date(2025, 10, 1), False)
    assert central_east.end_date == BEFORE
    shropshire = Cluster.objects.get(name__startswith="Shropshire")
    assert (shropshire.start_date, shropshire.start_from_source, shropshire.end_date) == (
        datetime.date(2025, 9, 30),
        True,
        None,
    )
    essex = Cluster.objects.get(name__startswith="Essex cluster")
    assert (essex.start_date, essex.start_from_source) == (datetime.date(2025, 9, 9), True)
    assert "HCWS915" in essex.note and "CONFLICT" in essex.note
    assert set(essex.memberships.values_list("ics__icb_ods_code", flat=True)) == {"QH8", "QJG", "QM7"}
    assert Cluster.objects.count() == 14


def test_planned_and_unconfirmed_changes_are_plans_not_structure():
    plans = PlannedChange.objects.all()
    assert {(p.kind, p.status) for p in plans} == {
        ("merger", "planned"),
        ("merger", "unconfirmed"),
        ("cluster", "unconfirmed"),
    }
    shropshire = plans.get(title="Merger of Shropshire, Telford and Wrekin with Staffordshire and Stoke-on-Trent")
    assert shropshire.expected == "2027" and shropshire.source_url
    assert set(shropshire.icss.values_list("icb_ods_code", flat=True)) == {"QOC", "QNC"}
    assert plans.get(title__startswith="Merger of Dorset").expected == "April 2027"
    planned = {"QOC", "QNC", "QVV", "QSL", "QOX", "QR1", "QUY", "QKK", "QWE"}
    assert not IcsSuccession.objects.filter(predecessor__icb_ods_code__in=planned).exists()
    assert all(ics(code).end_date is None for code in planned)
    assert not Cluster.objects.filter(name__icontains="South East London").exists()
    assert IntegratedCareSystem.objects.count() == 48


def test_districts_of_each_place():
    assert "Leeds" in Place.objects.get(ods_code="15F").district_list
    assert Place.objects.get(ods_code="06T").district_list == ["Colchester", "Tendring"]
    assert Place.objects.get(ods_code="U2G6B").districts == ""


def test_map_outlines_change_on_1_april_2026():
    hiow = MapOutline.objects.filter(ics__icb_ods_code="QRL")
    before, after = hiow.as_at(BEFORE).get(), hiow.as_at(AFTER).get()
    assert before.pk != after.pk and after.start_date == AFTER and after.end_date is None
    assert "Frimley" in after.caption
    assert MapOutline.objects.filter(ics__icb_ods_code="T6Y0W").get().start_date == AFTER
    assert not MapOutline.objects.filter(ics__icb_ods_code="QNQ").as_at(AFTER).exists()
    (frimley,) = MapOutline.objects.filter(ics=None)
    assert (frimley.start_date, frimley.end_date) == (AFTER, None)
    assert frimley.caption.startswith("Frimley's former area (sub-ICB location D4U1Y) was divided on 1 April 2026")
    count = MapOutline.objects.count()
    assert refresh_outlines() == count == MapOutline.objects.count()


def test_running_load_demo_again_changes_nothing():
    from django.apps import apps

    def counts():
        return {model._meta.label: model.objects.count() for model in apps.get_models() if model is not MapOutline}

    before = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == before
