"""Read-only questions pages ask of partners, one function each."""

import datetime

from partners.models import Partnership
from places.models import IntegratedCareSystem


def unplaced_council_names(ics: IntegratedCareSystem, day: datetime.date | None = None) -> list[str]:
    """The councils partnered with the whole ICS (on `day`, or ever) that no place of it could be matched to
    by district name, sorted: for the ICS page to list as "not placed", rather than guess a place."""
    partnerships = Partnership.objects.filter(ics=ics).councils_not_placed()
    if day is not None:
        partnerships = partnerships.as_at(day)
    return sorted(set(partnerships.values_list("organisation__name", flat=True)))
