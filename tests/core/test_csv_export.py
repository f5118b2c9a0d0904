import csv
import datetime
import html
import io
import re

import pytest
from django.urls import reverse

from ics_portal.core.csv_export import CHUNK_ROWS, csv_response, safe_cell
from partners.models import Organisation
from tests.factories import (
    IntegratedCareSystemFactory,
    MoUFactory,
    OrganisationFactory,
    PartnershipFactory,
    PlaceFactory,
)


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


def test_a_long_csv_is_sent_in_chunks_of_rows_and_arrives_whole():
    rows = [(f"Row {n}", n) for n in range(CHUNK_ROWS * 2 + 1)]
    response = csv_response("things", ("Name", "Count"), rows)
    chunks = list(response.streaming_content)
    assert len(chunks) == 3  # the header and 199 rows, 200 rows, 2 rows
    assert list(csv.reader(io.StringIO(b"".join(chunks).decode()))) == [["Name", "Count"]] + [
        [name, str(n)] for name, n in rows
    ]


def directory_csv(client, **params):
    response = client.get(reverse("partners:directory_csv"), params)
    assert response.status_code == 200
    return response, read_csv(response)[1]


PARTNER_COLUMNS = [
    "Name",
    "ODS code",
    "Kind",
    "Sector",
    "ICS",
    "Place",
    "Role",
    "Partner from",
    "Partner until",
    "Source",
    "Operating from",
    "Operating until",
    "Sample data",
]


@pytest.mark.django_db
def test_partner_csv_has_a_row_per_partnership_with_role_place_dates_and_source(client):
    west, humber = IntegratedCareSystemFactory(short_name="West Yorkshire"), IntegratedCareSystemFactory()
    leeds = PlaceFactory(ics=west, name="Leeds")
    council = OrganisationFactory(
        name="Leeds City Council", kind="local_authority", sector="local_government", ods_code="238"
    )
    constitution = "West Yorkshire ICB constitution, 1 July 2022"
    PartnershipFactory(organisation=council, ics=west, source=constitution)
    PartnershipFactory(organisation=council, ics=west, place=leeds, role="partner", end_date=datetime.date(2030, 3, 31))
    trust = OrganisationFactory(name="Wakefield Trust", ods_code="RR8", start_date=datetime.date(2001, 4, 1))
    PartnershipFactory(organisation=trust, ics=west, start_date=None)
    PartnershipFactory(organisation=trust, ics=humber)  # another ICS: not a partner of West Yorkshire
    charity = OrganisationFactory(name="Carers", kind="vcse", sector="vcse", ods_code=None, provenance="sample")
    PartnershipFactory(organisation=charity, ics=west, role="associate")

    response, rows = directory_csv(client, ics=west.slug, as_at="2023-06-01")

    assert rows[0] == PARTNER_COLUMNS
    assert rows[1:] == [
        [
            "Carers", "", "Voluntary, community or social enterprise", "Voluntary and community", "West Yorkshire", "",
            "Associate partner", "2022-07-01", "", "", "", "", "Yes",
        ],
        [
            "Leeds City Council", "238", "Local authority", "Local government", "West Yorkshire", "",
            "Constitutional partner", "2022-07-01", "", constitution, "", "", "No",
        ],
        [
            "Leeds City Council", "238", "Local authority", "Local government", "West Yorkshire", "Leeds",
            "Partner", "2022-07-01", "2030-03-31", "", "", "", "No",
        ],
        [
            "Wakefield Trust", "RR8", "NHS trust", "NHS", "West Yorkshire", "",
            "Constitutional partner", "", "", "", "2001-04-01", "", "No",
        ],
    ]  # fmt: skip
    assert not any(cell == "to" for row in rows for cell in row)


@pytest.mark.django_db
def test_unfiltered_partner_csv_has_every_partnership_of_the_day_and_each_organisation_without_one(client):
    west = IntegratedCareSystemFactory(short_name="West Yorkshire")
    humber = IntegratedCareSystemFactory(short_name="Humber")
    trust = OrganisationFactory(name="Alpha Trust")
    PartnershipFactory(organisation=trust, ics=west)
    PartnershipFactory(organisation=trust, ics=humber)
    PartnershipFactory(organisation=trust, ics=humber, end_date=datetime.date(2022, 12, 31))  # ended by the day
    OrganisationFactory(name="Beta Trust")  # a partner of nothing on the day

    page = client.get(reverse("partners:directory"), {"as_at": "2023-06-01"})
    _, rows = directory_csv(client, as_at="2023-06-01")

    assert [row[0] for row in rows[1:]] == ["Alpha Trust", "Alpha Trust", "Beta Trust"]
    assert [row[4] for row in rows[1:]] == ["Humber", "West Yorkshire", ""]
    assert rows[3][5:10] == ["", "", "", "", ""]
    assert sorted({row[0] for row in rows[1:]}) == [row.name for row in page.context["rows"]]


