"""Read-only questions pages ask of partners, one function each."""

import datetime

from partners.models import Organisation, Partnership
from places.models import IntegratedCareSystem


def unplaced_council_names(ics: IntegratedCareSystem, day: datetime.date | None = None) -> list[str]:
    """The councils partnered with the whole ICS (on `day`, or ever) that no place of it could be matched to
    by district name, sorted: for the ICS page to list as "not placed", rather than guess a place.

    Each is named as it was on `day` (council 218 was North Yorkshire County Council until 31 March 2023),
    or by its name now when no day is asked: two queries, however many councils.
    """
    partnerships = Partnership.objects.filter(ics=ics).councils_not_placed()
    if day is not None:
        partnerships = partnerships.as_at(day)
    councils = Organisation.objects.filter(pk__in=partnerships.values("organisation_id"))
    if day is None:
        return sorted(set(councils.values_list("name", flat=True)), key=str.casefold)
    return sorted({council.name_on(day) for council in councils.with_names()}, key=str.casefold)
