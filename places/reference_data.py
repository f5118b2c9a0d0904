"""Loads the 42 ICSs, their stage history and their places from the ONS and NHS England files."""

import csv
import datetime
from pathlib import Path

from django.utils.text import slugify

from ics_portal.core.upsert import upsert
from places.models import IcsStage, IntegratedCareSystem, Place, PlaceMembership

STP_ANNOUNCED = datetime.date(2016, 3, 30)
STATUTORY_FROM = datetime.date(2022, 7, 1)
STP_ERA_ENDS = STATUTORY_FROM - datetime.timedelta(days=1)
SUB_ICB_SOURCE = "ONS sub-ICB locations to ICBs lookup, April 2023 (sub_icb_locations_2023.csv)"
STP_SOURCE = "ONS CCGs to STPs lookup, April 2021 (ccg_to_stp_2021.csv)"

# Shadow ICS waves from the public record (see DESIGN.md): ICB ODS code -> (start, note).
SHADOW_ICS_WAVES = {
    **dict.fromkeys(["QF7", "QNQ", "QT1", "QE1", "QVV", "QHG", "QU9"], (datetime.date(2017, 6, 1), "First wave")),
    "QOP": (datetime.date(2017, 6, 1), "Joined the first wave through devolution"),
    **dict.fromkeys(["QWO", "QR1", "QJG", "QXU"], (datetime.date(2018, 5, 24), "Second wave, announced 24 May 2018")),
}

# Facts from the public record beyond the ONS files (DESIGN.md).
KNOWN_FACTS = {
    "QWO": {
        "population": 2_600_000,
        "annual_budget": 5_000_000_000,
        "website": "https://www.wypartnership.co.uk/",
        "description": "A partnership of NHS organisations, councils, Healthwatch and voluntary organisations "
        "across Bradford District and Craven, Calderdale, Kirklees, Leeds and Wakefield.",
    },
    "QYG": {
        "website": "https://www.cheshireandmerseyside.nhs.uk/",
        "description": "The second largest STP in England, with nine places including Wirral.",
    },
    "QF7": {"population": 1_500_000, "description": "Six local authorities; a first-wave shadow ICS."},
}


