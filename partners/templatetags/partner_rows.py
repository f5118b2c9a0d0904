"""The rows of an organisation's partnerships and board seats, and the partners listed on an ICS's or place's page
(ics_portal/core/table_rows.py says why in Python)."""

from django import template
from django.utils.safestring import mark_safe

from ics_portal.core.table_rows import aside, cell, dated_rows, join, link, note
from ics_portal.core.templatetags.portal import sample_tag

register = template.Library()
LI, END_LI = mark_safe("<li>"), mark_safe("</li>\n")


@register.simple_tag
def partnership_rows(rows, query=""):
    def cells(row):
        yield cell(
            "Integrated care system", join(link(row.ics.get_absolute_url(), row.ics.short_name, query), sample_tag(row))
        )
        yield cell("Place", link(row.place.get_absolute_url(), row.place.name, query) if row.place else "Whole system")
        yield cell("Role", join(row.get_role_display(), note(f"Source: {row.source}") if row.source else ""))

    return dated_rows(rows, cells)


@register.simple_tag
def seat_rows(rows, query=""):
    def cells(row):
        board = row.board
        yield cell("Board", join(link(board.get_absolute_url(), board.name, query), note(board.ics_and_place)))
        yield cell("Represented by", join(link(row.person.get_absolute_url(), row.person.name, query), sample_tag(row)))
        yield cell("Role", row.get_role_display())

    return dated_rows(rows, cells)


@register.simple_tag
def partner_items(rows, query=""):
    """The <li>s of a list of partners.presenters.PartnerRow: name (linked), ODS code, roles and places."""
    return join(*(_partner_item(row, query) for row in rows))


def _partner_item(row, query):
    code = aside(row.organisation.ods_code) if row.organisation.ods_code else ""
    return join(LI, link(row.url, row.name, query), code, sample_tag(row), " – ", row.roles_and_places, END_LI)
