"""Turning loaded organisations and partnerships into what the pages show: the directory, its CSV, partners by kind.

No queries here: callers pass loaded rows.
"""

from dataclasses import dataclass, field

from ics_portal.core.models import Provenance
from partners.models import Organisation, Partnership

# get_FOO_display() rebuilds its choices dict on every call: ~10 µs, twice per row of a 400-row CSV (bench/run).
KIND_LABELS = dict(Organisation.Kind.choices)
SECTOR_LABELS = dict(Organisation.Sector.choices)


@dataclass
class DirectoryRow:
    """One organisation in the partner directory, with where it was a partner on the page's day."""

    organisation: object
    partnerships: list
    name: str = ""  # its name on the page's day

    @property
    def partner_of(self) -> list[str]:
        """'West Yorkshire' or 'West Yorkshire: Leeds', once each, in order."""
        seen = []
        for p in self.partnerships:
            text = f"{p.ics.short_name}: {p.place.name}" if p.place_id else p.ics.short_name
            if text not in seen:
                seen.append(text)
        return seen


def directory_rows(organisations, day) -> list[DirectoryRow]:
    """Rows of the directory from organisations loaded by `Organisation.objects.for_directory(day)`."""
    return [DirectoryRow(organisation=o, partnerships=o.partnerships_then, name=o.name_on(day)) for o in organisations]


PARTNER_CSV_COLUMNS = (
    "Name",
    "ODS code",
    "Kind",
    "Sector",
    "ICS",
    "Place",
    "Role",
    "Partner from",
    "Partner until",
    "Source",
    "Operating from",
    "Operating until",
    "Sample data",
)
ROLE_LABELS = dict(Partnership.Role.choices)
NO_PARTNERSHIP = (None, None, None, None, None, None, Provenance.PUBLIC_RECORD)


def directory_csv_rows(organisations, partnerships, names=()):
    """The partner CSV's rows (PARTNER_CSV_COLUMNS): one per partnership, in the directory's order; an organisation
    with none on the day gets one row with the partnership's cells empty, so the CSV holds every organisation the
    directory lists. Built from tuples, not model instances: `organisations` from
    `Organisation.objects.for_directory_csv()`, `partnerships` from `Partnership.objects.for_directory_csv()`,
    `names` (the name on the day, of those renamed) from `OrganisationName.objects.for_directory_csv()`."""
    name_then = dict(names)
    held: dict[int, list[tuple]] = {}
    for organisation_id, *partnership in partnerships:
        held.setdefault(organisation_id, []).append(partnership)
    for pk, name, ods_code, kind, sector, start_date, end_date, provenance in organisations:
        for ics, place, role, since, until, source, partnership_provenance in held.get(pk, [NO_PARTNERSHIP]):
            yield (
                name_then.get(pk, name),
                ods_code,
                KIND_LABELS.get(kind, kind),
                SECTOR_LABELS.get(sector, sector),
                ics,
                place,
                ROLE_LABELS.get(role, role),
                since,
                until,
                source,
                start_date,
                end_date,
                provenance != Provenance.PUBLIC_RECORD or partnership_provenance != Provenance.PUBLIC_RECORD,
            )


@dataclass
class PartnerRow:
    organisation: object
    roles: list[str]
    places: list[object]
    is_sample: bool
    name: str = ""  # its name on the page's day

    @property
    def url(self) -> str:
        return self.organisation.get_absolute_url()

    @property
    def roles_and_places(self) -> str:
        """'Constitutional partner, Partner, at Leeds, Wakefield': one string, not ~10 template lookups a row."""
        at = f", at {', '.join(place.name for place in self.places)}" if self.places else ""
        return ", ".join(self.roles) + at


@dataclass
class KindGroup:
    """One kind of organisation: its partners listed, or (when they are many) `count` and a link to the directory."""

    name: str
    partners: list[PartnerRow] = field(default_factory=list)
    count: int | None = None
    directory_url: str = ""
    is_sample: bool = False

    @property
    def total(self) -> int:
        return len(self.partners) if self.count is None else self.count


