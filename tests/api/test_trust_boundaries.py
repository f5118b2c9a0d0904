"""The API, as the editor of ICS A, against ICS B's records: every climb over the boundary is refused.

Linking another ICS's organisation or person to one's own ICS is allowed (a partnership, a board seat
of one's own ICS), but grants nothing over the record itself (docs/adr/0004): a shared record is changed
only by staff of every ICS it is linked to, or by a superuser. A record moved between ICSs needs rights
over both. Each refusal leaves the database as it was: the rows are compared before and after.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from governance import services
from governance.models import Board, BoardMembership, Meeting, MoU, Person
from partners.models import Organisation, Partnership
from tests import factories as f
from tests.api.conftest import client_for


def row(obj):
    """The record's row as stored now, every column."""
    return type(obj)._base_manager.filter(pk=obj.pk).values().first()


@pytest.fixture
def b_records(ics_b):
    """B's trust (partnering B only), B's board with B's person on it, and a meeting of it."""
    trust = f.OrganisationFactory(name="East Cheshire NHS Trust", slug="east-cheshire", ods_code="RJN")
    f.PartnershipFactory(organisation=trust, ics=ics_b)
    board = f.BoardFactory(ics=ics_b)
    person = f.PersonFactory()
    membership = f.BoardMembershipFactory(board=board, person=person, organisation=trust)
    meeting = f.MeetingFactory(board=board)
    return {"trust": trust, "board": board, "person": person, "membership": membership, "meeting": meeting}


def test_linking_another_icss_trust_grants_no_right_to_change_it(editor_a, ics_a, b_records):
    client = client_for(editor_a)
    trust = b_records["trust"]
    before = row(trust)

    linked = client.post(
        "/api/v1/partnerships/", {"organisation": trust.slug, "ics": ics_a.slug, "role": "partner"}, format="json"
    )
    assert linked.status_code == 201  # a partnership of A: A's own row
    url = f"/api/v1/organisations/{trust.slug}/"
    renamed = client.patch(url, {"name": "East Cheshire renamed by A"}, format="json")
    assert renamed.status_code == 403
    assert "every ICS it is linked to" in renamed.json()["detail"]
    put = client.put(
        url, {"name": "East Cheshire renamed by A", "slug": trust.slug, "kind": "nhs_trust"}, format="json"
    )
    assert put.status_code == 403
    assert client.delete(url).status_code == 403
    assert client.delete(f"/api/v1/partnerships/{linked.json()['id']}/").status_code == 204

    assert row(trust) == before
    assert Organisation.objects.get(pk=trust.pk).name == "East Cheshire NHS Trust"
    assert set(Partnership.objects.filter(organisation=trust).values_list("ics__slug", flat=True)) == {"system-b"}


