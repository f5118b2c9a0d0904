"""Reading the files the NHS Organisation Data Service (ODS) publishes, for `manage.py sync_ods`.

Supported files (recognised by name; a .zip holding the .csv, as ODS publishes them, is read too):

    etr.csv   NHS trusts                          } the standard headerless layout: 1 code, 2 name,
    eccg.csv  CCGs / sub-ICB locations            } 3 national grouping, 4 high-level health geography
                                                  } (the ICB code), 5–9 address, 10 postcode,
                                                  } 11 open date YYYYMMDD, 12 close date (empty if open)
    succ.csv  successions: 1 predecessor code, 2 successor code, 3 reason, 4 effective date YYYYMMDD

Any other file name is refused by name. A malformed row (too few columns, a code not in its format, a date
that is not a day, a code twice) makes the whole file unreadable (OdsFileError): the sync writes nothing.
Reading writes nothing either; partners.services compares what was read with the portal.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import urllib.request
import zipfile
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath

from ics_portal.core.date_range import EARLIEST, LATEST

from .models import ODS_CODE_FORMATS, Organisation

ORGANISATION_FILES = {"etr": Organisation.Kind.NHS_TRUST, "eccg": Organisation.Kind.CCG}
SUCCESSION_FILES = ("succ",)
ORGANISATION_COLUMNS = 12
SUCCESSION_COLUMNS = 4
URL_TIMEOUT_SECONDS = 60

# ODS succession reasons, as the successions file codes them, to the portal's kinds.
SUCCESSION_KINDS = {"M": "merger", "A": "acquisition", "S": "split"}


class OdsFileError(Exception):
    """A file that cannot be read as a whole: one clear message, nothing written."""


@dataclass(frozen=True)
class OdsOrganisation:
    code: str
    name: str
    kind: str
    icb_code: str
    start_date: datetime.date | None
    end_date: datetime.date | None


@dataclass(frozen=True)
class OdsSuccession:
    predecessor: str
    successor: str
    date: datetime.date
    kind: str


@dataclass
class OdsFile:
    name: str
    date: datetime.date
    organisations: list[OdsOrganisation] = field(default_factory=list)
    successions: list[OdsSuccession] = field(default_factory=list)


def read_ods_file(location: str, as_at: datetime.date | None = None) -> OdsFile:
    """An ODS file from a path or an http(s) URL, dated `as_at` or else by its own date (modified, or served)."""
    name = PurePosixPath(location.split("?")[0]).name
    if location.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(location, timeout=URL_TIMEOUT_SECONDS) as response:  # noqa: S310 (http only)
                data, served = response.read(), response.headers.get("Last-Modified")
        except OSError as error:
            raise OdsFileError(f"Cannot fetch {location}: {error}.") from None
        date = as_at or (_http_date(served) if served else datetime.date.today())
    else:
        try:
            path = Path(location)
            data = path.read_bytes()
        except OSError as error:
            raise OdsFileError(f"Cannot read {location}: {error.strerror}.") from None
        date = as_at or datetime.date.fromtimestamp(path.stat().st_mtime)
    return parse_ods_file(name, data, date)


def parse_ods_file(name: str, data: bytes, date: datetime.date) -> OdsFile:
    if name.lower().endswith(".zip"):
        name, data = _unzipped(name, data)
    stem = PurePosixPath(name).stem.lower()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OdsFileError(f"{name} is not UTF-8 text.") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    kind = next((kind for prefix, kind in ORGANISATION_FILES.items() if stem.endswith(prefix)), None)
    if kind is not None:
        return OdsFile(name=name, date=date, organisations=_organisations(name, rows, kind))
    if stem.endswith(SUCCESSION_FILES):
        return OdsFile(name=name, date=date, successions=_successions(name, rows))
    raise OdsFileError(f"{name}: not an ODS file the sync reads (etr.csv, eccg.csv or succ.csv, or their .zip).")


def _unzipped(name, data) -> tuple[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        inner = next(n for n in archive.namelist() if n.lower().endswith(".csv"))
        return PurePosixPath(inner).name, archive.read(inner)
    except (zipfile.BadZipFile, StopIteration):
        raise OdsFileError(f"{name} is not a zip file holding a .csv file.") from None


def _organisations(name, rows, kind) -> list[OdsOrganisation]:
    pattern, described = ODS_CODE_FORMATS[kind]
    read, seen = [], set()
    for number, row in _rows(name, rows, ORGANISATION_COLUMNS):
        code, title = row[0].strip().upper(), row[1].strip()
        problem = _code_problem(code, pattern, described, seen) or ("" if title else "no name")
        if problem:
            raise _row_error(name, number, problem)
        start, end = _day(row[10], name, number), _day(row[11], name, number)
        if start and end and end < start:
            raise _row_error(name, number, "the close date is before the open date")
        row_kind = Organisation.Kind.FOUNDATION_TRUST if "FOUNDATION TRUST" in title.upper() else kind
        read.append(OdsOrganisation(code, title, row_kind, row[3].strip().upper(), start, end))
    return read


def _successions(name, rows) -> list[OdsSuccession]:
    read = []
    for number, row in _rows(name, rows, SUCCESSION_COLUMNS):
        codes = [row[0].strip().upper(), row[1].strip().upper()]
        if not all(re.match(r"^[A-Z0-9]{3,8}$", code) for code in codes):
            raise _row_error(name, number, "a predecessor or successor code is not an ODS code")
        date = _day(row[3], name, number)
        if date is None:
            raise _row_error(name, number, "no effective date")
        read.append(OdsSuccession(*codes, date, SUCCESSION_KINDS.get(row[2].strip().upper(), "other")))
    return read


def _rows(name, rows, columns):
    if not rows:
        raise OdsFileError(f"{name} is empty.")
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < columns:
            raise _row_error(name, number, f"{len(row)} columns where the layout has at least {columns}")
        yield number, row


def _code_problem(code, pattern, described, seen) -> str:
    if not re.match(pattern, code):
        return f"code “{code}” is not {described}"
    if code in seen:
        return f"code {code} appears twice"
    seen.add(code)
    return ""


def _day(text, name, number) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = datetime.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise _row_error(name, number, f"“{text}” is not a date as YYYYMMDD") from None
    if not EARLIEST <= day <= LATEST:
        raise _row_error(name, number, f"{day} is outside the days the portal records")
    return day


def _row_error(name, number, problem) -> OdsFileError:
    return OdsFileError(f"{name}, row {number}: {problem}. Nothing was written.")


def _http_date(text) -> datetime.date:
    return parsedate_to_datetime(text).date()
