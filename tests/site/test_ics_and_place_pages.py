"""The home, ICS and place pages: what they show, as at a day, in a bounded number of queries."""

import datetime

import pytest
from django.utils import timezone

from governance.models import MoU
from places.models import IcsStage
from tests import factories as f
from tests.query_pins import PAGE_QUERIES

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 6, 1)
# Queries each page needs whatever the data size (measured at demo and national scale).
HOME_QUERIES = PAGE_QUERIES["home"]
ICS_QUERIES = PAGE_QUERIES["ics"]
PLACE_QUERIES = PAGE_QUERIES["place"]


def as_at(day):
    return f"?as_at={day.isoformat()}"


@pytest.mark.parametrize("n", [1, 10])
def test_home_lists_every_system_by_region_in_bounded_queries(client, django_assert_max_num_queries, n):
    systems = f.IntegratedCareSystemFactory.create_batch(n)
    for ics in systems:
        f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STP, start_date=datetime.date(2016, 3, 1))
        f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STATUTORY_ICS)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "North East and Yorkshire" in html
    for ics in systems:
        assert ics.get_absolute_url() in html
    assert 'action="/search/"' in html and 'name="q"' in html


def test_home_names_the_stage_on_the_as_at_day(client):
    ics = f.IntegratedCareSystemFactory(short_name="West Yorkshire")
    f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.SHADOW_ICS, start_date=datetime.date(2018, 5, 24))
    f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STATUTORY_ICS, start_date=datetime.date(2022, 7, 1))
    html = client.get("/" + as_at(datetime.date(2021, 4, 1))).content.decode()
    assert "Shadow integrated care system" in html
    assert "Statutory integrated care system" not in html
    assert "as it was on 1 April 2021" in html
    # Links carry the day on to the next page.
    assert f"{ics.get_absolute_url()}?as_at=2021-04-01" in html


@pytest.mark.parametrize("n", [1, 10])
def test_ics_page_in_bounded_queries(client, django_assert_max_num_queries, n):
    ics = f.IntegratedCareSystemFactory()
    f.IcsStageFactory(ics=ics)
    places = f.PlaceFactory.create_batch(n, ics=ics)
    top = f.BoardFactory(ics=ics)
    for i in range(n):
        f.PartnershipFactory(ics=ics, place=places[i])
        f.BoardFactory(ics=ics, reports_to=top, place=places[i] if i % 2 else None)
        f.ProgrammeFactory(ics=ics, lead_organisation=f.OrganisationFactory())
        f.MoUFactory(ics=ics, place=places[i] if i % 2 else None)
        gp = f.OrganisationFactory(kind="gp_practice", ods_code=f"B{86001 + i}", provenance="sample")
        f.PartnershipFactory(ics=ics, place=places[i], organisation=gp)
    with django_assert_max_num_queries(ICS_QUERIES):
        response = client.get(ics.get_absolute_url() + as_at(DAY))
    assert response.status_code == 200
    assert len(response.context["diagram"].boxes) == n + 1
    assert f"See all {n} in the partner directory" in response.content.decode()


