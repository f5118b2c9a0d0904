"""England's ICBs as an SVG map, drawn on the server from the published sub-ICB location boundaries.

An ICB on a given day is the union of its sub-ICB locations on that day. The only boundaries shipped are
July 2022's (data/geography/sub_icb_locations_2022.geojson, British National Grid metres), so the map
draws no line that was not published: a sub-ICB location that belongs to no ICB on the day is drawn
apart, hatched, with a caption saying why (for example Frimley's D4U1Y after its three-way split on
1 April 2026).

Plain data in, plain data out: no models, so a loader can precompute one outline per ICS per period and
the page only pastes stored strings into templates/includes/icb_map.html.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # shapely is imported where geometry is drawn, so pages that only paste stored paths never load it
    from shapely.geometry.base import BaseGeometry

# England's extent in British National Grid metres (the 2022 boundaries' bounds, rounded outwards).
WEST, SOUTH, EAST, NORTH = 87_000, 7_000, 656_000, 658_000
WIDTH = 1000
SCALE = WIDTH / (EAST - WEST)  # viewBox units per metre: one unit is 569 m
HEIGHT = math.ceil((NORTH - SOUTH) * SCALE)
VIEWBOX = (0, 0, WIDTH, HEIGHT)
# Douglas-Peucker tolerance in metres: under half a viewBox unit, so a border simplified in two
# neighbouring outlines moves less than the rounding to whole units and still looks like one line.
TOLERANCE = 250

K = TypeVar("K", bound=Hashable)
Period = tuple[date | None, date | None, frozenset[str]]


def sub_icb_shapes(path: str | Path) -> dict[str, BaseGeometry]:
    """Each sub-ICB location's boundary, keyed by its ODS code (the suffix of "NHS … ICB - 02P")."""
    from shapely.geometry import shape

    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return {f["properties"]["SICBL22NM"].rsplit(" - ", 1)[1]: shape(f["geometry"]) for f in features}


def outline(shapes: Mapping[str, BaseGeometry], codes: Iterable[str], tolerance: float = TOLERANCE) -> str:
    """The SVG path `d` of the union of these sub-ICB locations, in VIEWBOX units; "" if none is known.

    Holes are kept as further rings, so draw it with fill-rule evenodd. Codes with no boundary (a
    sub-ICB location created after 2022, such as U2G6B) are skipped.
    """
    import shapely

    # In a fixed order, so the same codes give the same string in every process (sets of str are not).
    found = [shapes[code] for code in sorted(set(codes)) if code in shapes]
    if not found:
        return ""
    union = shapely.unary_union(found).simplify(tolerance)
    rings = []
    for polygon in shapely.get_parts(union):
        if isinstance(polygon, shapely.Polygon):
            rings.extend([polygon.exterior, *polygon.interiors])
    return "".join(_ring_path(ring.coords) for ring in rings)


def _ring_path(coords: Iterable[tuple[float, float]]) -> str:
    """One closed ring as "M x y l dx dy … z", relative steps between whole viewBox units."""
    points: list[tuple[int, int]] = []
    for east, north in coords:
        point = (round((east - WEST) * SCALE), round((NORTH - north) * SCALE))  # SVG y grows downwards
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    steps = " ".join(f"{x - px} {y - py}" for (px, py), (x, y) in zip(points, points[1:], strict=False))
    return f"M{points[0][0]} {points[0][1]}l{steps}z".replace(" -", "-")


def outline_periods(memberships: Iterable[tuple[K, str, date | None, date | None]]) -> dict[K, list[Period]]:
    """For each ICS, the periods over which its set of sub-ICB codes stays the same.

    Rows are (ics_id, sub_icb_code, start_date, end_date), dates inclusive and None open. The periods
    split at every start and every day after an end; adjacent periods with the same codes are joined
    and periods with no codes dropped. A loader stores one outline per ICS per period.
    """
    rows_by_ics: dict[K, list[tuple[str, date, date]]] = defaultdict(list)
    for ics, code, start, end in memberships:
        rows_by_ics[ics].append((code, start or date.min, end or date.max))
    result: dict[K, list[Period]] = {}
    for ics, rows in rows_by_ics.items():
        cuts = sorted({start for _, start, _ in rows} | {end + timedelta(days=1) for *_, end in rows if end < date.max})
        periods: list[tuple[date, date, frozenset[str]]] = []
        for index, start in enumerate(cuts):
            end = cuts[index + 1] - timedelta(days=1) if index + 1 < len(cuts) else date.max
            codes = frozenset(code for code, first, last in rows if first <= start <= last)
            if periods and periods[-1][2] == codes and periods[-1][1] + timedelta(days=1) == start:
                periods[-1] = (periods[-1][0], end, codes)
            elif codes:
                periods.append((start, end, codes))
        result[ics] = [
            (None if start == date.min else start, None if end == date.max else end, codes)
            for start, end, codes in periods
        ]
    return result


def unassigned_codes(shapes: Mapping[str, BaseGeometry], assigned_codes: Collection[str]) -> list[str]:
    """Sub-ICB locations with a boundary but in no ICB on the day: drawn hatched, as "not shown"."""
    return sorted(set(shapes) - set(assigned_codes))


@dataclass(frozen=True)
class Region:
    """One ICB on the map: its name, its page and its outline (from outline())."""

    label: str
    url: str
    path: str
    highlighted: bool = False
    cluster: str = ""


@dataclass(frozen=True)
class UnassignedArea:
    """A published boundary that belongs to no ICB on the day, drawn hatched with its caption."""

    path: str
    caption: str


@dataclass(frozen=True)
class IcbMap:
    """What templates/includes/icb_map.html draws; list_id names the list of the same ICBs on the page."""

    regions: Sequence[Region]
    unassigned: Sequence[UnassignedArea] = ()
    notes: Sequence[str] = ()
    title: str = "Map of England's integrated care boards"
    list_id: str = ""
    width: int = WIDTH
    height: int = HEIGHT
