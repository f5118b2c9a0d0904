"""Import an ICS's partner list from a CSV file: check everything first, then apply in one go.

Shared by `manage.py import_partners` and the admin page
/admin/partners/organisation/import/: `partner_import_preview()` reads and checks the
file and writes nothing; `partner_import_apply()` is the import's one write path (one
transaction, the user's rights through staff.permissions, full_clean() on every row
written, the user in each history row).

The file: CSV, UTF-8 (with or without a byte-order mark; a UTF-16 file, as Excel's "Unicode
text" saves, is refused by name), at most MAX_BYTES and MAX_ROWS rows, a header row naming the
columns (any order, case and spaces ignored):

    name        required  the organisation's name
    kind        required  icb, ccg, nhs_trust, foundation_trust, local_authority, pcn, gp_practice,
                          healthwatch, vcse, hospice, care_provider, university, other (or their labels)
    ods_code    optional  ODS code in the format for its kind; an existing code updates that organisation.
                          Without one, the row updates the partner of this ICS of the same kind and name
                          (normalised_name()); two such partners are an error of the row, not a guess.
    place       optional  a place of this ICS, by name, slug or sub-ICB ODS code; empty = the whole ICS
    role        optional  icb, constitutional_partner, stp_member, partner (default), associate (or labels)
    start_date  optional  YYYY-MM-DD or DD/MM/YYYY: when the partnership began
    end_date    optional  same formats; not before start_date

Rows are numbered as a spreadsheet shows them: the header is row 1, and blank rows count.
The preview refuses, row by row, whatever applying would fail on: a value longer than its column
holds (MAX_LENGTHS, from the models), cells beyond the header's columns (which would be lost), a
NUL character (which PostgreSQL cannot store), a date outside the days the portal records.

Importing the same file again writes nothing: an organisation or partnership whose values are
already those of its row is not saved (so no history row), and a partnership of the same
organisation, place and role is updated, never added twice. TEMPLATE_ROWS is the example file
the admin page offers (template_csv()).
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

from ics_portal.core.date_range import EARLIEST, LATEST, RANGE_TEXT
from places.models import IntegratedCareSystem, Place
from staff import permissions

from .models import ODS_CODE_FORMATS, OTHER_ODS_CODE_FORMAT, Organisation, Partnership, place_was_in

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED_COLUMNS = ("name", "kind")
COLUMNS = ("name", "ods_code", "kind", "place", "role", "start_date", "end_date")
NUL = "\x00"


def _longest_spelling(choices) -> int:
    return max(len(text) for choice in choices for text in (choice[0], str(choice[1])))


# The most characters each column can hold: the model field it is stored in; for a choice, its longest
# spelling (key or label); for a place, the longest of the names, slugs and codes it is looked up by.
MAX_LENGTHS = {
    "name": Organisation._meta.get_field("name").max_length,
    "ods_code": Organisation._meta.get_field("ods_code").max_length,
    "kind": _longest_spelling(Organisation.Kind.choices),
    "place": max(Place._meta.get_field(name).max_length for name in ("name", "slug", "ods_code")),
    "role": _longest_spelling(Partnership.Role.choices),
    "start_date": len("YYYY-MM-DD"),
    "end_date": len("YYYY-MM-DD"),
}

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


TEMPLATE_ROWS = (
    # One example per common kind; no ODS codes or places, so the rows fit any ICS and name no real body.
    ("Example Hospitals NHS Trust", "", "nhs_trust", "", "constitutional_partner", "2022-07-01", ""),
    ("Example NHS Foundation Trust", "", "foundation_trust", "", "constitutional_partner", "2022-07-01", ""),
    ("Example City Council", "", "local_authority", "", "constitutional_partner", "2022-07-01", ""),
    ("Healthwatch Example", "", "healthwatch", "", "partner", "2022-07-01", ""),
    ("Example Community Voluntary Services", "", "vcse", "", "partner", "01/04/2023", ""),
    ("Example Hospice", "", "hospice", "", "associate", "", ""),
    ("Example Care Homes Ltd", "", "care_provider", "", "associate", "", ""),
    ("University of Example", "", "university", "", "associate", "", "2025-03-31"),
)


def template_csv() -> str:
    """The example file offered on the import page: the header row and TEMPLATE_ROWS."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


# Trailing words that name a company's legal form, not the body: "Leeds Mind Ltd" is "Leeds Mind".
LEGAL_SUFFIXES = ("ltd", "limited", "cic")


def normalised_name(name: str) -> str:
    """A name as rows without an ODS code are matched by: the same body however a list spells it.

    Case and runs of spaces ignored; "&" read as "and"; punctuation dropped (apostrophes vanish,
    other marks become spaces); a trailing Ltd, Limited or CIC dropped (each, once or repeated).
    "St. Gemma's Hospice & Care CIC" and "st gemmas hospice and care" are the same name.
    """
    text = name.casefold().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    words = re.sub(r"[\W_]+", " ", text).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


