"""CSV downloads of list pages: what the page shows, from the page's own filters and day, streamed.

A list view builds its rows from the same FilterSet or selector as its page, as tuples, and hands them
to `csv_response()`; the page and the CSV then cannot list different records. A CSV may spell a row
out further than the page (the partner CSV has a row per partnership where the directory has a row per
organisation). Rows are streamed, so a long directory does not sit in memory as one big string.
"""

import csv
import re
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CHUNK_ROWS = 200

# A cell a spreadsheet would read as a formula (CSV injection, OWASP). Negative numbers are left alone.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


class _Echo:
    """A file-like object whose write() hands the line straight back, for streaming."""

    def write(self, value):
        return value


def safe_cell(value) -> str:
    """A cell as text: None is empty, and text that starts like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = value if type(value) is str else str(value)
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.match(text):
        return "'" + text
    return text


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence]):
    """Yield the CSV text (CRLF line ends, as RFC 4180 asks) CHUNK_ROWS lines at a time: a line a chunk cost the
    server a write to the socket each, 800 for one ICS's partner CSV."""
    writer = csv.writer(_Echo())
    lines = [writer.writerow([safe_cell(cell) for cell in header])]
    for row in rows:
        lines.append(writer.writerow([safe_cell(cell) for cell in row]))
        if len(lines) == CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """A streamed CSV download named `filename` with one header line and then `rows`.

    `rows` may be any iterable of sequences (a list, or a generator over a queryset
    that already owns its joins); each row must line up with `header`.
    """
    if not filename.endswith(".csv"):
        filename += ".csv"
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wants_csv(request) -> bool:
    """True when a list page is asked for its CSV with `?format=csv`."""
    return request.GET.get("format") == "csv"
