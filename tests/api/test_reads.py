"""Reading the API: identifiers on every record, the partner list in one call, CSV, filters, drafts."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from partners.models import Organisation
from tests import factories as f
from tests.api.conftest import client_for

ENDPOINTS = {
    "icss": lambda ics: ics,
    "places": lambda ics: f.PlaceFactory(ics=ics, ods_code="15F"),
    "organisations": lambda ics: f.PartnershipFactory(ics=ics).organisation,
    "partnerships": lambda ics: f.PartnershipFactory(ics=ics),
    "boards": lambda ics: f.BoardFactory(ics=ics),
    "board-memberships": lambda ics: f.BoardMembershipFactory(board=f.BoardFactory(ics=ics)),
    "people": lambda ics: f.PersonFactory(),
    "meetings": lambda ics: f.MeetingFactory(board=f.BoardFactory(ics=ics)),
    "mous": lambda ics: f.MoUFactory(ics=ics),
    "programmes": lambda ics: f.ProgrammeFactory(ics=ics),
    "agenda-items": lambda ics: f.AgendaItemFactory(meeting=f.MeetingFactory(board=f.BoardFactory(ics=ics))),
    "mou-signatories": lambda ics: f.MoUSignatoryFactory(mou=f.MoUFactory(ics=ics)),
}


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_every_record_carries_its_urls_identifiers_and_timestamps(name, ics_a, anon_client):
    ENDPOINTS[name](ics_a)
    listed = anon_client.get(f"/api/v1/{name}/").json()["results"][0]
    has_slug = name not in ("partnerships", "board-memberships", "agenda-items", "mou-signatories")
    for key in ("id", "url", "page_url", "slug" if has_slug else "id"):
        assert listed[key] is not None, key
    assert listed["created_at"] and listed["modified_at"]
    assert listed["url"].startswith("http://testserver/api/v1/")
    assert listed["page_url"].startswith("http://testserver/") and "/api/" not in listed["page_url"]
    # The page exists (once the pages are in): its URL answers 200 to the public.
    assert anon_client.get(listed["page_url"]).status_code == 200
    detail = anon_client.get(listed["url"])
    assert detail.status_code == 200
    # A single organisation also lists its names over time and its successions, which a list leaves out.
    detail_only = ("names", "successors", "predecessors") if name == "organisations" else ("names",)
    assert {key: value for key, value in detail.json().items() if key not in detail_only} == listed


def test_ods_codes_are_shown_where_they_exist(ics_a, anon_client):
    f.PartnershipFactory(ics=ics_a, organisation=f.OrganisationFactory(ods_code="RR8"))
    assert anon_client.get("/api/v1/icss/system-a/").json()["icb_ods_code"] == ics_a.icb_ods_code
    assert anon_client.get("/api/v1/organisations/?ods_code=rr8").json()["results"][0]["ods_code"] == "RR8"
    assert anon_client.get("/api/v1/partnerships/?ods_code=RR8").json()["results"][0]["ods_code"] == "RR8"


@pytest.fixture
def partners(ics_a, ics_b):
    """Trusts and a council in ICS A, one at a place, one that ended; a trust only in ICS B."""
    leeds = f.PlaceFactory(ics=ics_a, slug="leeds", name="Leeds")
    trust = f.OrganisationFactory(name="Leeds Teaching Hospitals", ods_code="RR8")
    council = f.OrganisationFactory(
        name="Leeds City Council", kind=Organisation.Kind.LOCAL_AUTHORITY, sector="local_government", ods_code="212"
    )
    closed = f.OrganisationFactory(name="Old Trust", ods_code="RXX", end_date=datetime.date(2020, 3, 31))
    f.PartnershipFactory(organisation=trust, ics=ics_a)
    f.PartnershipFactory(organisation=council, ics=ics_a, place=leeds)
    f.PartnershipFactory(
        organisation=closed, ics=ics_a, start_date=datetime.date(2016, 4, 1), end_date=datetime.date(2020, 3, 31)
    )
    f.PartnershipFactory(organisation=f.OrganisationFactory(name="Elsewhere Trust"), ics=ics_b)
    return {"trust": trust, "council": council, "closed": closed, "leeds": leeds}


def _names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_partner_list_in_one_call(partners, anon_client):
    everyone = ["Leeds City Council", "Leeds Teaching Hospitals", "Old Trust"]
    today = everyone[:2]
    assert _names(anon_client.get("/api/v1/organisations/?ics=system-a")) == today
    assert _names(anon_client.get("/api/v1/icss/system-a/partners/")) == today, "closed ones only when asked for"
    assert _names(anon_client.get("/api/v1/icss/system-a/partners/?include=all")) == everyone
    assert _names(anon_client.get("/api/v1/organisations/?ics=system-a&kind=nhs_trust&include=all")) == [
        "Leeds Teaching Hospitals",
        "Old Trust",
    ]
    assert _names(anon_client.get("/api/v1/icss/system-a/partners/?kind=nhs_trust&active=true")) == [
        "Leeds Teaching Hospitals"
    ]
    assert _names(anon_client.get("/api/v1/icss/system-a/partners/?active=false")) == ["Old Trust"]
    assert _names(anon_client.get("/api/v1/icss/system-a/partners/?sector=local_government")) == ["Leeds City Council"]
    assert _names(anon_client.get("/api/v1/organisations/?ics=system-a&place=leeds")) == ["Leeds City Council"]
    assert _names(anon_client.get("/api/v1/icss/system-a/partners/?ods_code=rr8")) == ["Leeds Teaching Hospitals"]
    assert _names(anon_client.get("/api/v1/icss/system-a/partners/?as_at=2019-01-01")) == ["Old Trust"]
    assert _names(anon_client.get("/api/v1/icss/system-a/partners/?ordering=-name")) == today[::-1]
    assert anon_client.get("/api/v1/icss/no-such-system/partners/").status_code == 404


def test_modified_since_returns_only_what_changed(partners, anon_client):
    cut = timezone.now()
    partners["council"].website = "https://www.leeds.gov.uk"
    partners["council"].save()
    since = cut.isoformat().replace("+00:00", "Z")
    response = anon_client.get("/api/v1/organisations/", {"ics": "system-a", "modified_since": since})
    assert _names(response) == ["Leeds City Council"]


def test_partner_list_as_csv_by_query_or_accept(partners, anon_client):
    by_query = anon_client.get("/api/v1/icss/system-a/partners/?format=csv")
    by_accept = anon_client.get("/api/v1/organisations/?ics=system-a", HTTP_ACCEPT="text/csv")
    for response in (by_query, by_accept):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert [row["name"] for row in rows] == ["Leeds City Council", "Leeds Teaching Hospitals"]
        assert rows[1]["ods_code"] == "RR8" and rows[1]["kind"] == "nhs_trust"
        assert rows[1]["url"] == f"http://testserver/api/v1/organisations/{partners['trust'].slug}/"
    assert response["X-Total-Count"] == "2"


def test_csv_of_an_empty_list_still_has_its_header(ics_a, anon_client):
    response = anon_client.get("/api/v1/icss/system-a/partners/?format=csv")
    assert (
        response.content.decode()
        .splitlines()[0]
        .startswith("id,url,page_url,slug,name,ods_code,role,place,place_url,kind")
    )


def test_csv_cells_cannot_start_a_formula(ics_a, anon_client):
    f.PartnershipFactory(ics=ics_a, organisation=f.OrganisationFactory(name='=HYPERLINK("http://x")'))
    body = anon_client.get("/api/v1/icss/system-a/partners/?format=csv").content.decode()
    assert "'=HYPERLINK" in body


def test_pagination_is_bounded_and_stable(ics_a, anon_client):
    f.OrganisationFactory.create_batch(7, name="Same Name")
    first = anon_client.get("/api/v1/organisations/?page_size=3&ordering=name")
    assert first.json()["count"] == 7 and len(first.json()["results"]) == 3
    assert 'rel="next"' in first["Link"]
    seen = []
    url = "/api/v1/organisations/?page_size=3&ordering=name"
    while url:
        page = anon_client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 7
    too_big = anon_client.get("/api/v1/organisations/?page_size=100000")
    assert too_big.status_code == 400 and too_big.json()["errors"] == {"page_size": ["A whole number from 1 to 500."]}
    assert anon_client.get("/api/v1/organisations/?page=99").status_code == 404


def test_bad_filters_answer_400_naming_the_filter(ics_a, anon_client):
    response = anon_client.get("/api/v1/organisations/?kind=castle&as_at=yesterday")
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"kind", "as_at"} and body["code"] == "invalid"
    assert anon_client.get("/api/v1/organisations/?ics=nowhere").status_code == 400


def test_a_place_that_moved_ics_is_one_place_to_filter_by(ics_a, ics_b, anon_client):
    moved = datetime.date(2022, 7, 1)
    harrogate = f.PlaceFactory(ics=None, slug="harrogate")
    f.PlaceMembershipFactory(place=harrogate, ics=ics_a, end_date=moved - datetime.timedelta(days=1))
    f.PlaceMembershipFactory(place=harrogate, ics=ics_b, start_date=moved)
    council = f.OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY, sector="local_government", ods_code="123")
    f.PartnershipFactory(
        organisation=council,
        ics=ics_a,
        place=harrogate,
        start_date=datetime.date(2018, 4, 1),
        end_date=moved - datetime.timedelta(days=1),
    )
    f.PartnershipFactory(organisation=f.OrganisationFactory(), ics=ics_b, place=harrogate, start_date=moved)
    assert len(anon_client.get("/api/v1/organisations/?place=harrogate&include=all").json()["results"]) == 2
    assert len(anon_client.get("/api/v1/organisations/?place=harrogate").json()["results"]) == 1
    every = anon_client.get("/api/v1/organisations/?ics=system-a&place=harrogate&include=all")
    assert len(every.json()["results"]) == 1
    assert anon_client.get("/api/v1/places/?ics=system-b&as_at=2022-06-30").json()["results"] == []
    assert len(anon_client.get("/api/v1/places/?ics=system-b&as_at=2022-07-01").json()["results"]) == 1


def test_draft_mous_are_hidden_from_the_public_and_other_icss(ics_a, staff_a, staff_b, superuser, anon_client):
    f.MoUFactory(ics=ics_a, slug="published")
    f.MoUFactory(ics=ics_a, slug="draft", published_at=None)
    public = [row["slug"] for row in anon_client.get("/api/v1/mous/").json()["results"]]
    assert public == ["published"]
    assert anon_client.get("/api/v1/mous/draft/").status_code == 404
    assert client_for(staff_b).get("/api/v1/mous/draft/").status_code == 404
    assert client_for(staff_a).get("/api/v1/mous/draft/").status_code == 200
    assert client_for(superuser).get("/api/v1/mous/draft/").status_code == 200
    csv_rows = list(csv.DictReader(io.StringIO(anon_client.get("/api/v1/mous/?format=csv").content.decode())))
    assert [row["slug"] for row in csv_rows] == ["published"]


def test_unpublished_minutes_are_null_for_the_public(ics_a, staff_a, anon_client):
    board = f.BoardFactory(ics=ics_a)
    draft = f.MeetingFactory(board=board)
    f.AgendaItemFactory(meeting=draft, minutes="Secret minutes", resolutions="Secret decision")
    published = f.MeetingFactory(board=board, minutes_published_at=timezone.now())
    f.AgendaItemFactory(meeting=published, minutes="Public minutes", resolutions="Agreed")
    public = {row["id"]: row["agenda_items"][0] for row in anon_client.get("/api/v1/meetings/").json()["results"]}
    assert public[draft.pk]["minutes"] is None and public[draft.pk]["resolutions"] is None
    assert public[published.pk]["minutes"] == "Public minutes"
    assert b"Secret" not in anon_client.get(f"/api/v1/meetings/{draft.pk}/").content
    staff_view = client_for(staff_a).get(f"/api/v1/meetings/{draft.pk}/").json()
    assert staff_view["agenda_items"][0]["minutes"] == "Secret minutes"


def test_signatories_and_stages_are_nested(ics_a, anon_client):
    f.IcsStageFactory(ics=ics_a)
    mou = f.MoUFactory(ics=ics_a)
    f.MoUSignatoryFactory(mou=mou, organisation=f.OrganisationFactory(ods_code="RR8"))
    assert anon_client.get(f"/api/v1/mous/{mou.slug}/").json()["signatories"][0]["ods_code"] == "RR8"
    assert anon_client.get("/api/v1/icss/system-a/").json()["stages"][0]["stage"] == "statutory_ics"


def test_draft_mous_signatories_and_minutes_stay_private_on_their_own_endpoints(ics_a, staff_a, anon_client):
    f.MoUSignatoryFactory(mou=f.MoUFactory(ics=ics_a, published_at=None))
    shown = f.MoUSignatoryFactory(mou=f.MoUFactory(ics=ics_a))
    assert [row["id"] for row in anon_client.get("/api/v1/mou-signatories/").json()["results"]] == [shown.pk]
    assert client_for(staff_a).get("/api/v1/mou-signatories/").json()["count"] == 2
    item = f.AgendaItemFactory(meeting=f.MeetingFactory(board=f.BoardFactory(ics=ics_a)), minutes="Secret")
    public = anon_client.get(f"/api/v1/agenda-items/{item.pk}/").json()
    assert public["minutes"] is None and public["title"] == item.title
    assert client_for(staff_a).get(f"/api/v1/agenda-items/{item.pk}/").json()["minutes"] == "Secret"
