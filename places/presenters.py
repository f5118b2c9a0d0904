"""Turning loaded ICSs and places into what their pages show. No queries here: callers pass loaded rows."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from ics_portal.core.columns import filled_columns, shared_value
from places import maps
from places.models import IcsStage, IcsSuccession, Region

# The day ICSs became statutory bodies: before it, the home page lists STPs and ICS partnerships.
STATUTORY_DAY = datetime.date(2022, 7, 1)


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
    cluster: object = None  # the Cluster it was in on the day, if any

    @property
    def stage_label(self):
        """What its Stage cell says: the stage on the day, "Not yet formed" before its first, "" if none is recorded."""
        if self.stage:
            return self.stage.get_stage_display()
        return "Not yet formed" if self.ics.stages_by_date else ""

    @property
    def name_then(self):
        """What it was called on the day, where that differs from the name of its latest stage (its name now)."""
        name = self.stage.name_then if self.stage else ""
        stages = [s for s in self.ics.stages_by_date if s.name_then]
        latest = stages[-1].name_then if stages else self.ics.name
        return name if name and name not in (latest, self.ics.name, self.ics.short_name) else ""


@dataclass
class RegionGroup:
    name: str
    systems: list[SystemRow] = field(default_factory=list)

    @property
    def population(self):
        return sum(row.ics.population or 0 for row in self.systems)


def systems_by_region(systems, day: datetime.date) -> list[RegionGroup]:
    """ICSs (loaded by `for_home()`) grouped by NHS England region (regions in alphabetical order), each with its
    stage on `day`.

    Where a system was loaded with `clusters_then` (its cluster memberships on the day), the row names the cluster.
    """
    labels = dict(Region.choices)
    rows = sorted(systems, key=lambda ics: (labels.get(ics.region, ics.region), ics.short_name.casefold()))
    return [
        RegionGroup(
            name=region,
            systems=[
                SystemRow(ics=ics, stage=stage_on(ics.stages_by_date, day), cluster=_cluster_then(ics)) for ics in group
            ],
        )
        for region, group in groupby(rows, key=lambda ics: labels.get(ics.region, ics.region))
    ]


@dataclass(frozen=True)
class StageColumn:
    """Whether the home page's tables have a Stage column, and the stage every system shares when they need none."""

    shown: bool
    shared: str | None


def stage_column(regions) -> StageColumn:
    rows = [row for region in regions for row in region.systems]
    shared = shared_value(rows, lambda row: row.stage_label)
    filled = filled_columns(rows, stage=lambda row: row.stage_label)
    return StageColumn(shown=bool(filled) and not shared, shared=shared)


def _cluster_then(ics):
    memberships = getattr(ics, "clusters_then", None) or []
    return memberships[0].cluster if memberships else None


def latest_date(*dates):
    """The latest of the dates given (None ignored), or None: a page's "facts last checked" day."""
    known = [d for d in dates if d is not None]
    return max(known) if known else None


# What changed ----------------------------------------------------------------------------------------------


@dataclass
class Source:
    """Where part of an area came from, or went to: an ICS, whether it was only part, how, and which places."""

    ics: object
    kind: str
    is_part: bool
    places: list = field(default_factory=list)
    kind_label: str = ""


@dataclass
class SuccessionEvent:
    """Everything one ICS received on one day: "created from …" or "took on part of …"."""

    date: datetime.date
    successor: object
    sources: list[Source]

    @property
    def created(self) -> bool:
        return self.successor.start_date == self.date


@dataclass
class ClusterEvent:
    date: datetime.date
    cluster: object
    members: list


def _is_part(succession) -> bool:
    return succession.kind != IcsSuccession.Kind.MERGER


_KIND_WORDS = {
    IcsSuccession.Kind.MERGER: "merger",
    IcsSuccession.Kind.BOUNDARY_CHANGE: "boundary change",
    IcsSuccession.Kind.ACQUISITION: "acquisition",
}


def succession_events(successions) -> list[SuccessionEvent]:
    """Successions grouped by day and successor, newest day first (successions loaded with both ICSs)."""
    grouped = defaultdict(list)
    for s in successions:
        grouped[(s.date, s.successor_id)].append(s)
    events = [
        SuccessionEvent(
            date=date,
            successor=rows[0].successor,
            sources=[
                Source(ics=s.predecessor, kind=s.kind, is_part=_is_part(s), kind_label=_KIND_WORDS.get(s.kind, s.kind))
                for s in sorted(rows, key=lambda s: (_is_part(s), s.predecessor.short_name.casefold()))
            ],
        )
        for (date, _), rows in grouped.items()
    ]
    return sorted(events, key=lambda e: (-e.date.toordinal(), e.successor.short_name.casefold()))


