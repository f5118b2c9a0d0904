"""After load_demo: the facts of data/public_record_2016_2021.md show as public record, each with its document."""

import pytest
from django.core.management import call_command
from django.db import transaction

from governance.models import Board, BoardMembership, Meeting, MoU
from ics_portal.core.models import Provenance

CM_PARTNERSHIP_BOARD = "/boards/cheshire-and-merseyside-partnership-board/"
DEVELOPMENT_ADVISORY_GROUP = "/boards/cheshire-and-merseyside-development-advisory-group/"
WIRRAL_ITEM = "/boards/wirral-council-committee-ics-icp-developments/meetings/ics-and-icp-developments-2021/"
WEST_YORKSHIRE_MOU = "/mous/west-yorkshire-and-harrogate-memorandum-of-understanding/"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """load_demo once for the module (it takes seconds), rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    """Each test in a savepoint inside the module's load."""


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_cheshire_and_merseyside_partnership_board_is_public_record_with_its_source(client, loaded):
    html = page(client, CM_PARTNERSHIP_BOARD)
    assert "Public record:" in html
    assert "&quot;Journey to becoming an ICS&quot;" in html
    assert "Cheshire and Merseyside Health and Care Partnership; 2020" in html
    assert "Sample data</strong>" not in html.split("<main", 1)[1].split("</h1>", 1)[0]
    board = Board.objects.get(slug="cheshire-and-merseyside-partnership-board")
    assert board.provenance == Provenance.PUBLIC_RECORD
    assert not board.memberships.exists()  # the sample chair it had is gone: the source names none
    assert Board.objects.filter(name="Cheshire and Merseyside Partnership Board").count() == 1


def test_development_advisory_group_lists_its_three_members_as_posts(client, loaded):
    html = page(client, DEVELOPMENT_ADVISORY_GROUP)
    for post, organisation in [
        ("Chief Executive of Wirral Council", "Wirral Borough Council"),
        ("Director for Adult Care and Health, Wirral Council", "Wirral Borough Council"),
        ("Chief Officer of NHS Wirral CCG", "NHS Wirral CCG"),
    ]:
        assert post in html
        assert organisation in html
    assert html.count("Holder of the post not named in the source") == 3
    assert BoardMembership.objects.filter(board__slug="cheshire-and-merseyside-development-advisory-group").count() == 3


def test_wirral_committee_item_shows_its_three_resolutions(client, loaded):
    html = page(client, WIRRAL_ITEM)
    assert "Integrated Care System and Integrated Care Partnership Developments – update" in html
    decided = html.split("Decided", 1)[1].split("</ul>", 1)[0]
    assert decided.count("<li>") == 3
    assert "That the report be noted." in decided
    assert "further written reports on the progress of the ICS and ICPs" in decided
    assert "all-member workshop" in decided


def test_a_meeting_the_source_does_not_date_says_so(client, loaded):
    html = page(client, WIRRAL_ITEM)
    assert "<h1>Date not stated in the source" in html
    assert Meeting.objects.get(slug="ics-and-icp-developments-2021").starts_at is None
    board_html = page(client, "/boards/wirral-council-committee-ics-icp-developments/")
    assert "Dates not stated in the source" in board_html  # the board's own dates
    assert ">Date not stated in the source</a>" in board_html  # its meeting, listed


def test_west_yorkshire_mou_shows_as_in_development_not_signed(client, loaded):
    html = page(client, WEST_YORKSHIRE_MOU)
    assert ">Draft</strong>" in html
    assert "nothing has been agreed at this stage" in html
    assert "No: not agreed" in html
    assert "Nobody has signed it yet." in html
    assert "nhsuk-tag--green" not in html
    mou = MoU.objects.get(slug="west-yorkshire-and-harrogate-memorandum-of-understanding")
    assert mou.status == MoU.Status.DRAFT and not mou.signatories.exists()
    assert mou.provenance == Provenance.PUBLIC_RECORD and "WYH-FAQ" in mou.source


def test_every_public_record_row_names_its_source(loaded):
    for model in (Board, BoardMembership, Meeting, MoU):
        real = model.objects.filter(provenance=Provenance.PUBLIC_RECORD)
        assert real.exists(), model
        assert not real.filter(source="").exists(), model


def test_no_sample_seat_represents_an_organisation_outside_its_operating_dates(loaded):
    """Across the whole demo data: CCGs closed on 30 June 2022, ICBs began on 1 July 2022."""
    seats = BoardMembership.objects.filter(provenance=Provenance.SAMPLE, organisation__isnull=False)
    assert seats.exists()
    wrong = []
    for seat in seats.select_related("organisation", "board"):
        org = seat.organisation
        if org.start_date and (seat.start_date is None or seat.start_date < org.start_date):
            wrong.append(seat)
        if org.end_date and (seat.end_date is None or seat.end_date > org.end_date):
            wrong.append(seat)
    assert wrong == []


def test_the_api_gives_each_public_record_row_its_source(client, loaded):
    board = client.get("/api/v1/boards/cheshire-and-merseyside-partnership-board/").json()
    assert board["provenance"] == "public_record"
    assert board["source"].endswith("[CM-JOURNEY]")
    assert board["start_date"] is None
