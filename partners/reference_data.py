"""Loads ICBs, CCGs, NHS trusts and councils, and their partnerships, from the ODS and NHS England files."""

import csv
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from ics_portal.core.upsert import upsert
from partners.models import Organisation, OrganisationName, Partnership
from places.models import PlaceMembership
from places.reference_data import STATUTORY_FROM, STP_ERA_ENDS, read_csv
from places.reorganisation_data import CHANGE_DAY, LAST_DAY, in_effect, short_icb_name

CONSTITUTION_SOURCE = "ICB constitution partners, ODS ICB Partner Mapping as at 7 August 2023"
STP_SOURCE = "ONS CCG to STP lookup, April 2021"
ICB_SOURCE = "ONS sub-ICB location to ICB lookup, April 2023"

# The local government reorganisation of 1 April 2023, made by one Structural Changes Order per county (public
# general knowledge: the orders are on legislation.gov.uk; the partner file of 7 August 2023 shows its results).
REORGANISED_ON = datetime.date(2023, 4, 1)
BEFORE_REORGANISATION = REORGANISED_ON - datetime.timedelta(days=1)


def structural_changes_order(county: str) -> str:
    return f"The {county} (Structural Changes) Order 2022 (legislation.gov.uk), in force 1 April 2023"


@dataclass(frozen=True)
class Rename:
    """A county council that became its county's unitary council on 1 April 2023: the same body, ODS code kept."""

    before: str
    after: str
    county: str
    before_source: str

    def names(self) -> list[dict]:
        order = structural_changes_order(self.county)
        return [
            {"name": self.before, "start_date": None, "end_date": BEFORE_REORGANISATION, "source": self.before_source},
            {
                "name": self.after,
                "start_date": REORGANISED_ON,
                "end_date": None,
                "source": f"{CONSTITUTION_SOURCE}; renamed on 1 April 2023 by {order}",
            },
        ]


RENAMED_COUNCILS = {
    # The partner file names 218 both ways (still the county council for West Yorkshire and for Humber and
    # North Yorkshire): one council, renamed.
    "218": Rename(
        "North Yorkshire County Council",
        "North Yorkshire Council",
        "North Yorkshire",
        f"{CONSTITUTION_SOURCE}, which still uses this name for two ICBs; "
        f"until 31 March 2023 by {structural_changes_order('North Yorkshire')}",
    ),
    # The partner file has only the new name; the county council's name before it is from the order.
    "905": Rename(
        "Somerset County Council",
        "Somerset Council",
        "Somerset",
        f"{structural_changes_order('Somerset')}: the county council continued as Somerset Council, "
        "ODS code 905 in the ICB Partner Mapping as at 7 August 2023",
    ),
}

# Councils the reorganisation created, with codes of their own in the partner file: they began on 1 April 2023,
# so their partnerships begin then, not on 1 July 2022. The bodies they replaced (Cumbria County Council and its
# six districts) are in no source file with an ODS code, so they are not recorded here.
NEW_COUNCILS = {"H6X4G": "Cumbria", "W8X1Q": "Cumbria"}


def ods_organisations(path: Path) -> dict[str, dict]:
    """Name, open and close dates by code, from an ODS file in its standard headerless layout."""

    def day(text):
        return datetime.datetime.strptime(text, "%Y%m%d").date() if text else None

    with path.open(encoding="utf-8", newline="") as f:
        return {row[0]: {"name": row[1], "start_date": day(row[10]), "end_date": day(row[11])} for row in csv.reader(f)}


def unique_slug(name: str, code: str) -> str:
    """The name's slug, or the name and code's when another organisation already has it."""
    slug = slugify(name)
    taken = Organisation.objects.filter(slug=slug).exclude(ods_code=code).exists()
    return f"{slug}-{code.lower()}" if taken else slug


def upsert_organisation(code, name, create_only=None, **values):
    return upsert(
        Organisation, {"ods_code": code}, {"name": name, "slug": unique_slug(name, code), **values}, create_only
    )


