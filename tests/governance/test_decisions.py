"""Decisions registers (a board's, an ICS's), their CSVs and the API's list; the ICS's meetings calendar; the
previous and next meeting links. What the public sees of a decision is what the meeting page shows."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from governance import presenters
from governance.models import AgendaItem, Decision
from ics_portal.core.models import Provenance
from tests import factories as f
from tests.query_pins import PAGE_QUERIES

pytestmark = pytest.mark.django_db


def aware(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def held(board, day, **kwargs):
    """A meeting held on `day` whose agenda and minutes are published."""
    kwargs.setdefault("minutes_published_at", aware(day, 18))
    return f.MeetingFactory(board=board, starts_at=aware(day), slug=day.isoformat(), **kwargs)


def item(meeting, title, resolutions, **kwargs):
    kwargs.setdefault("kind", AgendaItem.Kind.DECISION)
    return f.AgendaItemFactory(meeting=meeting, title=title, resolutions=resolutions, **kwargs)


def register(client, scope, **params):
    name = "governance:board_decisions" if hasattr(scope, "kind") else "governance:ics_decisions"
    response = client.get(reverse(name, kwargs={"slug": scope.slug}), params)
    assert response.status_code == 200
    return response


def shown(response):
    return [decision.text for decision in response.context["page"].object_list]


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def board():
    return f.BoardFactory(name="West Yorkshire ICB Board", slug="wy-board", ics__slug="west-yorkshire")


# --- one row a decision -------------------------------------------------------------------------------------


def test_each_non_blank_line_of_the_resolutions_is_one_decision_as_the_meeting_page_shows_it(board):
    resolutions = "  Financial plan noted.\r\n\r\n\tSavings programme endorsed.  \nRisk register approved.\n\n"
    agenda_item = item(held(board, datetime.date(2025, 3, 12)), "Finance report", resolutions)
    decisions = Decision.objects.filter(agenda_item=agenda_item).order_by("line")
    assert [d.text for d in decisions] == presenters.resolutions_of(agenda_item)
    assert [d.text for d in decisions] == [
        "Financial plan noted.",
        "Savings programme endorsed.",
        "Risk register approved.",
    ]
    assert decisions[0].owning_ics_id() == board.ics_id


# --- the registers --------------------------------------------------------------------------------------------


def test_the_register_shows_published_decisions_and_never_drafts_or_confidential_ones(client, admin_client, board):
    published = held(board, datetime.date(2025, 3, 12))
    item(published, "Finance report", "Savings programme endorsed.")
    item(published, "Contract award", "Award to the preferred bidder.", is_confidential=True)
    item(held(board, datetime.date(2025, 5, 14), minutes_published_at=None), "Estates", "Draft: sell the depot.")
    item(
        held(board, datetime.date(2025, 7, 9), agenda_published_at=None),
        "Digital strategy",
        "Strategy adopted before its agenda was public.",
    )

    assert shown(register(client, board)) == ["Savings programme endorsed."]
    # A superuser, who may preview every draft page, still gets the public register: it is a public list.
    html = register(admin_client, board).content.decode()
    assert "Savings programme endorsed." in html
    assert "sell the depot" not in html and "preferred bidder" not in html and "Strategy adopted" not in html


def test_the_ics_register_lists_every_board_of_the_ics_newest_first_and_no_other_ics(client, board):
    committee = f.BoardFactory(ics=board.ics, name="Quality Committee")
    other_ics_board = f.BoardFactory(name="Elsewhere board")
    item(held(board, datetime.date(2025, 3, 12)), "Finance report", "Financial plan noted.\nSavings endorsed.")
    item(held(committee, datetime.date(2025, 6, 1)), "Maternity", "Maternity plan approved.")
    item(held(other_ics_board, datetime.date(2025, 6, 2)), "Finance", "Not this ICS's decision.")
    undated = f.MeetingFactory(board=board, starts_at=None, slug="undated", minutes_published_at=timezone.now())
    item(undated, "Development", "Undated decision.")

    response = register(client, board.ics)
    assert shown(response) == [
        "Maternity plan approved.",
        "Financial plan noted.",
        "Savings endorsed.",
        "Undated decision.",
    ]
    html = response.content.decode()
    assert "Quality Committee" in html and "For decision" in html and "1 Jun 2025" in html
    assert "Date not stated" in html


def test_search_finds_words_in_the_decision_or_the_item_title(client, board):
    meeting = held(board, datetime.date(2025, 3, 12))
    item(meeting, "Finance report", "Financial plan noted.\nSavings programme endorsed.")
    item(meeting, "Maternity services", "Plan approved.")

    assert shown(register(client, board, q="savings")) == ["Savings programme endorsed."]
    assert shown(register(client, board, q="SAVINGS endorsed")) == ["Savings programme endorsed."]
    assert shown(register(client, board, q="maternity")) == ["Plan approved."]
    assert shown(register(client, board, q="finance plan")) == ["Financial plan noted."]
    response = register(client, board, q="nothing like this")
    assert shown(response) == [] and "No decisions match." in response.content.decode()


def test_filters_by_board_item_type_and_dates(client, board):
    committee = f.BoardFactory(ics=board.ics, name="Quality Committee", slug="quality")
    item(held(board, datetime.date(2024, 12, 31)), "Budget", "Budget set.")
    item(held(board, datetime.date(2025, 1, 1)), "Risks", "Risks noted.", kind=AgendaItem.Kind.ASSURANCE)
    item(held(committee, datetime.date(2025, 2, 1)), "Quality", "Quality report received.")
    ics = board.ics

    assert shown(register(client, ics, board="quality")) == ["Quality report received."]
    assert shown(register(client, ics, kind="assurance")) == ["Risks noted."]
    assert shown(register(client, ics, date_from="2025-01-01")) == ["Quality report received.", "Risks noted."]
    assert shown(register(client, ics, date_to="2025-01-01")) == ["Risks noted.", "Budget set."]
    assert shown(register(client, ics, date_from="2025-01-01", date_to="2025-01-01")) == ["Risks noted."]
    # The board register has no board filter; a board named there is ignored, not an error.
    assert shown(register(client, board, board="quality")) == ["Risks noted.", "Budget set."]


def test_the_filters_chosen_stay_selected(client, board):
    f.BoardFactory(ics=board.ics, name="Quality Committee", slug="quality")
    html = register(client, board.ics, board="quality", kind="assurance").content.decode()

    assert re.findall(r'<option value="([^"]*)" selected>', html) == ["quality", "assurance"]


@pytest.mark.parametrize(
    "params", [{"date_from": "2025-02-30"}, {"date_to": "1900-01-01"}, {"kind": "vote"}, {"board": "no-such-board"}]
)
def test_a_bad_filter_value_is_named_on_the_page_and_not_a_500(client, board, params):
    item(held(board, datetime.date(2025, 3, 12)), "Budget", "Budget set.")
    response = register(client, board.ics, **params)
    assert 'class="nhsuk-error-message"' in response.content.decode()
    assert shown(response) == ["Budget set."]


def test_a_board_elsewhere_is_not_a_choice_on_an_ics_register(client, board):
    elsewhere = f.BoardFactory(slug="elsewhere")
    item(held(elsewhere, datetime.date(2025, 3, 12)), "Budget", "Not here.")
    response = register(client, board.ics, board="elsewhere")
    assert "nhsuk-error-message" in response.content.decode() and shown(response) == []


def test_sample_decisions_are_labelled(client, board):
    meeting = held(board, datetime.date(2025, 3, 12))
    item(meeting, "Budget", "Sample budget set.", provenance=Provenance.SAMPLE)
    item(meeting, "Risks", "Risks noted.")
    html = register(client, board).content.decode()
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Sample budget set\.(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert "Sample data" in row
    other = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Risks noted\.(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert "Sample data" not in other


def test_the_register_pages_25_at_a_time(client, board):
    meeting = held(board, datetime.date(2025, 3, 12))
    item(meeting, "Long item", "\n".join(f"Decision {n}." for n in range(1, 31)))
    first, second = register(client, board), register(client, board, page=2)
    assert len(shown(first)) == 25 and shown(second) == [f"Decision {n}." for n in range(26, 31)]
    assert "30 decisions" in first.content.decode()


@pytest.mark.parametrize("n", [1, 12])
def test_the_registers_run_a_bounded_number_of_queries(client, django_assert_max_num_queries, board, n):
    for day in range(n):
        meeting = held(f.BoardFactory(ics=board.ics), datetime.date(2025, 1, 1) + datetime.timedelta(days=day))
        item(meeting, "Finance", "Plan noted.\nSavings endorsed.")
        item(held(board, datetime.date(2024, 1, 1) + datetime.timedelta(days=day)), "Risks", "Risks noted.")
    with django_assert_max_num_queries(PAGE_QUERIES["decisions board"]):
        assert len(shown(register(client, board))) == n
    with django_assert_max_num_queries(PAGE_QUERIES["decisions ics"]):
        assert len(shown(register(client, board.ics, board=board.slug, q="risks"))) == n
    with django_assert_max_num_queries(PAGE_QUERIES["decisions ics"] - 1):
        assert len(shown(register(client, board.ics))) == min(3 * n, 25)


def test_unknown_board_or_ics_is_404(client):
    assert client.get(reverse("governance:board_decisions", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("governance:ics_decisions_csv", kwargs={"slug": "nope"})).status_code == 404


# --- CSV ----------------------------------------------------------------------------------------------------


def test_the_csv_has_one_row_a_decision_every_page_and_the_page_s_filters(client, board):
    meeting = held(board, datetime.date(2025, 3, 12))
    item(meeting, "Finance report", "\n".join(f"Savings {n}." for n in range(1, 31)), number="4")
    item(meeting, "Risks", "Risks noted.", kind=AgendaItem.Kind.ASSURANCE, provenance=Provenance.SAMPLE)
    item(meeting, "Contract", "Secret.", is_confidential=True)
    url = reverse("governance:ics_decisions_csv", kwargs={"slug": "west-yorkshire"})

    response = client.get(url)
    today = timezone.localdate().isoformat()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="decisions-west-yorkshire-{today}.csv"'
    header, *rows = csv_rows(response)
    assert header == list(presenters.DECISION_CSV_HEADER)
    assert len(rows) == 31
    assert rows[0] == [
        "2025-03-12",
        "West Yorkshire ICB Board",
        board.ics.short_name,
        "4. Finance report",
        "For decision",
        "Savings 1.",
        "No",
        f"http://testserver{meeting.get_absolute_url()}",
    ]
    assert rows[-1][4:7] == ["For assurance", "Risks noted.", "Yes"]

    _, *assurance = csv_rows(client.get(url, {"kind": "assurance"}))
    assert [row[5] for row in assurance] == ["Risks noted."]
    board_csv = client.get(reverse("governance:board_decisions_csv", kwargs={"slug": board.slug}), {"q": "savings 30"})
    assert board_csv["Content-Disposition"] == f'attachment; filename="decisions-wy-board-{today}.csv"'
    assert [row[5] for row in csv_rows(board_csv)[1:]] == ["Savings 30."]


def test_the_register_links_its_csv_with_the_same_filters(client, board):
    item(held(board, datetime.date(2025, 3, 12)), "Budget", "Budget set.")
    html = register(client, board.ics, q="budget", page=1).content.decode()
    assert f'href="{reverse("governance:ics_decisions_csv", kwargs={"slug": board.ics.slug})}?q=budget"' in html


# --- links to the registers and the calendar -----------------------------------------------------------------


def test_the_board_and_ics_pages_link_their_registers_and_the_calendar(client, board):
    board_html = client.get(board.get_absolute_url()).content.decode()
    assert f'href="{reverse("governance:board_decisions", kwargs={"slug": board.slug})}"' in board_html
    ics_html = client.get(board.ics.get_absolute_url()).content.decode()
    for name in ("ics_decisions", "ics_meetings", "ics_meetings_ics"):
        assert f'href="{reverse(f"governance:{name}", kwargs={"slug": board.ics.slug})}"' in ics_html


# --- the ICS's meetings calendar -----------------------------------------------------------------------------


def test_the_calendar_lists_upcoming_soonest_first_and_past_newest_first_for_every_board(client, board):
    today = timezone.localdate()
    committee = f.BoardFactory(ics=board.ics, name="Quality Committee")
    soon = f.MeetingFactory(board=committee, starts_at=aware(today + datetime.timedelta(days=3)), slug="soon")
    later = f.MeetingFactory(board=board, starts_at=aware(today + datetime.timedelta(days=40)), slug="later")
    today_meeting = f.MeetingFactory(board=board, starts_at=aware(today, 23), slug="today")
    last_month = f.MeetingFactory(board=board, starts_at=aware(today - datetime.timedelta(days=30)), slug="lm")
    last_year = f.MeetingFactory(board=committee, starts_at=aware(today - datetime.timedelta(days=365)), slug="ly")
    undated = f.MeetingFactory(board=board, starts_at=None, slug="undated")
    f.MeetingFactory(starts_at=aware(today + datetime.timedelta(days=1)))  # another ICS's

    response = client.get(reverse("governance:ics_meetings", kwargs={"slug": board.ics.slug}))
    assert list(response.context["upcoming"]) == [today_meeting, soon, later]
    assert list(response.context["page"].object_list) == [last_month, last_year, undated]
    html = response.content.decode()
    assert "Quality Committee" in html and soon.get_absolute_url() in html
    assert reverse("governance:ics_meetings_ics", kwargs={"slug": board.ics.slug}) in html


@pytest.mark.parametrize("n", [1, 30])
def test_the_calendar_pages_past_meetings_in_bounded_queries(client, django_assert_max_num_queries, board, n):
    today = timezone.localdate()
    for day in range(1, n + 1):
        f.MeetingFactory(board=f.BoardFactory(ics=board.ics), starts_at=aware(today - datetime.timedelta(days=day)))
        f.MeetingFactory(board=board, starts_at=aware(today + datetime.timedelta(days=day)))
    url = reverse("governance:ics_meetings", kwargs={"slug": board.ics.slug})
    with django_assert_max_num_queries(PAGE_QUERIES["meetings ics"]):
        response = client.get(url)
    assert len(response.context["upcoming"]) == n and len(response.context["page"].object_list) == min(n, 25)
    if n > 25:
        second = client.get(url, {"page": 2})
        assert second.context["upcoming"] is None and len(second.context["page"].object_list) == n - 25


def test_the_ics_calendar_feed_has_every_board_s_dated_meetings_and_labels_sample_ones(
    client, django_assert_max_num_queries, board
):
    committee = f.BoardFactory(ics=board.ics, name="Quality Committee")
    real = f.MeetingFactory(board=board, starts_at=aware(datetime.date(2025, 3, 12)))
    sample = f.MeetingFactory(board=committee, starts_at=aware(datetime.date(2025, 4, 2)), provenance="sample")
    f.MeetingFactory(board=board, starts_at=None, slug="undated")
    f.MeetingFactory(starts_at=aware(datetime.date(2025, 3, 13)))  # another ICS's

    with django_assert_max_num_queries(2):
        response = client.get(reverse("governance:ics_meetings_ics", kwargs={"slug": board.ics.slug}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="west-yorkshire-meetings.ics"'
    text = response.content.decode().replace("\r\n ", "")
    found = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT\r\n", text, flags=re.S)
    assert len(found) == 2
    assert f"meeting-{real.pk}@" in found[0] and "SUMMARY:West Yorkshire ICB Board: meeting\r\n" in found[0]
    assert f"meeting-{sample.pk}@" in found[1]
    assert "SUMMARY:[Sample data] Quality Committee: meeting\r\n" in found[1]
    assert "DESCRIPTION:Sample data\\, not a real meeting." in found[1]


def test_the_board_calendar_labels_sample_meetings_too(client, board):
    f.MeetingFactory(board=board, provenance="sample")
    text = client.get(reverse("governance:board_meetings_ics", kwargs={"slug": board.slug})).content.decode()
    assert "SUMMARY:[Sample data] West Yorkshire ICB Board: meeting\r\n" in text.replace("\r\n ", "")


# --- previous and next meeting -------------------------------------------------------------------------------


def test_the_meeting_page_links_the_board_s_previous_and_next_meetings(client, board):
    first = held(board, datetime.date(2025, 1, 15))
    middle = held(board, datetime.date(2025, 3, 12))
    last = held(board, datetime.date(2025, 5, 14))
    f.MeetingFactory(starts_at=aware(datetime.date(2025, 2, 1)))  # another board's, in between
    f.MeetingFactory(board=board, starts_at=None, slug="undated")

    html = client.get(middle.get_absolute_url()).content.decode()
    nav = re.search(r'<nav class="nhsuk-pagination".*?</nav>', html, re.S).group(0)
    assert f'href="{first.get_absolute_url()}" rel="prev"' in nav and "15 January 2025" in nav
    assert f'href="{last.get_absolute_url()}" rel="next"' in nav and "14 May 2025" in nav
    assert "Previous meeting" in nav and "Next meeting" in nav

    first_nav = re.search(
        r'<nav class="nhsuk-pagination".*?</nav>', client.get(first.get_absolute_url()).content.decode(), re.S
    )
    assert "Previous meeting" not in first_nav.group(0) and "Next meeting" in first_nav.group(0)


def test_meetings_at_the_same_time_are_ordered_by_id_and_an_undated_meeting_has_no_neighbours(board):
    from governance.models import Meeting

    a = f.MeetingFactory(board=board, starts_at=aware(datetime.date(2025, 3, 12)), slug="a")
    b = f.MeetingFactory(board=board, starts_at=aware(datetime.date(2025, 3, 12)), slug="b")
    undated = f.MeetingFactory(board=board, starts_at=None, slug="undated")
    assert Meeting.objects.neighbours(a) == (None, b)
    assert Meeting.objects.neighbours(b) == (a, None)
    assert Meeting.objects.neighbours(undated) == (None, None)


# --- the API ------------------------------------------------------------------------------------------------


def api(client, **params):
    response = client.get("/api/v1/decisions/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_api_lists_one_row_a_published_decision_with_its_relations_as_slug_or_id_and_url(client, board):
    meeting = held(board, datetime.date(2025, 3, 12))
    agenda_item = item(meeting, "Finance report", "Financial plan noted.\nSavings endorsed.", number="4")
    item(meeting, "Contract", "Secret.", is_confidential=True)
    item(held(board, datetime.date(2025, 5, 14), minutes_published_at=None), "Estates", "Draft.")

    body = api(client)
    assert body["count"] == 2
    first = body["results"][0]
    assert first == {
        "decision": "Financial plan noted.",
        "line": 1,
        "date": "2025-03-12",
        "kind": "decision",
        "item_number": "4",
        "item_title": "Finance report",
        "agenda_item": agenda_item.pk,
        "agenda_item_url": f"http://testserver/api/v1/agenda-items/{agenda_item.pk}/",
        "meeting": meeting.pk,
        "meeting_url": f"http://testserver/api/v1/meetings/{meeting.pk}/",
        "page_url": f"http://testserver{meeting.get_absolute_url()}",
        "board": "wy-board",
        "board_url": "http://testserver/api/v1/boards/wy-board/",
        "ics": "west-yorkshire",
        "ics_url": "http://testserver/api/v1/icss/west-yorkshire/",
        "provenance": "public_record",
        "modified_at": first["modified_at"],
    }
    assert body["results"][1]["decision"] == "Savings endorsed."


def test_the_api_filters_as_the_registers_do(client, board):
    committee = f.BoardFactory(ics=board.ics, slug="quality")
    item(held(board, datetime.date(2024, 12, 31)), "Budget", "Budget set.")
    item(held(committee, datetime.date(2025, 2, 1)), "Risks", "Risks noted.", kind=AgendaItem.Kind.ASSURANCE)
    item(held(f.BoardFactory(), datetime.date(2025, 2, 2)), "Elsewhere", "Elsewhere decided.")

    def decisions(**params):
        return [row["decision"] for row in api(client, **params)["results"]]

    assert decisions(ics="west-yorkshire") == ["Risks noted.", "Budget set."]
    assert decisions(board="quality") == ["Risks noted."]
    assert decisions(kind="assurance") == ["Risks noted."]
    assert decisions(q="budget") == ["Budget set."]
    assert decisions(date_from="2025-01-01", date_to="2025-02-01") == ["Risks noted."]


def test_the_api_lists_decisions_changed_since_a_moment_by_their_item_or_meeting(client, board):
    old = item(held(board, datetime.date(2025, 3, 12)), "Budget", "Budget set.")
    newer = item(held(board, datetime.date(2025, 5, 14)), "Risks", "Risks noted.")
    moment = timezone.now()
    AgendaItem.objects.filter(pk__in=[old.pk, newer.pk]).update(public_modified_at=moment - datetime.timedelta(days=1))
    type(newer.meeting).objects.filter(pk__in=[old.meeting_id, newer.meeting_id]).update(
        public_modified_at=moment - datetime.timedelta(days=1)
    )
    assert api(client, modified_since=moment.isoformat())["count"] == 0
    type(newer.meeting).objects.filter(pk=newer.meeting_id).update(public_modified_at=moment)
    assert [row["decision"] for row in api(client, modified_since=moment.isoformat())["results"]] == ["Risks noted."]


@pytest.mark.parametrize("params", [{"kind": "vote"}, {"date_from": "2025-02-30"}, {"ics": "nowhere"}])
def test_the_api_refuses_a_bad_filter_value_with_400(client, params):
    response = client.get("/api/v1/decisions/", params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_the_api_is_a_read_only_list(client, admin_client):
    assert client.get("/api/v1/decisions/1/").status_code == 404
    assert admin_client.post("/api/v1/decisions/", {}, content_type="application/json").status_code == 405
    assert "decisions" in client.get("/api/v1/").json()


def test_the_api_csv_has_one_row_a_decision(client, board):
    item(held(board, datetime.date(2025, 3, 12)), "Finance", "Plan noted.\nSavings endorsed.")
    response = client.get("/api/v1/decisions/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["decision"], row["board"], row["date"]) for row in rows] == [
        ("Plan noted.", "wy-board", "2025-03-12"),
        ("Savings endorsed.", "wy-board", "2025-03-12"),
    ]


@pytest.mark.parametrize("n", [1, 20])
def test_the_api_list_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, board, n):
    for day in range(n):
        meeting = held(f.BoardFactory(ics=board.ics), datetime.date(2025, 1, 1) + datetime.timedelta(days=day))
        item(meeting, "Finance", "Plan noted.\nSavings endorsed.")
    with django_assert_max_num_queries(3):  # the ICS looked up, decisions counted, the page
        assert len(api(client, ics="west-yorkshire")["results"]) == 2 * n