def test_ics_page_counts_numerous_kinds_and_links_to_the_directory_on_the_same_day(client):
    ics = f.IntegratedCareSystemFactory()
    for i in range(2):
        practice = f.OrganisationFactory(name=f"Practice {i}", kind="gp_practice", ods_code=f"B{86001 + i}")
        f.PartnershipFactory(ics=ics, organisation=practice, role="partner")
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(name="The PCN", kind="pcn", ods_code="U12345"))
    for i in range(26):
        charity = f.OrganisationFactory(name=f"Charity {i}", kind="vcse", sector="vcse", ods_code=None)
        f.PartnershipFactory(
            ics=ics, organisation=charity, role="partner", provenance="sample" if i == 3 else "public_record"
        )
    for i in range(25):
        provider = f.OrganisationFactory(
            name=f"Care home {i}", kind="care_provider", sector="independent", ods_code=None
        )
        f.PartnershipFactory(ics=ics, organisation=provider, role="partner")
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(name="Leeds Teaching Hospitals"))

    response = client.get(ics.get_absolute_url() + as_at(DAY))
    html = response.content.decode()
    partners = html.split('id="partners"')[1].split('id="governance"')[0]
    # GP practices and PCNs always, and any kind with more than 25 partners, as a count and a link.
    for kind, count in [("gp_practice", 2), ("pcn", 1), ("vcse", 26)]:
        link = f'href="/partners/?ics={ics.slug}&amp;kind={kind}&amp;as_at={DAY.isoformat()}"'
        assert link in partners, kind
        assert f"See all {count} in the partner directory" in partners
    assert "Practice 0" not in html and "The PCN" not in html and "Charity 0" not in html
    # 25 are listed; so are the kinds with few partners.
    assert "Care home 0" in partners and "Care home 24" in partners and "Leeds Teaching Hospitals" in partners
    assert 'GP practice <span class="portal-meta">(2)</span>' in partners
    assert 'Care provider <span class="portal-meta">(25)</span>' in partners
    # A sample partnership labels its counted kind.
    groups = {group.name: group for group in response.context["partner_groups"]}
    assert groups["Voluntary, community or social enterprise"].is_sample
    assert not groups["GP practice"].is_sample
    assert "Sample data" in partners.split("kind=vcse")[1].split("</p>")[0]
    # The link finds the same organisations in the directory.
    directory = client.get(f"/partners/?ics={ics.slug}&kind=gp_practice&as_at={DAY.isoformat()}").content.decode()
    assert "Practice 0" in directory and "Practice 1" in directory and "Charity 0" not in directory


def test_ics_page_directory_links_carry_no_day_today(client):
    ics = f.IntegratedCareSystemFactory()
    practice = f.OrganisationFactory(kind="gp_practice", ods_code="B86001")
    f.PartnershipFactory(ics=ics, organisation=practice)
    html = client.get(ics.get_absolute_url()).content.decode()
    assert f'href="/partners/?ics={ics.slug}&amp;kind=gp_practice"' in html


def test_ics_page_shows_facts_timeline_places_partners_boards_programmes_and_mous(client):
    ics = f.IntegratedCareSystemFactory(
        name="West Yorkshire Health and Care Partnership", population=2_600_000, annual_budget=5_000_000_000
    )
    f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STP, start_date=datetime.date(2016, 3, 1))
    f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STATUTORY_ICS, start_date=datetime.date(2022, 7, 1))
    place = f.PlaceFactory(ics=ics, name="Leeds")
    council = f.OrganisationFactory(
        name="Leeds City Council", kind="local_authority", sector="local_government", ods_code="383"
    )
    f.PartnershipFactory(ics=ics, place=place, organisation=council)
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(name="Leeds Teaching Hospitals"))
    f.ProgrammeFactory(ics=ics, name="Cancer")
    f.MoUFactory(ics=ics, title="Partnership MoU")
    html = client.get(ics.get_absolute_url()).content.decode()
    for text in [
        "2,600,000",
        "£5.0 billion",
        ics.icb_ods_code,
        "North East and Yorkshire",
        "Sustainability and transformation partnership",
        "Statutory integrated care system",
        "Leeds City Council",
        "Local authority",
        "NHS trust",
        "at Leeds",
        "Cancer",
        "Partnership MoU",
    ]:
        assert text in html, text
    assert place.get_absolute_url() in html
    assert "<title>West Yorkshire Health and Care Partnership" not in html  # short name in titles
    assert f"<title>{ics.short_name} – ICS Portal</title>" in html
    assert f'rel="canonical" href="http://testserver{ics.get_absolute_url()}"' in html


def test_ics_page_as_at_edges(client):
    ics = f.IntegratedCareSystemFactory()
    f.PartnershipFactory(
        ics=ics,
        organisation=f.OrganisationFactory(name="Ended the day before"),
        end_date=DAY - datetime.timedelta(days=1),
    )
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(name="Ends on the day"), end_date=DAY)
    f.PartnershipFactory(
        ics=ics,
        organisation=f.OrganisationFactory(name="Starts the day after"),
        start_date=DAY + datetime.timedelta(days=1),
    )
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(name="Starts on the day"), start_date=DAY)
    f.PlaceFactory(
        ics=ics, name="Gone place", start_date=datetime.date(2020, 1, 1), end_date=DAY - datetime.timedelta(days=1)
    )
    f.BoardFactory(ics=ics, name="Later board", start_date=DAY + datetime.timedelta(days=1))
    html = client.get(ics.get_absolute_url() + as_at(DAY)).content.decode()
    assert "Ends on the day" in html and "Starts on the day" in html
    assert "Ended the day before" not in html and "Starts the day after" not in html
    assert "Gone place" not in html and "Later board" not in html
    assert "as it was on 1 June 2023" in html
    assert f'href="{ics.get_absolute_url()}">See it as it is today' in html