def cluster_events(memberships) -> list[ClusterEvent]:
    """Clusters formed, from their memberships (loaded with cluster and ICS), newest first."""
    grouped = defaultdict(list)
    for m in memberships:
        grouped[m.cluster].append(m.ics)
    events = [
        ClusterEvent(date=c.start_date, cluster=c, members=sorted(members, key=lambda i: i.short_name.casefold()))
        for c, members in grouped.items()
        if c.start_date
    ]
    return sorted(events, key=lambda e: (-e.date.toordinal(), e.cluster.name.casefold()))


def year_before(day: datetime.date) -> datetime.date:
    """The first day of the 12 months up to and including `day`."""
    try:
        return day.replace(year=day.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28) + datetime.timedelta(days=1)


# An ICS's life ---------------------------------------------------------------------------------------------


@dataclass
class Life:
    """An ICS's life beyond its stages: where it came from, where its area went, its clusters."""

    formed: list[SuccessionEvent]  # area it received, by day
    gave: list[SuccessionEvent]  # area it passed on, by day (`successor` here is this ICS; sources are receivers)
    clusters: list  # (cluster, the other ICSs in it), oldest first
    abolished_on: datetime.date | None = None  # the first day it no longer existed, if it ended

    @property
    def predecessors(self):
        return [source.ics for event in self.formed if event.created for source in event.sources]

    @property
    def area_went_to(self):
        """Where its area went when it ended: the successions dated the day after its last day."""
        return [source for event in self.gave if event.date == self.abolished_on for source in event.sources]


def life(ics, successions, clusters) -> Life:
    """`successions`: every succession with `ics` on either side, each with its `moved_places` (as
    `site.selectors.ics_successions()` reads them); `clusters`: its clusters,
    each with its memberships and their ICSs prefetched."""
    received = [s for s in successions if s.successor_id == ics.pk]
    passed = [s for s in successions if s.predecessor_id == ics.pk]
    gave = defaultdict(list)
    for s in passed:
        gave[s.date].append(
            Source(
                ics=s.successor,
                kind=s.kind,
                is_part=_is_part(s),
                places=s.moved_places,
                kind_label=_KIND_WORDS.get(s.kind, s.kind),
            )
        )
    formed = succession_events(received)
    for event in formed:
        by_pred = {s.predecessor_id: s for s in received if s.date == event.date}
        for source in event.sources:
            source.places = by_pred[source.ics.pk].moved_places
    return Life(
        formed=sorted(formed, key=lambda e: e.date),
        gave=[
            SuccessionEvent(date=d, successor=ics, sources=sorted(v, key=lambda x: x.ics.short_name.casefold()))
            for d, v in sorted(gave.items())
        ],
        clusters=[
            (
                c,
                sorted(
                    (m.ics for m in c.memberships.all() if m.ics_id != ics.pk), key=lambda i: i.short_name.casefold()
                ),
            )
            for c in sorted(clusters, key=lambda c: (c.start_date or datetime.date.min, c.name.casefold()))
        ],
        abolished_on=ics.end_date + datetime.timedelta(days=1) if ics.end_date else None,
    )


# The map ---------------------------------------------------------------------------------------------------


MAP_NOTES = (
    "Outlines are drawn from the sub-ICB location boundaries published in July 2022; "
    "where an area has been divided since, it is hatched rather than guessed.",
)


def icb_map(
    outlines, day: datetime.date, *, query: str = "", clusters_by_ics=None, list_id: str = "", highlight=None
) -> maps.IcbMap:
    """England's map from the stored outlines in force on `day` (loaded with their ICS), `highlight` marked."""
    clusters_by_ics = clusters_by_ics or {}
    regions = [
        maps.Region(
            label=o.ics.short_name,
            url=o.ics.get_absolute_url() + query,
            path=o.path,
            cluster=getattr(clusters_by_ics.get(o.ics_id), "name", ""),
            highlighted=highlight is not None and o.ics_id == highlight.pk,
        )
        for o in sorted((o for o in outlines if o.ics_id), key=lambda o: o.ics.short_name.casefold())
    ]
    unassigned = [maps.UnassignedArea(path=o.path, caption=o.caption) for o in outlines if not o.ics_id]
    title = f"Integrated care boards in England on {day:%-d %B %Y}"
    if highlight is not None:
        title = f"Where {highlight.short_name} is: {title[0].lower()}{title[1:]}"
    return maps.IcbMap(regions=regions, unassigned=unassigned, notes=MAP_NOTES, title=title, list_id=list_id)
