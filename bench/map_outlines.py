"""What the map costs a loader: `python -m bench.map_outlines [--html out.html]`.

Computes the outline of each of the 42 ICBs of 2022 (sub-ICB locations grouped as in
data/sub_icb_locations_2023.csv), then prints their total size in bytes and the time taken. With
--html, also renders templates/includes/icb_map.html around them into a page that links the portal's
CSS, to look at the map in a browser.
"""

import argparse
import csv
import os
import time
from collections import defaultdict
from pathlib import Path

from places import maps

DATA = Path(__file__).resolve().parent.parent / "data"


def icbs_2022() -> dict[str, tuple[str, set[str]]]:
    """ICB ODS code -> (name, its sub-ICB ODS codes)."""
    icbs: dict[str, tuple[str, set[str]]] = defaultdict(lambda: ("", set()))
    with open(DATA / "sub_icb_locations_2023.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["ICB23NM"].replace("Integrated Care Board", "ICB")
            icbs[row["ICB23CDH"]] = (name, icbs[row["ICB23CDH"]][1] | {row["SICBL23CDH"]})
    return dict(icbs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--html", type=Path, help="also write the rendered map into this HTML page")
    parser.add_argument("--svg", type=Path, help="also write the map's <svg> alone into this file")
    args = parser.parse_args()

    started = time.perf_counter()
    shapes = maps.sub_icb_shapes(DATA / "geography/sub_icb_locations_2022.geojson")
    loaded = time.perf_counter()
    icbs = icbs_2022()
    outlines = {code: maps.outline(shapes, codes) for code, (_, codes) in icbs.items()}
    done = time.perf_counter()
    size = sum(len(path.encode()) for path in outlines.values())
    print(f"{len(outlines)} ICB outlines: {size:,} bytes of path data")
    print(f"read the boundaries in {loaded - started:.3f} s; computed the outlines in {done - loaded:.3f} s")

    if args.html or args.svg:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ics_portal.settings")
        os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
        import django
        from django.template.loader import render_to_string

        django.setup()
        regions = [
            maps.Region(label=name, url=f"#{code}", path=outlines[code], highlighted=code == "QWO")
            for code, (name, _) in sorted(icbs.items(), key=lambda item: item[1][0])
        ]
        icb_map = maps.IcbMap(regions=regions, title="England's 42 integrated care boards, July 2022")
        html = render_to_string("includes/icb_map.html", {"map": icb_map})
        print(f"rendered include: {len(html.encode()):,} bytes")
        if args.svg:
            start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
            args.svg.write_text(html[start:end], encoding="utf-8")
        if args.html:
            css = Path(__file__).resolve().parent.parent / "static/css/portal.css"
            args.html.write_text(
                f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>ICB map</title>'
                f'<link rel="stylesheet" href="file://{css}"></head><body>{html}</body></html>',
                encoding="utf-8",
            )


if __name__ == "__main__":
    main()
