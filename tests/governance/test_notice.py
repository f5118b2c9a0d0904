"""The rule for papers on time (governance/notice.py), at its edges.

Five clear days' notice for a meeting on Thursday 12 March 2026: neither the day papers are published nor the
meeting's day counts, so papers are due by the end of Friday 6 March (London time).
"""

import datetime
import zoneinfo

import pytest

from governance.models import Document, Meeting
from governance.notice import Timeliness, papers_due_by, papers_timeliness
from tests import factories as f

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def london(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


MEETING = london(2026, 3, 12, 10)
DUE = datetime.date(2026, 3, 6)
LONG_AFTER = london(2026, 4, 1, 12)


def meeting_at(starts_at=MEETING, clear_days=5, **fields):
    fields.setdefault("agenda_published_at", london(2026, 3, 2, 9))
    return f.MeetingFactory(board=f.BoardFactory(notice_clear_days=clear_days), starts_at=starts_at, **fields)


def paper(meeting, published_at):
    return f.DocumentFactory(meeting=meeting, published_at=published_at)


def timeliness(meeting, now=LONG_AFTER):
    return papers_timeliness(meeting, meeting.documents.notice_papers(), now=now)


def test_five_clear_days_before_thursday_is_the_friday_before():
    assert papers_due_by(meeting_at()) == DUE


def test_published_at_23_59_on_the_due_day_is_on_time_and_at_midnight_after_is_late():
    on_time = meeting_at()
    paper(on_time, london(2026, 3, 6, 23, 59))
    assert timeliness(on_time) is Timeliness.ON_TIME

    late = meeting_at(slug="late")
    paper(late, london(2026, 3, 7, 0, 0))
    assert timeliness(late) is Timeliness.LATE


def test_the_agenda_counts_as_a_paper():
    assert timeliness(meeting_at(agenda_published_at=london(2026, 3, 7, 0, 0))) is Timeliness.LATE


def test_days_are_london_days_across_the_october_clock_change():
    # Clocks go back at 02:00 BST on Sunday 25 October 2026: the 25th has 25 hours.
    meeting = meeting_at(starts_at=london(2026, 10, 29, 10), agenda_published_at=london(2026, 10, 20, 9))
    assert papers_due_by(meeting) == datetime.date(2026, 10, 23)
    # 23:30 London on the due day is 22:30 UTC (BST); 00:30 London the next day is 23:30 UTC the due day.
    paper(meeting, london(2026, 10, 23, 23, 30))
    assert timeliness(meeting) is Timeliness.ON_TIME
    late = meeting_at(starts_at=london(2026, 10, 29, 10), slug="late", agenda_published_at=london(2026, 10, 24, 0, 30))
    assert late.agenda_published_at.astimezone(datetime.UTC).date() == datetime.date(2026, 10, 23)
    assert timeliness(late) is Timeliness.LATE
    # After the change, a meeting on Thursday 5 November: due by Friday 30 October, in GMT.
    after = meeting_at(
        starts_at=london(2026, 11, 5, 10), slug="after", agenda_published_at=london(2026, 10, 30, 23, 59)
    )
    assert papers_due_by(after) == datetime.date(2026, 10, 30)
    assert timeliness(after) is Timeliness.ON_TIME


def test_an_unpublished_paper_is_due_until_the_deadline_passes_then_late():
    meeting = meeting_at()
    paper(meeting, None)
    assert timeliness(meeting, now=london(2026, 3, 6, 23, 59)) is Timeliness.DUE
    assert timeliness(meeting, now=london(2026, 3, 7, 0, 0)) is Timeliness.LATE


def test_an_unpublished_agenda_is_due_then_late():
    meeting = meeting_at(agenda_published_at=None)
    assert timeliness(meeting, now=london(2026, 3, 1, 12)) is Timeliness.DUE
    assert timeliness(meeting, now=london(2026, 3, 7, 12)) is Timeliness.LATE


def test_a_confidential_items_paper_and_the_minutes_are_not_counted():
    meeting = meeting_at()
    secret = f.AgendaItemFactory(meeting=meeting, is_confidential=True)
    f.DocumentFactory(meeting=meeting, agenda_item=secret, published_at=None)
    f.DocumentFactory(meeting=meeting, kind=Document.Kind.MINUTES, published_at=london(2026, 3, 30, 9))
    assert timeliness(meeting) is Timeliness.ON_TIME


@pytest.mark.parametrize("status", [Meeting.Status.CANCELLED, Meeting.Status.POSTPONED])
def test_a_meeting_not_going_ahead_is_not_judged(status):
    meeting = meeting_at(status=status, agenda_published_at=None)
    assert timeliness(meeting) is Timeliness.NOT_KNOWN


def test_a_sourced_record_is_not_judged():
    meeting = meeting_at(source="Board papers, March 2026", agenda_published_at=london(2026, 3, 11, 9))
    assert timeliness(meeting) is Timeliness.NOT_KNOWN


def test_an_undated_meeting_has_no_due_day():
    meeting = meeting_at(starts_at=None, slug="undated", agenda_published_at=None)
    assert papers_due_by(meeting) is None and timeliness(meeting) is Timeliness.NOT_KNOWN


def test_zero_days_notice_is_due_by_the_day_before():
    meeting = meeting_at(clear_days=0, agenda_published_at=london(2026, 3, 11, 23, 59))
    assert papers_due_by(meeting) == datetime.date(2026, 3, 11)
    assert timeliness(meeting) is Timeliness.ON_TIME
    late = meeting_at(clear_days=0, slug="late", agenda_published_at=london(2026, 3, 12, 8))
    assert timeliness(late) is Timeliness.LATE
