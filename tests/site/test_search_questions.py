"""Questions a citizen types, each with the result they expect first, on the demo data (load_demo).

The first result is the first hit of the first group the page shows.
"""

import re

import pytest
from django.urls import reverse

from governance.models import Meeting
from ics_portal.site.search import search
from tests.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db


def first_result(query):
    group = next(group for group in search(query) if group.hits)
    return group.kind, group.hits[0]


def every_hit(query):
    return [hit for group in search(query) for hit in group.hits]


QUESTIONS = [
    # (what is typed, the kind of result, its title)
    ("savings", "decision", "4. Finance report"),
    ("winter pressures", "decision", "3. Chief executive's report"),
    ("Community diagnostics", "decision", "6. Community diagnostics contract award"),
    ("Papers for 12 March 2026", "paper", "Papers for 12 March 2026"),
    ("Wirral place", "place", "Wirral"),
    ("Cornwall", "place", "Kernow"),
    ("Leeds", "place", "Leeds"),
    ("Harlow", "place", "West Essex"),
    ("Harrogate", "place", "Harrogate"),
    ("West Yorkshire", "ics", "West Yorkshire"),
    ("QWO", "ics", "West Yorkshire"),
    ("Frimley", "ics", "Frimley"),
    ("Frimley Health and Care", "ics", "Frimley"),
    ("West Yorkshire and Harrogate", "ics", "West Yorkshire"),
    ("RR8", "organisation", "Leeds Teaching Hospitals NHS Trust"),
    ("leeds council", "organisation", "Leeds City Council"),
    ("Somerset County Council", "organisation", "Somerset Council"),
    ("Leeds board", "board", "Leeds Health and Care Partnership Board"),
    ("Leeds terms of reference", "board", "Leeds Health and Care Partnership Board"),
    ("Cheshire and Merseyside Partnership Assembly", "board", "Cheshire and Merseyside Partnership Assembly"),
    ("Wirral Place Based Partnership Board", "board", "Wirral Place Based Partnership Board"),
    ("Rob Webster", "person", "Rob Webster CBE"),
]


@pytest.mark.parametrize(("query", "kind", "title"), QUESTIONS, ids=[q for q, *_ in QUESTIONS])
def test_the_obvious_answer_comes_first(loaded_demo, query, kind, title):
    found_kind, hit = first_result(query)

    print(f"{query!r} → {found_kind}: {hit.title}")
    assert (found_kind, hit.title) == (kind, title)


def test_savings_finds_the_latest_published_decision_not_a_draft(loaded_demo):
    kind, hit = first_result("savings")

    assert "Decided: Financial plan noted. Savings programme endorsed." in hit.detail
    assert "14 May 2026" in hit.detail  # the latest meeting whose minutes are published
    # 10 September 2026's minutes, with the same decision, are a draft.
    assert not [hit for hit in every_hit("savings") if "10 September 2026" in hit.detail]


def test_a_draft_only_decision_is_not_found(loaded_demo):
    draft = Meeting.objects.get(board__slug="west-yorkshire-icb-board", slug="2026-09-10")
    assert draft.minutes_published_at is None
    AgendaItemFactory(
        meeting=draft, number="7", title="Primary care update", resolutions="Pharmacy hub pilot approved."
    )

    assert every_hit("pharmacy hub") == []


def test_a_confidential_items_minutes_and_decision_are_not_found(loaded_demo):
    assert every_hit("compared the bids") == []
    assert every_hit("preferred bidder") == []
    assert every_hit("bid evaluation") == []  # its paper


def test_the_page_shows_the_steered_kind_first_in_a_bounded_number_of_queries(
    loaded_demo, client, django_assert_max_num_queries
):
    # One a kind (8), one for the places' memberships and one for the meeting items shown.
    with django_assert_max_num_queries(10):
        body = client.get(reverse("site:search"), {"q": "Wirral place"}).content.decode()

    sections = re.findall(r'<h2 id="results-(\w+)"', body)
    assert sections[0] == "place"
    assert sections.index("place") < sections.index("board")
    assert 'href="/places/wirral/"' in body


def test_a_decision_links_to_its_item_on_the_meeting_page(loaded_demo, client):
    kind, hit = first_result("savings")
    page, anchor = hit.url.split("#")

    body = client.get(page).content.decode()

    assert f'id="{anchor}"' in body
    assert "Savings programme endorsed." in body
