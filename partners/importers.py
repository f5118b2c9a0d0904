"""Import an ICS's partner list from a CSV file: check everything first, then apply in one go.

Shared by `manage.py import_partners` and the admin page
/admin/partners/organisation/import/: `partner_import_preview()` reads and checks the
file and writes nothing; `partner_import_apply()` is the import's one write path (one
transaction, the user's rights through staff.permissions, full_clean() on every row
written, the user in each history row).

The file: CSV, UTF-8 (with or without a byte-order mark), at most MAX_BYTES and
MAX_ROWS rows, a header row naming the columns (any order, case and spaces ignored):

    name        required  the organisation's name
    kind        required  icb, ccg, nhs_trust, foundation_trust, local_authority, pcn, gp_practice,
                          healthwatch, vcse, hospice, care_provider, university, other (or their labels)
    ods_code    optional  ODS code in the format for its kind; an existing code updates that organisation
    place       optional  a place of this ICS, by name, slug or sub-ICB ODS code; empty = the whole ICS
    role        optional  icb, constitutional_partner, stp_member, partner (default), associate (or labels)
    start_date  optional  YYYY-MM-DD or DD/MM/YYYY: when the partnership began
    end_date    optional  same formats; not before start_date

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from places.models import IntegratedCareSystem, Place
from staff import permissions

from .models import ODS_CODE_FORMATS, OTHER_ODS_CODE_FORMAT, Organisation, Partnership

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED_COLUMNS = ("name", "kind")
COLUMNS = ("name", "ods_code", "kind", "place", "role", "start_date", "end_date")

SECTOR_OF_KIND = {
    "icb": "nhs",
    "ccg": "nhs",
    "nhs_trust": "nhs",
    "foundation_trust": "nhs",
    "pcn": "nhs",
    "gp_practice": "nhs",
    "local_authority": "local_government",
    "healthwatch": "vcse",
    "vcse": "vcse",
    "hospice": "vcse",
    "care_provider": "independent",
    "university": "academic",
    "other": "other",
}


class PartnerFileError(Exception):
    """The file as a whole cannot be read: one clear message, nothing written."""


@dataclass
class ImportRow:
    number: int
    action: str = "create"  # create | update | error
    name: str = ""
    ods_code: str | None = None
    kind: str = ""
    place: Place | None = None
    role: str = Partnership.Role.PARTNER
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    errors: list[str] = field(default_factory=list)
    organisation: Organisation | None = None

    @property
    def reason(self) -> str:
        return "; ".join(self.errors)


@dataclass
class ImportPreview:
    ics: IntegratedCareSystem
    rows: list[ImportRow]

    def _with(self, action):
        return [row for row in self.rows if row.action == action]

    @property
    def to_create(self):
        return self._with("create")

    @property
    def to_update(self):
        return self._with("update")

    @property
    def errors(self):
        return self._with("error")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    partnerships_created: int = 0


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def read_partner_file(data: bytes, *, filename: str = "") -> list[dict[str, str]]:
    """Decode and split the file into dicts keyed by column, or raise PartnerFileError."""
    if filename and not filename.lower().endswith(".csv"):
        raise PartnerFileError(f"“{filename}” is not a CSV file. Save the spreadsheet as “CSV UTF-8” and try again.")
    if len(data) > MAX_BYTES:
        raise PartnerFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. Split it."
        )
    if not data.strip():
        raise PartnerFileError("The file is empty.")
    if b"\x00" in data[:4096] or data[:4] == b"PK\x03\x04":
        raise PartnerFileError("This is not a CSV file (it looks like a spreadsheet or binary file). Save it as CSV.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PartnerFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} is not valid). "
            "In Excel choose “CSV UTF-8 (comma delimited)” when saving."
        ) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        rows = list(reader)
    except csv.Error as error:
        raise PartnerFileError(f"The file is not valid CSV: {error}.") from None
    if not header or not any(cell.strip() for cell in header):
        raise PartnerFileError("The file is empty.")
    columns = [_key(cell) for cell in header]
    unknown = [header[i].strip() for i, column in enumerate(columns) if column not in COLUMNS]
    if unknown:
        raise PartnerFileError(f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}.")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise PartnerFileError(f"Column(s) given twice: {', '.join(repeated)}.")
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise PartnerFileError(f"Missing required column(s): {', '.join(missing)}.")
    records = [dict(zip(columns, (cell.strip() for cell in row), strict=False)) for row in rows]
    records = [record for record in records if any(record.values())]
    if not records:
        raise PartnerFileError("The file has a header but no rows.")
    if len(records) > MAX_ROWS:
        raise PartnerFileError(f"The file has {len(records)} rows; the limit is {MAX_ROWS}. Split it.")
    return records


def _choice(value: str, choices) -> str | None:
    wanted = _key(value)
    for key, label in choices:
        if wanted in (key, _key(label)):
            return key
    return None


def _date(value: str, column: str, errors: list[str]) -> datetime.date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    errors.append(f"{column} “{value}” is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    return None


def _place_index(ics) -> dict[str, Place]:
    index = {}
    for place in Place.objects.filter(ics=ics):
        for key in (place.name, place.slug, place.ods_code):
            if key:
                index[key.strip().lower()] = place
    return index


def partner_import_preview(*, ics: IntegratedCareSystem, data: bytes, filename: str = "") -> ImportPreview:
    """Check every row and say what applying would do. Writes nothing. Raises PartnerFileError."""
    records = read_partner_file(data, filename=filename)
    places = _place_index(ics)
    codes = {
        (record.get("ods_code") or "").strip().upper() for record in records if (record.get("ods_code") or "").strip()
    }
    existing = {org.ods_code: org for org in Organisation.objects.filter(ods_code__in=codes)}
    seen: dict[tuple, int] = {}
    rows = []
    for number, record in enumerate(records, start=2):
        row = ImportRow(number=number, name=record.get("name", ""))
        errors = row.errors
        if not row.name:
            errors.append("name is empty")
        kind = _choice(record.get("kind", ""), Organisation.Kind.choices)
        if kind is None:
            errors.append(f"kind “{record.get('kind', '')}” is not one of {', '.join(Organisation.Kind.values)}")
        row.kind = kind or ""
        code = (record.get("ods_code") or "").strip().upper() or None
        row.ods_code = code
        if code and kind:
            pattern, described = ODS_CODE_FORMATS.get(kind, OTHER_ODS_CODE_FORMAT)
            if not re.match(pattern, code):
                label = Organisation.Kind(kind).label
                errors.append(f"ODS code “{code}” is not valid for kind {label} (expected {described})")
        place_name = record.get("place", "")
        if place_name:
            row.place = places.get(place_name.lower())
            if row.place is None:
                errors.append(f"place “{place_name}” is not a place of {ics}")
        role = record.get("role", "")
        row.role = _choice(role, Partnership.Role.choices) if role else Partnership.Role.PARTNER
        if row.role is None:
            errors.append(f"role “{role}” is not one of {', '.join(Partnership.Role.values)}")
        row.start_date = _date(record.get("start_date", ""), "start_date", errors)
        row.end_date = _date(record.get("end_date", ""), "end_date", errors)
        if row.start_date and row.end_date and row.end_date < row.start_date:
            errors.append("end_date is before start_date")
        identity = ("ods", code) if code else ("name", row.name.lower())
        if identity in seen:
            errors.append(f"duplicate of row {seen[identity]}")
        else:
            seen[identity] = number
        row.organisation = existing.get(code) if code else None
        row.action = "error" if errors else ("update" if row.organisation else "create")
        rows.append(row)
    return ImportPreview(ics=ics, rows=rows)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:110] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def partner_import_apply(*, preview: ImportPreview, user, skip_errors: bool = False) -> ImportResult:
    """Write a checked preview in one transaction. Error rows block everything unless skip_errors.

    `user`: the staff user importing, who needs a role in the ICS; None for `manage.py import_partners`,
    run by whoever has the server's shell (a superuser's reach).
    """
    if user is not None and not permissions.can_edit(user, preview.ics):
        raise PermissionDenied("You need a staff role in this ICS to import its partners.")
    if preview.errors and not skip_errors:
        raise ValidationError(
            f"{len(preview.errors)} row(s) have errors, so nothing was imported. "
            "Fix them, or choose to skip the rows in error."
        )
    result = ImportResult(skipped=len(preview.errors))
    for row in preview.rows:
        if row.action == "error":
            continue
        organisation = row.organisation
        if organisation is None:
            organisation = Organisation(
                name=row.name,
                slug=_unique_slug(row.name),
                ods_code=row.ods_code,
                kind=row.kind,
                sector=SECTOR_OF_KIND.get(row.kind, "other"),
            )
            result.created += 1
        else:
            organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
            organisation.name, organisation.kind = row.name, row.kind
            result.updated += 1
        organisation._history_user = user
        organisation.full_clean()
        organisation.save()
        partnership = Partnership.objects.filter(
            organisation=organisation, ics=preview.ics, place=row.place, role=row.role
        ).first()
        if partnership is None:
            partnership = Partnership(organisation=organisation, ics=preview.ics, place=row.place, role=row.role)
            result.partnerships_created += 1
        partnership.start_date, partnership.end_date = row.start_date, row.end_date
        partnership.source = partnership.source or "Partner list import"
        partnership._history_user = user
        partnership.full_clean()
        partnership.save()
    return result