def load_icbs(systems):
    """Each ICB as an organisation, and as the ICB of its own ICS from July 2022."""
    icbs = {}
    for code, ics in systems.items():
        icbs[code] = upsert_organisation(
            code,
            f"NHS {ics.short_name} Integrated Care Board",
            kind=Organisation.Kind.ICB,
            sector=Organisation.Sector.NHS,
            start_date=STATUTORY_FROM,
            create_only={"end_date": None, "successor": None},  # set when it is abolished (2026)
        )
        upsert(
            Partnership,
            {"organisation": icbs[code], "ics": ics, "role": Partnership.Role.ICB, "place": None},
            {"start_date": STATUTORY_FROM, "source": ICB_SOURCE},
            create_only={"end_date": None},
        )
    return icbs


def load_ccgs(data_dir: Path, systems, places, icbs):
    """The CCGs of April 2021 as members of their STP and place, closed on 30 June 2022."""
    ods = ods_organisations(data_dir / "ods_eccg.csv")
    icb_of = {r["SICBL23CDH"]: r["ICB23CDH"] for r in read_csv(data_dir / "sub_icb_locations_2023.csv")}
    for row in read_csv(data_dir / "ccg_to_stp_2021.csv"):
        code, stp_code = row["CCG21CDH"], row["STP21CDH"]
        opened = ods.get(code, {}).get("start_date")
        ccg = upsert_organisation(
            code,
            row["CCG21NM"],
            kind=Organisation.Kind.CCG,
            sector=Organisation.Sector.NHS,
            start_date=opened,
            end_date=STP_ERA_ENDS,
            successor=icbs[icb_of[code]],
        )
        upsert(
            Partnership,
            {"organisation": ccg, "ics": systems[stp_code], "role": Partnership.Role.STP_MEMBER},
            {"place": places[(stp_code, code)], "start_date": opened, "end_date": STP_ERA_ENDS, "source": STP_SOURCE},
        )


def load_constitutional_partners(data_dir: Path, systems) -> int:
    """NHS trusts and councils named in each ICB's constitution (7 August 2023).

    Where the ODS trusts file knows a code, its name wins: the partner file once
    pairs code RYE with another trust's name. A council renamed on 1 April 2023 is one
    organisation with both names, dated (RENAMED_COUNCILS); a council created then starts then
    (NEW_COUNCILS).
    """
    trusts = ods_organisations(data_dir / "ods_etr.csv")
    rows = [r for r in read_csv(data_dir / "icb_partners_2023.csv") if r["partner_kind"] != "sub_icb_location"]
    names_by_code = {}
    for row in rows:
        names_by_code.setdefault(row["partner_ods_code"], []).append(row["partner_name"])
    for row in rows:
        code = row["partner_ods_code"]
        organisation = upsert_organisation(
            code, partner_name(names_by_code[code], trusts.get(code), code), **partner_values(row, trusts.get(code))
        )
        if code in RENAMED_COUNCILS:
            for known in RENAMED_COUNCILS[code].names():
                upsert(OrganisationName, {"organisation": organisation, "name": known.pop("name")}, known)
        start, source = STATUTORY_FROM, CONSTITUTION_SOURCE
        if code in NEW_COUNCILS:
            start = REORGANISED_ON
            source = f"{CONSTITUTION_SOURCE}; from 1 April 2023, when the council began: " + structural_changes_order(
                NEW_COUNCILS[code]
            )
        upsert(
            Partnership,
            {
                "organisation": organisation,
                "ics": systems[row["icb_ods_code"]],
                "role": Partnership.Role.CONSTITUTIONAL_PARTNER,
                "place": None,
            },
            {"start_date": start, "source": source},
            create_only={"end_date": None},  # ended when its ICS was abolished (2026)
        )
    return len(rows)


def partner_name(names: list[str], ods_record: dict | None, code: str = "") -> str:
    """The organisation's name now: a renamed council's new name, the ODS trusts file's for a trust it knows."""
    if code in RENAMED_COUNCILS:
        return RENAMED_COUNCILS[code].after
    if ods_record:
        matching = [n for n in names if n.upper() == ods_record["name"]]
        return matching[0] if matching else ods_record["name"].title().replace("Nhs", "NHS")
    return names[-1]


def partner_values(row, ods_record) -> dict:
    if row["partner_kind"] == "local_authority":
        began = {"start_date": REORGANISED_ON} if row["partner_ods_code"] in NEW_COUNCILS else {}
        return {"kind": Organisation.Kind.LOCAL_AUTHORITY, "sector": Organisation.Sector.LOCAL_GOVERNMENT, **began}
    name = (ods_record or {}).get("name", row["partner_name"]).upper()
    kind = Organisation.Kind.FOUNDATION_TRUST if "FOUNDATION TRUST" in name else Organisation.Kind.NHS_TRUST
    dates = {"start_date": ods_record["start_date"], "end_date": ods_record["end_date"]} if ods_record else {}
    return {"kind": kind, "sector": Organisation.Sector.NHS, **dates}


