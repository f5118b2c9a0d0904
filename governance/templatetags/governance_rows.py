"""The rows of a person's roles and interests, a board's members and an ICS's or place's MoUs
(ics_portal/core/table_rows.py says why in Python)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from ics_portal.core.table_rows import aside, cell, dated_rows, join, link, note, table_rows
from ics_portal.core.templatetags.portal import any_filled, period, sample_tag

register = template.Library()
NOT_RECORDED = mark_safe('<span class="portal-meta">Not recorded</span>')


@register.simple_tag
def role_rows(rows, query=""):
    representing = _representing_column(rows, query)

    def cells(row):
        board = row.board
        yield cell(
            "Board", join(link(board.get_absolute_url(), board.name, query), sample_tag(row), note(board.ics_and_place))
        )
        yield cell("Role", row.get_role_display())
        yield representing(row)

    return dated_rows(rows, cells)


@register.simple_tag
def member_rows(rows, query=""):
    representing = _representing_column(rows, query)

    def cells(row):
        person = row.person
        title = note(person.title) if person.title else ""
        yield cell("Name", join(link(person.get_absolute_url(), person.name, query), sample_tag(row), title))
        yield cell("Role", join(row.get_role_display(), "" if row.is_voting else note("Does not vote")))
        yield representing(row)

    return dated_rows(rows, cells)


@register.simple_tag
def interest_rows(rows, query=""):
    def cells(row):
        organisation = row.organisation
        at = join(" (", link(organisation.get_absolute_url(), organisation.name, query), ")") if organisation else ""
        yield cell("Interest", join(row.interest, at, sample_tag(row)))
        yield cell("Action taken", row.action_taken or "None recorded")

    return dated_rows(rows, cells)


@register.simple_tag
def mou_rows(mous):
    def cells(mou):
        version = aside(f"version {mou.version}") if mou.version else ""
        yield cell("Title", join(link(mou.get_absolute_url(), mou.title), version, sample_tag(mou)))
        yield cell("Status", mou.get_status_display())
        yield cell("In force", capfirst(period(mou)))

    return table_rows(mous, cells)


def _representing_column(rows, query):
    """row -> its "Representing" cell, or "" for every row when no row records an organisation (no column)."""
    if not any_filled(rows, "organisation"):
        return lambda row: ""

    def representing(row):
        if row.organisation is None:
            return cell("Representing", NOT_RECORDED)
        return cell("Representing", link(row.organisation.get_absolute_url(), row.organisation.name, query))

    return representing
