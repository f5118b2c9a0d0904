"""The API's cells of the constraint × write-path matrix (docs/adr/0002): each rule a request can break
answers 400 on the field, 403 or 409 with the rule's message, never a 500, and writes nothing.

These tests commit for real (transactional_db), as production requests do.
"""

import datetime

import pytest
from django.utils import timezone

from governance.models import BoardMembership, LeadershipPost, Meeting, MoU
from governance.services import MOU_NEEDS_SIGNATORY
from tests import factories as f
from tests.api.conftest import client_for
from tests.staff.test_constraint_matrix import _tables, committed_later

CHAIR_MESSAGE = "This board already has a chair for part of that period."


@pytest.fixture
def _db(transactional_db):
    """Override the package's `db` autouse fixture: these tests need real commits."""


def _refused(response, status, before, **expected):
    assert response.status_code == status, response.json()
    body = response.json()
    for key, value in expected.items():
        assert body[key] == value, body
    assert _tables() == before
    return body


@pytest.fixture
def world(ics_a):
    board = f.BoardFactory(ics=ics_a)
    meeting = f.MeetingFactory(board=board)
    return {"ics": ics_a, "board": board, "meeting": meeting, "item": f.AgendaItemFactory(meeting=meeting, number="1")}


def test_end_before_start(staff_a, world):
    body = {"organisation": f.OrganisationFactory().slug, "ics": world["ics"].slug}
    body.update(start_date="2024-01-01", end_date="2023-01-01")
    before = _tables()
    response = client_for(staff_a).post("/api/v1/partnerships/", body, format="json")
    _refused(response, 400, before, errors={"end_date": ["The end date cannot be before the start date."]})


def test_a_slug_taken(staff_a, world):
    body = {"ics": world["ics"].slug, "name": "Copy", "slug": world["board"].slug, "kind": "committee"}
    before = _tables()
    response = client_for(staff_a).post("/api/v1/boards/", body, format="json")
    _refused(response, 400, before, errors={"slug": ["board with this slug already exists."]})


def test_a_board_reporting_to_itself(staff_a, world):
    board = world["board"]
    before = _tables()
    response = client_for(staff_a).patch(f"/api/v1/boards/{board.slug}/", {"reports_to": board.slug}, format="json")
    assert "A board cannot report to itself." in _refused(response, 400, before)["errors"]["reports_to"]


def test_a_quorum_of_none_and_a_notice_period_too_long(staff_a, world):
    board = world["board"]
    before = _tables()
    body = {"quorum": 0, "notice_clear_days": 61}
    response = client_for(staff_a).patch(f"/api/v1/boards/{board.slug}/", body, format="json")
    assert set(_refused(response, 400, before)["errors"]) == {"quorum", "notice_clear_days"}


def test_minutes_approved_at_their_own_meeting(staff_a, world):
    meeting = world["meeting"]
    before = _tables()
    response = client_for(staff_a).patch(
        f"/api/v1/meetings/{meeting.pk}/", {"minutes_approved_at": meeting.pk}, format="json"
    )
    errors = _refused(response, 400, before)["errors"]
    assert "A meeting's minutes are approved at a later meeting, not at itself." in errors["minutes_approved_at"]


def test_an_ods_code_of_the_wrong_format(staff_a):
    body = {"name": "Trust", "slug": "trust", "kind": "nhs_trust", "sector": "nhs", "ods_code": "12X"}
    before = _tables()
    response = client_for(staff_a).post("/api/v1/organisations/", body, format="json")
    assert list(_refused(response, 400, before)["errors"]) == ["ods_code"]


def test_an_agenda_number_taken(staff_a, world):
    body = {"meeting": world["meeting"].pk, "number": "1", "title": "Again"}
    before = _tables()
    response = client_for(staff_a).post("/api/v1/agenda-items/", body, format="json")
    assert response.status_code == 400 and _tables() == before
    assert response.json()["errors"] == {"non_field_errors": ["The fields meeting, number must make a unique set."]}


def test_a_signatory_moved_off_a_signed_mou(staff_a, world):
    mou = f.MoUFactory(ics=world["ics"], status=MoU.Status.AGREED)
    signatory = f.MoUSignatoryFactory(mou=mou)
    MoU.objects.filter(pk=mou.pk).update(status=MoU.Status.SIGNED)
    other = f.MoUFactory(ics=world["ics"])
    before = _tables()
    response = client_for(staff_a).patch(f"/api/v1/mou-signatories/{signatory.pk}/", {"mou": other.slug}, format="json")
    _refused(response, 409, before, detail=f"{MOU_NEEDS_SIGNATORY} Nothing was saved.")


@pytest.mark.parametrize("protected", ["organisation", "person", "ics"])
def test_a_protected_record_is_not_deleted(staff_a, superuser, world, protected):
    if protected == "organisation":
        url = f"/api/v1/organisations/{f.MoUSignatoryFactory(mou=f.MoUFactory(ics=world['ics'])).organisation.slug}/"
    elif protected == "person":
        person = f.PersonFactory()
        LeadershipPost.objects.create(person=person, role="chair", ics=world["ics"])
        url = f"/api/v1/people/{person.slug}/"
    else:
        other = f.IntegratedCareSystemFactory()
        f.PlaceFactory(ics=other)
        url = f"/api/v1/icss/{other.slug}/"
    before = _tables()
    response = client_for(superuser).delete(url)
    _refused(response, 409, before, code="protected")


def test_a_published_agenda_item_is_deleted_only_by_a_publisher(editor_a, staff_a, world):
    Meeting.objects.filter(pk=world["meeting"].pk).update(minutes_published_at=timezone.now())
    item = world["item"]
    before = _tables()
    response = client_for(editor_a).delete(f"/api/v1/agenda-items/{item.pk}/")
    message = f"“{item}” is published: only a publisher of this ICS may delete it. "
    _refused(response, 403, before, detail=message + "Ask a publisher, or have them withdraw it to draft first.")
    assert client_for(staff_a).delete(f"/api/v1/agenda-items/{item.pk}/").status_code == 204


def test_two_chairs_saved_at_once_the_loser_gets_the_message(staff_a, world):
    # Both people exist first: any write to public data waits for the other transaction's (ADR 10).
    board, rival, person = world["board"], f.PersonFactory(), f.PersonFactory()
    other = committed_later(
        lambda: BoardMembership.objects.create(
            board=board, person=rival, role="chair", start_date=datetime.date(2022, 1, 1)
        )
    )
    body = {"board": board.slug, "person": person.slug, "role": "chair", "start_date": "2023-01-01"}
    response = client_for(staff_a).post("/api/v1/board-memberships/", body, format="json")
    other.join()
    assert response.status_code == 409
    assert response.json()["detail"] == f"{CHAIR_MESSAGE} Nothing was saved."
    assert not BoardMembership.history.filter(person=person).exists()
