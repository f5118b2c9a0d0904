"""An agenda item's copies of its meeting's start and publication (migration 0020), which search ranks by, stay
equal to the meeting's whichever way either is written."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from governance.models import AgendaItem, Meeting
from ics_portal.site.search import search
from tests import factories as f

pytestmark = pytest.mark.django_db


def copies_differing_from_their_meetings():
    return [
        item.title
        for item in AgendaItem.objects.select_related("meeting")
        if (item.meeting_starts_at, item.agenda_published, item.minutes_published)
        != (
            item.meeting.starts_at,
            item.meeting.agenda_published_at is not None,
            item.meeting.minutes_published_at is not None,
        )
    ]


def test_the_copies_follow_every_kind_of_write_to_items_and_meetings():
    first = f.MeetingFactory(minutes_published_at=None)
    second = f.MeetingFactory(minutes_published_at=timezone.now())
    item = f.AgendaItemFactory(meeting=first, title="Made")
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=second, title="Bulk", number="B1", public_modified_at=timezone.now())]
    )
    assert AgendaItem.objects.get(pk=item.pk).agenda_published
    assert copies_differing_from_their_meetings() == []

    first.minutes_published_at = timezone.now()  # published by a save
    first.starts_at -= datetime.timedelta(days=7)  # and moved a week earlier
    first.save()
    Meeting.objects.filter(pk=second.pk).update(agenda_published_at=None)  # withdrawn by an update
    assert copies_differing_from_their_meetings() == []
    assert AgendaItem.objects.get(pk=item.pk).minutes_published

    item.meeting = second  # an item moved to another meeting
    item.save()
    assert copies_differing_from_their_meetings() == []
    assert not AgendaItem.objects.get(pk=item.pk).agenda_published


def test_an_item_saved_as_it_was_read_before_its_meeting_was_published_keeps_the_meetings_publication():
    meeting = f.MeetingFactory(agenda_published_at=None)
    item = f.AgendaItemFactory(meeting=meeting, title="Read before")
    read = AgendaItem.objects.get(pk=item.pk)
    Meeting.objects.filter(pk=meeting.pk).update(agenda_published_at=timezone.now())

    read.summary = "Edited from the copy read before the agenda was published."
    read.save()

    assert AgendaItem.objects.get(pk=item.pk).agenda_published
    assert copies_differing_from_their_meetings() == []


def test_items_written_before_their_meeting_in_one_transaction_take_it_when_it_comes():
    """As a restore or an import may: the item's key to its meeting is checked at commit."""
    board = f.BoardFactory()
    meeting_id = Meeting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    meeting_id += 1000
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO governance_agendaitem (meeting_id, number, position, title, kind, resolutions, minutes,"
                " summary, presenter, is_confidential, provenance, created_at, modified_at, public_modified_at)"
                " VALUES (%s, '1', 1, 'Early', '', '', '', '', '', false, 'public_record', now(), now(), now())",
                [meeting_id],
            )
        assert not AgendaItem.objects.get(title="Early").agenda_published  # no meeting yet: not public
        f.MeetingFactory(id=meeting_id, board=board, minutes_published_at=timezone.now())
    assert copies_differing_from_their_meetings() == []
    assert AgendaItem.objects.get(title="Early").minutes_published


def test_search_finds_an_item_by_its_minutes_from_the_moment_they_are_published():
    meeting = f.MeetingFactory(minutes_published_at=None)
    f.AgendaItemFactory(meeting=meeting, title="Estates update", minutes="The quayside lease was renewed.")
    assert [g.total for g in search("quayside") if g.kind == "decision"] == [0]

    Meeting.objects.filter(pk=meeting.pk).update(minutes_published_at=timezone.now())

    assert [g.total for g in search("quayside") if g.kind == "decision"] == [1]
