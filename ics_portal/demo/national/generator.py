"""Builds the national data set in memory, table by table, each row with an explicit id.

The 42 ICSs, their NHS trusts, their upper-tier councils and the former CCGs come from
the real reference files in `data/` (names and ODS/ONS codes as published); everything
else (district councils, PCNs, GP practices, VCSE partners, boards, people, meetings,
agenda items, MoUs) is invented from a seeded random generator in the real code
formats. Every row is marked `provenance="generated"`. One generator draws every random
number in a fixed order, so the same seed and day give the same rows with the same ids.
"""

import csv
import datetime
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from governance.models import (
    AgendaItem,
    Board,
    BoardMembership,
    DeclarationOfInterest,
    Document,
    Meeting,
    MoU,
    MoUSignatory,
    Person,
    Programme,
)
from ics_portal.core.models import Provenance
from partners.models import ODS_CODE_FORMATS, OTHER_ODS_CODE_FORMAT, Organisation, Partnership
from places.models import (
    Cluster,
    ClusterMembership,
    IcsStage,
    IcsSuccession,
    IntegratedCareSystem,
    Place,
    PlaceMembership,
)

from .vocabulary import (
    ABOLISHED_SHARE,
    ADVISORY_GROUPS,
    AGENDA_TOPICS,
    CLUSTER_DAY,
    COMPASS,
    FIRST_NAMES,
    ICB_COMMITTEES,
    INTERESTS,
    LOCATIONS,
    MERGER_DAY,
    MINUTES_TEMPLATES,
    MOU_STATUSES,
    MOU_TITLES,
    OTHER_CLUSTERS,
    OTHER_NAMES,
    PCN_DAY,
    PEOPLE_PER_PCN,
    PLACE_COMMITTEES,
    PRACTICES_PER_PCN,
    PROGRAMMES,
    PROVIDER_COLLABORATIVES,
    REORGANISATION_SHAPES,
    RESOLUTIONS,
    SAINTS,
    STATUTORY_DAY,
    STP_DAY,
    STP_LAST_DAY,
    STREETS,
    SUB_COMMITTEES,
    SUMMARY_TEMPLATES,
    SURNAMES,
    TITLES,
    TOWN_ENDS,
    TOWN_STARTS,
    VCSE_KINDS,
    VCSE_NAMES,
)

LONDON = ZoneInfo("Europe/London")
MODELS = (
    IntegratedCareSystem,
    IcsStage,
    Place,
    PlaceMembership,
    IcsSuccession,
    IcsSuccession.places.through,
    Cluster,
    ClusterMembership,
    Organisation,
    Partnership,
    Programme,
    Board,
    Person,
    BoardMembership,
    Meeting,
    AgendaItem,
    MoU,
    MoUSignatory,
    Document,
    DeclarationOfInterest,
)
CONSTITUTION_SOURCE = "ICB constitution (ODS ICB partner mapping, August 2023)"


class Table:
    """Rows for one model, each with an explicit id; a field a row leaves out takes its default here."""

    def __init__(self, model, stamp: datetime.datetime):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.defaults = {f.name: _default(f, stamp) for f in self.fields}
        self.rows: list[dict] = []
        self.next_id = 1

    def add(self, **values) -> int:
        pk = self.next_id
        self.next_id += 1
        values["id"] = pk
        self.rows.append(values)
        return pk

    def __len__(self):
        """Every row added, including those already written (and let go)."""
        return self.next_id - 1


def _default(model_field, stamp: datetime.datetime):
    if model_field.name in ("created_at", "modified_at", "public_modified_at"):
        return stamp
    if model_field.name == "provenance":
        return Provenance.GENERATED
    if model_field.has_default():
        return model_field.get_default()
    return None if model_field.null else ""


@dataclass
class IcsSketch:
    id: int
    code: str
    short_name: str
    slug: str
    population: int
    icb_org: int = 0
    places: list = field(default_factory=list)  # (place id, name, slug, population)
    trusts: list = field(default_factory=list)
    councils: list = field(default_factory=list)
    orgs: list = field(default_factory=list)
    people: list = field(default_factory=list)
    boards: list = field(default_factory=list)  # (id, start, end, frequency in months, place or ICS name)
    start: datetime.date | None = None  # set for an ICS created since the STPs
    end: datetime.date | None = None
    successors: list = field(default_factory=list)  # the sketches its area went to


