"""Loads England's ICB changes of 2025–2027 (icb_changes_2026.csv) as sourced records. Safe to run again.

In effect on 1 April 2026: six new ICSs, twelve abolished, Hampshire and Isle of Wight enlarged; the
places that moved end one membership on 31 March and start another on 1 April (one place, one id).
The 2025 clusters are clusters; the planned and unconfirmed mergers of 2027 are PlannedChange rows only.
Runs after places.reference_data, whose open end dates it sets.
"""

import csv
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from ics_portal.core.upsert import upsert
from places.models import (
    Cluster,
    ClusterMembership,
    IcsStage,
    IcsSuccession,
    IntegratedCareSystem,
    Place,
    PlaceMembership,
    PlannedChange,
    Region,
)
from places.reference_data import read_csv

CHANGES_FILE = "icb_changes_2026.csv"
LSOA_FILE = "geography/lsoa_to_sub_icb_location.csv"
CHANGE_DAY = datetime.date(2026, 4, 1)
LAST_DAY = CHANGE_DAY - datetime.timedelta(days=1)
# Written ministerial statement HCWS915 announced the ICBs' leadership teams (the clusters) on 9 September 2025.
HCWS915_DATE = datetime.date(2025, 9, 9)
HCWS915_NOTE = (
    "No source states when this cluster began: its start is the date of written ministerial statement "
    "HCWS915 (9 September 2025), which announced the leadership teams."
)

NEW_REGIONS = {
    "T6Y0W": Region.EAST_OF_ENGLAND,
    "D7T5G": Region.EAST_OF_ENGLAND,
    "S1Y5D": Region.EAST_OF_ENGLAND,
    "S9B9J": Region.SOUTH_EAST,
    "Z9B2Z": Region.LONDON,
    "S0E4D": Region.SOUTH_EAST,
}
HIOW, FRIMLEY, FRIMLEY_LOCATION = "QRL", "QNQ", "D4U1Y"
EAST_BERKSHIRE = {"ods_code": "U2G6B", "name": "East Berkshire", "slug": "east-berkshire"}
# Where Frimley's area went, by successor: the sub-ICB location that took it (the places keep their ids).
FRIMLEY_PARTS = {
    "S0E4D": "East Berkshire, part of Frimley's sub-ICB location D4U1Y, became the new sub-ICB location U2G6B.",
    "S9B9J": "The Farnham and Surrey Heath areas of Frimley's sub-ICB location D4U1Y joined 92A "
    "(11 practices); 92A keeps its code and id.",
    "QRL": "North-east Hampshire (Rushmoor and part of Hart), part of Frimley's sub-ICB location D4U1Y, "
    "joined D9Y0V (14 practices); D9Y0V keeps its code and id.",
}
# A whole sub-ICB location moving: "06T (E38000117; former North East Essex CCG area; 2023 parent QJG)".
MOVED = re.compile(
    r"(?<!part of )\b([0-9]{2}[A-Z]|[A-Z0-9]{5}) \(E38[0-9]{6}; former [^;]+; 2023 parent (Q[A-Z0-9]{2})\)"
)


@dataclass
class Reorganisation:
    """What the loaders of other apps need: the ICSs by ICB code and who succeeded whom."""

    systems: dict[str, IntegratedCareSystem]
    abolished: set[str] = field(default_factory=set)
    successors: dict[str, list[str]] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)


def codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(";") if code.strip()]


