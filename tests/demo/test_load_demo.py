import datetime

import pytest
from django.core.management import call_command

from governance.models import AgendaItem, Attendance, Board, BoardMembership, Document, Meeting, MoU
from governance.notice import Timeliness, papers_timeliness
from partners.models import Organisation, OrganisationName, Partnership
from places.models import IcsStage, IntegratedCareSystem, Place, PlaceMembership

pytestmark = pytest.mark.django_db

MODELS = [
    IntegratedCareSystem,
    IcsStage,
    Place,
    Organisation,
    OrganisationName,
    Partnership,
    Board,
    BoardMembership,
    Meeting,
    AgendaItem,
    Attendance,
    Document,
    MoU,
]


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "history": Organisation.history.count(),
        "name history": OrganisationName.history.count(),
    }


def test_loads_the_real_reference_data(demo):
    assert IntegratedCareSystem.objects.as_at(datetime.date(2023, 8, 7)).count() == 42
    assert IntegratedCareSystem.objects.count() == 48  # and the six created on 1 April 2026
    west_yorkshire = IntegratedCareSystem.objects.get(icb_ods_code="QWO")
    assert west_yorkshire.gss_code == "E54000054"
    assert Place.objects.get(memberships__ics=west_yorkshire, ods_code="15F").name == "Leeds"
    constitutional = Partnership.objects.filter(role=Partnership.Role.CONSTITUTIONAL_PARTNER, place=None)
    assert constitutional.count() == 444
    assert constitutional.filter(organisation__sector="nhs").count() == 274
    assert constitutional.filter(organisation__kind="local_authority").count() == 170


def test_as_at_2021_and_2023_differ_as_they_really_did(demo):
    west_yorkshire = IntegratedCareSystem.objects.get(icb_ods_code="QWO")
    partners_2021 = Organisation.objects.filter(
        partnerships__in=Partnership.objects.filter(ics=west_yorkshire).as_at(datetime.date(2021, 4, 1))
    )
    partners_2023 = Organisation.objects.filter(
        partnerships__in=Partnership.objects.filter(ics=west_yorkshire).as_at(datetime.date(2023, 8, 7))
    )
    assert len(partners_2021) == 5
    assert {o.kind for o in partners_2021} == {"ccg"}
    assert {"15F", "03R"} <= {o.ods_code for o in partners_2021}
    assert {"RCD", "218", "RR8", "212", "QWO"} <= set(partners_2023.values_list("ods_code", flat=True))
    assert not partners_2021.filter(ods_code="RCD").exists()
    places_2021 = set(
        PlaceMembership.objects.filter(ics=west_yorkshire)
        .as_at(datetime.date(2021, 4, 1))
        .values_list("place__name", flat=True)
    )
    places_2023 = set(
        PlaceMembership.objects.filter(ics=west_yorkshire)
        .as_at(datetime.date(2023, 8, 7))
        .values_list("place__name", flat=True)
    )
    assert places_2021 == {"Bradford District and Craven", "Calderdale", "Harrogate", "Kirklees", "Leeds", "Wakefield"}
    assert places_2023 == places_2021 - {"Harrogate"}
    # Bassetlaw is one place that moved from South Yorkshire and Bassetlaw to Nottingham and Nottinghamshire.
    bassetlaw = Place.objects.get(ods_code="02Q")
    memberships = PlaceMembership.objects.filter(place=bassetlaw)
    assert memberships.as_at(datetime.date(2021, 4, 1)).get().ics.icb_ods_code == "QF7"
    assert memberships.as_at(datetime.date(2023, 4, 1)).get().ics.icb_ods_code == "QT1"


def test_stage_history_keeps_the_names_and_codes_of_the_time(demo):
    stages = IcsStage.objects.filter(ics__icb_ods_code="QWO").order_by("start_date")
    assert [s.stage for s in stages] == ["stp", "shadow_ics", "statutory_ics"]
    assert stages[1].start_date == datetime.date(2018, 5, 24)
    assert stages[0].end_date == datetime.date(2018, 5, 23)
    birmingham = IcsStage.objects.filter(ics__icb_ods_code="QHL")
    assert birmingham.get(stage="stp").gss_code_then == "E54000017"
    assert birmingham.get(stage="statutory_ics").gss_code_then == "E54000055"