def read_csv(path: Path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def ods_open_dates(path: Path) -> dict[str, datetime.date]:
    """Open dates by code from an ODS file in its standard headerless layout (column 11, YYYYMMDD)."""
    with path.open(encoding="utf-8", newline="") as f:
        return {row[0]: datetime.datetime.strptime(row[10], "%Y%m%d").date() for row in csv.reader(f) if row[10]}


def short_icb_name(icb_name: str) -> str:
    return icb_name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


def place_name(ccg_name: str) -> str:
    return ccg_name.removeprefix("NHS ").removesuffix(" CCG")


def load_systems(data_dir: Path) -> dict[str, IntegratedCareSystem]:
    """All 42 ICSs keyed by ICB ODS code, with their stage history."""
    sub_icb_rows = read_csv(data_dir / "sub_icb_locations_2023.csv")
    stp_rows = read_csv(data_dir / "ccg_to_stp_2021.csv")
    systems = {}
    for row in {r["ICB23CDH"]: r for r in sub_icb_rows}.values():
        short_name = short_icb_name(row["ICB23NM"])
        systems[row["ICB23CDH"]] = upsert(
            IntegratedCareSystem,
            {"icb_ods_code": row["ICB23CDH"]},
            {
                "short_name": short_name,
                "name": f"{short_name} Integrated Care System",
                "slug": slugify(short_name),
                "region": row["NHSER23CDH"],
                "start_date": STP_ANNOUNCED,
                "source": SUB_ICB_SOURCE,
                "source_date": datetime.date(2023, 4, 1),
                **KNOWN_FACTS.get(row["ICB23CDH"], {}),
            },
            # Its end and a later ONS code are set by places.reorganisation_data (1 April 2026).
            create_only={"gss_code": row["ICB23CD"]},
        )
    stp_by_code = {r["STP21CDH"]: r for r in stp_rows}
    for code, ics in systems.items():
        load_stages(ics, stp_by_code[code], {r["ICB23CDH"]: r for r in sub_icb_rows}[code])
    return systems


def load_stages(ics, stp_row, icb_row):
    stages = [(IcsStage.Stage.STP, STP_ANNOUNCED, stp_row["STP21NM"], stp_row["STP21CD"], "STP footprints announced")]
    if ics.icb_ods_code in SHADOW_ICS_WAVES:
        start, note = SHADOW_ICS_WAVES[ics.icb_ods_code]
        stages.append((IcsStage.Stage.SHADOW_ICS, start, stp_row["STP21NM"], stp_row["STP21CD"], note))
    stages.append(
        (IcsStage.Stage.STATUTORY_ICS, STATUTORY_FROM, icb_row["ICB23NM"], icb_row["ICB23CD"], "ICB established")
    )
    for (stage, start, name, gss, note), following in zip(stages, [*stages[1:], None], strict=True):
        end = following[1] - datetime.timedelta(days=1) if following else None
        # The last stage's end and note are the reorganisation's to set (an ICB abolished in 2026).
        upsert(
            IcsStage,
            {"ics": ics, "stage": stage},
            {
                "start_date": start,
                "name_then": name,
                "gss_code_then": gss,
                **({"end_date": end, "note": note} if end else {}),
            },
            create_only={} if end else {"end_date": None, "note": note},
        )


def load_places(data_dir: Path, systems) -> dict[tuple[str, str], Place]:
    """Places from the sub-ICB locations (2023), named as their 2021 CCGs were, each with its ICSs.

    A location whose ICS changed in July 2022 (Bassetlaw) is one place in two ICSs, one after the other.
    Returns places keyed by (ICS ODS code, location ODS code).
    """
    opened = ods_open_dates(data_dir / "ods_eccg.csv")
    ccgs = {r["CCG21CDH"]: r for r in read_csv(data_dir / "ccg_to_stp_2021.csv")}
    places = {}
    for row in read_csv(data_dir / "sub_icb_locations_2023.csv"):
        code, ccg = row["SICBL23CDH"], ccgs[row["SICBL23CDH"]]
        place = upsert(
            Place,
            {"slug": slugify(place_name(ccg["CCG21NM"]))},
            {
                "name": place_name(ccg["CCG21NM"]),
                "ods_code": code,
                "gss_code": row["SICBL23CD"],
                "start_date": opened.get(code),
                "source": SUB_ICB_SOURCE,
            },
            create_only={"end_date": None},  # closed by a reorganisation (D4U1Y on 31 March 2026)
        )
        if ccg["STP21CDH"] != row["ICB23CDH"]:
            add_membership(place, systems[ccg["STP21CDH"]], opened.get(code), STP_ERA_ENDS, STP_SOURCE)
            add_membership(place, systems[row["ICB23CDH"]], STATUTORY_FROM, None, SUB_ICB_SOURCE)
        else:
            add_membership(place, systems[row["ICB23CDH"]], opened.get(code), None, SUB_ICB_SOURCE)
        places[(ccg["STP21CDH"], code)] = places[(row["ICB23CDH"], code)] = place
    return places


def add_membership(place, ics, start, end, source):
    """An open membership's end is left to later loaders (a place moved in a reorganisation)."""
    return upsert(
        PlaceMembership,
        {"place": place, "ics": ics, "start_date": start},
        {"source": source, **({"end_date": end} if end else {})},
        create_only={} if end else {"end_date": None},
    )


def load_harrogate(systems):
    """Harrogate was one of West Yorkshire and Harrogate's six places until July 2022 (DESIGN.md)."""
    place = upsert(
        Place,
        {"slug": "harrogate"},
        {"name": "Harrogate", "ods_code": "", "gss_code": "", "start_date": None, "end_date": STP_ERA_ENDS},
    )
    add_membership(
        place, systems["QWO"], None, STP_ERA_ENDS, "West Yorkshire and Harrogate ICS questions and answers, 2018"
    )
    return place
