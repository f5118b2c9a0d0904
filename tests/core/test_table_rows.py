"""The table rows written in Python (ics_portal/core/table_rows.py) escape what they show, as the template
language would, and keep the responsive tables' headings, the rows' dates and the page's day in their links."""

import datetime
import re

import pytest

from governance.models import BoardMembership
from ics_portal.core.models import Provenance
from tests import factories as f

pytestmark = pytest.mark.django_db

NAME = 'Smith & Jones "Care" <b>Trust</b>'
ESCAPED = "Smith &amp; Jones &quot;Care&quot; &lt;b&gt;Trust&lt;/b&gt;"


def cell(heading, content) -> str:
    return (
        f'<td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">{heading} '
        f"</span><span>{content}</span></td>"
    )


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def seat():
    """A sample seat on a board of an ICS and a place, every name holding characters HTML must escape."""
    ics = f.IntegratedCareSystemFactory(short_name=f"{NAME} ICS")
    place = f.PlaceFactory(ics=ics, name=f"{NAME} place")
    organisation = f.OrganisationFactory(name=f"{NAME} organisation")
    f.PartnershipFactory(organisation=organisation, ics=ics, place=place, source=f"{NAME} constitution")
    return f.BoardMembershipFactory(
        board=f.BoardFactory(ics=ics, place=place, name=f"{NAME} board"),
        person=f.PersonFactory(name=f"{NAME} person", title=f"{NAME} title"),
        organisation=organisation,
        is_voting=False,
        provenance=Provenance.SAMPLE,
    )


def test_an_organisations_partnerships_and_seats_are_escaped_with_their_headings_and_dates(client, seat):
    html = page(client, seat.organisation.get_absolute_url())

    assert NAME not in html
    assert cell("Place", f'<a href="{seat.board.place.get_absolute_url()}">{ESCAPED} place</a>') in html
    assert f"Source: {ESCAPED} constitution" in html
    assert f'<a href="{seat.board.get_absolute_url()}">{ESCAPED} board</a>' in html
    assert f"{ESCAPED} ICS, {ESCAPED} place</span>" in html
    assert cell("Role", "Member") + cell("Dates", "From 1 July 2022") in html
    assert "Sample data" in html


def test_a_persons_roles_and_interests_are_escaped(client, seat):
    f.DeclarationOfInterestFactory(
        person=seat.person, interest=f"{NAME} interest", organisation=seat.organisation, action_taken=""
    )

    html = page(client, seat.person.get_absolute_url())

    assert NAME not in html
    assert f"{ESCAPED} interest (<a " in html
    assert f">{ESCAPED} organisation</a>)" in html
    assert cell("Action taken", "None recorded") in html
    assert cell("Role", "Member") in html


def test_a_boards_members_are_escaped_and_say_who_does_not_vote(client, seat):
    html = page(client, seat.board.get_absolute_url())

    assert NAME not in html
    assert f'<a href="{seat.person.get_absolute_url()}">{ESCAPED} person</a>' in html
    assert f'<span class="nhsuk-body-s portal-meta">{ESCAPED} title</span>' in html
    assert "Does not vote" in html
    assert cell("Representing", f'<a href="{seat.organisation.get_absolute_url()}">{ESCAPED} organisation</a>') in html


def test_an_ics_pages_partners_and_mous_are_escaped(client, seat):
    ics = seat.board.ics
    mou = f.MoUFactory(ics=ics, title=f"{NAME} MoU", version="1 & <2>")

    html = page(client, ics.get_absolute_url())

    assert NAME not in html
    assert f'>{ESCAPED} organisation</a> <span class="portal-meta">({seat.organisation.ods_code})</span>' in html
    assert f"– Constitutional partner, at {ESCAPED} place</li>" in html
    version = '<span class="portal-meta">(version 1 &amp; &lt;2&gt;)</span>'
    assert cell("Title", f'<a href="{mou.get_absolute_url()}">{ESCAPED} MoU</a> {version}') in html
    assert cell("In force", "From 1 April 2023") in html


def test_links_in_rows_keep_the_pages_day(client, seat):
    html = page(client, seat.organisation.get_absolute_url() + "?as_at=2023-01-01")

    assert f'href="{seat.board.get_absolute_url()}?as_at=2023-01-01"' in html
    assert f'href="{seat.person.get_absolute_url()}?as_at=2023-01-01"' in html
    assert f'href="{seat.board.ics.get_absolute_url()}?as_at=2023-01-01"' in html


def test_a_past_seat_ends_with_both_its_dates(client, seat):
    BoardMembership.objects.filter(pk=seat.pk).update(end_date=datetime.date(2024, 3, 31))

    html = page(client, seat.organisation.get_absolute_url())

    assert re.search(r"Earlier seats.*1 July 2022 to 31 March 2024", html, re.S)
