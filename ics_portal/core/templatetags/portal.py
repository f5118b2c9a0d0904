"""Display filters the public pages share. Pure formatting: no queries."""

import functools

from django import template
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ics_portal.core.columns import filled_columns

register = template.Library()

SAMPLE_TAG = mark_safe(
    ' <strong class="nhsuk-tag nhsuk-tag--grey portal-sample-tag"'
    ' title="Not in the public record: made up to show how the portal works">Sample data</strong>'
)


@register.simple_tag
def sample_tag(record):
    """The "Sample data" label for a sample or generated record (anything whose `is_sample` is true), else nothing.

    A tag rather than an included template: national-scale pages label every row, and an include costs ~20 us.
    """
    return SAMPLE_TAG if getattr(record, "is_sample", False) else ""


@register.tag
def cell(parser, token):
    """{% cell "Heading" %}…{% endcell %}: a cell of an NHS.UK responsive table (`nhsuk-table--responsive`).

    On a phone such a table stacks each row, so each cell carries its column's heading; screen readers skip that
    copy (they announce the header). The heading may be any variable or filter expression.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the column's heading")
    nodelist = parser.parse(("endcell",))
    parser.delete_first_token()
    return CellNode(parser.compile_filter(bits[1]), nodelist)


@register.filter
def any_filled(rows, path):
    """Whether any of `rows` shows something at `path` ("organisation", "place.district_list", methods called as a
    template calls them): a table leaves out a column that is empty in every row."""
    return bool(filled_columns(rows, column=lambda row: _lookup(row, path)))


def _lookup(value, path):
    for name in path.split("."):
        value = getattr(value, name, None)
        value = value() if callable(value) else value
    return value


def table_cell(heading, content):
    """The markup of {% cell %}, for rows written in Python too (ics_portal/core/table_rows.py): both are escaped
    unless already safe HTML."""
    return mark_safe(
        '<td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">'
        f"{conditional_escape(heading)} </span><span>{conditional_escape(content)}</span></td>"
    )


class CellNode(template.Node):
    def __init__(self, heading, nodelist):
        self.heading, self.nodelist = heading, nodelist

    def render(self, context):
        # The nodelist is rendered by the template engine: already escaped.
        return table_cell(self.heading.resolve(context), mark_safe(self.nodelist.render(context)))


@register.filter
def thousands(value):
    """1234567 -> '1,234,567'; empty stays empty."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}"


@register.filter
def pounds(value):
    """A yearly budget in pounds, as people say it: £5.2 billion, £350 million."""
    if value in (None, ""):
        return ""
    value = int(value)
    if value >= 1_000_000_000:
        return f"£{value / 1_000_000_000:.1f} billion"
    if value >= 1_000_000:
        return f"£{value / 1_000_000:.0f} million"
    return f"£{value:,}"


@register.filter
def period(obj):
    """The dates a dated record covers, in words: 'from 1 July 2022', '1 April 2019 to 30 June 2022'.

    With neither date: 'dates not stated in the source' for a public-record row that names its source
    (its document gives none), else 'dates not recorded'.
    """
    start, end = getattr(obj, "start_date", None), getattr(obj, "end_date", None)
    language = get_language()
    if start and end:
        return f"{_long_date(start, language)} to {_long_date(end, language)}"
    if start:
        return f"from {_long_date(start, language)}"
    if end:
        return f"until {_long_date(end, language)}"
    if getattr(obj, "source", "") and not getattr(obj, "is_sample", False):
        return "dates not stated in the source"  # a public-record row whose document gives none
    return "dates not recorded"


@functools.lru_cache(maxsize=4096)  # date_format takes ~15 us (it translates the month); long lists repeat dates
def _long_date(day, language):
    return date_format(day, "j F Y")
