from xml.etree import ElementTree

import pytest
from django.urls import reverse

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


def sitemap_urls(client):
    response = client.get(reverse("core:sitemap"))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {loc.text.removeprefix("http://testserver") for loc in root.iter(f"{SITEMAP}loc")}


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

    for obj in (ics, place, organisation, board, meeting, person, mou):
        assert obj.get_absolute_url() in urls
    assert draft.get_absolute_url() not in urls
    assert len(urls) == 7


@pytest.mark.parametrize("n", [1, 10])
def test_sitemap_queries_are_bounded(client, django_assert_max_num_queries, n):
    for _ in range(n):
        board = BoardFactory(place=PlaceFactory())
        MeetingFactory(board=board)
        MoUFactory()
        PersonFactory()

    # One count and one page per section, seven sections.
    with django_assert_max_num_queries(14):
        urls = sitemap_urls(client)
    assert len(urls) >= 6 * n


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
