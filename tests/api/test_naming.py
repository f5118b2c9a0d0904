"""One naming across resources: each relation as a slug plus its URL, a region with its name, `ons_code`."""

import datetime

from partners.models import Partnership
from tests import factories as f
from tests.api.conftest import client_for

API = "http://testserver/api/v1"


def test_a_partnership_names_each_relation_by_slug_and_url(anon_client, ics_a):
    place = f.PlaceFactory(ics=ics_a, slug="leeds")
    partnership = f.PartnershipFactory(ics=ics_a, place=place)
    row = anon_client.get(f"/api/v1/partnerships/{partnership.pk}/").json()
    organisation = partnership.organisation.slug
    assert (row["organisation"], row["organisation_url"]) == (organisation, f"{API}/organisations/{organisation}/")
    assert (row["ics"], row["ics_url"]) == ("system-a", f"{API}/icss/system-a/")
    assert (row["place"], row["place_url"]) == ("leeds", f"{API}/places/leeds/")
    assert "place_slug" not in row
    assert anon_client.get(row["place_url"]).json()["slug"] == "leeds", "a place is found by its slug"


def test_an_ics_has_its_region_name_and_ons_code(anon_client, ics_a):
    row = anon_client.get("/api/v1/icss/system-a/").json()
    assert (row["region"], row["region_name"]) == ("Y63", "North East and Yorkshire")
    assert "ons_code" in row and "gss_code" not in row


def test_a_bad_ons_code_is_refused_under_its_api_name(superuser, ics_a):
    response = client_for(superuser).patch("/api/v1/icss/system-a/", {"ons_code": "X1"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["ons_code"]


def test_an_ics_partner_list_row_has_its_role_and_place_today(anon_client, ics_a):
    leeds = f.PlaceFactory(ics=ics_a, slug="leeds")
    council = f.OrganisationFactory(name="Leeds City Council")
    f.PartnershipFactory(organisation=council, ics=ics_a, role=Partnership.Role.PARTNER)
    f.PartnershipFactory(organisation=council, ics=ics_a, place=leeds, role=Partnership.Role.CONSTITUTIONAL_PARTNER)
    closed = f.OrganisationFactory(name="Closed Trust", end_date=datetime.date(2020, 3, 31))
    f.PartnershipFactory(
        organisation=closed, ics=ics_a, start_date=datetime.date(2019, 4, 1), end_date=datetime.date(2020, 3, 31)
    )
    rows = anon_client.get("/api/v1/icss/system-a/partners/").json()["results"]
    assert [(row["name"], row["role"], row["place"], row["place_url"]) for row in rows] == [
        ("Leeds City Council", "constitutional_partner", "leeds", f"{API}/places/leeds/")
    ]
    everyone = anon_client.get("/api/v1/icss/system-a/partners/", {"include": "all"}).json()["results"]
    assert [row["name"] for row in everyone] == ["Closed Trust", "Leeds City Council"]