def day(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def sourced(row) -> dict:
    return {"source": CHANGES_FILE, "source_url": row["source_url"], "source_date": day(row["source_date"])}


def short_icb_name(name: str) -> str:
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


def in_effect(rows, change):
    return [r for r in rows if r["status"] == "in_effect" and r["change"] == change]


def load_reorganisation(data_dir: Path, systems: dict[str, IntegratedCareSystem]) -> Reorganisation:
    """All of icb_changes_2026.csv: ICSs, places, successions, clusters and plans."""
    rows = read_csv(data_dir / CHANGES_FILE)
    reorganisation = Reorganisation(systems=dict(systems), rows=rows)
    load_new_systems(rows, reorganisation)
    end_abolished(rows, reorganisation)
    load_hiow_code(rows, reorganisation)
    move_places(rows, reorganisation)
    load_successions(rows, reorganisation)
    load_clusters(rows, reorganisation)
    load_plans(rows, reorganisation)
    return reorganisation


def load_new_systems(rows, reorganisation):
    """The six ICSs created on 1 April 2026, each with its statutory stage named as ODS names its ICB."""
    for row in in_effect(rows, "merger"):
        code, short_name = row["new_icb_ods_code"], short_icb_name(row["new_icb_name"])
        start = day(row["change_date"])
        ics = upsert(
            IntegratedCareSystem,
            {"icb_ods_code": code},
            {
                "short_name": short_name,
                "name": f"{short_name} Integrated Care System",
                "slug": slugify(short_name),
                "gss_code": row["new_icb_ons_code"],
                "region": NEW_REGIONS[code],
                "start_date": start,
                "end_date": None,
                **sourced(row),
            },
        )
        upsert(
            IcsStage,
            {"ics": ics, "stage": IcsStage.Stage.STATUTORY_ICS},
            {
                "start_date": start,
                "end_date": None,
                "name_then": row["new_icb_name"],
                "gss_code_then": row["new_icb_ons_code"],
                "note": "ICB established by merger",
            },
        )
        reorganisation.systems[code] = ics


def end_abolished(rows, reorganisation):
    """The twelve ICSs whose ICBs were abolished: their lives and last stages end on 31 March 2026."""
    for row in in_effect(rows, "dissolved"):
        (code,) = codes(row["predecessor_icb_ods_codes"])
        ics = reorganisation.systems[code]
        ics = reorganisation.systems[code] = upsert(IntegratedCareSystem, {"pk": ics.pk}, {"end_date": LAST_DAY})
        last_stage = ics.stages.order_by("-start_date").first()
        upsert(
            IcsStage,
            {"pk": last_stage.pk},
            {"end_date": LAST_DAY, "note": "ICB established; abolished on 1 April 2026 (ODS closed it on 31 March)"},
        )
        reorganisation.abolished.add(code)
        reorganisation.successors[code] = codes(row["new_icb_ods_code"])


def load_hiow_code(rows, reorganisation):
    """Hampshire and Isle of Wight kept QRL but has a new ONS code from 1 April 2026; its stage keeps the old one."""
    (row,) = [r for r in in_effect(rows, "boundary_change") if r["new_icb_ods_code"] == HIOW]
    ics = reorganisation.systems[HIOW]
    ics = upsert(IntegratedCareSystem, {"pk": ics.pk}, {"gss_code": row["new_icb_ons_code"]})
    reorganisation.systems[HIOW] = ics
    stage = ics.stages.get(stage=IcsStage.Stage.STATUTORY_ICS)
    upsert(
        IcsStage,
        {"pk": stage.pk},
        {
            "note": f"ICB established; ONS code {row['new_icb_ons_code']} from 1 April 2026 "
            f"(was {stage.gss_code_then}), when it took on north-east Hampshire from Frimley"
        },
    )


def move_places(rows, reorganisation):
    """Whole sub-ICB locations re-parented on 1 April 2026; Frimley's D4U1Y closed and U2G6B opened."""
    for row in in_effect(rows, "merger"):
        successor = reorganisation.systems[row["new_icb_ods_code"]]
        for code, parent in MOVED.findall(row["areas_moved"]):
            place = Place.objects.get(ods_code=code)
            end_membership(place, reorganisation.systems[parent])
            upsert(
                PlaceMembership,
                {"place": place, "ics": successor, "start_date": CHANGE_DAY},
                {"end_date": None, **sourced(row)},
            )
    frimley = Place.objects.get(ods_code=FRIMLEY_LOCATION)
    upsert(Place, {"pk": frimley.pk}, {"end_date": LAST_DAY})
    end_membership(frimley, reorganisation.systems[FRIMLEY])
    (row,) = [
        r
        for r in in_effect(rows, "boundary_change")
        if r["new_icb_ods_code"] == "S0E4D" and EAST_BERKSHIRE["ods_code"] in r["areas_moved"]
    ]
    east_berkshire = upsert(
        Place,
        {"ods_code": EAST_BERKSHIRE["ods_code"]},
        {"name": EAST_BERKSHIRE["name"], "slug": EAST_BERKSHIRE["slug"], "gss_code": "", "start_date": CHANGE_DAY}
        | {"end_date": None, **sourced(row)},
    )
    upsert(
        PlaceMembership,
        {"place": east_berkshire, "ics": reorganisation.systems["S0E4D"], "start_date": CHANGE_DAY},
        {"end_date": None, **sourced(row)},
    )


def end_membership(place, ics):
    membership = place.memberships.filter(ics=ics).order_by("-start_date").first()
    if membership.end_date is None or membership.end_date > LAST_DAY:
        upsert(PlaceMembership, {"pk": membership.pk}, {"end_date": LAST_DAY})


def load_successions(rows, reorganisation):
    """One succession per (predecessor, successor), dated 1 April 2026, with the places that moved.

    Merger: the predecessor's whole area went to a new ICS; boundary change: part of it did;
    acquisition: an ICS that existed before (Hampshire and Isle of Wight) took area on.
    """
    source_rows = {}
    for row in in_effect(rows, "merger") + in_effect(rows, "boundary_change"):
        for predecessor in codes(row["predecessor_icb_ods_codes"]):
            if predecessor != row["new_icb_ods_code"]:
                # A boundary change row describes the pair more precisely than the merger row.
                if row["change"] == "boundary_change" or (predecessor, row["new_icb_ods_code"]) not in source_rows:
                    source_rows[(predecessor, row["new_icb_ods_code"])] = row
    for (predecessor_code, successor_code), row in sorted(source_rows.items()):
        predecessor = reorganisation.systems[predecessor_code]
        successor = reorganisation.systems[successor_code]
        moved = list(
            Place.objects.filter(memberships__ics=predecessor, memberships__end_date=LAST_DAY, end_date__isnull=True)
            .filter(memberships__ics=successor, memberships__start_date=CHANGE_DAY)
            .distinct()
        )
        if predecessor_code == FRIMLEY and successor_code == "S0E4D":
            moved = list(Place.objects.filter(ods_code=EAST_BERKSHIRE["ods_code"]))
        whole = reorganisation.successors.get(predecessor_code) == [successor_code]
        if successor.start_date and successor.start_date < CHANGE_DAY:
            kind = IcsSuccession.Kind.ACQUISITION
        elif whole:
            kind = IcsSuccession.Kind.MERGER
        else:
            kind = IcsSuccession.Kind.BOUNDARY_CHANGE
        note = FRIMLEY_PARTS.get(successor_code, "") if predecessor_code == FRIMLEY else ""
        if not note:
            names = ", ".join(f"{p.name} ({p.ods_code})" for p in sorted(moved, key=lambda p: p.ods_code))
            note = f"{'Its whole area' if whole else 'Part of its area'}: {names}."
        succession = upsert(
            IcsSuccession,
            {"predecessor": predecessor, "successor": successor, "date": CHANGE_DAY},
            {"kind": kind, "note": note, **sourced(row)},
        )
        succession.places.set(moved)


def load_clusters(rows, reorganisation):
    """The 2025 clusters in effect, with their members; a start from the source's date says so."""
    for row in in_effect(rows, "cluster_formed"):
        members = [reorganisation.systems[code] for code in codes(row["predecessor_icb_ods_codes"])]
        start, from_source, note = day(row["change_date"]), False, row["note"]
        if start is None:
            start, from_source = day(row["source_date"]) or HCWS915_DATE, True
            if not row["source_date"]:
                note = f"{note} {HCWS915_NOTE}"
        ended = any(member.icb_ods_code in reorganisation.abolished for member in members)
        name = row["new_icb_name"].removesuffix(" cluster")  # pages say "the … cluster"
        cluster = upsert(
            Cluster,
            {"slug": slugify(name)[:120]},
            {
                "name": name,
                "start_date": start,
                "end_date": LAST_DAY if ended else None,
                "start_from_source": from_source,
                "note": note,
                **sourced(row),
            },
        )
        for member in members:
            upsert(ClusterMembership, {"cluster": cluster, "ics": member}, {})
        cluster.memberships.exclude(ics__in=members).delete()


def plan_title(kind, members) -> str:
    names = [m.short_name for m in members]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    if kind == PlannedChange.Kind.CLUSTER:
        return f"Cluster of {listed}"
    if len(names) == 2:
        return f"Merger of {names[0]} with {names[1]}"
    return f"Merger of {listed}"


# When a plan is to happen, as its source is quoted: "merger in 2027", "by April 2027", "could be April 2027".
EXPECTED = re.compile(r"\b(?:merger|by|be) (?:in )?((?:April )?2027)\b")


def expected(note: str) -> str:
    """When, as the row's note quotes its source ("April 2027", "2027"), else blank.

    Only the source's own words count: a general date for other mergers in the note is not this plan's.
    """
    match = EXPECTED.search(note)
    return match.group(1) if match else ""


def load_plans(rows, reorganisation):
    """Planned and unconfirmed mergers and clusters: plans, never structure."""
    for row in rows:
        if row["status"] not in PlannedChange.Status.values:
            continue
        kind = PlannedChange.Kind.CLUSTER if row["change"] == "cluster_formed" else PlannedChange.Kind.MERGER
        members = [reorganisation.systems[code] for code in codes(row["predecessor_icb_ods_codes"])]
        plan = upsert(
            PlannedChange,
            {"title": plan_title(kind, members)},
            {"kind": kind, "status": row["status"], "expected": expected(row["note"]), "note": row["note"]}
            | sourced(row),
        )
        plan.icss.set(members)


def district_name(lsoa_name: str) -> str:
    """An LSOA's local authority district: its name without the trailing "001A"."""
    return lsoa_name.rsplit(" ", 1)[0]


def load_districts(data_dir: Path) -> int:
    """Each sub-ICB place's local authority districts (2022 small areas), sorted, separated by semicolons."""
    districts = defaultdict(set)
    with (data_dir / LSOA_FILE).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["region_type"] == "SICBL":
                districts[row["region"].rsplit(" - ", 1)[1]].add(district_name(row["lsoa"]))
    updated = 0
    for place in Place.objects.exclude(ods_code=""):
        if place.ods_code in districts:
            upsert(Place, {"pk": place.pk}, {"districts": ";".join(sorted(districts[place.ods_code]))})
            updated += 1
    return updated
