import csv
import datetime
import html
import io
import re

import pytest
from django.urls import reverse

from ics_portal.core.csv_export import csv_response, safe_cell
from partners.models import Organisation
from tests.factories import IntegratedCareSystemFactory, OrganisationFactory, PartnershipFactory, PlaceFactory


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, list(csv.reader(io.StringIO(body)))


def test_csv_response_streams_header_and_rows_with_crlf():
    response = csv_response("things", ("Name", "Count"), [("A, B", 1), ('Say "hi"', None)])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="things.csv"'
    body, rows = read_csv(response)
    assert body == 'Name,Count\r\n"A, B",1\r\n"Say ""hi""",\r\n'
    assert rows == [["Name", "Count"], ["A, B", "1"], ['Say "hi"', ""]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("@SUM", "'@SUM"), ("+44 113", "'+44 113"), ("-12", "-12"), (True, "Yes")],
)
def test_cells_that_look_like_formulas_are_defused(value, expected):
    assert safe_cell(value) == expected


def directory_csv(client, **params):
    response = client.get(reverse("partners:directory_csv"), params)
    assert response.status_code == 200
    return response, read_csv(response)[1]


@pytest.mark.django_db
def test_partner_csv_has_the_rows_and_columns_the_directory_shows(client):
    ics = IntegratedCareSystemFactory(short_name="West Yorkshire")
    leeds = PlaceFactory(ics=ics, name="Leeds")
    council = OrganisationFactory(name="Leeds City Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="238")
    PartnershipFactory(organisation=council, ics=ics, place=leeds)
    for name in ("Zeta Trust", "Alpha Trust"):
        PartnershipFactory(organisation=OrganisationFactory(name=name), ics=ics)
    PartnershipFactory(organisation=OrganisationFactory(name="Elsewhere Trust"))  # another ICS

    params = {"ics": ics.slug}
    page = client.get(reverse("partners:directory"), params)
    response, rows = directory_csv(client, **params)

    assert response["Content-Disposition"].startswith('attachment; filename="partners-')
    assert rows[0] == ["Name", "ODS code", "Kind", "Sector", "Partner of", "Operating"]
    assert rows[1:] == [list(row.as_csv()) for row in page.context["rows"]]
    assert [row[0] for row in rows[1:]] == ["Alpha Trust", "Leeds City Council", "Zeta Trust"]
    assert rows[2][4] == "West Yorkshire: Leeds"

    _, councils = directory_csv(client, ics=ics.slug, kind="local_authority")
    assert [row[0] for row in councils[1:]] == ["Leeds City Council"]


@pytest.mark.django_db
def test_partner_csv_cells_match_the_page_for_partners_of_several_systems_and_places_on_a_day(client):
    west, humber = (
        IntegratedCareSystemFactory(short_name="West Yorkshire"),
        IntegratedCareSystemFactory(short_name="Humber"),
    )
    leeds, bradford = PlaceFactory(ics=west, name="Leeds"), PlaceFactory(ics=west, name="Bradford")
    trust = OrganisationFactory(name="=Formula Trust", start_date=datetime.date(2001, 4, 1))
    PartnershipFactory(organisation=trust, ics=west, place=leeds)
    PartnershipFactory(organisation=trust, ics=west)
    PartnershipFactory(organisation=trust, ics=west, place=bradford)
    PartnershipFactory(organisation=trust, ics=west, place=leeds, role="partner")  # same cell once
    PartnershipFactory(organisation=trust, ics=humber)
    PartnershipFactory(organisation=trust, ics=humber, end_date=datetime.date(2022, 12, 31))  # ended by the day
    charity = OrganisationFactory(name="Carers", kind="vcse", sector="vcse", ods_code=None)
    PartnershipFactory(organisation=charity, ics=west, start_date=datetime.date(2024, 1, 1))  # not begun by the day
    PartnershipFactory(organisation=charity, ics=humber)

    for params in ({"as_at": "2023-06-01"}, {"ics": west.slug}, {"ics": humber.slug, "as_at": "2023-06-01"}):
        page = client.get(reverse("partners:directory"), params)
        _, rows = directory_csv(client, **params)
        assert rows[1:] == [[safe_cell(cell) for cell in row.as_csv()] for row in page.context["rows"]], params
    _, rows = directory_csv(client, as_at="2023-06-01")
    assert rows[1:] == [
        [
            "'=Formula Trust",
            trust.ods_code,
            "NHS trust",
            "NHS",
            "Humber; West Yorkshire: Leeds; West Yorkshire; West Yorkshire: Bradford",
            "2001-04-01 to",
        ],
        ["Carers", "", "Voluntary, community or social enterprise", "Voluntary and community", "Humber", "to"],
    ]


@pytest.mark.django_db
def test_partner_csv_holds_every_page_of_the_directory(client):
    ics = IntegratedCareSystemFactory()
    for i in range(30):
        PartnershipFactory(organisation=OrganisationFactory(name=f"Trust {i:02d}"), ics=ics)

    page = client.get(reverse("partners:directory"), {"ics": ics.slug})
    _, rows = directory_csv(client, ics=ics.slug)

    shown = [list(row.as_csv()) for row in page.context["rows"]]
    assert rows[1 : len(shown) + 1] == shown
    assert len(rows) == 1 + 30


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 10])
def test_partner_csv_queries_are_bounded(client, django_assert_max_num_queries, n):
    ics = IntegratedCareSystemFactory()
    for _ in range(n):
        organisation = OrganisationFactory()
        PartnershipFactory(organisation=organisation, ics=ics)
        PartnershipFactory(organisation=organisation, ics=IntegratedCareSystemFactory())

    with django_assert_max_num_queries(4):  # the ICS filter's lookup, organisations, partnerships, names on the day
        _, rows = directory_csv(client, ics=ics.slug)
    assert len(rows) == n + 1


