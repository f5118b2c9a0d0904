"""CSV for every endpoint: the flat fields of each row, one row per object.

Nested lists (a meeting's agenda items, an MoU's signatories) are left out: CSV
has no place for them, and the JSON form carries them. A list response yields
the rows of its page; the page links are in the `Link` header.
"""

import csv
import io
import re

from rest_framework.renderers import BaseRenderer

# A cell a spreadsheet would read as a formula (CSV injection, OWASP). Negative numbers are left alone.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if _FORMULA_START.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def _is_flat(value) -> bool:
    return not isinstance(value, dict | list | tuple)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data and isinstance(data["results"], list):
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        header = self._header(rows, renderer_context or {})
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(row.get(name)) for name in header])
        return out.getvalue().encode(self.charset)

    @staticmethod
    def _header(rows, renderer_context) -> list[str]:
        if rows:
            return [name for name, value in rows[0].items() if _is_flat(value)]
        view = renderer_context.get("view")
        serializer = view.get_serializer() if view is not None and hasattr(view, "get_serializer") else None
        if serializer is None or not hasattr(serializer, "fields"):
            return []
        return [
            name
            for name, field in serializer.fields.items()
            if not getattr(field, "write_only", False) and not hasattr(field, "child") and not hasattr(field, "fields")
        ]
