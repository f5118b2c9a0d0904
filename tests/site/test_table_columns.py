"""A column that is empty in every row is left out of its table; a stage every system shares is said once."""

import datetime

import pytest

from places.models import IcsStage
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = '<th class="nhsuk-table__header" scope="col" role="columnheader">{}</th>'


def test_the_home_page_says_a_shared_stage_once_instead_of_in_every_row(client):
    for _ in range(3):
        f.IcsStageFactory(ics=f.IntegratedCareSystemFactory(), stage=IcsStage.Stage.STATUTORY_ICS)

    html = client.get("/").content.decode()

    assert HEADER.format("Stage") not in html
    assert "Every one listed is at the same stage: statutory integrated care system." in html
    assert HEADER.format("ICB code") in html


def test_the_home_page_keeps_the_stage_column_when_stages_differ(client):
    day = datetime.date(2022, 7, 1)
    f.IcsStageFactory(ics=f.IntegratedCareSystemFactory(), stage=IcsStage.Stage.STATUTORY_ICS, start_date=day)
    f.IcsStageFactory(ics=f.IntegratedCareSystemFactory(), stage=IcsStage.Stage.ICS, start_date=day)

    html = client.get("/").content.decode()

    assert HEADER.format("Stage") in html
    assert "at the same stage" not in html


def test_the_ics_page_leaves_out_place_columns_no_place_fills(client):
    ics = f.IntegratedCareSystemFactory()
    f.PlaceFactory(ics=ics, name="Leeds", ods_code="15F", districts="")
    f.PlaceFactory(ics=ics, name="Wakefield", ods_code="03R", districts="")

    html = client.get(ics.get_absolute_url()).content.decode()

    assert HEADER.format("Sub-ICB code") in html
    assert "Local authority districts" not in html


def test_a_board_with_no_represented_organisation_has_no_representing_column(client):
    board = f.BoardFactory()
    f.BoardMembershipFactory.create_batch(2, board=board, organisation=None)
    other = f.BoardFactory()
    f.BoardMembershipFactory(board=other, organisation=f.OrganisationFactory(name="Leeds City Council"))
    f.BoardMembershipFactory(board=other, organisation=None)

    assert "Representing" not in client.get(board.get_absolute_url()).content.decode()
    html = client.get(other.get_absolute_url()).content.decode()
    assert HEADER.format("Representing") in html and "Not recorded" in html


def test_signatory_columns_nobody_recorded_are_left_out(client):
    mou = f.MoUFactory()
    f.MoUSignatoryFactory.create_batch(2, mou=mou, signed_by="", signed_on=None)

    html = client.get(mou.get_absolute_url()).content.decode()

    assert "Signed by" not in html and "Signed on" not in html
