"""Loads named ICB and cluster leaders (icb_leaders_2025_2026.csv) exactly as each source states them.

Dates only where the source gives them; where two sources name different people for one post, both rows
are kept and marked disputed. Safe to run again.
"""

import datetime
from pathlib import Path

from django.utils.text import slugify

from governance.models import LeadershipPost, Person
from ics_portal.core.upsert import upsert
from places.models import Cluster
from places.reference_data import read_csv

LEADERS_FILE = "icb_leaders_2025_2026.csv"


def day(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def person_named(name: str) -> Person:
    """The person of that name, reused if already known; a new one gets a slug no one else has."""
    person = Person.objects.filter(name=name).order_by("pk").first()
    if person:
        return person
    slug, n = slugify(name)[:110], 1
    while Person.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{slugify(name)[:110]}-{n}"
    return upsert(Person, {"slug": slug}, {"name": name})


def load_leaders(data_dir: Path, systems) -> int:
    """One post per row: of the cluster whose members are exactly the ICBs listed, else one per ICB listed.

    `systems`: ICSs by ICB ODS code, including those created in 2026 (D7T5G). Returns the posts loaded.
    """
    clusters = {
        frozenset(c.memberships.values_list("ics__icb_ods_code", flat=True)): c
        for c in Cluster.objects.prefetch_related("memberships__ics")
    }
    loaded = 0
    for row in read_csv(data_dir / LEADERS_FILE):
        codes = [code.strip() for code in row["icb_ods_code"].split(";") if code.strip()]
        cluster = clusters.get(frozenset(codes)) if len(codes) > 1 else None
        holders = (
            [{"cluster": cluster, "ics": None}] if cluster else [{"ics": systems[c], "cluster": None} for c in codes]
        )
        person = person_named(row["person"])
        for holder in holders:
            upsert(
                LeadershipPost,
                {"person": person, "role": row["role"], "source_url": row["source_url"], **holder},
                {
                    "start_date": day(row["start_date"]),
                    "end_date": day(row["end_date"]),
                    "source": LEADERS_FILE,
                    "source_date": day(row["source_date"]),
                    "note": row["note"],
                    "disputed": row["note"].startswith("CONFLICT"),
                },
            )
            loaded += 1
    return loaded
