"""Turning loaded ICSs and places into what their pages show. No queries here: callers pass loaded rows."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.apps import apps

from places.models import IcsStage, Region


def stage_on(stages, day: datetime.date):
    """The stage an ICS was at on `day` (the latest one begun by then), or None before its first."""
    begun = [s for s in stages if s.start_date is None or s.start_date <= day]
    in_force = [s for s in begun if s.end_date is None or s.end_date >= day]
    return (in_force or [None])[-1]


@dataclass
class TimelineEntry:
    stage: IcsStage
    is_current: bool
    is_later: bool


def timeline(stages, day: datetime.date) -> list[TimelineEntry]:
    current = stage_on(stages, day)
    return [
        TimelineEntry(stage=s, is_current=s is current, is_later=bool(s.start_date and s.start_date > day))
        for s in stages
    ]


@dataclass
class SystemRow:
    ics: object
    stage: IcsStage | None


@dataclass
class RegionGroup:
    name: str
    systems: list[SystemRow] = field(default_factory=list)

    @property
    def population(self):
        return sum(row.ics.population or 0 for row in self.systems)


def systems_by_region(systems, day: datetime.date) -> list[RegionGroup]:
    """ICSs grouped by NHS England region (regions in alphabetical order), each with its stage on `day`."""
    labels = dict(Region.choices)
    rows = sorted(systems, key=lambda ics: (labels.get(ics.region, ics.region), ics.short_name))
    return [
        RegionGroup(name=region, systems=[SystemRow(ics=ics, stage=stage_on(ics.stages.all(), day)) for ics in group])
        for region, group in groupby(rows, key=lambda ics: labels.get(ics.region, ics.region))
    ]


@dataclass
class PartnerRow:
    organisation: object
    roles: list[str]
    places: list[object]
    is_sample: bool

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
# the page 220 KB and ~50 ms of template time (bench/run, issue 6); the directory pages through them.
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


def partners_by_kind(partnerships, counted=None, directory_url=None) -> list[KindGroup]:
    """One row per organisation (with its roles and places), grouped by kind of organisation, in the kinds' order.

    Kinds in `counted` ({kind: (organisations, any sample)}) get a count and `directory_url(kind)` instead of rows.
    """
    counted = counted or {}
    rows: dict[int, PartnerRow] = {}
    role_labels = {}  # get_FOO_display() rebuilds its choices per call; an ICS page has ~400 rows (bench/run)
    for p in partnerships:
        row = rows.setdefault(
            p.organisation_id, PartnerRow(organisation=p.organisation, roles=[], places=[], is_sample=False)
        )
        role_labels = role_labels or dict(type(p).Role.choices)
        role = role_labels.get(p.role, p.role)
        if role not in row.roles:
            row.roles.append(role)
        if p.place is not None and p.place not in row.places:
            row.places.append(p.place)
        row.is_sample = row.is_sample or p.is_sample or p.organisation.is_sample
    by_kind: dict[str, list[PartnerRow]] = {}
    for row in sorted(rows.values(), key=lambda r: r.organisation.name):
        by_kind.setdefault(row.organisation.kind, []).append(row)
    groups = []
    kinds = apps.get_model("partners", "Organisation").Kind.choices
    known = {kind for kind, _ in kinds}
    for kind, label in [*kinds, *((k, k) for k in {**by_kind, **counted} if k not in known)]:
        if kind in counted:
            count, is_sample = counted[kind]
            groups.append(KindGroup(name=label, count=count, directory_url=directory_url(kind), is_sample=is_sample))
        elif kind in by_kind:
            groups.append(KindGroup(name=label, partners=by_kind[kind]))
    return groups
