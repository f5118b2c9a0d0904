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
from places.models import IcsStage, IntegratedCareSystem, Place

from .vocabulary import (
    ADVISORY_GROUPS,
    AGENDA_TOPICS,
    COMPASS,
    FIRST_NAMES,
    ICB_COMMITTEES,
    INTERESTS,
    LOCATIONS,
    MINUTES_TEMPLATES,
    MOU_TITLES,
    OTHER_NAMES,
    PCN_DAY,
    PEOPLE_PER_PCN,
    PLACE_COMMITTEES,
    PRACTICES_PER_PCN,
    PROGRAMMES,
    PROVIDER_COLLABORATIVES,
    RESOLUTIONS,
    SAINTS,
    STATUTORY_DAY,
    STP_DAY,
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


@dataclass
class Scale:
    """How much to generate: `ics_fraction` of the 42 ICSs, each at full national density."""

    fraction: float = 1.0

    def ics_count(self, available: int) -> int:
        return max(1, min(available, round(available * self.fraction)))


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
    if model_field.name in ("created_at", "modified_at"):
        return stamp
    if model_field.name == "provenance":
        return Provenance.GENERATED
    if model_field.has_default():
        return model_field.get_default()
    return None if model_field.null else ""


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


def _read_csv(name: str) -> list[dict]:
    with open(settings.REFERENCE_DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_ods(name: str) -> list[list[str]]:
    with open(settings.REFERENCE_DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _ods_ok(kind: str, code: str | None) -> bool:
    if not code:
        return False
    pattern = ODS_CODE_FORMATS.get(kind, OTHER_ODS_CODE_FORMAT)[0]
    return re.match(pattern, code) is not None


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


class NationalGenerator:
    """Builds the whole data set in memory: `t` maps each model to its Table, in the order to write them."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.scale = Scale(scale)
        self.today = today or timezone.localdate()
        self.stamp = datetime.datetime.combine(self.today, datetime.time(6, 0), tzinfo=datetime.UTC)
        models = (
            IntegratedCareSystem,
            IcsStage,
            Place,
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
        self.t = {m: Table(m, self.stamp) for m in models}
        self.used_ods: set[str] = set()
        self.reserved_ods: set[str] = set()
        self.council_ids: dict[str, int] = {}
        self.used_slugs: dict[type, set[str]] = defaultdict(set)
        self.town_names = [a + b for a in TOWN_STARTS for b in TOWN_ENDS]
        self.rng.shuffle(self.town_names)
        self.town_cursor = 0

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

    def add_org(self, *, name, kind, sector, ods_code=None, start=None, end=None, successor=None, website="") -> int:
        if ods_code is not None and not _ods_ok(kind, ods_code):
            ods_code = None
        if ods_code:
            self.used_ods.add(ods_code)
        return self.t[Organisation].add(
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

    # -- the data ------------------------------------------------------------------------------------------

    def build(self):
        self.build_systems()
        for ics in self.systems:
            self.build_partners(ics)
        for ics in self.systems:
            self.build_governance(ics)

    def build_systems(self):
        rows = _read_csv("sub_icb_locations_2023.csv")
        partners = _read_csv("icb_partners_2023.csv")
        ccgs = _read_csv("ccg_to_stp_2021.csv")
        trusts = _read_ods("ods_etr.csv")
        icbs = {}
        for row in rows:
            icbs.setdefault(row["ICB23CDH"], row)
        codes = sorted(icbs)
        chosen = sorted(self.rng.sample(codes, self.scale.ics_count(len(codes))))
        self.systems: list[IcsSketch] = []
        self.sub_icb = defaultdict(list)
        for row in rows:
            self.sub_icb[row["ICB23CDH"]].append((row["SICBL23CDH"], row["SICBL23CD"]))
        self.partner_rows = defaultdict(list)
        for row in partners:
            self.partner_rows[row["icb_ods_code"]].append(row)
        self.ccg_rows = defaultdict(list)
        for row in ccgs:
            self.ccg_rows[row["STP21CDH"]].append(row)
        self.trust_rows = defaultdict(list)
        for row in trusts:
            self.trust_rows[row[3]].append(row)
            self.reserved_ods.add(row[0])
        self.reserved_ods.update(r["partner_ods_code"] for r in partners)
        self.reserved_ods.update(r["CCG21CDH"] for r in ccgs)
        self.reserved_ods.update(codes)
        for code in chosen:
            row = icbs[code]
            full = row["ICB23NM"]
            short = re.sub(r"^NHS\s+|\s+Integrated Care Board$", "", full)
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
            )
            slug = self.t[IntegratedCareSystem].rows[-1]["slug"]
            sketch = IcsSketch(id=ics_id, code=code, short_name=short, slug=slug, population=population)
            self.systems.append(sketch)
            self.build_stages(sketch)

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

    def build_partners(self, ics: IcsSketch):
        rng = self.rng
        icb_org = self.add_org(
            name=f"NHS {ics.short_name} Integrated Care Board",
            kind=Organisation.Kind.ICB,
            sector=Organisation.Sector.NHS,
            ods_code=ics.code,
            start=STATUTORY_DAY,
        )
        ics.icb_org = icb_org
        self.partner(icb_org, ics, role=Partnership.Role.ICB, start=STATUTORY_DAY, source="ICB constitution")
        ics.orgs.append(icb_org)

        # Former CCGs (2021), closed into the ICB on 1 July 2022.
        for row in self.ccg_rows.get(ics.code, []):
            ccg = self.add_org(
                name=row["CCG21NM"],
                kind=Organisation.Kind.CCG,
                sector=Organisation.Sector.NHS,
                ods_code=row["CCG21CDH"],
                start=datetime.date(2013, 4, 1),
                end=STATUTORY_DAY - datetime.timedelta(days=1),
                successor=icb_org,
            )
            self.partner(ccg, ics, role=Partnership.Role.STP_MEMBER, start=STP_DAY, end=ccg_end(), source="ONS 2021")

        # NHS trusts from the ODS file; top up to ~5.2 a system with invented ones.
        for row in self.trust_rows.get(ics.code, []):
            code, name = row[0], _title_case(row[1])
            if code in self.used_ods:
                continue
            opened = _ods_day(row[10]) or datetime.date(2004, 4, 1)
            closed = _ods_day(row[11])
            kind = Organisation.Kind.FOUNDATION_TRUST if "FOUNDATION" in row[1] else Organisation.Kind.NHS_TRUST
            org = self.add_org(
                name=name, kind=kind, sector=Organisation.Sector.NHS, ods_code=code, start=opened, end=closed
            )
            self.trust_partnerships(org, ics, opened, closed)
            if not closed:
                ics.trusts.append(org)
        for _ in range(rng.choice((0, 0, 0, 1))):
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

        # Upper-tier councils from the ICB partner file: one place each (two or three for counties).
        councils = [r for r in self.partner_rows.get(ics.code, []) if r["partner_kind"] == "local_authority"]
        sub_icb = list(self.sub_icb.get(ics.code, []))
        place_names = []
        for row in councils:
            name = row["partner_name"]
            existing = self.council_ids.get(row["partner_ods_code"]) or self.council_ids.get(name)
            org = existing or self.add_org(
                name=name,
                kind=Organisation.Kind.LOCAL_AUTHORITY,
                sector=Organisation.Sector.LOCAL_GOVERNMENT,
                ods_code=row["partner_ods_code"],
                start=datetime.date(1974, 4, 1) if "County" in name else datetime.date(1998, 4, 1),
            )
            self.council_ids[name] = self.council_ids[row["partner_ods_code"]] = org
            area = _place_name(name)
            parts = [area]
            if "County Council" in name:
                n = rng.choice((2, 2, 3))
                if area.split()[0] in COMPASS:
                    parts = [f"{area} {part}" for part in ("Coast", "Dales", "Vale", "Moors")[:n]]
                else:
                    parts = [f"{c} {area}" for c in rng.sample(COMPASS[:4], n)]
            for part in parts:
                place_names.append((part, name, org))
            ics.councils.append(org)
            self.partner(
                org,
                ics,
                role=Partnership.Role.CONSTITUTIONAL_PARTNER,
                start=STATUTORY_DAY,
                source="ICB constitution (ODS ICB partner mapping, August 2023)",
            )
            self.partner(org, ics, role=Partnership.Role.STP_MEMBER, start=STP_DAY, end=ccg_end())
            if existing is None:
                hw = self.add_org(
                    name=f"Healthwatch {area}",
                    kind=Organisation.Kind.HEALTHWATCH,
                    sector=Organisation.Sector.VCSE,
                    start=datetime.date(2013, 4, 1),
                )
                self.partner(hw, ics, role=Partnership.Role.PARTNER, start=STATUTORY_DAY)
                ics.orgs.append(hw)
        if not place_names:
            place_names.append((ics.short_name, "", icb_org))
        per_place_population = ics.population // len(place_names)
        place_slugs = set()
        for i, (name, council, _org) in enumerate(place_names):
            ods, gss = sub_icb[i] if i < len(sub_icb) else ("", "")
            slug = slugify(name)[:90]
            while slug in place_slugs:
                slug += "-2"
            place_slugs.add(slug)
            pid = self.t[Place].add(
                ics_id=ics.id,
                name=name,
                slug=slug,
                ods_code=ods if re.match(r"^([0-9]{2}[A-Z]|[A-Z0-9]{5})$", ods) else "",
                gss_code=gss if re.match(r"^E38[0-9]{6}$", gss) else "",
                population=per_place_population,
                local_authorities=council,
                place_lead=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                start_date=STATUTORY_DAY,
            )
            ics.places.append((pid, name, slug, per_place_population))

        # District councils: about 3.4 a system.
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

        # PCNs and GP practices, by population.
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

        # VCSE and other partners: about 67 a system, most at a place.
        for kind, sector, mean in VCSE_KINDS:
            for _ in range(max(0, round(rng.gauss(mean, mean / 4)))):
                town = self.town()
                templates = VCSE_NAMES if kind == Organisation.Kind.VCSE else OTHER_NAMES[kind]
                name = rng.choice(templates).format(town=town, saint=rng.choice(SAINTS))
                code = None
                if kind in (Organisation.Kind.HOSPICE, Organisation.Kind.CARE_PROVIDER) and rng.random() < 0.6:
                    code = self.new_code(
                        lambda: (
                            "N" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=2)) + f"{rng.randint(0, 99):02d}"
                        )
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

    def trust_partnerships(self, org, ics, opened, closed):
        if closed and closed < STP_DAY:
            return
        if not closed or closed >= STATUTORY_DAY:
            self.partner(org, ics, role=Partnership.Role.STP_MEMBER, start=max(opened, STP_DAY), end=ccg_end())
            self.partner(
                org,
                ics,
                role=Partnership.Role.CONSTITUTIONAL_PARTNER,
                start=max(opened, STATUTORY_DAY),
                end=closed,
                source="ICB constitution (ODS ICB partner mapping, August 2023)",
            )
        else:
            self.partner(org, ics, role=Partnership.Role.STP_MEMBER, start=max(opened, STP_DAY), end=closed)

    # -- governance ----------------------------------------------------------------------------------------

    def build_governance(self, ics: IcsSketch):
        rng = self.rng
        programmes = []
        for name, description in PROGRAMMES:
            programmes.append(name)
            self.t[Programme].add(
                ics_id=ics.id,
                name=name,
                slug=slugify(name),
                description=description,
                lead_organisation_id=rng.choice(ics.trusts or [ics.icb_org]),
                start_date=self.day_between(STP_DAY, datetime.date(2019, 4, 1)),
            )
        ended = STATUTORY_DAY - datetime.timedelta(days=1)
        boards = []  # (id, start, end, frequency in months, place name or None)

        def board(name, kind, *, start, end=None, place=None, reports_to=None, statutory=False, public=None, every=3):
            full_name = f"{place[1]} {name}" if place and not name.startswith(place[1]) else name
            slug_text = full_name if full_name.startswith(ics.short_name) else f"{ics.short_name} {full_name}"
            bid = self.t[Board].add(
                ics_id=ics.id,
                place_id=place[0] if place else None,
                name=full_name,
                slug=self.unique_slug(Board, slug_text, 120),
                kind=kind,
                is_statutory=statutory,
                meets_in_public=rng.random() < 0.35 if public is None else public,
                reports_to_id=reports_to,
                terms_of_reference=f"The {name.lower()} of {place[1] if place else ics.short_name}. "
                "It meets in line with its terms of reference and reports to the body named above.",
                start_date=start,
                end_date=end,
            )
            boards.append((bid, start, end, every, place[1] if place else ics.short_name))
            return bid

        K = Board.Kind
        icb = board(
            f"{ics.short_name} ICB Board", K.ICB_BOARD, start=STATUTORY_DAY, statutory=True, public=True, every=2
        )
        icp = board(
            f"{ics.short_name} Integrated Care Partnership", K.ICP, start=STATUTORY_DAY, statutory=True, public=True
        )
        board(f"{ics.short_name} STP Partnership Board", K.PARTNERSHIP_BOARD, start=STP_DAY, end=ended, public=True)
        board(
            f"{ics.short_name} Joint Committee of CCGs",
            K.JOINT_COMMITTEE,
            start=datetime.date(2018, 4, 1),
            end=ended,
            public=True,
            every=2,
        )
        for name in rng.sample(ICB_COMMITTEES, rng.randint(6, 10)):
            committee = board(name, K.COMMITTEE, start=STATUTORY_DAY, reports_to=icb, every=rng.choice((3, 4, 6)))
            for sub in rng.sample(SUB_COMMITTEES, rng.randint(1, 3)):
                board(
                    sub,
                    K.SUB_COMMITTEE,
                    start=self.day_between(STATUTORY_DAY, datetime.date(2024, 4, 1)),
                    reports_to=committee,
                    every=rng.choice((4, 6)),
                )
        for name in rng.sample(PROVIDER_COLLABORATIVES, rng.randint(2, 3)):
            board(
                name,
                K.PROVIDER_COLLABORATIVE,
                start=self.day_between(datetime.date(2021, 4, 1), datetime.date(2023, 4, 1)),
                reports_to=icb,
            )
        for name in rng.sample(ADVISORY_GROUPS, rng.randint(1, 3)):
            board(
                name,
                K.ADVISORY_GROUP,
                start=self.day_between(STATUTORY_DAY, datetime.date(2024, 1, 1)),
                reports_to=icp,
                every=4,
            )
        for name in programmes:
            board(
                f"{name} Programme Board",
                K.PARTNERSHIP_BOARD,
                start=self.day_between(STP_DAY, datetime.date(2020, 4, 1)),
                reports_to=icp,
                every=6,
            )
        for place in ics.places:
            ppb = board(
                "Place Partnership Board",
                K.PLACE_PARTNERSHIP_BOARD,
                place=place,
                start=self.day_between(datetime.date(2019, 4, 1), STATUTORY_DAY),
                reports_to=icb,
                public=True,
                every=4,
            )
            board(
                "Health and Wellbeing Board",
                K.HWB,
                place=place,
                start=datetime.date(2013, 4, 1),
                statutory=True,
                public=True,
                every=rng.choice((4, 6)),
            )
            for name in rng.sample(PLACE_COMMITTEES, rng.randint(3, 5)):
                board(
                    name,
                    K.COMMITTEE,
                    place=place,
                    start=self.day_between(STATUTORY_DAY, datetime.date(2023, 10, 1)),
                    reports_to=ppb,
                    every=rng.choice((4, 6)),
                )

        representers = list(dict.fromkeys(ics.trusts + ics.councils + [ics.icb_org] + ics.orgs[:20]))
        for bid, start, end, every, where in boards:
            people = self.build_memberships(ics, bid, start, end, representers)
            self.build_meetings(bid, start, end, every, where, people)
        self.build_mous(ics)

    def person(self, ics: IcsSketch) -> int:
        rng = self.rng
        if ics.people and rng.random() < 0.45:
            return rng.choice(ics.people)
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}" if rng.random() < 0.5 else f"{first} {last}"
        pid = self.t[Person].add(name=name, slug=self.unique_slug(Person, name, 120), title=rng.choice(TITLES))
        ics.people.append(pid)
        if rng.random() < 0.2:
            for _ in range(rng.randint(1, 3)):
                self.t[DeclarationOfInterest].add(
                    person_id=pid,
                    interest=rng.choice(INTERESTS),
                    organisation_id=rng.choice(ics.orgs) if ics.orgs and rng.random() < 0.5 else None,
                    action_taken=rng.choice(
                        ("", "Will leave the meeting for related items.", "Noted; no action needed.")
                    ),
                    start_date=self.day_between(datetime.date(2018, 1, 1), self.today),
                )
        return pid

    def build_memberships(self, ics, board_id, start, end, representers) -> list[int]:
        """Seats on a board, each held by one person after another: no seat, chair included, overlaps itself."""
        rng = self.rng
        last_day = min(end, self.today) if end else self.today
        R = BoardMembership.Role
        seats = [R.CHAIR]
        if rng.random() < 0.6:
            seats.append(R.VICE_CHAIR)
        seats += [R.MEMBER] * rng.randint(3, 6)
        seats += [R.NON_VOTING_MEMBER] * rng.randint(0, 1) + [R.OBSERVER] * rng.randint(0, 1)
        people = []
        for role in seats:
            seat_start = start
            while seat_start <= last_day:
                tenure = datetime.timedelta(days=rng.randint(4 * 365, 8 * 365))
                seat_end = seat_start + tenure
                holder_end = seat_end if seat_end < last_day else end
                pid = self.person(ics)
                people.append(pid)
                self.t[BoardMembership].add(
                    board_id=board_id,
                    person_id=pid,
                    organisation_id=rng.choice(representers) if rng.random() < 0.9 else None,
                    role=role,
                    is_voting=role in (R.CHAIR, R.VICE_CHAIR, R.MEMBER),
                    start_date=seat_start,
                    end_date=holder_end,
                )
                if holder_end is None or holder_end >= last_day:
                    break
                seat_start = holder_end + datetime.timedelta(days=1)
        return people

    def build_meetings(self, board_id, start, end, every, where, people):
        rng = self.rng
        first = max(start, self.today - datetime.timedelta(days=3652))
        last = min(end, self.today + datetime.timedelta(days=120)) if end else self.today + datetime.timedelta(days=120)
        month = first.year * 12 + first.month - 1 + rng.randint(0, every - 1)
        cutoff = self.today - datetime.timedelta(days=42)
        while True:
            day = datetime.date(month // 12, month % 12 + 1, rng.randint(1, 28))
            month += every
            if day < first:
                continue
            if day > last:
                break
            hour = rng.choice((10, 14, 18))
            starts_at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON).astimezone(datetime.UTC)
            past = day < self.today
            status = Meeting.Status.SCHEDULED
            if past:
                roll = rng.random()
                status = (
                    Meeting.Status.CANCELLED
                    if roll < 0.03
                    else Meeting.Status.POSTPONED
                    if roll < 0.05
                    else Meeting.Status.HELD
                )
            held = status == Meeting.Status.HELD
            published = (
                starts_at + datetime.timedelta(days=30) if held and day < cutoff and rng.random() < 0.9 else None
            )
            mid = self.t[Meeting].add(
                board_id=board_id,
                slug=day.isoformat(),
                starts_at=starts_at,
                location=rng.choice(LOCATIONS),
                status=status,
                is_public=rng.random() < 0.9,
                minutes_published_at=published,
            )
            self.build_agenda(mid, day, where, people, held)
            if status != Meeting.Status.CANCELLED:
                self.t[Document].add(
                    title=f"Agenda and papers, {day:%d %B %Y}",
                    kind=Document.Kind.PAPERS,
                    url=f"https://papers.example.org/{board_id}/{day.isoformat()}.pdf",
                    meeting_id=mid,
                    published_at=starts_at - datetime.timedelta(days=7),
                )
            if published:
                self.t[Document].add(
                    title=f"Minutes, {day:%d %B %Y}",
                    kind=Document.Kind.MINUTES,
                    url=f"https://papers.example.org/{board_id}/{day.isoformat()}-minutes.pdf",
                    meeting_id=mid,
                    published_at=published,
                )

    def build_agenda(self, meeting_id, day, where, people, held):
        rng = self.rng
        table = self.t[AgendaItem]
        titles = ["Welcome and apologies", "Declarations of interest", "Minutes of the previous meeting"]
        if rng.random() < 0.6:
            titles.append("Matters arising and action log")
        titles += [t.format(month=day.month) for t in rng.sample(AGENDA_TOPICS, rng.randint(2, 4))]
        titles.append("Any other business")
        for i, title in enumerate(titles):
            substantive = 2 < i < len(titles) - 1
            summary = rng.choice(SUMMARY_TEMPLATES).format(topic_l=title.lower(), where=where) if substantive else ""
            minutes = resolutions = ""
            if held:
                if substantive:
                    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
                    minutes = rng.choice(MINUTES_TEMPLATES).format(person=person)
                    resolutions = rng.choice(RESOLUTIONS)
                elif i == 2:
                    resolutions = "The minutes of the previous meeting were agreed as a correct record."
            table.add(
                meeting_id=meeting_id,
                number=str(i + 1),
                position=i + 1,
                title=title,
                summary=summary,
                minutes=minutes,
                resolutions=resolutions,
            )

    def build_mous(self, ics: IcsSketch):
        rng = self.rng
        S = MoU.Status
        statuses = [S.DRAFT] * 10 + [S.CONSULTATION] * 5 + [S.AGREED] * 10 + [S.SIGNED] * 15
        statuses += [S.IN_FORCE] * 35 + [S.SUPERSEDED] * 20 + [S.WITHDRAWN] * 5
        signers = list(dict.fromkeys(ics.trusts + ics.councils + [ics.icb_org] + ics.orgs[:10]))
        for _ in range(max(1, round(rng.gauss(23.8, 4)))):
            place = rng.choice(ics.places) if rng.random() < 0.4 else None
            title = rng.choice(MOU_TITLES).format(ics=ics.short_name)
            if place:
                title = (
                    f"{place[1]}: {title[0].lower()}{title[1:]}"
                    if not title.startswith(ics.short_name)
                    else f"{place[1]} place agreement"
                )
            status = rng.choice(statuses)
            start = self.day_between(STP_DAY, self.today - datetime.timedelta(days=60))
            end = self.day_between(start, self.today) if status in (S.SUPERSEDED, S.WITHDRAWN) else None
            year = start.year
            mou = self.t[MoU].add(
                ics_id=ics.id,
                place_id=place[0] if place else None,
                title=f"{title} {year}",
                slug=self.unique_slug(MoU, f"{ics.slug}-{title}-{year}", 120),
                status=status,
                version=f"{rng.randint(1, 3)}.{rng.randint(0, 4)}",
                summary=f"Sets out how partners in {place[1] if place else ics.short_name} work together and hold "
                "each other to account.",
                review_date=start + datetime.timedelta(days=730),
                published_at=None
                if status == S.DRAFT
                else datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC),
                start_date=start if status not in (S.DRAFT, S.CONSULTATION) else None,
                end_date=end if status not in (S.DRAFT, S.CONSULTATION) else None,
            )
            if status in (S.SIGNED, S.IN_FORCE, S.SUPERSEDED):
                for org in rng.sample(signers, min(len(signers), rng.randint(2, 8))):
                    self.t[MoUSignatory].add(
                        mou_id=mou,
                        organisation_id=org,
                        signed_by=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}, {rng.choice(TITLES)}",
                        signed_on=start,
                    )
            if status != S.DRAFT:
                self.t[Document].add(
                    title=f"{title} {year} (text)",
                    kind=Document.Kind.MOU_TEXT,
                    url=f"https://papers.example.org/mou/{mou}.pdf",
                    mou_id=mou,
                    published_at=datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC),
                )

    def counts(self) -> dict[str, int]:
        return {m._meta.verbose_name_plural: len(t) for m, t in self.t.items()}


def ccg_end():
    return STATUTORY_DAY - datetime.timedelta(days=1)


def _ods_day(text: str) -> datetime.date | None:
    text = (text or "").strip()
    if len(text) != 8:
        return None
    return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
