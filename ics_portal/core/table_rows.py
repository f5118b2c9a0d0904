"""Rows of the portal's long tables and lists, written in Python rather than the template language (ADR 14).

An organisation's page lists ~50 board seats, a place's page ~60 partners and its MoUs, a board's page its
members. Through the template language each row cost ~100-250 us: its `{% cell %}` tags, the extended
block it sat in, and a look-up per dotted name. Written here they cost about a third of that: in-process,
interleaved with the templates, the largest organisation's page took 44.4 -> 39.7 ms of CPU, Somerset's
place page 34.1 -> 29.5 ms. The table around the rows (caption, headers, what to say when there are none)
stays in the templates.

Every value is escaped unless it is already safe HTML, as the template language would: build markup only
with these helpers (`link`, `note`, `aside`, `join`, `cell`), never by putting a value into an f-string.
"""

from collections.abc import Callable, Iterable

from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from ics_portal.core.templatetags.portal import period
from ics_portal.core.templatetags.portal import table_cell as cell


def link(url: str, text, query: str = "") -> SafeString:
    return mark_safe(f'<a href="{escape(url)}{escape(query)}">{escape(text)}</a>')


def note(text) -> SafeString:
    """A small grey line under a cell's main text."""
    return mark_safe(f'<br><span class="nhsuk-body-s portal-meta">{escape(text)}</span>')


def aside(text) -> SafeString:
    """A grey aside in brackets after a name: " (version 2)", " (RR8)"."""
    return mark_safe(f' <span class="portal-meta">({escape(text)})</span>')


def join(*parts) -> SafeString:
    """The parts one after another, each escaped unless it is already safe HTML."""
    return mark_safe("".join(map(conditional_escape, parts)))


def table_rows(rows: Iterable, cells: Callable[[object], Iterable[SafeString]]) -> SafeString:
    """The <tr>s of a table: `cells(row)` gives each row's cells."""
    return mark_safe("".join(f'<tr class="nhsuk-table__row" role="row">{join(*cells(row))}</tr>\n' for row in rows))


def dated_rows(rows: Iterable, cells: Callable[[object], Iterable[SafeString]]) -> SafeString:
    """The <tr>s of a dated table: `cells(row)` gives each row's cells, then its dates close the row."""
    return table_rows(rows, lambda row: (*cells(row), cell("Dates", capfirst(period(row)))))