def test_running_it_twice_leaves_the_same_rows_and_marks_sample_records(demo):
    # Boards are sample data but for those the published documents name, which are public record.
    assert Board.objects.filter(provenance="sample").exists()
    assert set(Board.objects.exclude(provenance="sample").values_list("provenance", flat=True)) == {"public_record"}
    assert not Board.objects.filter(provenance="sample").exclude(source="").exists()
    assert MoU.objects.filter(published_at__isnull=True).exists()
    before = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == before


def test_the_2023_reorganisation_renames_218_and_905_and_starts_the_cumbrian_councils(demo, client):
    """The partner file names 218 both ways; it is one council, renamed on 1 April 2023."""
    council = Organisation.objects.get(ods_code="218")
    assert council.name == "North Yorkshire Council"
    assert not Organisation.objects.filter(name__icontains="North Yorkshire County").exists()
    assert list(council.names.order_by("end_date").values_list("name", "start_date", "end_date")) == [
        ("North Yorkshire County Council", None, datetime.date(2023, 3, 31)),
        ("North Yorkshire Council", datetime.date(2023, 4, 1), None),
    ]
    assert all("Structural Changes" in source for source in council.names.values_list("source", flat=True))
    somerset = Organisation.objects.with_names().get(ods_code="905")
    assert somerset.name_on(datetime.date(2022, 7, 1)) == "Somerset County Council"
    assert somerset.name_on(datetime.date(2023, 8, 7)) == somerset.name == "Somerset Council"
    for code in ("H6X4G", "W8X1Q"):  # Cumberland, Westmorland and Furness: new councils, new codes
        new_council = Organisation.objects.get(ods_code=code)
        assert new_council.start_date == datetime.date(2023, 4, 1)
        assert set(new_council.partnerships.values_list("start_date", flat=True)) == {datetime.date(2023, 4, 1)}
        assert not new_council.names.exists()

    west_yorkshire = IntegratedCareSystem.objects.get(icb_ods_code="QWO")
    now = client.get(west_yorkshire.get_absolute_url()).content.decode()
    assert "North Yorkshire Council" in now and "North Yorkshire County Council" not in now
    then = client.get(west_yorkshire.get_absolute_url(), {"as_at": "2022-08-01"}).content.decode()
    assert "North Yorkshire County Council" in then and ">North Yorkshire Council<" not in then
    page = client.get(council.get_absolute_url(), {"as_at": "2022-06-01"}).content.decode()
    assert "<h1>North Yorkshire County Council" in page


def test_the_sample_meeting_cycle(demo, client):
    board = Board.objects.get(slug="west-yorkshire-icb-board")
    assert board.quorum == 3 and Board.objects.get(slug="wirral-place-based-partnership-board").quorum_rule
    meeting = Meeting.objects.get(board=board, slug="2026-03-12")
    assert meeting.minutes_approved_at == Meeting.objects.get(board=board, slug="2026-05-14")
    apologies = meeting.attendance.get(status=Attendance.Status.APOLOGIES)
    assert apologies.deputy and meeting.attendance.filter(status=Attendance.Status.PRESENT).exists()
    secret = Document.objects.get(agenda_item__is_confidential=True)
    assert secret not in Document.objects.public()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Confidential (part 2): taken in private" in html and secret.title not in html
    assert "Quorate: 3 of 4 voting members present; the quorum is 3" in html
    timeliness = {
        m.slug + " " + m.board.slug: papers_timeliness(m, m.documents.notice_papers())
        for m in Meeting.objects.filter(provenance="sample", status=Meeting.Status.HELD).select_related("board")
    }
    assert list(timeliness.values()).count(Timeliness.LATE) == 1
    assert set(timeliness.values()) == {Timeliness.ON_TIME, Timeliness.LATE}