def test_a_seat_on_ones_own_board_grants_no_right_to_change_the_person(editor_a, ics_a, b_records):
    client = client_for(editor_a)
    person = b_records["person"]
    before = row(person)
    board_a = f.BoardFactory(ics=ics_a)

    seat = client.post(
        "/api/v1/board-memberships/", {"board": board_a.slug, "person": person.slug, "role": "member"}, format="json"
    )
    assert seat.status_code == 201
    url = f"/api/v1/people/{person.slug}/"
    assert client.patch(url, {"name": "Renamed by A", "title": "Impostor"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert client.delete(f"/api/v1/board-memberships/{seat.json()['id']}/").status_code == 204

    assert row(person) == before
    assert Person.objects.get(pk=person.pk).name == before["name"]


@pytest.mark.parametrize(
    "kind,change",
    [
        ("board", lambda a, b: ({"ics": b["board"].ics.slug}, f"/api/v1/boards/{a['board'].slug}/")),
        ("membership", lambda a, b: ({"board": b["board"].slug}, f"/api/v1/board-memberships/{a['membership'].pk}/")),
        ("meeting", lambda a, b: ({"board": b["board"].slug}, f"/api/v1/meetings/{a['meeting'].pk}/")),
        ("partnership", lambda a, b: ({"ics": b["board"].ics.slug}, f"/api/v1/partnerships/{a['partnership'].pk}/")),
        ("mou", lambda a, b: ({"ics": b["board"].ics.slug}, f"/api/v1/mous/{a['mou'].slug}/")),
    ],
)
def test_moving_ones_own_record_to_another_ics_is_refused(editor_a, ics_a, b_records, kind, change):
    board = f.BoardFactory(ics=ics_a)
    a_records = {
        "board": board,
        "membership": f.BoardMembershipFactory(board=board),
        "meeting": f.MeetingFactory(board=board),
        "partnership": f.PartnershipFactory(ics=ics_a),
        "mou": f.MoUFactory(ics=ics_a),
    }
    body, url = change(a_records, b_records)
    before = row(a_records[kind])
    assert client_for(editor_a).patch(url, body, format="json").status_code == 403
    assert row(a_records[kind]) == before


@pytest.mark.parametrize(
    "kind,change",
    [
        ("board", lambda a, b: ({"ics": a.slug}, f"/api/v1/boards/{b['board'].slug}/")),
        (
            "membership",
            lambda a, b: ({"board": f.BoardFactory(ics=a).slug}, f"/api/v1/board-memberships/{b['membership'].pk}/"),
        ),
        ("meeting", lambda a, b: ({"board": f.BoardFactory(ics=a).slug}, f"/api/v1/meetings/{b['meeting'].pk}/")),
    ],
)
def test_moving_another_icss_record_into_ones_own_is_refused(editor_a, ics_a, b_records, kind, change):
    body, url = change(ics_a, b_records)
    before = row(b_records[kind])
    assert client_for(editor_a).patch(url, body, format="json").status_code == 403
    assert row(b_records[kind]) == before


@pytest.mark.parametrize(
    "url",
    [
        lambda b: f"/api/v1/boards/{b['board'].slug}/",
        lambda b: f"/api/v1/board-memberships/{b['membership'].pk}/",
        lambda b: f"/api/v1/meetings/{b['meeting'].pk}/",
        lambda b: f"/api/v1/organisations/{b['trust'].slug}/",
        lambda b: f"/api/v1/people/{b['person'].slug}/",
    ],
)
def test_another_icss_records_are_neither_changed_nor_deleted(editor_a, b_records, url):
    client = client_for(editor_a)
    rows = {name: row(record) for name, record in b_records.items()}
    assert client.patch(url(b_records), {"name": "Changed by A"}, format="json").status_code == 403
    assert client.delete(url(b_records)).status_code == 403
    assert {name: row(record) for name, record in b_records.items()} == rows


def test_services_ask_for_rights_over_the_stored_record_too(editor_a, ics_a, b_records):
    """A future sync writing through the services cannot move B's seat or meeting onto A's board either."""
    board_a = f.BoardFactory(ics=ics_a)
    seat = BoardMembership.objects.get(pk=b_records["membership"].pk)
    seat.board = board_a
    with pytest.raises(PermissionDenied):
        services.board_membership_save(membership=seat, user=editor_a)
    meeting = Meeting.objects.get(pk=b_records["meeting"].pk)
    meeting.board = board_a
    with pytest.raises(PermissionDenied):
        services.meeting_save(meeting=meeting, user=editor_a)
    assert row(seat)["board_id"] == row(meeting)["board_id"] == b_records["board"].pk


# --- publishing, as an editor without the publish right ------------------------------------------------


def test_every_api_route_to_publishing_is_refused_to_an_editor(editor_a, ics_a):
    client = client_for(editor_a)
    now = timezone.now().isoformat()
    mou = f.MoUFactory(ics=ics_a, published_at=None)
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics_a), minutes_published_at=None)
    published = f.MoUFactory(ics=ics_a)
    rows = [row(mou), row(meeting), row(published)]

    assert client.patch(f"/api/v1/mous/{mou.slug}/", {"published_at": now}, format="json").status_code == 403
    body = {"minutes_published_at": now}
    assert client.patch(f"/api/v1/meetings/{meeting.pk}/", body, format="json").status_code == 403
    # Withdrawing a published MoU is the same right.
    assert client.patch(f"/api/v1/mous/{published.slug}/", {"published_at": None}, format="json").status_code == 403
    body = {"ics": ics_a.slug, "title": "Born published", "slug": "born-published", "published_at": now}
    assert client.post("/api/v1/mous/", body, format="json").status_code == 403
    # Moving a published MoU's stamp along with another change: refused as a whole.
    body = {"summary": "Edited", "published_at": now}
    assert client.patch(f"/api/v1/mous/{mou.slug}/", body, format="json").status_code == 403

    assert [row(mou), row(meeting), row(published)] == rows
    assert not MoU.objects.filter(slug="born-published").exists()
    assert Board.objects.filter(ics=ics_a).count() == 1