class PartnerFileError(Exception):
    """The file as a whole cannot be read: one clear message, nothing written."""


@dataclass
class PartnerRecord:
    """One row of the file: its number as a spreadsheet shows it, its cells by column, and any cells beyond."""

    number: int
    values: dict[str, str]
    extra: list[str] = field(default_factory=list)

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default)


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
    note: str = ""  # why a row only links its organisation (partner_import_rights)

    @property
    def reason(self) -> str:
        return "; ".join(self.errors)

    @property
    def kind_label(self) -> str:
        return Organisation.Kind(self.kind).label if self.kind in Organisation.Kind.values else self.kind

    @property
    def role_label(self) -> str:
        return Partnership.Role(self.role).label if self.role in Partnership.Role.values else (self.role or "")

    @property
    def place_label(self) -> str:
        return self.place.name if self.place else "Whole ICS"


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
    def to_link(self):
        return self._with("link")

    @property
    def errors(self):
        return self._with("error")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    partnerships_created: int = 0
    linked: int = 0  # existing organisations linked as they are, not changed
    unchanged: int = 0  # existing organisations whose row changes nothing of them

    def line(self, ics) -> str:
        unchanged = f"{self.unchanged} already up to date, " if self.unchanged else ""
        linked = f"{self.linked} linked without changes, " if self.linked else ""
        return (
            f"Imported into {ics}: {self.created} created, {self.updated} updated, {unchanged}{linked}"
            f"{self.skipped} rows skipped."
        )


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def _shown(value: str, limit: int = 40) -> str:
    """A cell as an error message quotes it: a long one cut short."""
    return value if len(value) <= limit else value[:limit] + "…"


def _refuse_other_encodings(data: bytes) -> None:
    """A spreadsheet, or text in UTF-16 or UTF-32, named for what it is."""
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise PartnerFileError(
            "This is not a CSV file but a spreadsheet (Excel) file. "
            "In Excel choose “CSV UTF-8 (comma delimited)” when saving."
        )
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        raise PartnerFileError("This file is UTF-32; save it as UTF-8 (CSV UTF-8 in Excel) and try again.")
    # UTF-16 with a byte-order mark, or without one: mostly ASCII, so a zero byte after (or before) each letter.
    even, odd = data[:4096:2], data[1:4096:2]
    little, big = odd.count(0) > len(odd) * 0.4, even.count(0) > len(even) * 0.4
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or little != big:
        raise PartnerFileError("This file is UTF-16; save it as UTF-8 (CSV UTF-8 in Excel) and try again.")


