"""The map's outlines, precomputed from the places' memberships and the 2022 boundaries (refresh_outlines).

A page reads MapOutline rows; only this module runs geometry, after the data changes (load_demo, a
reorganisation).
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction

from . import maps
from .models import IcsSuccession, MapOutline, PlaceMembership

BOUNDARIES_FILE = "geography/sub_icb_locations_2022.geojson"
UNASSIGNED_CAPTIONS = {
    "D4U1Y": "Frimley's former area (sub-ICB location D4U1Y) was divided on 1 April 2026 between Thames Valley, "
    "Surrey and Sussex, and Hampshire and Isle of Wight; the published boundaries of 2022 do not show the new lines."
}


def unassigned_periods(memberships) -> dict[str, list[tuple[datetime.date, datetime.date | None]]]:
    """For each sub-ICB code, the periods after it first joined an ICS when it belonged to none (gaps, and after
    its last membership ended). Rows are (ics_id, code, start, end) as for maps.outline_periods."""
    spans = defaultdict(list)
    for _, code, start, end in memberships:
        spans[code].append((start or datetime.date.min, end or datetime.date.max))
    result = {}
    for code, rows in spans.items():
        gaps, covered_to = [], None
        for start, end in sorted(rows):
            if covered_to is not None and start > covered_to + datetime.timedelta(days=1):
                gaps.append((covered_to + datetime.timedelta(days=1), start - datetime.timedelta(days=1)))
            covered_to = end if covered_to is None else max(covered_to, end)
        if covered_to < datetime.date.max:
            gaps.append((covered_to + datetime.timedelta(days=1), None))
        if gaps:
            result[code] = gaps
    return result


def split_at_gains(periods, gains):
    """Periods (start, end, codes) split where the ICS took on area from another on a day inside one, as
    (start, end, (codes, caption)): its sub-ICB codes did not change, but its area did."""
    result = [(start, end, (codes, "")) for start, end, codes in periods]
    for day, predecessor in sorted(gains):
        caption = (
            f"From {day:%-d %B %Y} it also covers part of {predecessor}'s former area; "
            "the published boundaries of 2022 do not show the new line."
        )
        for index, (start, end, (codes, old_caption)) in enumerate(result):
            if (start is None or start < day) and (end is None or day <= end):
                result[index : index + 1] = [
                    (start, day - datetime.timedelta(days=1), (codes, old_caption)),
                    (day, end, (codes, caption)),
                ]
                break
    return result


def refresh_outlines(boundaries_path=None) -> int:
    """Rewrite every MapOutline from the places' memberships and the 2022 boundaries, in one transaction.

    One outline per ICS per period over which its sub-ICB locations stay the same, and one with no ICS for
    each published boundary that belongs to no ICS for a period (Frimley's D4U1Y after 31 March 2026).
    Returns the number of outlines stored.
    """
    shapes = maps.sub_icb_shapes(boundaries_path or settings.REFERENCE_DATA_DIR / BOUNDARIES_FILE)
    memberships = list(
        PlaceMembership.objects.exclude(place__ods_code="").values_list(
            "ics_id", "place__ods_code", "start_date", "end_date"
        )
    )
    gains = defaultdict(list)  # an ICS that took on area no boundary shows (part of a divided location)
    for successor_id, day, predecessor in IcsSuccession.objects.values_list(
        "successor_id", "date", "predecessor__short_name"
    ):
        gains[successor_id].append((day, predecessor))
    outlines = []
    for ics_id, periods in maps.outline_periods(memberships).items():
        for start, end, codes in split_at_gains(periods, gains[ics_id]):
            path = maps.outline(shapes, codes[0])
            outlines.append(MapOutline(ics_id=ics_id, start_date=start, end_date=end, path=path, caption=codes[1]))
    for code, gaps in unassigned_periods(memberships).items():
        if code in shapes:
            caption = UNASSIGNED_CAPTIONS.get(code, f"Sub-ICB location {code} belonged to no ICS in this period.")
            path = maps.outline(shapes, [code])
            outlines += [MapOutline(ics=None, start_date=s, end_date=e, path=path, caption=caption) for s, e in gaps]
    outlines = [o for o in outlines if o.path]
    with transaction.atomic():
        MapOutline.objects.all().delete()
        MapOutline.objects.bulk_create(outlines)
    return len(outlines)
