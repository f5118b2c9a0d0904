from xml.etree import ElementTree

import pytest
from django.urls import reverse

from ics_portal.site.sitemaps import SITEMAPS
from tests.factories import (
    BoardFactory,
    IntegratedCareSystemFactory,
    MeetingFactory,
    MoUFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://testserver"


def locs(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    return [loc.text.removeprefix(HOST) for loc in root.iter(f"{SITEMAP}loc")]


def sitemap_urls(client):
    """Every page URL, reached through the sitemap index like a crawler would."""
    sections = locs(client, reverse("site:sitemap"))
    assert sections == [reverse("site:sitemap_section", kwargs={"section": name}) for name in SITEMAPS]
    return {url for section in sections for url in locs(client, section)}


def test_sitemap_lists_every_kind_of_public_page_and_no_drafts(client):
    ics = IntegratedCareSystemFactory()
    place = PlaceFactory(ics=ics)
    organisation = OrganisationFactory()
    board = BoardFactory(ics=ics, place=place)
    meeting = MeetingFactory(board=board)
    person = PersonFactory()
    mou = MoUFactory(ics=ics)
    draft = MoUFactory(ics=ics, published_at=None)

    urls = sitemap_urls(client)

    registers = [
        reverse("governance:ics_decisions", kwargs={"slug": ics.slug}),
        reverse("governance:ics_meetings", kwargs={"slug": ics.slug}),
        reverse("governance:board_decisions", kwargs={"slug": board.slug}),
    ]
    for url in [obj.get_absolute_url() for obj in (ics, place, organisation, board, meeting, person, mou)] + registers:
        assert url in urls
    assert draft.get_absolute_url() not in urls
    assert len(urls) == 10


def test_long_sections_are_split_into_pages(client, monkeypatch):
    monkeypatch.setattr(SITEMAPS["people"], "limit", 2)
    PersonFactory.create_batch(5)

    index = locs(client, reverse("site:sitemap"))
    people = reverse("site:sitemap_section", kwargs={"section": "people"})

    assert [url for url in index if url.startswith(people)] == [people, f"{people}?p=2", f"{people}?p=3"]
    assert len(locs(client, f"{people}?p=3")) == 1


@pytest.mark.parametrize("n", [1, 10])
def test_sitemap_queries_are_bounded(client, django_assert_max_num_queries, n):
    for _ in range(n):
        board = BoardFactory(place=PlaceFactory())
        MeetingFactory(board=board)
        MoUFactory()
        PersonFactory()
        OrganisationFactory()

    # The index counts each of the ten sections and finds the latest change of the seven with one;
    # a section page counts and reads one page.
    with django_assert_max_num_queries(17):
        locs(client, reverse("site:sitemap"))
    for section in SITEMAPS:
        with django_assert_max_num_queries(2):
            urls = locs(client, reverse("site:sitemap_section", kwargs={"section": section}))
        assert urls


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
