"""The partner directory and organisation pages."""

import datetime

import pytest

from partners.models import Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 6, 1)
# the chosen ICS, count, page of organisations, their partnerships, their names over time, ICS choices, place choices
DIRECTORY_QUERIES = 7
# organisation+successor, its names over time, predecessors, successions to and from (ODS, dated), partnerships,
# board seats, MoU signatures, programmes
ORGANISATION_QUERIES = 9


@pytest.mark.parametrize("n", [1, 10])
def test_directory_in_bounded_queries(client, django_assert_max_num_queries, n):
    ics = f.IntegratedCareSystemFactory()
    for _ in range(n):
        org = f.OrganisationFactory()
        for _ in range(n):
            f.PartnershipFactory(organisation=org, ics=ics, place=f.PlaceFactory(ics=ics))
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = client.get("/partners/", {"ics": ics.slug})
    assert response.status_code == 200
    assert len(response.context["rows"]) == n
    assert all(len(row.partner_of) == n for row in response.context["rows"])


def test_directory_filters_by_ics_place_kind_sector_and_text(client):
    ics, other = f.IntegratedCareSystemFactory(), f.IntegratedCareSystemFactory()
    place = f.PlaceFactory(ics=ics, slug="leeds")
    trust = f.OrganisationFactory(name="Leeds Teaching Hospitals", ods_code="RR8")
    council = f.OrganisationFactory(
        name="Leeds City Council", kind="local_authority", sector="local_government", ods_code="383"
    )
    elsewhere = f.OrganisationFactory(name="Elsewhere Trust")
    f.PartnershipFactory(ics=ics, organisation=trust)
    f.PartnershipFactory(ics=ics, place=place, organisation=council)
    f.PartnershipFactory(ics=other, organisation=elsewhere)

    def names(**params):
        response = client.get("/partners/", params)
        assert response.status_code == 200
        return {row.organisation.name for row in response.context["rows"]}

    assert names(ics=ics.slug) == {"Leeds Teaching Hospitals", "Leeds City Council"}
    assert names(ics=ics.slug, place="leeds") == {"Leeds City Council"}
    assert names(kind="local_authority") == {"Leeds City Council"}
    assert names(sector="nhs") == {"Leeds Teaching Hospitals", "Elsewhere Trust"}
    assert names(q="rr8") == {"Leeds Teaching Hospitals"}
    assert names(q="city") == {"Leeds City Council"}


def test_directory_as_at_edges(client):
    ics = f.IntegratedCareSystemFactory()
    f.PartnershipFactory(
        ics=ics, organisation=f.OrganisationFactory(name="Ended the day before"), end_date=DAY - datetime.timedelta(1)
    )
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(name="Ends on the day"), end_date=DAY)
    closed = f.OrganisationFactory(name="Closed CCG", kind="ccg", ods_code="15F", end_date=datetime.date(2022, 6, 30))
    f.PartnershipFactory(ics=ics, organisation=closed, start_date=None, end_date=datetime.date(2022, 6, 30))
    response = client.get("/partners/", {"ics": ics.slug, "as_at": DAY.isoformat()})
    assert {row.organisation.name for row in response.context["rows"]} == {"Ends on the day"}
    response = client.get("/partners/", {"ics": ics.slug, "as_at": "2022-06-30"})
    assert "Closed CCG" in {row.organisation.name for row in response.context["rows"]}
    assert "as it was on 30 June 2022" in response.content.decode()


def test_directory_defaults_to_organisations_operating_today(client):
    f.OrganisationFactory(name="Open trust")
    f.OrganisationFactory(name="Closed CCG", kind="ccg", ods_code="15F", end_date=datetime.date(2022, 6, 30))
    names = {row.organisation.name for row in client.get("/partners/").context["rows"]}
    assert names == {"Open trust"}


def test_directory_paginates_and_keeps_filters_in_page_links(client):
    f.OrganisationFactory.create_batch(30)
    response = client.get("/partners/", {"kind": "nhs_trust"})
    html = response.content.decode()
    assert len(response.context["rows"]) == 25
    assert "?kind=nhs_trust&amp;page=2" in html
    page2 = client.get("/partners/", {"kind": "nhs_trust", "page": 2})
    assert len(page2.context["rows"]) == 5
    assert 'href="/partners.csv?kind=nhs_trust"' in page2.content.decode()  # every page, same filters
    assert client.get("/partners/", {"page": 99}).status_code == 200


