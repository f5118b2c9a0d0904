"""Each meeting's tally of agenda items and public decisions (migration 0019) stays equal to counting the rows,
whichever way the items are written, and the API's unfiltered lists count from it."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from governance.models import AgendaItem, Decision, Meeting, MeetingTally
from tests import factories as f
from tests.api.conftest import client_for, make_user
from tests.concurrency import committed_later

pytestmark = pytest.mark.django_db


def counted_rows():
    return (
        AgendaItem.objects.filter(meeting__agenda_published_at__isnull=False).count(),
        Decision.objects.public().count(),
    )


def tallied():
    return MeetingTally.objects.public_agenda_items(), MeetingTally.objects.public_decisions()


@pytest.fixture
def meetings():
    minutes = timezone.now() - datetime.timedelta(days=1)
    return [f.MeetingFactory(minutes_published_at=minutes) for _ in range(2)]


def test_the_tallies_follow_every_kind_of_write_to_the_items(meetings):
    first, second = meetings
    item = f.AgendaItemFactory(meeting=first, resolutions="Approved the plan.\r\n\n  \u2028Noted the risks.")
    f.AgendaItemFactory(meeting=first, resolutions="Secret.", is_confidential=True)
    now = timezone.now()
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=second, title=f"Item {n}", number=f"B{n}", resolutions="Agreed.", public_modified_at=now)
            for n in range(3)
        ]
    )
    assert tallied() == counted_rows() == (5, 5)

    item.resolutions = "Approved the plan."
    item.save()
    assert tallied() == counted_rows() == (5, 4)

    AgendaItem.objects.filter(meeting=second).update(is_confidential=True)
    assert tallied() == counted_rows() == (5, 1)

    AgendaItem.objects.filter(pk=item.pk).update(meeting=second)
    second.minutes_published_at = None
    second.save()
    assert tallied() == counted_rows() == (5, 0)

    Meeting.objects.filter(pk=second.pk).update(agenda_published_at=None)
    assert tallied() == counted_rows() == (1, 0)

    first.delete()
    assert tallied() == counted_rows() == (0, 0)


def test_the_tallies_follow_raw_sql_as_an_import_writes(meetings):
    meeting = meetings[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO governance_agendaitem (meeting_id, number, position, title, kind, resolutions, minutes,"
            " summary, presenter, is_confidential, provenance, created_at, modified_at, public_modified_at)"
            " SELECT %s, n::text, n, 'Item', 'decision', 'One.' || chr(10) || 'Two.', '', '', '', false,"
            " 'public_record', now(), now(), now() FROM generate_series(1, 4) AS n",
            [meeting.pk],
        )
    assert tallied() == counted_rows() == (4, 8)


@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_items_to_one_meeting_are_both_counted():
    """The second waits for the first to commit (on the data version's row, and the tally's lock on the meeting),
    then recounts with what the first committed: neither item is missed, and the tally rows do not collide."""
    meeting = f.MeetingFactory(minutes_published_at=timezone.now())
    other = committed_later(lambda: f.AgendaItemFactory(meeting=meeting, resolutions="First."))
    with transaction.atomic():
        f.AgendaItemFactory(meeting=meeting, resolutions="Second.")
    other.join()
    assert tallied() == counted_rows() == (2, 2)


def test_the_api_counts_its_unfiltered_lists_from_the_tallies_and_filtered_ones_by_their_rows(client, meetings):
    first, second = meetings
    f.AgendaItemFactory(meeting=first, resolutions="Approved.\nNoted.")
    f.AgendaItemFactory(meeting=second, resolutions="Agreed.")
    MeetingTally.objects.filter(meeting=first).update(agenda_items=10, public_decisions=20)  # tell them apart

    assert client.get("/api/v1/decisions/").json()["count"] == 21
    assert client.get("/api/v1/agenda-items/").json()["count"] == 11
    assert client.get("/api/v1/decisions/", {"board": second.board.slug}).json()["count"] == 1
    assert client.get("/api/v1/agenda-items/", {"meeting": second.pk}).json()["count"] == 1


def test_staff_who_see_draft_agendas_get_their_rows_counted(meetings):
    draft = f.MeetingFactory(agenda_published_at=None)
    f.AgendaItemFactory(meeting=draft)
    f.AgendaItemFactory(meeting=meetings[0])
    editor = make_user("editor", draft.board.ics)
    assert client_for(editor).get("/api/v1/agenda-items/").json()["count"] == 2
    assert client_for().get("/api/v1/agenda-items/").json()["count"] == 1