@pytest.mark.django_db
def test_partner_csv_of_a_place_has_only_the_partnerships_at_that_place(client):
    west = IntegratedCareSystemFactory(short_name="West Yorkshire")
    leeds, bradford = PlaceFactory(ics=west, name="Leeds"), PlaceFactory(ics=west, name="Bradford")
    council = OrganisationFactory(name="Leeds City Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="238")
    PartnershipFactory(organisation=council, ics=west)
    PartnershipFactory(organisation=council, ics=west, place=leeds)
    PartnershipFactory(organisation=OrganisationFactory(name="Bradford Trust"), ics=west, place=bradford)

    response, rows = directory_csv(client, place=leeds.slug, as_at="2023-06-01")

    assert [(row[0], row[5]) for row in rows[1:]] == [("Leeds City Council", "Leeds")]


@pytest.mark.django_db
def test_partner_csv_holds_every_page_of_the_directory(client):
    ics = IntegratedCareSystemFactory()
    for i in range(30):
        PartnershipFactory(organisation=OrganisationFactory(name=f"Trust {i:02d}"), ics=ics)

    page = client.get(reverse("partners:directory"), {"ics": ics.slug})
    _, rows = directory_csv(client, ics=ics.slug)

    shown = [row.name for row in page.context["rows"]]
    assert [row[0] for row in rows[1 : len(shown) + 1]] == shown
    assert len(rows) == 1 + 30


@pytest.mark.django_db
def test_partner_csv_is_named_for_what_was_filtered_and_the_day(client):
    west = IntegratedCareSystemFactory(slug="west-yorkshire")
    leeds = PlaceFactory(ics=west, slug="leeds")
    day = {"as_at": "2026-11-30"}

    def name(**params):
        response, _ = directory_csv(client, **params, **day)
        return response["Content-Disposition"]

    assert name() == 'attachment; filename="partners-2026-11-30.csv"'
    assert name(ics=west.slug) == 'attachment; filename="partners-west-yorkshire-2026-11-30.csv"'
    assert name(place=leeds.slug) == 'attachment; filename="partners-leeds-2026-11-30.csv"'
    assert name(ics=west.slug, place=leeds.slug) == 'attachment; filename="partners-leeds-2026-11-30.csv"'
    assert (
        name(ics=west.slug, kind="nhs_trust", sector="nhs")
        == 'attachment; filename="partners-west-yorkshire-nhs-trust-nhs-2026-11-30.csv"'
    )


@pytest.mark.django_db
def test_partner_csv_of_an_ics_lists_only_the_organisations_its_page_lists(client):
    west = IntegratedCareSystemFactory(short_name="West Yorkshire")
    trust = OrganisationFactory(name="Leeds Trust", kind="nhs_trust", sector="nhs")
    council = OrganisationFactory(
        name="Leeds City Council", kind="local_authority", sector="local_government", ods_code="238"
    )
    closed = OrganisationFactory(name="Old Trust", kind="nhs_trust", sector="nhs", end_date=datetime.date(2020, 3, 31))
    for organisation in (trust, council, closed):
        PartnershipFactory(organisation=organisation, ics=west)

    _, rows = directory_csv(client, ics=west.slug, kind="nhs_trust")
    assert [row[0] for row in rows[1:]] == ["Leeds Trust"]
    _, rows = directory_csv(client, ics=west.slug)
    assert [row[0] for row in rows[1:]] == ["Leeds City Council", "Leeds Trust"]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "said"), [({"ics": "no-such-ics"}, "ICS: "), ({"kind": "castle"}, "Kind: ")])
def test_partner_csv_refuses_a_filter_the_page_refuses_rather_than_listing_everyone(client, params, said):
    OrganisationFactory()
    response = client.get(reverse("partners:directory_csv"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith(said)
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 10])
@pytest.mark.parametrize(
    ("filters", "queries", "rows_each"),
    [
        # the ICS's or the place's lookup (both: one each), organisations, partnerships, names on the day
        (("ics",), 4, 2),
        (("place",), 4, 1),
        (("ics", "place"), 5, 1),
    ],
)
def test_partner_csv_queries_are_bounded(client, django_assert_max_num_queries, n, filters, queries, rows_each):
    ics = IntegratedCareSystemFactory()
    place = PlaceFactory(ics=ics)
    for _ in range(n):
        organisation = OrganisationFactory()
        PartnershipFactory(organisation=organisation, ics=ics, place=place)
        PartnershipFactory(organisation=organisation, ics=ics)
        PartnershipFactory(organisation=organisation, ics=IntegratedCareSystemFactory())

    with django_assert_max_num_queries(queries):
        _, rows = directory_csv(client, **{name: {"ics": ics, "place": place}[name].slug for name in filters})
    assert len(rows) == 1 + n * rows_each


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
def test_draft_mous_are_never_in_the_search_csv(client):
    MoUFactory(title="Stroke pathway memorandum", published_at=None)
    MoUFactory(title="Stroke network memorandum")

    for params in ({"q": "stroke"}, {"q": "stroke", "kind": "mou"}):
        _, rows = read_csv(client.get(reverse("site:search_csv"), params))
        assert [row[1] for row in rows[1:]] == ["Stroke network memorandum"], params


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
    assert response["Content-Disposition"] == f'attachment; filename="partners-{ics.slug}-2023-01-01.csv"'


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