def test_directory_bad_filters_give_messages_not_errors(client):
    response = client.get("/partners/", {"ics": "no-such-ics", "kind": "spaceship", "as_at": "2021-13-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "That date could not be used" in html


def test_directory_place_choice_follows_a_place_that_moved_ics(client):
    """Harrogate was a place of two ICSs in turn: one place, in each on its days."""
    before, after = f.IntegratedCareSystemFactory(), f.IntegratedCareSystemFactory()
    old = new = f.PlaceFactory(ics=None, slug="harrogate")
    f.PlaceMembershipFactory(place=old, ics=before, end_date=datetime.date(2022, 6, 30))
    f.PlaceMembershipFactory(place=new, ics=after, start_date=datetime.date(2022, 7, 1))
    f.PartnershipFactory(
        ics=before,
        place=old,
        organisation=f.OrganisationFactory(name="Old partner"),
        start_date=datetime.date(2018, 4, 1),
        end_date=datetime.date(2022, 6, 30),
    )
    f.PartnershipFactory(ics=after, place=new, organisation=f.OrganisationFactory(name="New partner"))
    response = client.get("/partners/", {"place": "harrogate"})
    assert {row.organisation.name for row in response.context["rows"]} == {"New partner"}
    assert dict(dict((field.name, choices) for field, choices in response.context["fields"])["place"]) == {
        "harrogate": f"{old.name} ({after.short_name})"
    }
    response = client.get("/partners/", {"place": "harrogate", "ics": before.slug, "as_at": "2021-04-01"})
    assert {row.organisation.name for row in response.context["rows"]} == {"Old partner"}
    assert dict(dict((field.name, choices) for field, choices in response.context["fields"])["place"]) == {
        "harrogate": f"{old.name} ({before.short_name})"
    }


def test_directory_form_works_without_javascript(client):
    html = client.get("/partners/").content.decode()
    form = html.split('<form method="get" action="/partners/"')[1].split("</form>")[0]
    for name in ["q", "ics", "place", "kind", "sector"]:
        assert f'name="{name}"' in form
        assert f'<label class="nhsuk-label" for="id_{name}">' in form
    assert 'type="submit"' in form


@pytest.mark.parametrize("n", [1, 10])
def test_organisation_page_in_bounded_queries(client, django_assert_max_num_queries, n):
    org = f.OrganisationFactory(successor=f.OrganisationFactory())
    for _ in range(n):
        f.OrganisationFactory(successor=org)
        f.PartnershipFactory(organisation=org, place=f.PlaceFactory())
        f.BoardMembershipFactory(organisation=org, board=f.BoardFactory(place=f.PlaceFactory()))
        f.MoUSignatoryFactory(organisation=org)
        f.ProgrammeFactory(lead_organisation=org)
    with django_assert_max_num_queries(ORGANISATION_QUERIES):
        response = client.get(org.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["partnerships"]) == n and len(response.context["seats"]) == n


def test_organisation_page_shows_current_and_past_ics_place_and_board(client):
    leeds_ccg = f.OrganisationFactory(
        name="NHS Leeds CCG", kind="ccg", ods_code="15F", end_date=datetime.date(2022, 6, 30)
    )
    old = f.PartnershipFactory(
        organisation=leeds_ccg, start_date=datetime.date(2018, 4, 1), end_date=datetime.date(2022, 6, 30)
    )
    seat = f.BoardMembershipFactory(
        organisation=leeds_ccg, start_date=datetime.date(2018, 4, 1), end_date=datetime.date(2022, 6, 30)
    )
    response = client.get(leeds_ccg.get_absolute_url())
    html = response.content.decode()
    assert response.context["past_partnerships"] == [old] and response.context["past_seats"] == [seat]
    assert "Not operating on" in html and "Earlier" in html
    response = client.get(leeds_ccg.get_absolute_url(), {"as_at": "2021-04-01"})
    assert response.context["partnerships"] == [old] and response.context["seats"] == [seat]
    assert "Not operating on" not in response.content.decode()


def test_organisation_page_hides_draft_mous(client):
    org = f.OrganisationFactory()
    f.MoUSignatoryFactory(organisation=org, mou=f.MoUFactory(title="Published MoU"))
    f.MoUSignatoryFactory(organisation=org, mou=f.MoUFactory(title="Secret draft", published_at=None, status="draft"))
    html = client.get(org.get_absolute_url()).content.decode()
    assert "Published MoU" in html and "Secret draft" not in html


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/nope/").status_code == 404


def test_organisation_kinds_all_render(client):
    for kind in Organisation.Kind.values:
        org = f.OrganisationFactory(kind=kind, ods_code=None)
        assert client.get(org.get_absolute_url()).status_code == 200


def test_as_at_banner_links_back_to_today_keeping_the_filters(client):
    ics = f.IntegratedCareSystemFactory()
    response = client.get("/partners/", {"ics": ics.slug, "kind": "nhs_trust", "as_at": "2021-04-01"})
    html = response.content.decode()
    assert response.context["as_at"].today_url == f"/partners/?ics={ics.slug}&kind=nhs_trust"
    assert f'href="/partners/?ics={ics.slug}&amp;kind=nhs_trust">See it as it is today' in html
    # The filter form keeps the day; the as-at form keeps the filters.
    assert '<input type="hidden" name="as_at" value="2021-04-01">' in html
    assert f'<input type="hidden" name="ics" value="{ics.slug}">' in html