class NationalGenerator:
    """Builds the whole data set in memory: `t` maps each model to its Table, in the order to write them."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.scale = scale
        self.today = today or timezone.localdate()
        stamp = datetime.datetime.combine(self.today, datetime.time(6, 0), tzinfo=datetime.UTC)
        self.t = {m: Table(m, stamp) for m in MODELS}
        self.systems: list[IcsSketch] = []
        self.used_ods: set[str] = set()
        self.reserved_ods: set[str] = set()
        self.council_ids: dict[str, int] = {}
        self.org_dates: dict[int, tuple[datetime.date | None, datetime.date | None]] = {}
        self.used_slugs: dict[type, set[str]] = defaultdict(set)
        self.town_names = [a + b for a in TOWN_STARTS for b in TOWN_ENDS]
        self.rng.shuffle(self.town_names)
        self.town_cursor = 0
        self.membership_rows: dict[int, dict] = {}  # place id -> its membership row

    def counts(self) -> dict[str, int]:
        return {m._meta.verbose_name_plural: len(t) for m, t in self.t.items()}

    # -- helpers -------------------------------------------------------------------------------------------

    def town(self) -> str:
        name = self.town_names[self.town_cursor % len(self.town_names)]
        self.town_cursor += 1
        return name

    def unique_slug(self, model, text: str, max_length: int = 100) -> str:
        base = slugify(text)[: max_length - 6].strip("-") or "x"
        used = self.used_slugs[model]
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        return slug

    def new_code(self, make) -> str:
        for _ in range(10_000):
            code = make()
            if code not in self.used_ods and code not in self.reserved_ods:
                self.used_ods.add(code)
                return code
        raise RuntimeError("Ran out of ODS codes")

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        span = (end - start).days
        return start + datetime.timedelta(days=self.rng.randint(0, max(span, 0)))

    def full_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def add_org(self, *, name, kind, sector, ods_code=None, start=None, end=None, successor=None, website="") -> int:
        if ods_code is not None and not _ods_ok(kind, ods_code):
            ods_code = None
        if ods_code:
            self.used_ods.add(ods_code)
        org = self.t[Organisation].add(
            name=name[:200],
            slug=self.unique_slug(Organisation, name, 120),
            ods_code=ods_code,
            kind=kind,
            sector=sector,
            website=website,
            start_date=start,
            end_date=end,
            successor_id=successor,
        )
        self.org_dates[org] = (start, end)
        return org

    def operating(self, org, start: datetime.date, end: datetime.date | None) -> bool:
        """Was `org` operating throughout a seat from `start` to `end` (BoardMembership.clean()'s rule)?"""
        opened, closed = self.org_dates.get(org, (None, None))
        last = end or start
        return not (opened and start < opened) and not (closed and last > closed)

    def partner(self, org, ics, *, place=None, role=Partnership.Role.PARTNER, start=None, end=None, source=""):
        self.t[Partnership].add(
            organisation_id=org,
            ics_id=ics.id,
            place_id=place,
            role=role,
            start_date=start,
            end_date=end,
            source=source,
        )

    # -- systems -------------------------------------------------------------------------------------------

    def build(self):
        self.build_systems()
        for ics in self.systems:
            self.build_partners(ics)
        if self.today >= MERGER_DAY:
            self.build_reorganisations()
        if self.today >= CLUSTER_DAY:
            self.build_clusters()
        for ics in self.systems:
            self.build_governance(ics)

    def build_systems(self):
        icbs = self.read_reference_files()
        codes = sorted(icbs)
        count = max(1, min(len(codes), round(len(codes) * self.scale)))
        for code in sorted(self.rng.sample(codes, count)):
            ics = self.add_system(code, icbs[code])
            self.systems.append(ics)
            self.build_stages(ics)

    def read_reference_files(self) -> dict[str, dict]:
        """Index the real files by ICB code, reserve their ODS codes, and return each ICB's first sub-ICB row."""
        sub_icb_rows = _read_csv("sub_icb_locations_2023.csv")
        partners = _read_csv("icb_partners_2023.csv")
        ccgs = _read_csv("ccg_to_stp_2021.csv")
        trusts = _read_ods("ods_etr.csv")
        self.sub_icb = _group_by(sub_icb_rows, "ICB23CDH")
        self.partner_rows = _group_by(partners, "icb_ods_code")
        self.ccg_rows = _group_by(ccgs, "STP21CDH")
        self.trust_rows = _group_by(trusts, 3)
        self.reserved_ods.update(row[0] for row in trusts)
        self.reserved_ods.update(row["partner_ods_code"] for row in partners)
        self.reserved_ods.update(row["CCG21CDH"] for row in ccgs)
        self.reserved_ods.update(self.sub_icb)
        return {code: rows[0] for code, rows in self.sub_icb.items()}

    def add_system(self, code: str, row: dict) -> IcsSketch:
        short = re.sub(r"^NHS\s+|\s+Integrated Care Board$", "", row["ICB23NM"])
        population = self.rng.randint(500, 2200) * 1000
        ics_id = self.t[IntegratedCareSystem].add(
            name=f"{short} Integrated Care System",
            short_name=short,
            slug=self.unique_slug(IntegratedCareSystem, short),
            icb_ods_code=code,
            gss_code=row["ICB23CD"],
            region=row["NHSER23CDH"],
            population=population,
            annual_budget=population * self.rng.randint(1700, 2100),
            website=f"https://www.{slugify(short).replace('-', '')}.ics.nhs.example/",
            description=f"Generated sample data: the partnership of NHS bodies, councils and others in {short}.",
            start_date=STP_DAY,
        )
        slug = self.t[IntegratedCareSystem].rows[-1]["slug"]
        return IcsSketch(id=ics_id, code=code, short_name=short, slug=slug, population=population)

    def build_stages(self, ics):
        shadow = self.rng.choice([datetime.date(2017, 6, 1), datetime.date(2018, 5, 24), None, None])
        ics_day = self.rng.choice([datetime.date(2020, 4, 1), datetime.date(2020, 12, 1), datetime.date(2021, 4, 1)])
        stages = [(IcsStage.Stage.STP, STP_DAY)]
        if shadow:
            stages.append((IcsStage.Stage.SHADOW_ICS, shadow))
        stages += [(IcsStage.Stage.ICS, ics_day), (IcsStage.Stage.STATUTORY_ICS, STATUTORY_DAY)]
        for i, (stage, start) in enumerate(stages):
            end = stages[i + 1][1] - datetime.timedelta(days=1) if i + 1 < len(stages) else None
            kind = "partnership" if stage == IcsStage.Stage.STP else "integrated care system"
            self.t[IcsStage].add(
                ics_id=ics.id,
                stage=stage,
                name_then=f"{ics.short_name} {kind}".strip(),
                start_date=start,
                end_date=end,
            )

    # -- partners ------------------------------------------------------------------------------------------

    def build_partners(self, ics: IcsSketch):
        self.build_icb(ics)
        self.build_ccgs(ics)
        self.build_trusts(ics)
        self.build_places(ics, self.build_councils(ics))
        self.build_district_councils(ics)
        self.build_primary_care(ics)
        for kind, sector, mean in VCSE_KINDS:
            for _ in range(max(0, round(self.rng.gauss(mean, mean / 4)))):
                self.add_other_partner(ics, kind, sector)

    def build_icb(self, ics):
        ics.icb_org = self.add_org(
            name=f"NHS {ics.short_name} Integrated Care Board",
            kind=Organisation.Kind.ICB,
            sector=Organisation.Sector.NHS,
            ods_code=ics.code,
            start=STATUTORY_DAY,
        )
        self.partner(ics.icb_org, ics, role=Partnership.Role.ICB, start=STATUTORY_DAY, source="ICB constitution")
        ics.orgs.append(ics.icb_org)

    def build_ccgs(self, ics):
        """The former CCGs (2021), closed into the ICB on 1 July 2022."""
        for row in self.ccg_rows.get(ics.code, []):
            ccg = self.add_org(
                name=row["CCG21NM"],
                kind=Organisation.Kind.CCG,
                sector=Organisation.Sector.NHS,
                ods_code=row["CCG21CDH"],
                start=datetime.date(2013, 4, 1),
                end=STP_LAST_DAY,
                successor=ics.icb_org,
            )
            self.partner(ccg, ics, role=Partnership.Role.STP_MEMBER, start=STP_DAY, end=STP_LAST_DAY, source="ONS 2021")

    def build_trusts(self, ics):
        """NHS trusts from the ODS file, topped up to about 5.2 a system with invented ones."""
        for row in self.trust_rows.get(ics.code, []):
            code = row[0]
            if code in self.used_ods:
                continue
            opened = _ods_day(row[10]) or datetime.date(2004, 4, 1)
            closed = _ods_day(row[11])
            kind = Organisation.Kind.FOUNDATION_TRUST if "FOUNDATION" in row[1] else Organisation.Kind.NHS_TRUST
            org = self.add_org(
                name=_title_case(row[1]),
                kind=kind,
                sector=Organisation.Sector.NHS,
                ods_code=code,
                start=opened,
                end=closed,
            )
            self.trust_partnerships(org, ics, opened, closed)
            if not closed:
                ics.trusts.append(org)
        for _ in range(self.rng.choice((0, 0, 0, 1))):
            self.add_community_trust(ics)

    def add_community_trust(self, ics):
        rng = self.rng
        town = self.town()
        code = self.new_code(lambda: "R" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=2)))
        org = self.add_org(
            name=f"{town} Community Health Services NHS Trust",
            kind=Organisation.Kind.NHS_TRUST,
            sector=Organisation.Sector.NHS,
            ods_code=code,
            start=datetime.date(2011, 4, 1),
        )
        self.trust_partnerships(org, ics, datetime.date(2011, 4, 1), None)
        ics.trusts.append(org)

    def trust_partnerships(self, org, ics, opened, closed):
        if closed and closed < STP_DAY:
            return
        if closed and closed < STATUTORY_DAY:
            self.partner(org, ics, role=Partnership.Role.STP_MEMBER, start=max(opened, STP_DAY), end=closed)
            return
        self.partner(org, ics, role=Partnership.Role.STP_MEMBER, start=max(opened, STP_DAY), end=STP_LAST_DAY)
        self.partner(
            org,
            ics,
            role=Partnership.Role.CONSTITUTIONAL_PARTNER,
            start=max(opened, STATUTORY_DAY),
            end=closed,
            source=CONSTITUTION_SOURCE,
        )

    def build_councils(self, ics) -> list[tuple[str, str]]:
        """Upper-tier councils from the ICB partner file. Returns (place name, council name) for each of
        their places: one each, two or three for a county."""
        places = []
        for row in self.partner_rows.get(ics.code, []):
            if row["partner_kind"] == "local_authority":
                places += self.add_council(ics, row)
        return places

    def add_council(self, ics, row) -> list[tuple[str, str]]:
        name, code = row["partner_name"], row["partner_ods_code"]
        existing = self.council_ids.get(code) or self.council_ids.get(name)
        org = existing or self.add_org(
            name=name,
            kind=Organisation.Kind.LOCAL_AUTHORITY,
            sector=Organisation.Sector.LOCAL_GOVERNMENT,
            ods_code=code,
            start=datetime.date(1974, 4, 1) if "County" in name else datetime.date(1998, 4, 1),
        )
        self.council_ids[name] = self.council_ids[code] = org
        area = _place_name(name)
        places = [(part, name) for part in self.council_places(name, area)]
        ics.councils.append(org)
        self.partner(
            org, ics, role=Partnership.Role.CONSTITUTIONAL_PARTNER, start=STATUTORY_DAY, source=CONSTITUTION_SOURCE
        )
        self.partner(org, ics, role=Partnership.Role.STP_MEMBER, start=STP_DAY, end=STP_LAST_DAY)
        if existing is None:
            self.add_healthwatch(ics, area)
        return places

    def add_healthwatch(self, ics, area):
        healthwatch = self.add_org(
            name=f"Healthwatch {area}",
            kind=Organisation.Kind.HEALTHWATCH,
            sector=Organisation.Sector.VCSE,
            start=datetime.date(2013, 4, 1),
        )
        self.partner(healthwatch, ics, role=Partnership.Role.PARTNER, start=STATUTORY_DAY)
        ics.orgs.append(healthwatch)

    def council_places(self, name: str, area: str) -> list[str]:
        if "County Council" not in name:
            return [area]
        n = self.rng.choice((2, 2, 3))
        if area.split()[0] in COMPASS:
            return [f"{area} {part}" for part in ("Coast", "Dales", "Vale", "Moors")[:n]]
        return [f"{c} {area}" for c in self.rng.sample(COMPASS[:4], n)]

    def build_places(self, ics, places: list[tuple[str, str]]):
        """One place for each council place, named after the sub-ICB location in the same position."""
        places = places or [(ics.short_name, "")]
        population = ics.population // len(places)
        sub_icb = self.sub_icb.get(ics.code, [])
        for i, (name, council) in enumerate(places):
            ods, gss = (sub_icb[i]["SICBL23CDH"], sub_icb[i]["SICBL23CD"]) if i < len(sub_icb) else ("", "")
            slug = self.unique_slug(Place, name)
            pid = self.t[Place].add(
                name=name,
                slug=slug,
                ods_code=ods if re.match(r"^([0-9]{2}[A-Z]|[A-Z0-9]{5})$", ods) else "",
                gss_code=gss if re.match(r"^E38[0-9]{6}$", gss) else "",
                population=population,
                districts=council,
                place_lead=self.full_name(),
                start_date=STATUTORY_DAY,
            )
            self.t[PlaceMembership].add(place_id=pid, ics_id=ics.id, start_date=STATUTORY_DAY)
            self.membership_rows[pid] = self.t[PlaceMembership].rows[-1]
            ics.places.append((pid, name, slug, population))

    def build_district_councils(self, ics):
        """About 3.4 a system."""
        rng = self.rng
        for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 6, 6))):
            town = self.town()
            code = self.new_code(lambda: f"{rng.randint(100, 999)}")
            place = rng.choice(ics.places)
            org = self.add_org(
                name=f"{town} {rng.choice(('District', 'Borough', 'City'))} Council",
                kind=Organisation.Kind.LOCAL_AUTHORITY,
                sector=Organisation.Sector.LOCAL_GOVERNMENT,
                ods_code=code,
                start=datetime.date(1974, 4, 1),
            )
            self.partner(org, ics, place=place[0], start=STATUTORY_DAY)
            ics.councils.append(org)

    def build_primary_care(self, ics):
        """PCNs and their GP practices, by population."""
        rng = self.rng
        letter = "ABCDEFGHJKLMNPY"[self.systems.index(ics) % 15]
        for place_id, place_name, _slug, population in ics.places:
            for n in range(max(1, round(population / PEOPLE_PER_PCN))):
                town = self.town()
                pcn = self.add_org(
                    name=f"{place_name} {town} PCN" if n % 3 else f"{town} Primary Care Network",
                    kind=Organisation.Kind.PCN,
                    sector=Organisation.Sector.NHS,
                    ods_code=self.new_code(lambda: f"U{rng.randint(0, 99999):05d}"),
                    start=PCN_DAY,
                )
                self.partner(pcn, ics, place=place_id, start=PCN_DAY)
                for _ in range(rng.choice(PRACTICES_PER_PCN)):
                    self.add_practice(ics, place_id, town, letter)

    def add_practice(self, ics, place_id, town, letter):
        rng = self.rng
        style = rng.random()
        if style < 0.4:
            name = f"{rng.choice(STREETS)} Street Surgery, {town}"
        elif style < 0.7:
            name = f"{town} Medical Centre"
        elif style < 0.85:
            name = f"The {self.town()} Practice"
        else:
            name = f"{rng.choice(SURNAMES)} and Partners, {town}"
        opened = self.day_between(datetime.date(1974, 1, 1), datetime.date(2020, 1, 1))
        gp = self.add_org(
            name=name,
            kind=Organisation.Kind.GP_PRACTICE,
            sector=Organisation.Sector.NHS,
            ods_code=self.new_code(lambda: f"{letter}{rng.randint(80000, 99999):05d}"),
            start=opened,
        )
        self.partner(gp, ics, place=place_id, start=max(opened, PCN_DAY))

    def add_other_partner(self, ics, kind, sector):
        """A VCSE or other partner: about 67 a system, most at a place."""
        rng = self.rng
        town = self.town()
        templates = VCSE_NAMES if kind == Organisation.Kind.VCSE else OTHER_NAMES[kind]
        name = rng.choice(templates).format(town=town, saint=rng.choice(SAINTS))
        code = None
        if kind in (Organisation.Kind.HOSPICE, Organisation.Kind.CARE_PROVIDER) and rng.random() < 0.6:
            code = self.new_code(
                lambda: "N" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=2)) + f"{rng.randint(0, 99):02d}"
            )
        org = self.add_org(
            name=name,
            kind=kind,
            sector=sector,
            ods_code=code,
            start=self.day_between(datetime.date(1980, 1, 1), datetime.date(2022, 1, 1)),
            end=self.day_between(datetime.date(2023, 1, 1), self.today) if rng.random() < 0.03 else None,
            website=f"https://www.{slugify(name).replace('-', '')[:40]}.org.example/",
        )
        place = rng.choice(ics.places)[0] if rng.random() < 0.75 else None
        role = Partnership.Role.PARTNER if rng.random() < 0.7 else Partnership.Role.ASSOCIATE
        self.partner(org, ics, place=place, role=role, start=self.day_between(STP_DAY, self.today))
        ics.orgs.append(org)

    # -- reorganisations and clusters ----------------------------------------------------------------------

    def build_reorganisations(self):
        """Some ICSs abolished on the day before MERGER_DAY and new ones created on it, in England's shapes.

        Runs after the partners and before governance: each ended ICS's place memberships and partnerships end
        the day before and continue in its successor (partnerships begun later move to it); its boards are
        then built within its life, so they end with it.
        """
        self.merged_groups = []
        groups = self.reorganisation_groups()
        last = MERGER_DAY - datetime.timedelta(days=1)
        for shape, members in groups:
            names = [m.short_name for m in members]
            if shape == "split":
                first, middle, third = members
                half = (len(middle.places) + 1) // 2
                parts = [
                    (f"{first.short_name} and West {middle.short_name}", [first], middle.places[:half]),
                    (f"{third.short_name} and East {middle.short_name}", [third], middle.places[half:]),
                ]
            else:
                parts = [(" and ".join(names), members, [])]
            successors = []
            for short, whole, extra in parts:
                successor = self.add_successor(short, members[0])
                moving = [p for ics in whole for p in ics.places] + extra
                for place in moving:
                    self.move_place(place, successor, last)
                successor.places = moving
                successors.append(successor)
            for ics in members:
                ics.successors = [s for s in successors if {p[0] for p in s.places} & {p[0] for p in ics.places}]
                whole = len(ics.successors) == 1
                for successor in ics.successors:
                    moved = [p[0] for p in ics.places if p in successor.places]
                    self.add_succession(ics, successor, moved, whole)
                self.end_system(ics, last)
            for successor in successors:
                predecessors = [ics for ics in members if successor in ics.successors]
                self.carry_partners(predecessors, successor, last)
            self.merged_groups.append(members)
            self.systems += successors

    def reorganisation_groups(self) -> list[tuple[str, list[IcsSketch]]]:
        """Neighbours (the same region, next in code order) for each shape that fits the share to abolish."""
        budget = int(len(self.systems) * ABOLISHED_SHARE + 0.5)
        by_region = defaultdict(list)
        for ics in sorted(self.systems, key=lambda i: i.code):
            by_region[self.region_of(ics)].append(ics)
        free = {region: list(systems) for region, systems in by_region.items()}
        groups = []
        for shape, size in REORGANISATION_SHAPES:
            if size > budget:
                continue
            region = next((r for r in sorted(free, key=lambda r: -len(free[r])) if len(free[r]) >= size), None)
            if region is None:
                continue
            members, free[region] = free[region][:size], free[region][size:]
            groups.append((shape, members))
            budget -= size
        return groups

    def region_of(self, ics: IcsSketch) -> str:
        return self.t[IntegratedCareSystem].rows[ics.id - 1]["region"]

    def add_successor(self, short: str, model: IcsSketch) -> IcsSketch:
        """A new ICS and its ICB, from MERGER_DAY, in the region of `model`."""
        rng = self.rng
        code = self.new_code(lambda: "Q" + "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=2)))
        population = 0
        self.gss_counter = getattr(self, "gss_counter", 100) + 1
        ics_id = self.t[IntegratedCareSystem].add(
            name=f"{short} Integrated Care System",
            short_name=short[:100],
            slug=self.unique_slug(IntegratedCareSystem, short),
            icb_ods_code=code,
            gss_code=f"E54{self.gss_counter:06d}",
            region=self.region_of(model),
            population=population,
            website=f"https://www.{slugify(short).replace('-', '')[:40]}.ics.nhs.example/",
            description=f"Generated sample data: the ICS formed on {MERGER_DAY:%-d %B %Y} from {short}.",
            start_date=MERGER_DAY,
            source="Generated: the ICB establishment order",
            source_date=datetime.date(2026, 2, 1),
        )
        row = self.t[IntegratedCareSystem].rows[-1]
        self.t[IcsStage].add(
            ics_id=ics_id, stage=IcsStage.Stage.STATUTORY_ICS, name_then=row["name"], start_date=MERGER_DAY
        )
        ics = IcsSketch(id=ics_id, code=code, short_name=short, slug=row["slug"], population=0, start=MERGER_DAY)
        ics.icb_org = self.add_org(
            name=f"NHS {short} Integrated Care Board",
            kind=Organisation.Kind.ICB,
            sector=Organisation.Sector.NHS,
            ods_code=code,
            start=MERGER_DAY,
        )
        self.partner(ics.icb_org, ics, role=Partnership.Role.ICB, start=MERGER_DAY, source="ICB constitution")
        ics.orgs.append(ics.icb_org)
        return ics

    def move_place(self, place, successor: IcsSketch, last: datetime.date):
        """The place's membership ends on `last`; a new one with `successor` starts the day after."""
        self.membership_rows[place[0]]["end_date"] = last
        self.t[PlaceMembership].add(place_id=place[0], ics_id=successor.id, start_date=MERGER_DAY)
        self.membership_rows[place[0]] = self.t[PlaceMembership].rows[-1]
        successor.population += place[3]
        self.t[IntegratedCareSystem].rows[successor.id - 1]["population"] = successor.population

    def add_succession(self, ics: IcsSketch, successor: IcsSketch, place_ids: list[int], whole: bool):
        succession = self.t[IcsSuccession].add(
            predecessor_id=ics.id,
            successor_id=successor.id,
            kind=IcsSuccession.Kind.MERGER if whole else IcsSuccession.Kind.BOUNDARY_CHANGE,
            date=MERGER_DAY,
            source="Generated: the ICB establishment order",
            source_date=datetime.date(2026, 2, 1),
        )
        for place_id in place_ids:
            self.t[IcsSuccession.places.through].add(icssuccession_id=succession, place_id=place_id)

    def end_system(self, ics: IcsSketch, last: datetime.date):
        """The ICS, its open stage and its ICB end on `last`: the ICB's successor is the first new ICB."""
        ics.end = last
        self.t[IntegratedCareSystem].rows[ics.id - 1]["end_date"] = last
        for stage in self.t[IcsStage].rows:
            if stage["ics_id"] == ics.id and stage["end_date"] is None:
                stage["end_date"] = last
        icb = self.t[Organisation].rows[ics.icb_org - 1]
        icb["end_date"], icb["successor_id"] = last, ics.successors[0].icb_org
        self.org_dates[ics.icb_org] = (icb["start_date"], last)

    def carry_partners(self, predecessors: list[IcsSketch], successor: IcsSketch, last: datetime.date):
        """Partnerships of the ended ICSs: those open on `last` end then and go on with `successor` (at its
        places, or system-wide); those begun since move to it. The old ICBs' own are not carried."""
        ids = {ics.id for ics in predecessors}
        icbs = {ics.icb_org for ics in predecessors}
        places = {p[0] for p in successor.places}
        carried = []
        for row in self.t[Partnership].rows:
            if row["ics_id"] not in ids or (row.get("place_id") and row["place_id"] not in places):
                continue
            start, end = row.get("start_date"), row.get("end_date")
            if end is not None and end <= last:
                continue
            if start is not None and start > last:
                row["ics_id"] = successor.id
                continue
            if row["organisation_id"] not in icbs:
                carried.append({**row, "start_date": MERGER_DAY, "ics_id": successor.id})
            if end is None or end > last:
                row["end_date"] = last
        for row in carried:
            row.pop("id")
            self.t[Partnership].add(**row)
        for ics in predecessors:
            successor.trusts += [o for o in ics.trusts if o not in successor.trusts]
            successor.councils += [o for o in ics.councils if o not in successor.councils]
            successor.orgs += [o for o in ics.orgs if o not in successor.orgs and o != ics.icb_org]

    def build_clusters(self):
        """A cluster for each group that merged (CLUSTER_DAY to the day before the merger), and others, open,
        of neighbours that stayed separate."""
        last = MERGER_DAY - datetime.timedelta(days=1)
        for members in getattr(self, "merged_groups", []):
            self.add_cluster(members, last)
        staying = [i for i in self.systems if i.end is None and i.start is None]
        wanted = int(OTHER_CLUSTERS * len(staying) / 30 + 0.5)
        by_region = defaultdict(list)
        for ics in sorted(staying, key=lambda i: i.code):
            by_region[self.region_of(ics)].append(ics)
        pairs = [group[i : i + 2] for group in by_region.values() for i in range(0, len(group) - 1, 2)]
        for pair in sorted(pairs, key=lambda p: p[0].code)[:wanted]:
            self.add_cluster(pair, None)

    def add_cluster(self, members: list[IcsSketch], end: datetime.date | None):
        name = " and ".join(m.short_name for m in members)  # pages say "the … cluster"
        cluster = self.t[Cluster].add(
            name=name[:200],
            slug=self.unique_slug(Cluster, name, 120),
            start_date=CLUSTER_DAY,
            end_date=end,
            note="Generated: a shared chair and chief executive.",
            source="Generated: the ICBs' joint announcement",
            source_date=CLUSTER_DAY,
        )
        for ics in members:
            self.t[ClusterMembership].add(cluster_id=cluster, ics_id=ics.id)

    # -- governance ----------------------------------------------------------------------------------------

    def build_governance(self, ics: IcsSketch):
        programmes = self.build_programmes(ics)
        icb, icp = self.build_system_boards(ics)
        self.build_committees(ics, icb)
        self.build_partnership_groups(ics, icb, icp, programmes)
        for place in ics.places:
            self.build_place_boards(ics, place, icb)
        representers = list(dict.fromkeys(ics.trusts + ics.councils + [ics.icb_org] + ics.orgs[:20]))
        for board_id, start, end, every, where in ics.boards:
            self.build_memberships(ics, board_id, start, end, representers)
            self.build_meetings(board_id, start, end, every, where)
        self.build_mous(ics)

    def build_programmes(self, ics) -> list[str]:
        for name, description in PROGRAMMES:
            self.t[Programme].add(
                ics_id=ics.id,
                name=name,
                slug=slugify(name),
                description=description,
                lead_organisation_id=self.rng.choice(ics.trusts or [ics.icb_org]),
                start_date=max(ics.start or STP_DAY, self.day_between(STP_DAY, datetime.date(2019, 4, 1))),
                end_date=ics.end,
            )
        return [name for name, _description in PROGRAMMES]

    def add_board(
        self, ics, name, kind, *, start, end=None, place=None, reports_to=None, statutory=False, public=None, every=3
    ):
        """A board that meets every `every` months, kept in `ics.boards` for its members and meetings.

        Its dates are cut to the ICS's life; a board that would lie outside it is not added (None).
        """
        if ics.start:
            start = max(start, ics.start)
        if ics.end and (end is None or end > ics.end):
            end = ics.end
        if end and end < start:
            return None
        full_name = f"{place[1]} {name}" if place and not name.startswith(place[1]) else name
        slug_text = full_name if full_name.startswith(ics.short_name) else f"{ics.short_name} {full_name}"
        board_id = self.t[Board].add(
            ics_id=ics.id,
            place_id=place[0] if place else None,
            name=full_name,
            slug=self.unique_slug(Board, slug_text, 120),
            kind=kind,
            is_statutory=statutory,
            meets_in_public=self.rng.random() < 0.35 if public is None else public,
            reports_to_id=reports_to,
            terms_of_reference=f"The {name.lower()} of {place[1] if place else ics.short_name}. "
            "It meets in line with its terms of reference and reports to the body named above.",
            start_date=start,
            end_date=end,
        )
        ics.boards.append((board_id, start, end, every, place[1] if place else ics.short_name))
        return board_id

    def build_system_boards(self, ics) -> tuple[int, int]:
        """The ICB board and the ICP, and the STP-era boards they replaced. Returns the ICB board and ICP ids."""
        K, name = Board.Kind, ics.short_name
        icb = self.add_board(
            ics, f"{name} ICB Board", K.ICB_BOARD, start=STATUTORY_DAY, statutory=True, public=True, every=2
        )
        icp = self.add_board(
            ics, f"{name} Integrated Care Partnership", K.ICP, start=STATUTORY_DAY, statutory=True, public=True
        )
        self.add_board(
            ics, f"{name} STP Partnership Board", K.PARTNERSHIP_BOARD, start=STP_DAY, end=STP_LAST_DAY, public=True
        )
        self.add_board(
            ics,
            f"{name} Joint Committee of CCGs",
            K.JOINT_COMMITTEE,
            start=datetime.date(2018, 4, 1),
            end=STP_LAST_DAY,
            public=True,
            every=2,
        )
        return icb, icp

    def build_committees(self, ics, icb):
        rng = self.rng
        for name in rng.sample(ICB_COMMITTEES, rng.randint(6, 10)):
            committee = self.add_board(
                ics, name, Board.Kind.COMMITTEE, start=STATUTORY_DAY, reports_to=icb, every=rng.choice((3, 4, 6))
            )
            for sub in rng.sample(SUB_COMMITTEES, rng.randint(1, 3)):
                self.add_board(
                    ics,
                    sub,
                    Board.Kind.SUB_COMMITTEE,
                    start=self.day_between(STATUTORY_DAY, datetime.date(2024, 4, 1)),
                    reports_to=committee,
                    every=rng.choice((4, 6)),
                )

    def build_partnership_groups(self, ics, icb, icp, programmes):
        """Provider collaboratives reporting to the ICB; advisory groups and programme boards to the ICP."""
        rng = self.rng
        for name in rng.sample(PROVIDER_COLLABORATIVES, rng.randint(2, 3)):
            start = self.day_between(datetime.date(2021, 4, 1), datetime.date(2023, 4, 1))
            self.add_board(ics, name, Board.Kind.PROVIDER_COLLABORATIVE, start=start, reports_to=icb)
        for name in rng.sample(ADVISORY_GROUPS, rng.randint(1, 3)):
            start = self.day_between(STATUTORY_DAY, datetime.date(2024, 1, 1))
            self.add_board(ics, name, Board.Kind.ADVISORY_GROUP, start=start, reports_to=icp, every=4)
        for name in programmes:
            start = self.day_between(STP_DAY, datetime.date(2020, 4, 1))
            self.add_board(
                ics, f"{name} Programme Board", Board.Kind.PARTNERSHIP_BOARD, start=start, reports_to=icp, every=6
            )

    def build_place_boards(self, ics, place, icb):
        rng = self.rng
        K = Board.Kind
        ppb = self.add_board(
            ics,
            "Place Partnership Board",
            K.PLACE_PARTNERSHIP_BOARD,
            place=place,
            start=self.day_between(datetime.date(2019, 4, 1), STATUTORY_DAY),
            reports_to=icb,
            public=True,
            every=4,
        )
        self.add_board(
            ics,
            "Health and Wellbeing Board",
            K.HWB,
            place=place,
            start=datetime.date(2013, 4, 1),
            statutory=True,
            public=True,
            every=rng.choice((4, 6)),
        )
        for name in rng.sample(PLACE_COMMITTEES, rng.randint(3, 5)):
            start = self.day_between(STATUTORY_DAY, datetime.date(2023, 10, 1))
            self.add_board(ics, name, K.COMMITTEE, place=place, start=start, reports_to=ppb, every=rng.choice((4, 6)))

    # -- people --------------------------------------------------------------------------------------------

    def person(self, ics: IcsSketch) -> int:
        """Someone already sitting on a board in the system (45% of the time), or someone new."""
        rng = self.rng
        if ics.people and rng.random() < 0.45:
            return rng.choice(ics.people)
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}" if rng.random() < 0.5 else f"{first} {last}"
        pid = self.t[Person].add(name=name, slug=self.unique_slug(Person, name, 120), title=rng.choice(TITLES))
        ics.people.append(pid)
        if rng.random() < 0.2:
            for _ in range(rng.randint(1, 3)):
                self.declare_interest(ics, pid)
        return pid

    def declare_interest(self, ics, pid):
        rng = self.rng
        self.t[DeclarationOfInterest].add(
            person_id=pid,
            interest=rng.choice(INTERESTS),
            organisation_id=rng.choice(ics.orgs) if ics.orgs and rng.random() < 0.5 else None,
            action_taken=rng.choice(("", "Will leave the meeting for related items.", "Noted; no action needed.")),
            start_date=self.day_between(datetime.date(2018, 1, 1), self.today),
        )

    def board_seats(self) -> list[str]:
        rng = self.rng
        R = BoardMembership.Role
        seats = [R.CHAIR]
        if rng.random() < 0.6:
            seats.append(R.VICE_CHAIR)
        seats += [R.MEMBER] * rng.randint(3, 6)
        seats += [R.NON_VOTING_MEMBER] * rng.randint(0, 1) + [R.OBSERVER] * rng.randint(0, 1)
        return seats

    def build_memberships(self, ics, board_id, start, end, representers):
        """Seats on a board, each held by one person after another: no seat, chair included, overlaps itself."""
        last_day = min(end, self.today) if end else self.today
        for role in self.board_seats():
            seat_start = start
            while seat_start <= last_day:
                holder_end = self.add_member(ics, board_id, role, seat_start, end, last_day, representers)
                if holder_end is None or holder_end >= last_day:
                    break
                seat_start = holder_end + datetime.timedelta(days=1)

    def add_member(self, ics, board_id, role, seat_start, end, last_day, representers) -> datetime.date | None:
        """One holder of a seat, for a four- to eight-year tenure. Returns the day the tenure ends, if it does."""
        rng = self.rng
        R = BoardMembership.Role
        seat_end = seat_start + datetime.timedelta(days=rng.randint(4 * 365, 8 * 365))
        holder_end = seat_end if seat_end < last_day else end
        # Only an organisation operating throughout the seat is represented on it.
        operating = [org for org in representers if self.operating(org, seat_start, holder_end)]
        self.t[BoardMembership].add(
            board_id=board_id,
            person_id=self.person(ics),
            organisation_id=rng.choice(operating) if rng.random() < 0.9 and operating else None,
            role=role,
            is_voting=role in (R.CHAIR, R.VICE_CHAIR, R.MEMBER),
            start_date=seat_start,
            end_date=holder_end,
        )
        return holder_end

    # -- meetings ------------------------------------------------------------------------------------------

    def build_meetings(self, board_id, start, end, every, where):
        for day in self.meeting_days(start, end, every):
            self.add_meeting(board_id, day, where)

    def meeting_days(self, start, end, every):
        """A day in every `every`th month, from ten years ago (or the board's start) to four months ahead (or
        the board's end)."""
        horizon = self.today + datetime.timedelta(days=120)
        first = max(start, self.today - datetime.timedelta(days=3652))
        last = min(end, horizon) if end else horizon
        month = first.year * 12 + first.month - 1 + self.rng.randint(0, every - 1)
        while True:
            day = datetime.date(month // 12, month % 12 + 1, self.rng.randint(1, 28))
            month += every
            if day < first:
                continue
            if day > last:
                return
            yield day

    def meeting_status(self, day: datetime.date) -> str:
        if day >= self.today:
            return Meeting.Status.SCHEDULED
        roll = self.rng.random()
        if roll < 0.03:
            return Meeting.Status.CANCELLED
        if roll < 0.05:
            return Meeting.Status.POSTPONED
        return Meeting.Status.HELD

    def add_meeting(self, board_id, day, where):
        """A meeting at 10:00, 14:00 or 18:00; nine in ten held more than six weeks ago have minutes out."""
        rng = self.rng
        hour = rng.choice((10, 14, 18))
        starts_at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON).astimezone(datetime.UTC)
        status = self.meeting_status(day)
        held = status == Meeting.Status.HELD
        cutoff = self.today - datetime.timedelta(days=42)
        published = starts_at + datetime.timedelta(days=30) if held and day < cutoff and rng.random() < 0.9 else None
        # The agenda and papers a week ahead, unless cancelled; not yet for a meeting more than a week away.
        papers_at = starts_at - datetime.timedelta(days=7)
        if status == Meeting.Status.CANCELLED or papers_at.date() >= self.today:
            papers_at = None
        meeting_id = self.t[Meeting].add(
            board_id=board_id,
            slug=day.isoformat(),
            starts_at=starts_at,
            location=rng.choice(LOCATIONS),
            status=status,
            is_public=rng.random() < 0.9,
            agenda_published_at=papers_at,
            minutes_published_at=published,
        )
        self.build_agenda(meeting_id, day, where, held)
        self.add_meeting_documents(board_id, meeting_id, day, papers_at, published)

    def add_meeting_documents(self, board_id, meeting_id, day, papers_at, minutes_at):
        """The papers a week ahead, unless the meeting was cancelled, and the minutes once published."""
        url = f"https://papers.example.org/{board_id}/{day.isoformat()}"
        if papers_at:
            self.t[Document].add(
                title=f"Agenda and papers, {day:%d %B %Y}",
                kind=Document.Kind.PAPERS,
                url=f"{url}.pdf",
                meeting_id=meeting_id,
                published_at=papers_at,
            )
        if minutes_at:
            self.t[Document].add(
                title=f"Minutes, {day:%d %B %Y}",
                kind=Document.Kind.MINUTES,
                url=f"{url}-minutes.pdf",
                meeting_id=meeting_id,
                published_at=minutes_at,
            )

    def agenda_titles(self, day: datetime.date) -> list[str]:
        rng = self.rng
        titles = ["Welcome and apologies", "Declarations of interest", "Minutes of the previous meeting"]
        if rng.random() < 0.6:
            titles.append("Matters arising and action log")
        titles += [t.format(month=day.month) for t in rng.sample(AGENDA_TOPICS, rng.randint(2, 4))]
        titles.append("Any other business")
        return titles

    def build_agenda(self, meeting_id, day, where, held):
        """The opening items, two to four topics, and any other business; minutes for a meeting that was held."""
        rng = self.rng
        titles = self.agenda_titles(day)
        for i, title in enumerate(titles):
            substantive = 2 < i < len(titles) - 1
            summary = rng.choice(SUMMARY_TEMPLATES).format(topic_l=title.lower(), where=where) if substantive else ""
            minutes = resolutions = ""
            if held and substantive:
                person = self.full_name()
                minutes = rng.choice(MINUTES_TEMPLATES).format(person=person)
                resolutions = rng.choice(RESOLUTIONS)
            elif held and i == 2:
                resolutions = "The minutes of the previous meeting were agreed as a correct record."
            self.t[AgendaItem].add(
                meeting_id=meeting_id,
                number=str(i + 1),
                position=i + 1,
                title=title,
                summary=summary,
                minutes=minutes,
                resolutions=resolutions,
            )

    # -- MoUs ----------------------------------------------------------------------------------------------

    def build_mous(self, ics: IcsSketch):
        signers = list(dict.fromkeys(ics.trusts + ics.councils + [ics.icb_org] + ics.orgs[:10]))
        for _ in range(max(1, round(self.rng.gauss(23.8, 4)))):
            self.add_mou(ics, signers)

    def add_signatories(self, mou, signers, signed_on):
        rng = self.rng
        for org in rng.sample(signers, min(len(signers), rng.randint(2, 8))):
            self.t[MoUSignatory].add(
                mou_id=mou,
                organisation_id=org,
                signed_by=f"{self.full_name()}, {rng.choice(TITLES)}",
                signed_on=signed_on,
            )

    def mou_title(self, ics, place) -> str:
        title = self.rng.choice(MOU_TITLES).format(ics=ics.short_name)
        if not place:
            return title
        if title.startswith(ics.short_name):
            return f"{place[1]} place agreement"
        return f"{place[1]}: {title[0].lower()}{title[1:]}"

    def add_mou(self, ics, signers):
        """An MoU for the system or (two in five) one of its places; signed ones have signatories."""
        rng = self.rng
        S = MoU.Status
        place = rng.choice(ics.places) if rng.random() < 0.4 else None
        title = self.mou_title(ics, place)
        status = rng.choice(MOU_STATUSES)
        start = self.day_between(
            ics.start or STP_DAY, min(ics.end or self.today, self.today - datetime.timedelta(days=60))
        )
        end = self.day_between(start, self.today) if status in (S.SUPERSEDED, S.WITHDRAWN) else None
        in_effect = status not in (S.DRAFT, S.CONSULTATION)
        published = (
            None if status == S.DRAFT else datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC)
        )
        mou = self.t[MoU].add(
            ics_id=ics.id,
            place_id=place[0] if place else None,
            title=f"{title} {start.year}",
            slug=self.unique_slug(MoU, f"{ics.slug}-{title}-{start.year}", 120),
            status=status,
            version=f"{rng.randint(1, 3)}.{rng.randint(0, 4)}",
            summary=f"Sets out how partners in {place[1] if place else ics.short_name} work together and hold "
            "each other to account.",
            review_date=start + datetime.timedelta(days=730),
            published_at=published,
            start_date=start if in_effect else None,
            end_date=end if in_effect else None,
        )
        if status in (S.SIGNED, S.IN_FORCE, S.SUPERSEDED):
            self.add_signatories(mou, signers, start)
        if published:
            self.t[Document].add(
                title=f"{title} {start.year} (text)",
                kind=Document.Kind.MOU_TEXT,
                url=f"https://papers.example.org/mou/{mou}.pdf",
                mou_id=mou,
                published_at=published,
            )


