"""Turning loaded ICSs and places into what their pages show. No queries here: callers pass loaded rows."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

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