@pytest.mark.django_db
def test_search_csv_has_the_results_the_page_shows(client):
    OrganisationFactory(name="Leeds City Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="238")
    OrganisationFactory(name="Leeds Teaching Hospitals NHS Trust", ods_code="RR8")

    response = client.get(reverse("site:search_csv"), {"q": "leeds"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ics-portal-search.csv"'
    _, rows = read_csv(response)
    assert rows[0] == ["Kind", "Name", "Details", "Sample data", "Link"]
    assert [row[:2] for row in rows[1:]] == [
        ["Organisations", "Leeds City Council"],
        ["Organisations", "Leeds Teaching Hospitals NHS Trust"],
    ]
    assert rows[2][4].startswith("http://testserver/organisations/")


@pytest.mark.django_db
def test_the_directory_links_to_its_own_csv(client):
    ics = IntegratedCareSystemFactory()
    for name in ("Alpha Trust", "Beta Trust"):
        PartnershipFactory(organisation=OrganisationFactory(name=name), ics=ics)
    PartnershipFactory(organisation=OrganisationFactory(name="Elsewhere Trust"))

    page = client.get(reverse("partners:directory"), {"ics": ics.slug, "as_at": "2023-01-01"})
    (href,) = re.findall(r'href="(/partners\.csv[^"]*)"', page.content.decode())
    response = client.get(html.unescape(href))

    _, rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == ["Alpha Trust", "Beta Trust"]
    assert response["Content-Disposition"] == 'attachment; filename="partners-2023-01-01.csv"'


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 10])
def test_ics_csv_lists_the_home_page_systems_with_their_stage_on_the_day(client, django_assert_max_num_queries, n):
    from places.models import IcsStage, Region
    from tests.factories import IcsStageFactory

    for i in range(n):
        ics = IntegratedCareSystemFactory(short_name=f"System {i:02d}", region=Region.LONDON)
        IcsStageFactory(ics=ics, stage=IcsStage.Stage.STP, start_date="2016-03-01", end_date="2022-06-30")
        IcsStageFactory(ics=ics, stage=IcsStage.Stage.STATUTORY_ICS, start_date="2022-07-01")

    home = client.get("/", {"as_at": "2021-04-01"})
    with django_assert_max_num_queries(2):
        response = client.get(reverse("places:ics_csv"), {"as_at": "2021-04-01"})

    assert response["Content-Disposition"] == 'attachment; filename="integrated-care-systems-2021-04-01.csv"'
    _, rows = read_csv(response)
    assert rows[0][:5] == ["NHS England region", "Integrated care system", "Full name", "ICB ODS code", "Stage"]
    shown = [(region.name, row.ics.short_name) for region in home.context["regions"] for row in region.systems]
    assert [(row[0], row[1]) for row in rows[1:]] == shown
    assert {row[4] for row in rows[1:]} == {"Sustainability and transformation partnership"}