def _group_by(rows, key) -> dict[str, list]:
    groups = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _read_csv(name: str) -> list[dict]:
    with open(settings.REFERENCE_DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_ods(name: str) -> list[list[str]]:
    with open(settings.REFERENCE_DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _ods_day(text: str) -> datetime.date | None:
    text = (text or "").strip()
    if len(text) != 8:
        return None
    return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _ods_ok(kind: str, code: str | None) -> bool:
    if not code:
        return False
    pattern = ODS_CODE_FORMATS.get(kind, OTHER_ODS_CODE_FORMAT)[0]
    return re.match(pattern, code) is not None


def _title_case(upper_name: str) -> str:
    small = {"and", "of", "the", "for", "in", "on", "upon"}
    words = []
    for i, word in enumerate(upper_name.lower().split()):
        if word in ("nhs", "icb", "ccg"):
            words.append(word.upper())
        elif i and word in small:
            words.append(word)
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words)


def _place_name(council: str) -> str:
    name = re.sub(
        r"^(London Borough of|Royal Borough of|Corporation of the City of|City of|Council of the)\s+", "", council
    )
    name = re.sub(
        r"\s+(Metropolitan Borough|Metropolitan District|Borough|City|County|District)?\s*Council$", "", name
    ).strip()
    if council.startswith("Corporation of the City of"):
        name = f"City of {name}"
    return name or council
