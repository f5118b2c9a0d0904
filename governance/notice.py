"""When a meeting's papers are due, and whether they were published on time.

A board's notice period is in clear days: neither the day papers are published nor the day of the
meeting counts. With five clear days, papers for a meeting on Thursday 12 March are due by the end of
Friday 6 March (7–11 March are the five clear days). Days are calendar days in the portal's time zone:
the boards' standing orders say "clear days", not working days.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable

from django.utils import timezone


class Timeliness(enum.Enum):
    ON_TIME = "on time"
    LATE = "late"
    DUE = "due"  # the deadline has not passed and something is still unpublished
    NOT_KNOWN = "not known"  # no date, not going ahead, or papers published elsewhere (a sourced record)


def papers_due_by(meeting) -> datetime.date | None:
    """The last day a meeting's agenda and papers may be published, or None if the meeting has no date."""
    if meeting.starts_at is None:
        return None
    meeting_day = timezone.localdate(meeting.starts_at)
    return meeting_day - datetime.timedelta(days=meeting.board.notice_clear_days + 1)


def papers_timeliness(meeting, papers: Iterable, *, now: datetime.datetime | None = None) -> Timeliness:
    """Were the meeting's agenda and its papers (`papers`: its documents of kind agenda or papers, with
    those of confidential items left out, as never published) all published by the day they were due?"""
    due = papers_due_by(meeting)
    if due is None or meeting.source or meeting.status in (meeting.Status.CANCELLED, meeting.Status.POSTPONED):
        return Timeliness.NOT_KNOWN
    moments = [meeting.agenda_published_at, *(paper.published_at for paper in papers)]
    today = timezone.localdate(now or timezone.now())
    if any(moment is None for moment in moments):
        return Timeliness.LATE if today > due else Timeliness.DUE
    last = max(timezone.localdate(moment) for moment in moments)
    return Timeliness.ON_TIME if last <= due else Timeliness.LATE