def test_ics_page_names_the_stage_and_name_then(client):
    ics = f.IntegratedCareSystemFactory()
    f.IcsStageFactory(
        ics=ics,
        stage=IcsStage.Stage.STP,
        start_date=datetime.date(2016, 3, 1),
        end_date=datetime.date(2022, 6, 30),
        name_then="West Yorkshire and Harrogate STP",
    )
    f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STATUTORY_ICS, start_date=datetime.date(2022, 7, 1))
    response = client.get(ics.get_absolute_url() + as_at(datetime.date(2021, 4, 1)))
    assert response.context["stage"].stage == IcsStage.Stage.STP
    assert "it was called West Yorkshire and Harrogate STP" in response.content.decode()


@pytest.mark.parametrize("bad", ["2021-02-30", "yesterday", "2021-4-1", "0001-01-01", "<script>"])
def test_a_bad_as_at_date_gives_a_message_and_today(client, bad):
    ics = f.IntegratedCareSystemFactory()
    response = client.get(ics.get_absolute_url(), {"as_at": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That date could not be used" in html
    assert "<script>" not in html.split("<main")[1]
    assert response.context["as_at"].day == timezone.localdate()


def test_draft_mous_are_not_listed(client):
    ics = f.IntegratedCareSystemFactory()
    f.MoUFactory(ics=ics, title="Published MoU")
    f.MoUFactory(ics=ics, title="Draft MoU", published_at=None, status=MoU.Status.DRAFT)
    html = client.get(ics.get_absolute_url()).content.decode()
    assert "Published MoU" in html and "Draft MoU" not in html


def test_structure_diagram_draws_boards_and_reporting_lines_with_a_text_alternative(client):
    ics = f.IntegratedCareSystemFactory()
    place = f.PlaceFactory(ics=ics, name="Wakefield")
    icb = f.BoardFactory(ics=ics, name="ICB board")
    f.BoardFactory(ics=ics, name="Audit committee", reports_to=icb)
    f.BoardFactory(ics=ics, name="Wakefield partnership board", place=place, reports_to=icb)
    response = client.get(ics.get_absolute_url())
    html = response.content.decode()
    svg = html.split('<svg class="portal-diagram"')[1].split("</svg>")[0]
    assert svg.count("<rect") == 3 and svg.count("<path") == 2
    assert "System level" in svg and "Place level" in svg and "Wakefield partnership board" in svg
    y = {box.board.name: box.y for box in response.context["diagram"].boxes}
    assert y["ICB board"] < y["Audit committee"] < y["Wakefield partnership board"]
    text_list = html.split('id="structure-list"')[1]
    assert text_list.index("ICB board") < text_list.index("Audit committee")
    assert "(reports to ICB board)" in text_list


def test_structure_diagram_survives_a_reporting_loop(client):
    ics = f.IntegratedCareSystemFactory()
    a = f.BoardFactory(ics=ics, name="Board A")
    b = f.BoardFactory(ics=ics, name="Board B", reports_to=a)
    a.reports_to = b
    a.save()
    html = client.get(ics.get_absolute_url()).content.decode()
    assert "Board A" in html.split('id="structure-list"')[1] and "Board B" in html


def test_sample_records_are_labelled(client):
    ics = f.IntegratedCareSystemFactory(provenance="sample")
    html = client.get("/").content.decode()
    assert "Sample data" in html.split("<main")[1].split("</main>")[0]
    assert "Sample data" in client.get(ics.get_absolute_url()).content.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_place_page_in_bounded_queries(client, django_assert_max_num_queries, n):
    ics = f.IntegratedCareSystemFactory()
    place = f.PlaceFactory(ics=ics)
    for _ in range(n):
        f.PartnershipFactory(ics=ics, place=place)
        f.BoardFactory(ics=ics, place=place, reports_to=f.BoardFactory(ics=ics))
        f.MoUFactory(ics=ics, place=place)
    with django_assert_max_num_queries(PLACE_QUERIES):
        response = client.get(place.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["place"].boards_then) == n


def test_place_page_as_at_a_day_before_it_existed(client):
    place = f.PlaceFactory(name="Harrogate", start_date=datetime.date(2022, 7, 1))
    response = client.get(place.get_absolute_url() + as_at(datetime.date(2021, 4, 1)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not a place on 1 April 2021" in html and "from 1 July 2022" in html
    assert response.context["breadcrumbs"] == [("Home", "/?as_at=2021-04-01")]


def test_place_page_names_the_ics_of_the_day_and_the_ones_before(client):
    moved = datetime.date(2022, 7, 1)
    south_yorkshire = f.IntegratedCareSystemFactory(name="South Yorkshire and Bassetlaw", short_name="SYB")
    nottinghamshire = f.IntegratedCareSystemFactory(name="Nottingham and Nottinghamshire", short_name="Notts")
    bassetlaw = f.PlaceFactory(ics=None, name="Bassetlaw", districts="Bassetlaw")
    f.PlaceMembershipFactory(place=bassetlaw, ics=south_yorkshire, end_date=moved - datetime.timedelta(days=1))
    f.PlaceMembershipFactory(place=bassetlaw, ics=nottinghamshire, start_date=moved)
    before = client.get(bassetlaw.get_absolute_url() + as_at(datetime.date(2021, 4, 1)))
    assert before.context["membership"].ics == south_yorkshire
    assert before.context["breadcrumbs"][-1][0] == "SYB"
    now = client.get(bassetlaw.get_absolute_url())
    assert now.context["membership"].ics == nottinghamshire
    html = now.content.decode()
    assert "South Yorkshire and Bassetlaw" in html.split('id="icss"')[1] and "Not recorded" not in html
    assert client.get(f"/ics/{south_yorkshire.slug}/places/{bassetlaw.slug}/").url == bassetlaw.get_absolute_url()


def test_place_page_shows_only_its_own_partners_and_boards(client):
    ics = f.IntegratedCareSystemFactory()
    place, other = f.PlaceFactory(ics=ics), f.PlaceFactory(ics=ics)
    f.PartnershipFactory(ics=ics, place=place, organisation=f.OrganisationFactory(name="Ours"))
    f.PartnershipFactory(ics=ics, place=other, organisation=f.OrganisationFactory(name="Theirs"))
    f.BoardFactory(ics=ics, place=place, name="Our board")
    f.BoardFactory(ics=ics, place=other, name="Their board")
    html = client.get(place.get_absolute_url()).content.decode()
    assert "Ours" in html and "Our board" in html
    assert "Theirs" not in html and "Their board" not in html


def test_unknown_slugs_are_404(client):
    assert client.get("/ics/nope/").status_code == 404
    assert client.get("/places/nope/").status_code == 404


def test_pages_respect_the_content_security_policy_and_load_only_our_assets(client):
    """No inline scripts or style attributes (CSP is 'self' only), and no NHS logo or font host."""
    from django.conf import settings

    membership = f.BoardMembershipFactory(board=f.BoardFactory(place=f.PlaceFactory()))
    board = membership.board
    meeting = f.MeetingFactory(board=board)
    f.PartnershipFactory(ics=board.ics, organisation=membership.organisation)
    urls = [
        "/",
        board.ics.get_absolute_url(),
        board.place.get_absolute_url(),
        "/partners/",
        membership.organisation.get_absolute_url(),
        board.get_absolute_url(),
        meeting.get_absolute_url(),
        f.MoUFactory(ics=board.ics).get_absolute_url(),
        membership.person.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers
        assert " style=" not in html and "<style" not in html, url
        assert all('src="' in tag for tag in html.split("<script")[1:]), url
        assert "nhs.uk" not in html.lower().replace("nhsuk", ""), url
    css = (settings.BASE_DIR / "static" / "nhsuk" / "nhsuk-frontend.min.css").read_text()
    assert "Frutiger" not in css and "https://" not in css and "http://" not in css