def read_partner_file(data: bytes, *, filename: str = "") -> list[PartnerRecord]:
    """Decode and split the file into records keyed by column, or raise PartnerFileError.

    What is wrong with one row (a NUL character, an over-long value, extra cells) is left to the preview,
    which reports it with the row's number; only what makes the file as a whole unreadable is raised here.
    """
    if filename and not filename.lower().endswith(".csv"):
        raise PartnerFileError(f"“{filename}” is not a CSV file. Save the spreadsheet as “CSV UTF-8” and try again.")
    if len(data) > MAX_BYTES:
        raise PartnerFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. Split it."
        )
    if not data.strip():
        raise PartnerFileError("The file is empty.")
    _refuse_other_encodings(data)
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
    if any(NUL in cell for cell in header):
        raise PartnerFileError(
            "Row 1, the header, holds a NUL character (a zero byte): this is not a CSV file. Save it as CSV UTF-8."
        )
    columns = [_key(cell) for cell in header]
    unknown = [_shown(header[i].strip()) for i, column in enumerate(columns) if column not in COLUMNS]
    if unknown:
        raise PartnerFileError(f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}.")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise PartnerFileError(f"Column(s) given twice: {', '.join(repeated)}.")
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise PartnerFileError(f"Missing required column(s): {', '.join(missing)}.")
    records = []
    for number, row in enumerate(rows, start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue  # a blank row: skipped, but counted, so later rows keep the numbers a spreadsheet shows
        extra = cells[len(columns) :]
        while extra and not extra[-1]:  # empty cells at the end of a row are how spreadsheets pad it
            extra.pop()
        records.append(PartnerRecord(number=number, values=dict(zip(columns, cells, strict=False)), extra=extra))
    if not records:
        raise PartnerFileError("The file has a header but no rows.")
    if len(records) > MAX_ROWS:
        raise PartnerFileError(f"The file has {len(records)} rows; the limit is {MAX_ROWS}. Split it.")
    return records


def _cell_errors(record: PartnerRecord) -> list[str]:
    """What makes a row unreadable, before its values are checked: NUL characters, over-long values, extra cells."""
    errors = []
    nul_columns = [column for column, value in record.values.items() if NUL in value]
    if nul_columns or any(NUL in cell for cell in record.extra):
        where = f"in {', '.join(nul_columns)}" if nul_columns else "in a cell beyond the last column"
        errors.append(f"holds a NUL character (a zero byte) {where}, which cannot be stored; remove it")
    for column, value in record.values.items():
        if len(value) > MAX_LENGTHS[column]:
            errors.append(f"{column} is {len(value):,} characters long; it holds at most {MAX_LENGTHS[column]}")
    if record.extra:
        columns = len(record.values)
        errors.append(
            f"has {len(record.extra)} cell(s) beyond the {columns} column(s) the header names, which would be lost "
            "(a comma inside a value needs the value in double quotes)"
        )
    return errors


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
            day = datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if not EARLIEST <= day <= LATEST:
            errors.append(f"{column} {day.isoformat()} is outside the dates the portal records, {RANGE_TEXT}")
            return None
        return day
    errors.append(f"{column} “{_shown(value)}” is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    return None


def _place_index(ics) -> dict[str, Place]:
    index = {}
    # With their memberships, so that each row's place is checked against the row's dates without a query.
    for place in Place.objects.filter(memberships__ics=ics).distinct().prefetch_related("memberships"):
        for key in (place.name, place.slug, place.ods_code):
            if key:
                index[key.strip().lower()] = place
    return index


def _partners_by_name(ics, kinds) -> dict[tuple[str, str], list[Organisation]]:
    """This ICS's partner organisations (a partnership, any dates) of `kinds`, by (kind, normalised name)."""
    index: dict[tuple[str, str], list[Organisation]] = {}
    if not kinds:
        return index
    for organisation in Organisation.objects.filter(kind__in=kinds, partnerships__ics=ics).distinct().order_by("pk"):
        index.setdefault((organisation.kind, normalised_name(organisation.name)), []).append(organisation)
    return index


def partner_import_preview(*, ics: IntegratedCareSystem, data: bytes, filename: str = "") -> ImportPreview:
    """Check every row and say what applying would do. Writes nothing. Raises PartnerFileError."""
    records = read_partner_file(data, filename=filename)
    places = _place_index(ics)
    unreadable = {record.number: _cell_errors(record) for record in records}
    codes = {
        record.get("ods_code").upper() for record in records if record.get("ods_code") and not unreadable[record.number]
    }
    existing = {org.ods_code: org for org in Organisation.objects.filter(ods_code__in=codes)}
    uncoded_kinds = {
        _choice(record.get("kind"), Organisation.Kind.choices)
        for record in records
        if not record.get("ods_code") and not unreadable[record.number]
    }
    by_name = _partners_by_name(ics, uncoded_kinds - {None})
    seen: dict[tuple, int] = {}
    rows = []
    for record in records:
        number = record.number
        row = ImportRow(number=number)
        if unreadable[number]:  # the values themselves are not checked, nor quoted back
            row.errors, row.action = unreadable[number], "error"
            rows.append(row)
            continue
        row.name = record.get("name")
        errors = row.errors
        if not row.name:
            errors.append("name is empty")
        kind = _choice(record.get("kind"), Organisation.Kind.choices)
        if kind is None:
            errors.append(f"kind “{record.get('kind')}” is not one of {', '.join(Organisation.Kind.values)}")
        row.kind = kind or ""
        code = record.get("ods_code").upper() or None
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
        elif row.place is not None and not place_was_in(row.place, ics.pk, row.start_date, row.end_date):
            errors.append(f"place “{row.place.name}” was not a place of {ics} on the row's dates")
        identity = ("ods", code) if code else ("name", row.kind, normalised_name(row.name))
        if identity in seen:
            errors.append(f"duplicate of row {seen[identity]}")
        else:
            seen[identity] = number
        if code:
            row.organisation = existing.get(code)
        elif kind and row.name:
            matches = by_name.get((kind, normalised_name(row.name)), [])
            if len(matches) > 1:
                names = ", ".join(f"“{org.name}”" + (f" ({org.ods_code})" if org.ods_code else "") for org in matches)
                errors.append(
                    f"matches {len(matches)} partners of {ics} of the same kind and name: {names}; "
                    "give the ODS code of the one meant, or merge them first"
                )
            elif matches:
                row.organisation = matches[0]
        row.action = "error" if errors else ("update" if row.organisation else "create")
        rows.append(row)
    return ImportPreview(ics=ics, rows=rows)


def _slug_base(name: str) -> str:
    return slugify(name)[:110] or "organisation"


def _unique_slug(name: str, taken: set[str]) -> str:
    """A slug no organisation has, nor any in `taken` (the slugs found taken, or given out by this import).

    `taken` starts as those of the new rows' plain slugs already in use (one query for the file), so a
    new name costs no query; only a taken one looks further, one query a try.
    """
    base = _slug_base(name)
    slug, n = base, 2
    while slug in taken or (slug != base and Organisation.objects.filter(slug=slug).exists()):
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


LINK_ONLY_NOTE = (
    "{organisation} is shared with another ICS: it is linked to {ics} as it is, not renamed or changed "
    "(only a superuser may change it)"
)


def partner_import_rights(*, preview: ImportPreview, user) -> ImportPreview:
    """Mark each row that would update an organisation `user` may not change as "link", with a note.

    Linking an organisation to one's own ICS (a partnership) changes nothing of it, so such a row
    still links it; renaming or changing it needs rights over every ICS it is linked to
    (staff.permissions, docs/adr/0004). One query for all the rows; none for `user` None
    (manage.py import_partners, a superuser's reach).
    """
    rows = [row for row in preview.rows if row.action in ("update", "link")]
    if user is None or not rows:
        return preview
    matched = Organisation.objects.filter(pk__in={row.organisation.pk for row in rows})
    may_change = set(permissions.editable(user, matched).values_list("pk", flat=True))
    for row in rows:
        if row.organisation.pk in may_change:
            row.action, row.note = "update", ""
        else:
            row.action = "link"
            row.note = LINK_ONLY_NOTE.format(organisation=row.organisation, ics=preview.ics)
    return preview


def partner_import_check(*, preview: ImportPreview, user, skip_errors: bool = False) -> None:
    """Refuse (PermissionDenied, ValidationError) what partner_import_apply would: asked before a job is queued
    as well as when it runs."""
    if user is not None and not permissions.can_edit(user, preview.ics):
        raise PermissionDenied("You need a staff role in this ICS to import its partners.")
    partner_import_rights(preview=preview, user=user)
    if preview.errors and not skip_errors:
        raise ValidationError(
            f"{len(preview.errors)} row(s) have errors, so nothing was imported. "
            "Fix them, or choose to skip the rows in error."
        )


@transaction.atomic
def partner_import_apply(*, preview: ImportPreview, user, skip_errors: bool = False) -> ImportResult:
    """Write a checked preview in one transaction. Error rows block everything unless skip_errors.

    `user`: the staff user importing, who needs a role in the ICS; None for `manage.py import_partners`,
    run by whoever has the server's shell (a superuser's reach). An existing organisation the user may
    not change is linked to the ICS as it is, not updated (partner_import_rights, asked again here).
    """
    partner_import_check(preview=preview, user=user, skip_errors=skip_errors)
    result = ImportResult(skipped=len(preview.errors))
    rows = [row for row in preview.rows if row.action != "error"]
    matched = {row.organisation.pk for row in rows if row.organisation is not None}
    locked = {org.pk: org for org in Organisation.objects.select_for_update().filter(pk__in=matched)}
    existing: dict[tuple, Partnership] = {}
    for partnership in Partnership.objects.filter(ics=preview.ics, organisation__in=matched).order_by("pk"):
        existing.setdefault((partnership.organisation_id, partnership.place_id, partnership.role), partnership)
    bases = {_slug_base(row.name) for row in rows if row.organisation is None}
    taken = set(Organisation.objects.filter(slug__in=bases).values_list("slug", flat=True)) if bases else set()
    for row in rows:
        organisation = locked.get(row.organisation.pk) if row.organisation is not None else None
        save = True
        if row.action == "link":
            result.linked += 1
            save = False
        elif organisation is None:
            organisation = Organisation(
                name=row.name,
                slug=_unique_slug(row.name, taken),
                ods_code=row.ods_code,
                kind=row.kind,
                sector=SECTOR_OF_KIND.get(row.kind, "other"),
            )
            result.created += 1
        elif (organisation.name, organisation.kind) == (row.name, row.kind):
            result.unchanged += 1  # already as the row says: no save, so no history row
            save = False
        else:
            organisation.name, organisation.kind = row.name, row.kind
            result.updated += 1
        if save:
            organisation._history_user = user
            organisation.full_clean()
            organisation.save()
        key = (organisation.pk, row.place.pk if row.place else None, row.role)
        partnership = existing.get(key)
        if partnership is None:
            partnership = Partnership(organisation=organisation, ics=preview.ics, place=row.place, role=row.role)
            existing[key] = partnership
            result.partnerships_created += 1
        elif (partnership.start_date, partnership.end_date) == (row.start_date, row.end_date) and partnership.source:
            continue  # already as the row says: no save, so no history row
        partnership.start_date, partnership.end_date = row.start_date, row.end_date
        partnership.source = partnership.source or "Partner list import"
        partnership._history_user = user
        partnership.full_clean()
        partnership.save()
    return result
