"""Turning loaded organisations into what the directory and organisation pages show. No queries here."""

import datetime
from dataclasses import dataclass

from partners.models import Organisation

# get_FOO_display() rebuilds its choices dict on every call: ~10 µs, twice per row of a 400-row CSV (bench/run).
KIND_LABELS = dict(Organisation.Kind.choices)
SECTOR_LABELS = dict(Organisation.Sector.choices)


@dataclass
class DirectoryRow:
    """One organisation in the partner directory, with where it was a partner on the page's day."""

    organisation: object
    partnerships: list

    COLUMNS = ("Name", "ODS code", "Kind", "Sector", "Partner of", "Operating")

    @property
    def partner_of(self) -> list[str]:
        """'West Yorkshire' or 'West Yorkshire: Leeds', once each, in order."""
        seen = []
        for p in self.partnerships:
            text = f"{p.ics.short_name}: {p.place.name}" if p.place_id else p.ics.short_name
            if text not in seen:
                seen.append(text)
        return seen

    def as_csv(self) -> tuple:
        o = self.organisation
        return (
            o.name,
            o.ods_code or "",
            KIND_LABELS.get(o.kind, o.kind),
            SECTOR_LABELS.get(o.sector, o.sector),
            "; ".join(self.partner_of),
            f"{o.start_date or ''} to {o.end_date or ''}".strip(),
        )


def directory_rows(organisations) -> list[DirectoryRow]:
    """Rows of the directory from organisations loaded by `Organisation.objects.for_directory(day)`."""
    return [DirectoryRow(organisation=o, partnerships=o.partnerships_then) for o in organisations]


def directory_csv_rows(organisations, partnerships):
    """The cells of `DirectoryRow.as_csv()` from tuples, not model instances: `organisations` from
    `Organisation.objects.for_directory_csv()`, `partnerships` from `Partnership.objects.for_directory_csv()`."""
    partner_of: dict[int, list[str]] = {}
    for organisation_id, ics_name, place_name in partnerships:
        text = f"{ics_name}: {place_name}" if place_name is not None else ics_name
        seen = partner_of.setdefault(organisation_id, [])
        if text not in seen:
            seen.append(text)
    for pk, name, ods_code, kind, sector, start_date, end_date in organisations:
        yield (
            name,
            ods_code or "",
            KIND_LABELS.get(kind, kind),
            SECTOR_LABELS.get(sector, sector),
            "; ".join(partner_of.get(pk, ())),
            f"{start_date or ''} to {end_date or ''}".strip(),
        )


def split_by_day(rows, day: datetime.date):
    """(current, past) dated rows on `day`; rows that began after `day` are left out."""
    current = [r for r in rows if r.is_current_on(day)]
    past = [r for r in rows if r.end_date is not None and r.end_date < day]
    return current, past
