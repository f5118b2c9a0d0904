"""The days the portal records: from the NHS's first day, 5 July 1948, to 31 December 2099.

Nothing the portal records is older than the NHS, and nothing is planned beyond the century.
Every day and moment staff or API clients enter (a record's start and end dates, a meeting's
start, an MoU's review date, a signature's date, publication stamps written through the API)
is held to this range three times over:

- validators on the model fields (`validate_day`, `validate_moment`), which the admin's forms,
  the API's serializers and `full_clean()` all run;
- check constraints in the database (`day_in_range`, `moment_in_range`), on PostgreSQL and
  SQLite alike, so an import or a script that skips validation cannot store a year 144;
- the as-at day of every page and list (`ics_portal/core/as_at.py`, `PortalDateFilter`).

A moment is in range from EARLIEST 00:00 UTC to LATEST 23:59:59.999999 UTC. Date-times are
stored in UTC (USE_TZ); within this range the portal's time zone (Europe/London) has whole-hour
offsets only, so the API never echoes a seconds-level offset such as London's -00:01:15 of 1847.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q

EARLIEST = datetime.date(1948, 7, 5)  # the NHS's first day; nothing in the portal is older
LATEST = datetime.date(2099, 12, 31)
EARLIEST_MOMENT = datetime.datetime.combine(EARLIEST, datetime.time.min, tzinfo=datetime.UTC)
LATEST_MOMENT = datetime.datetime.combine(LATEST, datetime.time.max, tzinfo=datetime.UTC)

RANGE_TEXT = "5 July 1948 (the NHS's first day) to 31 December 2099"
HELP_TEXT = f"From {RANGE_TEXT}."
# What a check constraint says when a write that skipped validation breaks it.
VIOLATION_MESSAGE = f"Every date must be from {RANGE_TEXT}."


def out_of_range_message(value) -> str:
    day = value.date() if isinstance(value, datetime.datetime) else value
    return f"Enter a date from {RANGE_TEXT}; {day.isoformat()} is outside what the portal records."


def validate_day(value):
    """A model field's validator: the day is one the portal records."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(out_of_range_message(value), code="date_out_of_range")


def validate_moment(value):
    """A model field's validator: the moment falls on a day the portal records (UTC)."""
    if value is None:
        return
    if value.tzinfo is None:  # naive: only without USE_TZ; compare the day
        in_range = EARLIEST <= value.date() <= LATEST
    else:
        in_range = EARLIEST_MOMENT <= value <= LATEST_MOMENT
    if not in_range:
        raise ValidationError(out_of_range_message(value), code="date_out_of_range")


class InRangeConstraint(CheckConstraint):
    """The database's check that dates are in range, which `full_clean()` leaves to the fields' validators.

    A CheckConstraint is also validated in Python by asking the database (a SELECT per constraint on
    every `full_clean()`); validate_day and validate_moment already give the same answer, per field,
    without one. A write that skips validation still meets the constraint in the database.
    """

    def validate(self, model, instance, exclude=None, using=None):
        return None


def day_in_range(*names: str) -> Q:
    """For a CheckConstraint: each of these date fields is empty or a day the portal records."""
    condition = Q()
    for name in names:
        condition &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": EARLIEST, f"{name}__lte": LATEST})
    return condition


def moment_in_range(*names: str) -> Q:
    """For a CheckConstraint: each of these date-time fields is empty or within the range, in UTC."""
    condition = Q()
    for name in names:
        condition &= Q(**{f"{name}__isnull": True}) | Q(
            **{f"{name}__gte": EARLIEST_MOMENT, f"{name}__lte": LATEST_MOMENT}
        )
    return condition
