import csv
import datetime
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from governance.models import Meeting
from ics_portal.site.search import GROUP_LIMIT, KINDS, KINDS_BY_KEY, _ranked_keys, _ranking, matching, parse, search
from partners.models import Organisation
from tests.factories import (
    AgendaItemFactory,
    BoardFactory,
    DocumentFactory,
    IntegratedCareSystemFactory,
    MeetingFactory,
    MoUFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db


def hits(groups, kind):
    return [hit.title for group in groups if group.kind == kind for hit in group.hits]


def test_full_text_search_finds_by_word_stems_not_only_substrings():
    assert connection.vendor == "postgresql"
    OrganisationFactory(name="Leeds City Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="238")
    OrganisationFactory(name="Wakefield Hospice", kind=Organisation.Kind.HOSPICE, ods_code=None)

    # "councils" is not a substring of the name; its stem "council" is.
    assert hits(search("councils"), "organisation") == ["Leeds City Council"]
    # Words in any order and not next to each other (websearch syntax).
    assert hits(search("council leeds"), "organisation") == ["Leeds City Council"]
    assert hits(search("hospices"), "organisation") == ["Wakefield Hospice"]


def test_finds_organisations_by_ods_code_exact_match_first():
    OrganisationFactory(name="Leeds Teaching Hospitals NHS Trust", ods_code="RR8")
    OrganisationFactory(name="RR8 Friends charity", kind=Organisation.Kind.VCSE, ods_code=None)

    found = hits(search("rr8"), "organisation")

    assert found[0] == "Leeds Teaching Hospitals NHS Trust"
    assert set(found) == {"Leeds Teaching Hospitals NHS Trust", "RR8 Friends charity"}


def test_finds_every_kind_with_counts():
    ics = IntegratedCareSystemFactory(short_name="West Yorkshire", name="West Yorkshire Health and Care Partnership")
    wakefield = PlaceFactory(ics=ics, name="Wakefield")
    OrganisationFactory(name="Wakefield Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="227")
    BoardFactory(ics=ics, name="Wakefield Health and Wellbeing Board")
    PersonFactory(name="Jo Wakefield", title="Director of Public Health")
    MoUFactory(ics=ics, title="Wakefield place partnership memorandum")

    groups = {group.kind: group for group in search("wakefield")}

    assert {kind: group.total for kind, group in groups.items()} == {
        "ics": 0,
        "place": 1,
        "organisation": 1,
        "board": 1,
        "person": 1,
        "mou": 1,
        "decision": 0,
        "paper": 0,
    }
    assert groups["place"].hits[0].url == f"/places/{wakefield.slug}/"


def test_draft_mous_are_never_found():
    MoUFactory(title="Stroke pathway memorandum", published_at=None)
    MoUFactory(title="Stroke network memorandum")

    assert hits(search("stroke"), "mou") == ["Stroke network memorandum"]
    assert hits(search("stroke", kind="mou"), "mou") == ["Stroke network memorandum"]


def test_total_counts_every_match_while_showing_a_page_of_them():
    OrganisationFactory.create_batch(GROUP_LIMIT + 3, name="Sample Surgery")

    (group,) = [g for g in search("surgery") if g.kind == "organisation"]
    assert group.total == GROUP_LIMIT + 3
    assert len(group.hits) == GROUP_LIMIT
    assert group.has_more

    (only,) = search("surgery", kind="organisation")
    assert len(only.hits) == GROUP_LIMIT + 3


def test_a_group_shows_the_best_of_all_its_matches_in_order_not_of_the_first_found():
    """More items match than the group shows: it shows the item named exactly as the query, from the oldest
    meeting, then the newest meetings' items, newest first, and counts them all."""
    first = timezone.make_aware(datetime.datetime(2024, 1, 1, 10))
    board = BoardFactory()
    meetings = [
        MeetingFactory(board=board, starts_at=first + datetime.timedelta(weeks=n)) for n in range(GROUP_LIMIT + 3)
    ]
    exact = AgendaItemFactory(meeting=meetings[0], number="1", title="Stroke")
    updates = [AgendaItemFactory(meeting=m, number="2", title="Stroke services update") for m in meetings]

    (group,) = [g for g in search("stroke") if g.kind == "decision"]

    newest_first = [exact, *reversed(updates)][:GROUP_LIMIT]
    assert [hit.url for hit in group.hits] == [f"{i.meeting.get_absolute_url()}#item-{i.pk}" for i in newest_first]
    assert group.total == GROUP_LIMIT + 4


def test_sqlite_fallback_matches_every_word_anywhere(monkeypatch):
    OrganisationFactory(name="Leeds City Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="238")
    OrganisationFactory(name="Leeds Teaching Hospitals NHS Trust", ods_code="RR8")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert hits(search("council leeds"), "organisation") == ["Leeds City Council"]
    assert hits(search("RR8"), "organisation") == ["Leeds Teaching Hospitals NHS Trust"]


def test_empty_query_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search("   ") == []


def seed_everything(n):
    for i in range(n):
        ics = IntegratedCareSystemFactory(short_name=f"Riverside {i}")
        place = PlaceFactory(ics=ics, name=f"Riverside place {i}")
        OrganisationFactory(name=f"Riverside Trust {i}")
        board = BoardFactory(ics=ics, place=place, name=f"Riverside board {i}")
        PersonFactory(name=f"Sam Riverside {i}")
        MoUFactory(ics=ics, title=f"Riverside memorandum {i}")
        item = AgendaItemFactory(meeting=MeetingFactory(board=board), title=f"Riverside report {i}")
        DocumentFactory(meeting=item.meeting, agenda_item=item, title=f"Riverside paper {i}")


@pytest.mark.parametrize("n", [1, 10])
def test_search_page_queries_are_bounded(client, django_assert_max_num_queries, n):
    seed_everything(n)

    # One ranks every kind's matches; then one reads the rows shown of each kind (8), and one the places'
    # memberships (which ICS each is in today and was in before).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("site:search"), {"q": "riverside"})

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{8 * n} results for" in body
    assert f"Memoranda of understanding ({n})" in body
    assert 'href="/search.csv?q=riverside"' in body


def test_search_page_lists_hits_with_links_and_sample_labels(client):
    ics = IntegratedCareSystemFactory(short_name="Harbourside")
    board = BoardFactory(ics=ics, name="Harbourside Partnership Board", provenance="sample")

    body = client.get(reverse("site:search"), {"q": "harbourside partnership"}).content.decode()

    assert f'href="{board.get_absolute_url()}"' in body
    assert f'href="{ics.get_absolute_url()}"' not in body  # "partnership" is not in the ICS's names
    assert "Sample data" in body


def test_search_page_without_a_query_shows_the_form(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.get(reverse("site:search"))
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_no_results_suggests_what_to_try(client):
    body = client.get(reverse("site:search"), {"q": "zzzz"}).content.decode()
    assert "No results for" in body
    assert "Improve your search" in body


# A NUL character answers 400 before the search sees it (NulCharacterMiddleware; tests/site/test_page_fuzz.py).
@pytest.mark.parametrize("raw", ['"', "-", "a & b | !c", "rr8:*", "' OR 1=1 --", "the", "x" * 500, "(("])
def test_odd_queries_never_break_the_page(client, raw):
    OrganisationFactory(name="Leeds City Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="238")
    response = client.get(reverse("site:search"), {"q": raw})
    assert response.status_code == 200


def test_decisions_and_minutes_are_found_only_once_the_minutes_are_published():
    meeting = MeetingFactory(minutes_published_at=None)
    item = AgendaItemFactory(
        meeting=meeting,
        number="4",
        title="Finance report",
        minutes="The board discussed winter pressures.",
        resolutions="Savings programme endorsed.",
    )

    assert hits(search("savings"), "decision") == []
    assert hits(search("winter pressures"), "decision") == []
    assert hits(search("finance report"), "decision") == ["4. Finance report"]  # the agenda is published

    meeting.minutes_published_at = meeting.starts_at
    meeting.save()
    (hit,) = next(g for g in search("savings") if g.kind == "decision").hits

    assert "Decided: Savings programme endorsed." in hit.detail
    assert hit.url == f"{meeting.get_absolute_url()}#item-{item.pk}"
    assert hits(search("winter pressures"), "decision") == ["4. Finance report"]


def test_a_confidential_item_is_found_by_its_title_never_by_its_minutes_or_decisions():
    AgendaItemFactory(
        title="Diagnostics contract award",
        is_confidential=True,
        minutes="The board compared the bids.",
        resolutions="Award to the preferred bidder.",
    )

    assert hits(search("compared bids"), "decision") == []
    assert hits(search("preferred bidder"), "decision") == []
    (hit,) = next(g for g in search("diagnostics contract") if g.kind == "decision").hits
    assert "bid" not in hit.detail
    assert "Confidential (part 2)" in hit.detail


def test_items_on_an_unpublished_agenda_and_unpublished_papers_are_not_found():
    AgendaItemFactory(meeting=MeetingFactory(agenda_published_at=None), title="Estates strategy")
    DocumentFactory(title="Estates strategy paper", published_at=None)
    DocumentFactory(title="Estates strategy appendix")

    assert hits(search("estates strategy"), "decision") == []
    assert hits(search("estates strategy"), "paper") == ["Estates strategy appendix"]


def test_an_item_withdrawn_between_ranking_and_reading_is_left_out_not_a_500(client):
    """Meeting items are ranked by key, then read: a write committed between the two queries (another request
    withdrawing an agenda) leaves that item out of the page."""
    withdrawn, _ = (AgendaItemFactory(title=f"Harbour dredging report {n}") for n in (1, 2))
    ranked = []

    def withdraw_after_ranking(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"total"' in sql and "governance_agendaitem" in sql and not ranked:
            ranked.append(sql)
            Meeting.objects.filter(pk=withdrawn.meeting_id).update(agenda_published_at=None)
        return result

    with connection.execute_wrapper(withdraw_after_ranking):
        response = client.get(reverse("site:search"), {"q": "harbour dredging", "kind": "decision"})

    assert ranked
    assert response.status_code == 200
    body = response.content.decode()
    assert "Harbour dredging report 2" in body
    assert "Harbour dredging report 1" not in body


@pytest.mark.parametrize("steering", ["", " people"])
def test_the_statement_compiled_once_per_shape_finds_what_the_query_itself_would(steering):
    """The ranking statement is compiled with stand-ins for the query's text and reused; LIKE's wildcards in the
    text must still be taken literally, and each stand-in must take its own text."""
    PersonFactory(name="Sam 50% Smith", title="Director")
    PersonFactory(name="Sam 500 Smith", title="Director")
    PersonFactory(name="Jo a_b", title="Director")
    PersonFactory(name="Jo axb", title="Director")
    PersonFactory(name="Al c\\d", title="Director")
    PersonFactory(name="Al cd", title="Director")

    for text, found in (("50%", ["Sam 50% Smith"]), ("a_b", ["Jo a_b"]), ("c\\d", ["Al c\\d"])):
        assert hits(search(text + steering), "person") == found
        query = parse(text + steering)
        sql, params = _ranking(KINDS, query, GROUP_LIMIT)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            compiled_for_this_query = sorted(row[:-1] for row in cursor.fetchall())  # without its ordinal
        reused = _ranked_keys(KINDS, query, GROUP_LIMIT)
        assert sorted((k, *row) for k, rows in reused.items() for row in rows) == compiled_for_this_query


def test_a_steering_word_puts_its_kind_first_without_having_to_match():
    ics = IntegratedCareSystemFactory(short_name="Cheshire and Merseyside")
    PlaceFactory(ics=ics, name="Wirral")
    OrganisationFactory(name="Wirral Borough Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="319")
    BoardFactory(ics=ics, name="Wirral Council committee")
    BoardFactory(ics=ics, name="Wirral Place Based Partnership Board")

    groups = [g for g in search("Wirral place") if g.total]
    assert (groups[0].kind, groups[0].hits[0].title) == ("place", "Wirral")
    assert {g.kind for g in groups} == {"place", "organisation", "board"}
    # A name starting with the words as typed before one starting with the first of them.
    assert hits(groups, "board") == ["Wirral Place Based Partnership Board", "Wirral Council committee"]

    groups = [g for g in search("wirral partnership board") if g.total]
    assert (groups[0].kind, groups[0].hits[0].title) == ("board", "Wirral Place Based Partnership Board")


def test_steering_words_alone_are_searched_as_typed():
    BoardFactory(name="NHS Riverside ICB Board")

    assert hits(search("ICB"), "board") == ["NHS Riverside ICB Board"]


def test_an_exact_name_or_district_ranks_before_a_name_that_starts_with_the_words():
    ics = IntegratedCareSystemFactory(short_name="Cornwall and the Isles of Scilly")
    PlaceFactory(ics=ics, name="Kernow", districts="Cornwall;Isles of Scilly")
    OrganisationFactory(name="Cornwall Council", kind=Organisation.Kind.LOCAL_AUTHORITY, ods_code="902")

    groups = [g for g in search("cornwall") if g.total]

    assert [g.kind for g in groups] == ["place", "ics", "organisation"]
    assert groups[0].hits[0].title == "Kernow"


def test_sqlite_fallback_finds_published_decisions(monkeypatch):
    meeting = MeetingFactory()
    meeting.minutes_published_at = meeting.starts_at
    meeting.save()
    AgendaItemFactory(meeting=meeting, number="4", title="Finance report", resolutions="Savings programme endorsed.")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert hits(search("savings programme"), "decision") == ["4. Finance report"]


def test_the_csv_lists_decisions_with_their_kind(client):
    meeting = MeetingFactory()
    meeting.minutes_published_at = meeting.starts_at
    meeting.save()
    AgendaItemFactory(meeting=meeting, number="4", title="Finance report", resolutions="Savings programme endorsed.")

    response = client.get(reverse("site:search_csv"), {"q": "savings, decisions"})
    header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))

    (row,) = rows
    assert row[:2] == ["Decisions, minutes and agenda items", "4. Finance report"]
    assert "Decided: Savings programme endorsed." in row[2]


@pytest.mark.parametrize(
    ("kind", "index"),
    [
        ("decision", "governance_agenda_search"),
        ("paper", "governance_document_search"),
        ("board", "governance_board_search"),
        ("organisation", "partners_org_search"),
    ],
)
def test_full_text_runs_through_the_models_index(kind, index):
    """The search writes the index's own expression, so 300,000 agenda items are not read one by one."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")

    plan = matching(KINDS_BY_KEY[kind], parse("savings")).explain()

    assert index in plan
