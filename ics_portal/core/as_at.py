"""Reading the "as at" day of a structural page from `?as_at=YYYY-MM-DD`.

Every structural page can show the partnership as it was on a past day. A bad
date must never break the page: it falls back to today with a message saying why.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.formats import date_format

# The days the portal records, which every date entered is also held to (ics_portal/core/date_range.py).
from .date_range import EARLIEST, LATEST

AS_AT_PARAMETER = "as_at"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def parse_as_at(request) -> tuple[datetime.date, str | None]:
    """The day asked for in `?as_at=`, or today; and an error message when the value is not a usable day."""
    today = timezone.localdate()
    raw = request.GET.get(AS_AT_PARAMETER, "").strip()
    if not raw:
        return today, None
    if not _ISO_DAY.match(raw):
        return today, f"“{raw[:40]}” is not a date. Enter a date as year-month-day, for example 2021-04-01."
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return today, f"{raw} is not a real date. Enter a date as year-month-day, for example 2021-04-01."
    if not EARLIEST <= day <= LATEST:
        return today, (
            f"Enter a date between {date_format(EARLIEST, 'j F Y')} and {date_format(LATEST, 'j F Y')}; "
            f"{raw} is outside what the portal records."
        )
    return day, None


@dataclass(frozen=True)
class AsAt:
    """The as-at state of one request, as templates need it."""

    day: datetime.date
    is_today: bool
    error: str | None
    today_url: str  # this page, with the same filters, as it is today
    query: str  # "?as_at=YYYY-MM-DD" to carry the day onto links to other structural pages, or ""

    @property
    def is_past(self):
        return not self.is_today and self.day < timezone.localdate()


def as_at_for(request) -> AsAt:
    day, error = parse_as_at(request)
    today = timezone.localdate()
    others = [(key, value) for key, value in request.GET.lists() if key != AS_AT_PARAMETER]
    params = urlencode([(key, v) for key, values in others for v in values])
    today_url = request.path + (f"?{params}" if params else "")
    is_today = day == today
    query = "" if is_today else f"?{AS_AT_PARAMETER}={day.isoformat()}"
    return AsAt(day=day, is_today=is_today, error=error, today_url=today_url, query=query)


def split_by_day(rows, day: datetime.date):
    """(current, past) dated rows on `day`; rows that began after `day` are left out."""
    current = [r for r in rows if r.is_current_on(day)]
    past = [r for r in rows if r.end_date is not None and r.end_date < day]
    return current, past
