"""The meeting cycle in the API: nothing confidential or unpublished reaches the public; staff of the ICS see it.

The same rule as draft minutes (governance/serializers.py, `_may_see_drafts`): staff who may edit the meeting's
ICS see everything, everyone else what is published.
"""

import datetime

import pytest
from django.utils import timezone

from governance.models import Attendance
from tests import factories as f

from .conftest import client_for, make_user

STARTS = timezone.make_aware(datetime.datetime(2025, 3, 13, 10))


@pytest.fixture
def cycle(ics_a):
    """A meeting with a published agenda and minutes, a confidential item, attendance; and one whose agenda is
    still a draft."""
    board = f.BoardFactory(ics=ics_a, quorum=5, quorum_rule="", notice_clear_days=5)
    held = f.MeetingFactory(
        board=board,
        starts_at=STARTS,
        slug="2025-03-13",
        agenda_published_at=STARTS - datetime.timedelta(days=10),
        minutes_published_at=STARTS + datetime.timedelta(days=20),
    )
    approving = f.MeetingFactory(board=board, starts_at=STARTS + datetime.timedelta(days=28), slug="2025-04-10")
    held.minutes_approved_at = approving
    held.save()
    f.AgendaItemFactory(meeting=held, number="1", title="Winter plan", kind="decision", presenter="Jo Bloggs")
    f.AgendaItemFactory(
        meeting=held,
        number="2",
        title="Contract award",
        is_confidential=True,
        summary="Bidder A scored highest",
        minutes="Discussed the bids",
        resolutions="Award to Bidder A",
    )
    seat = f.BoardMembershipFactory(board=board, person__name="Di Apologies")
    f.AttendanceFactory(meeting=held, membership=seat, status=Attendance.Status.APOLOGIES, deputy="Ed Deputy")
    draft = f.MeetingFactory(
        board=board,
        starts_at=timezone.now() + datetime.timedelta(days=30),
        slug="soon",
        status="scheduled",
        agenda_published_at=None,
        quorate=True,
    )
    f.AgendaItemFactory(meeting=draft, title="Draft agenda item")
    return held, draft, approving


def items_by_title(data):
    return {item["title"]: item for item in data["agenda_items"]}


def test_a_board_gives_its_quorum_and_notice_period(anon_client, cycle):
    board = anon_client.get(f"/api/v1/boards/{cycle[0].board.slug}/").json()
    assert (board["quorum"], board["quorum_rule"], board["notice_clear_days"]) == (5, "", 5)


def test_the_public_gets_the_published_cycle_and_nothing_confidential(anon_client, cycle):
    held, draft, approving = cycle
    data = anon_client.get(f"/api/v1/meetings/{held.pk}/").json()
    assert data["agenda_published_at"] == "2025-03-03T10:00:00Z"
    assert data["minutes_approved_at"] == approving.pk
    assert (data["papers_due_by"], data["papers_on_time"]) == ("2025-03-07", "on time")
    plan, secret = items_by_title(data)["Winter plan"], items_by_title(data)["Contract award"]
    assert (plan["kind"], plan["presenter"], plan["is_confidential"]) == ("decision", "Jo Bloggs", False)
    assert secret["is_confidential"] is True
    assert secret["summary"] is secret["minutes"] is secret["resolutions"] is None
    [attended] = data["attendance"]
    assert (attended["person_name"], attended["status"], attended["deputy"]) == (
        "Di Apologies",
        "apologies",
        "Ed Deputy",
    )

    body = (
        anon_client.get("/api/v1/meetings/").content.decode()
        + anon_client.get("/api/v1/agenda-items/").content.decode()
    )
    for hidden in ("Bidder A", "Discussed the bids", "Draft agenda item"):
        assert hidden not in body


def test_the_public_gets_no_agenda_before_it_is_published_and_no_attendance_before_the_minutes(anon_client, cycle):
    held, draft, _ = cycle
    data = anon_client.get(f"/api/v1/meetings/{draft.pk}/").json()
    assert data["agenda_items"] == [] and data["attendance"] is None and data["papers_on_time"] == "due"
    assert data["quorate"] is None
    listed = anon_client.get(f"/api/v1/agenda-items/?meeting={draft.pk}").json()
    assert listed["count"] == 0
    item = draft.agenda_items.get()
    assert anon_client.get(f"/api/v1/agenda-items/{item.pk}/").status_code == 404


def test_staff_of_the_ics_see_everything(cycle, staff_a, editor_a):
    held, draft, _ = cycle
    for user in (staff_a, editor_a):
        client = client_for(user)
        secret = items_by_title(client.get(f"/api/v1/meetings/{held.pk}/").json())["Contract award"]
        assert (secret["summary"], secret["resolutions"]) == ("Bidder A scored highest", "Award to Bidder A")
        assert [i["title"] for i in client.get(f"/api/v1/meetings/{draft.pk}/").json()["agenda_items"]] == [
            "Draft agenda item"
        ]
        assert client.get(f"/api/v1/agenda-items/?meeting={draft.pk}").json()["count"] == 1


def test_staff_of_another_ics_are_the_public(cycle, staff_b):
    held, draft, _ = cycle
    client = client_for(staff_b)
    assert items_by_title(client.get(f"/api/v1/meetings/{held.pk}/").json())["Contract award"]["summary"] is None
    assert client.get(f"/api/v1/meetings/{draft.pk}/").json()["agenda_items"] == []


def test_only_a_publisher_publishes_an_agenda_through_the_api(cycle, staff_a, editor_a):
    _, draft, _ = cycle
    now = timezone.now().isoformat()
    refused = client_for(editor_a).patch(f"/api/v1/meetings/{draft.pk}/", {"agenda_published_at": now}, format="json")
    assert refused.status_code == 403
    draft.refresh_from_db()
    assert draft.agenda_published_at is None
    done = client_for(staff_a).patch(f"/api/v1/meetings/{draft.pk}/", {"agenda_published_at": now}, format="json")
    assert done.status_code == 200 and done.json()["agenda_published_at"] is not None


def test_a_superuser_sees_everything(cycle):
    held, _, _ = cycle
    client = client_for(make_user("root", is_superuser=True))
    assert items_by_title(client.get(f"/api/v1/meetings/{held.pk}/").json())["Contract award"]["minutes"] == (
        "Discussed the bids"
    )