# Kinds the ICS page counts rather than lists: ~230 GP practices and ~45 PCNs in a large ICS would make
# the page 220 KB and ~50 ms of template time (bench/run); the directory pages through them.
ALWAYS_COUNTED = ("gp_practice", "pcn")
LISTED_AT_MOST = 25


def counted_kinds(kind_counts) -> dict[str, tuple[int, bool]]:
    """{kind: (organisations, any sample)} for the kinds to count, not list, from `PartnershipQuerySet.kind_counts()`:
    GP practices, PCNs, and any kind with more than LISTED_AT_MOST organisations."""
    return {
        row["organisation__kind"]: (row["n"], row["samples"] > 0)
        for row in kind_counts
        if row["organisation__kind"] in ALWAYS_COUNTED or row["n"] > LISTED_AT_MOST
    }


def partners_by_kind(partnerships, counted=None, directory_url=None, day=None) -> list[KindGroup]:
    """One row per organisation (with its roles and places), grouped by kind of organisation, in the kinds' order.

    Kinds in `counted` ({kind: (organisations, any sample)}) get a count and `directory_url(kind)` instead of rows.
    With `day`, each organisation is named as it was that day (its names prefetched: `organisation__names`).
    """
    counted = counted or {}
    rows: dict[int, PartnerRow] = {}
    role_labels = {}  # get_FOO_display() rebuilds its choices per call; an ICS page has ~400 rows (bench/run)
    for p in partnerships:
        row = rows.get(p.organisation_id)
        if row is None:
            name = p.organisation.name_on(day) if day else p.organisation.name
            row = rows[p.organisation_id] = PartnerRow(
                organisation=p.organisation, roles=[], places=[], is_sample=False, name=name
            )
        role_labels = role_labels or dict(type(p).Role.choices)
        role = role_labels.get(p.role, p.role)
        if role not in row.roles:
            row.roles.append(role)
        if p.place is not None and p.place not in row.places:
            row.places.append(p.place)
        row.is_sample = row.is_sample or p.is_sample or p.organisation.is_sample
    by_kind: dict[str, list[PartnerRow]] = {}
    for row in sorted(rows.values(), key=lambda r: r.name.casefold()):
        by_kind.setdefault(row.organisation.kind, []).append(row)
    groups = []
    kinds = Organisation.Kind.choices
    known = {kind for kind, _ in kinds}
    for kind, label in [*kinds, *((k, k) for k in {**by_kind, **counted} if k not in known)]:
        if kind in counted:
            count, is_sample = counted[kind]
            groups.append(KindGroup(name=label, count=count, directory_url=directory_url(kind), is_sample=is_sample))
        elif kind in by_kind:
            groups.append(KindGroup(name=label, partners=by_kind[kind]))
    return groups


@dataclass
class SuccessionLink:
    """An organisation another's work passed to (or from), dated and of its kind where ODS recorded it."""

    organisation: object
    date: object = None
    kind: str = ""


def successions(organisation) -> tuple[list[SuccessionLink], list[SuccessionLink]]:
    """(passed to, took over from): its dated successions, then any successor or predecessor recorded by hand
    without one. Reads the rows `site.selectors.organisation_page()` prefetched."""
    passed_to = [SuccessionLink(s.successor, s.date, s.get_kind_display()) for s in organisation.successions_out.all()]
    if organisation.successor and all(link.organisation.pk != organisation.successor_id for link in passed_to):
        passed_to.append(SuccessionLink(organisation.successor))
    took_over = [SuccessionLink(s.predecessor, s.date, s.get_kind_display()) for s in organisation.successions_in.all()]
    dated = {link.organisation.pk for link in took_over}
    took_over += [SuccessionLink(p) for p in organisation.predecessors.all() if p.pk not in dated]
    return passed_to, took_over
