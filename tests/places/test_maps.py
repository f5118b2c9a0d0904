"""The ICB map: outlines from the real 2022 boundaries, the periods a loader stores, and the include."""

import re
from datetime import date

import pytest
import shapely
from django.conf import settings
from django.template.loader import render_to_string
from shapely.geometry import Polygon

from places import maps

GEOJSON = settings.REFERENCE_DATA_DIR / "geography/sub_icb_locations_2022.geojson"
LEEDS, WAKEFIELD, FRIMLEY, EAST_BERKSHIRE = "15F", "03R", "D4U1Y", "U2G6B"


@pytest.fixture(scope="module")
def shapes():
    return maps.sub_icb_shapes(GEOJSON)


def rings(path):
    """The absolute viewBox points of each ring of a path drawn by maps.outline()."""
    result = []
    for ring in re.findall(r"M([^z]*)z", path):
        start, steps = ring.split("l")
        x, y = map(int, start.split())
        points = [(x, y)]
        numbers = [int(n) for n in re.findall(r"-?\d+", steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        result.append(points)
    return result


def to_viewbox(east, north):
    return ((east - maps.WEST) * maps.SCALE, (maps.NORTH - north) * maps.SCALE)


def test_shapes_are_keyed_by_sub_icb_ods_code(shapes):
    assert len(shapes) == 106
    assert {LEEDS, WAKEFIELD, FRIMLEY, "92A", "D9Y0V"} <= shapes.keys()
    assert EAST_BERKSHIRE not in shapes  # created in 2026: no published boundary


def test_outline_of_two_neighbours_is_one_region_with_the_bounds_of_their_union(shapes):
    union = shapely.unary_union([shapes[LEEDS], shapes[WAKEFIELD]])
    assert union.geom_type == "Polygon" and not union.interiors

    drawn = rings(maps.outline(shapes, [LEEDS, WAKEFIELD]))

    assert len(drawn) == 1
    xs, ys = [x for x, _ in drawn[0]], [y for _, y in drawn[0]]
    west, south, east, north = union.bounds
    (left, bottom), (right, top) = to_viewbox(west, south), to_viewbox(east, north)
    # Within a viewBox unit (569 m): the simplification tolerance is 250 m, then points are rounded.
    assert min(xs) == pytest.approx(left, abs=1) and max(xs) == pytest.approx(right, abs=1)
    assert min(ys) == pytest.approx(top, abs=1) and max(ys) == pytest.approx(bottom, abs=1)
    assert all(0 <= x <= maps.WIDTH and 0 <= y <= maps.HEIGHT for x, y in drawn[0])


def test_outline_skips_codes_with_no_boundary(shapes):
    assert maps.outline(shapes, [LEEDS, EAST_BERKSHIRE]) == maps.outline(shapes, [LEEDS])
    assert maps.outline(shapes, [EAST_BERKSHIRE]) == ""


def test_outline_draws_islands_and_holes_as_rings_of_one_path():
    square = [(400_000, 300_000), (420_000, 300_000), (420_000, 320_000), (400_000, 320_000)]
    hole = [(405_000, 305_000), (415_000, 305_000), (415_000, 315_000), (405_000, 315_000)]
    island = [(500_000, 300_000), (510_000, 300_000), (510_000, 310_000)]
    shapes = {"A": Polygon(square, [hole]), "B": Polygon(island)}

    assert sorted(len(ring) for ring in rings(maps.outline(shapes, ["A", "B"]))) == [3, 4, 4]


def test_outline_periods_split_on_1_april_2026_when_a_place_moves_ics():
    moved = date(2026, 3, 31)
    memberships = [
        ("herts", "06K", date(2022, 7, 1), None),
        ("herts", "07H", date(2022, 7, 1), moved),  # West Essex leaves for the new Essex ICB
        ("essex", "99E", date(2022, 7, 1), None),
        ("essex", "07H", date(2026, 4, 1), None),
        ("frimley", FRIMLEY, date(2022, 7, 1), moved),
    ]

    periods = maps.outline_periods(memberships)

    assert periods == {
        "herts": [
            (date(2022, 7, 1), moved, frozenset({"06K", "07H"})),
            (date(2026, 4, 1), None, frozenset({"06K"})),
        ],
        "essex": [
            (date(2022, 7, 1), moved, frozenset({"99E"})),
            (date(2026, 4, 1), None, frozenset({"99E", "07H"})),
        ],
        "frimley": [(date(2022, 7, 1), moved, frozenset({FRIMLEY}))],
    }


def test_outline_periods_join_back_to_back_rows_but_not_across_a_gap():
    periods = maps.outline_periods(
        [
            (1, "A", None, date(2023, 3, 31)),
            (1, "A", date(2023, 4, 1), date(2023, 12, 31)),  # the same set, recorded twice
            (1, "A", date(2025, 1, 1), None),  # back after a year in no ICS
        ]
    )

    assert periods == {1: [(None, date(2023, 12, 31), frozenset("A")), (date(2025, 1, 1), None, frozenset("A"))]}


def test_unassigned_codes_are_the_boundaries_in_no_ics_on_the_day(shapes):
    after_the_split = (set(shapes) - {FRIMLEY}) | {EAST_BERKSHIRE}

    assert maps.unassigned_codes(shapes, after_the_split) == [FRIMLEY]
    assert maps.unassigned_codes(shapes, set(shapes)) == []


def test_map_include_links_each_icb_by_name_and_marks_the_current_one(shapes):
    icb_map = maps.IcbMap(
        regions=[
            maps.Region("NHS West Yorkshire ICB", "/ics/west-yorkshire/", maps.outline(shapes, [LEEDS, WAKEFIELD])),
            maps.Region("NHS Surrey Heartlands ICB", "/ics/surrey/", maps.outline(shapes, ["92A"]), highlighted=True),
            maps.Region("NHS Thames Valley ICB", "/ics/thames-valley/", maps.outline(shapes, [EAST_BERKSHIRE])),
        ],
        unassigned=[maps.UnassignedArea(maps.outline(shapes, [FRIMLEY]), "the former Frimley area, split in 2026")],
        notes=["East Berkshire has no published boundary yet."],
        list_id="icb-list",
    )

    html = render_to_string("includes/icb_map.html", {"map": icb_map})

    links = re.findall(r"<a ([^>]*)><title>([^<]+)</title><path ", html)
    assert [dict(re.findall(r'([\w-]+)="([^"]*)"', attrs)).get("aria-label") for attrs, _ in links] == [
        "NHS West Yorkshire ICB",
        "NHS Surrey Heartlands ICB",
    ]  # Thames Valley has no outline, so no empty link
    assert [title for _, title in links] == ["NHS West Yorkshire ICB", "NHS Surrey Heartlands ICB"]
    assert 'href="/ics/west-yorkshire/"' in links[0][0] and "aria-current" not in links[0][0]
    assert 'href="/ics/surrey/"' in links[1][0] and 'aria-current="page"' in links[1][0]
    assert 'role="group" aria-labelledby="icb-map-title"' in html and '<title id="icb-map-title">' in html
    assert '<pattern id="icb-map-hatch"' in html and 'class="portal-map__unassigned"' in html
    assert "Hatched: the former Frimley area, split in 2026" in html
    assert "East Berkshire has no published boundary yet." in html
    assert '<a href="#icb-list">listed below</a>' in html
