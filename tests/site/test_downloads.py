"""The ICS, place and home pages link their lists as CSV (and the API query giving the same partners), on their day."""

import csv
import datetime
import html
import io
import re

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = "2023-06-01"


def link(page, pattern):
    (href,) = re.findall(rf'href="({pattern}[^"]*)"', page.content.decode())
    return html.unescape(href)


def csv_names(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return [row[0] for row in list(csv.reader(io.StringIO(body)))[1:]]


@pytest.fixture
def west_yorkshire():
    """West Yorkshire with a partner at Leeds, one ICS-wide, and one whose partnership ended before DAY."""
    ics = f.IntegratedCareSystemFactory(short_name="West Yorkshire", slug="west-yorkshire")
    f.IcsStageFactory(ics=ics)
    leeds = f.PlaceFactory(ics=ics, name="Leeds", slug="leeds")
    f.PartnershipFactory(organisation=f.OrganisationFactory(name="Leeds Trust"), ics=ics, place=leeds)
    f.PartnershipFactory(organisation=f.OrganisationFactory(name="Yorkshire Trust"), ics=ics)
    ended = f.OrganisationFactory(name="Ended Trust")
    f.PartnershipFactory(organisation=ended, ics=ics, end_date=datetime.date(2023, 3, 31))
    return ics, leeds


def test_ics_page_links_its_partners_as_csv_and_from_the_api_on_its_day(client, west_yorkshire):
    ics, _ = west_yorkshire
    page = client.get(f"{ics.get_absolute_url()}?as_at={DAY}")

    csv_url = link(page, r"/partners\.csv")
    assert csv_url == f"/partners.csv?ics=west-yorkshire&as_at={DAY}"
    download = client.get(csv_url)
    assert download["Content-Disposition"] == f'attachment; filename="partners-west-yorkshire-{DAY}.csv"'
    assert csv_names(download) == ["Leeds Trust", "Yorkshire Trust"]

    api_url = link(page, r"/api/v1/icss/")
    assert api_url == f"/api/v1/icss/west-yorkshire/partners/?as_at={DAY}"
    assert [row["name"] for row in client.get(api_url).json()["results"]] == ["Leeds Trust", "Yorkshire Trust"]


def test_ics_page_of_today_links_todays_partners(client, west_yorkshire):
    ics, _ = west_yorkshire
    page = client.get(ics.get_absolute_url())

    assert link(page, r"/partners\.csv") == "/partners.csv?ics=west-yorkshire"
    assert link(page, r"/api/v1/icss/") == "/api/v1/icss/west-yorkshire/partners/"


def test_place_page_links_the_partners_at_the_place_as_csv_and_from_the_api_on_its_day(client, west_yorkshire):
    _, leeds = west_yorkshire
    page = client.get(f"{leeds.get_absolute_url()}?as_at={DAY}")

    csv_url = link(page, r"/partners\.csv")
    assert csv_url == f"/partners.csv?place=leeds&as_at={DAY}"
    download = client.get(csv_url)
    assert download["Content-Disposition"] == f'attachment; filename="partners-leeds-{DAY}.csv"'
    assert csv_names(download) == ["Leeds Trust"]

    api_url = link(page, r"/api/v1/icss/")
    assert api_url == f"/api/v1/icss/west-yorkshire/partners/?place=leeds&as_at={DAY}"
    assert [row["name"] for row in client.get(api_url).json()["results"]] == ["Leeds Trust"]


def test_a_place_in_no_ics_on_the_day_links_no_partner_download(client):
    place = f.PlaceFactory(ics=None)
    page = client.get(place.get_absolute_url())

    assert page.status_code == 200
    assert "/partners.csv" not in page.content.decode()


def test_home_page_links_its_list_of_systems_as_csv_on_its_day(client):
    f.IcsStageFactory(ics=f.IntegratedCareSystemFactory(short_name="West Yorkshire"))
    page = client.get("/", {"as_at": DAY})

    csv_url = link(page, r"/ics\.csv")
    assert csv_url == f"/ics.csv?as_at={DAY}"
    download = client.get(csv_url)
    assert download["Content-Disposition"] == f'attachment; filename="integrated-care-systems-{DAY}.csv"'
    assert csv_names(download) == ["North East and Yorkshire"]