REORGANISATION_SOURCE = "icb_changes_2026.csv"
PLACED_SUFFIX = " (placed by district name)"


def load_reorganised_icbs(reorganisation) -> dict[str, Organisation]:
    """The ICB organisations of 1 April 2026: the abolished ones end on 31 March (with their successor where there
    is one), the new ones start, each the ICB of its ICS; partnerships with an abolished ICS end with it.

    No partnerships are made up for the new ICSs: no constitution partner list is in the data.
    """
    new_icbs = {}
    for row in in_effect(reorganisation.rows, "merger"):
        code = row["new_icb_ods_code"]
        ics = reorganisation.systems[code]
        new_icbs[code] = upsert_organisation(
            code,
            f"NHS {short_icb_name(row['new_icb_name'])} Integrated Care Board",
            kind=Organisation.Kind.ICB,
            sector=Organisation.Sector.NHS,
            start_date=CHANGE_DAY,
            end_date=None,
        )
        upsert(
            Partnership,
            {"organisation": new_icbs[code], "ics": ics, "role": Partnership.Role.ICB, "place": None},
            {"start_date": CHANGE_DAY, "end_date": None, "source": REORGANISATION_SOURCE},
        )
    for code in sorted(reorganisation.abolished):
        successors = reorganisation.successors[code]
        successor = Organisation.objects.get(ods_code=successors[0]) if len(successors) == 1 else None
        upsert(Organisation, {"ods_code": code}, {"end_date": LAST_DAY, "successor": successor})
        for partnership in Partnership.objects.filter(ics=reorganisation.systems[code]).exclude(end_date__lte=LAST_DAY):
            upsert(Partnership, {"pk": partnership.pk}, {"end_date": LAST_DAY})
    return new_icbs


COUNCIL_WORDS = re.compile(
    r"\b(london borough of|royal borough of|corporation of the|council of the|city of|metropolitan borough|"
    r"metropolitan district|borough|district|county|city|council)\b"
)


def council_key(name: str) -> str:
    """A council's or district's name without the words for its kind: "City of Bradford Metropolitan District
    Council" and "Bradford" give "bradford"."""
    text = name.lower().replace("&", " and ").replace("-", " ").replace(",", " ")
    return " ".join(COUNCIL_WORDS.sub(" ", text).split())


def place_councils() -> dict[str, list[str]]:
    """Each council partnership with a whole ICS, at the one place of that ICS (on its dates) that has a district
    of the council's name, as a place-level partnership with the same dates and role.

    Returns, per ICS short name, the councils that could not be placed (no district or more than one matched).
    """
    unplaced = defaultdict(list)
    partnerships = Partnership.objects.filter(
        place=None, organisation__kind=Organisation.Kind.LOCAL_AUTHORITY
    ).select_related("organisation", "ics")
    memberships = defaultdict(list)
    for membership in PlaceMembership.objects.select_related("place"):
        memberships[membership.ics_id].append(membership)
    for partnership in partnerships:
        key = council_key(partnership.organisation.name)
        matches = {
            m.place
            for m in memberships[partnership.ics_id]
            if overlaps(m, partnership)
            for district in m.place.district_list
            if council_key(district) == key
        }
        if len(matches) != 1:
            unplaced[partnership.ics.short_name].append(partnership.organisation.name)
            continue
        upsert(
            Partnership,
            {
                "organisation": partnership.organisation,
                "ics": partnership.ics,
                "place": matches.pop(),
                "role": partnership.role,
            },
            {
                "start_date": partnership.start_date,
                "end_date": partnership.end_date,
                "source": partnership.source + PLACED_SUFFIX,
            },
        )
    return dict(unplaced)


def overlaps(a, b) -> bool:
    """Whether two dated rows (None: open) share a day."""
    return (a.start_date is None or b.end_date is None or a.start_date <= b.end_date) and (
        b.start_date is None or a.end_date is None or b.start_date <= a.end_date
    )
