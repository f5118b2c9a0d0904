import datetime
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.feeds import ical_escape, ical_fold, meeting_uid
from governance.models import Meeting
from ics_portal.core.models import Provenance
from tests.factories import BoardFactory, IntegratedCareSystemFactory, MeetingFactory, MoUFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def ics_for(client, board):
    response = client.get(reverse("governance:board_meetings_ics", kwargs={"slug": board.slug}))
    assert response.status_code == 200
    return response, response.content.decode("utf-8")


def unfold(text):
    return text.replace("\r\n ", "")


def events(text):
    return re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT\r\n", unfold(text), flags=re.S)


def test_board_calendar_is_valid_icalendar_with_crlf_lines(client):
    board = BoardFactory(name="Leeds Health and Wellbeing Board")
    meeting = MeetingFactory(
        board=board,
        starts_at=timezone.make_aware(datetime.datetime(2024, 6, 12, 14, 0)),  # 13:00 UTC in summer
        location="Civic Hall, Calverley Street; Leeds",
    )

    response, text = ics_for(client, board)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    (event,) = events(text)
    assert f"UID:{meeting_uid(meeting)}\r\n" in event
    assert "DTSTART:20240612T130000Z\r\n" in event
    assert re.search(r"DTSTAMP:\d{8}T\d{6}Z\r\n", event)
    assert "LOCATION:Civic Hall\\, Calverley Street\\; Leeds\r\n" in event
    assert "SUMMARY:Leeds Health and Wellbeing Board: meeting\r\n" in event
    assert f"URL:http://testserver{meeting.get_absolute_url()}\r\n" in event


def test_uid_is_stable_when_the_meeting_moves(client):
    board = BoardFactory()
    meeting = MeetingFactory(board=board)
    _, before = ics_for(client, board)

    meeting.starts_at += datetime.timedelta(days=7)
    meeting.slug = "moved"
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    _, after = ics_for(client, board)

    uid = f"UID:{meeting_uid(meeting)}"
    assert uid in before and uid in after
    assert "STATUS:CANCELLED" in after
    assert "SUMMARY:Cancelled: " in after


def test_calendar_never_carries_minutes(client):
    board = BoardFactory()
    meeting = MeetingFactory(board=board, minutes_published_at=None)
    meeting.agenda_items.create(number="1", title="Budget", minutes="Secret draft minutes")

    _, text = ics_for(client, board)

    assert "Secret draft minutes" not in text


def test_calendar_does_not_move_while_draft_minutes_are_edited(client):
    board = BoardFactory()
    meeting = MeetingFactory(board=board, minutes_published_at=None)
    item = meeting.agenda_items.create(number="1", title="Budget", minutes="First draft")
    last_year = timezone.now() - datetime.timedelta(days=365)
    Meeting.objects.filter(pk=meeting.pk).update(modified_at=last_year, public_modified_at=last_year)
    meeting.refresh_from_db()
    _, before = ics_for(client, board)

    item.minutes = "Second draft"
    item.save()
    meeting.save()  # the admin saves the meeting whenever one of its agenda items changes

    _, after = ics_for(client, board)
    assert after == before


def test_unknown_board_calendar_is_404(client):
    assert client.get(reverse("governance:board_meetings_ics", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [("a,b;c", "a\\,b\\;c"), ("back\\slash", "back\\\\slash"), ("two\nlines", "two\\nlines"), (None, "")],
)
def test_ical_escape(raw, escaped):
    assert ical_escape(raw) == escaped


def test_ical_fold_splits_at_75_octets_without_breaking_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = ical_fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert unfold(folded) == line


@pytest.mark.parametrize("n", [1, 10])
def test_board_calendar_queries_are_bounded(client, django_assert_max_num_queries, n):
    board = BoardFactory()
    MeetingFactory.create_batch(n, board=board)

    with django_assert_max_num_queries(2):
        _, text = ics_for(client, board)
    assert len(events(text)) == n


def published_feed_setup():
    ics = IntegratedCareSystemFactory(short_name="West Yorkshire")
    board = BoardFactory(ics=ics, name="Partnership Board")
    published = MeetingFactory(board=board, minutes_published_at=timezone.now())
    draft_minutes = MeetingFactory(board=board, minutes_published_at=None)
    mou = MoUFactory(ics=ics, title="Mutual accountability MoU")
    draft_mou = MoUFactory(ics=ics, title="Draft data sharing MoU", published_at=None)
    return published, draft_minutes, mou, draft_mou


def test_rss_feed_has_published_minutes_and_mous_only(client):
    published, draft_minutes, mou, draft_mou = published_feed_setup()

    response = client.get(reverse("governance:published_rss"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    links = [item.findtext("link") for item in root.iter("item")]
    assert sorted(links) == sorted(f"http://testserver{obj.get_absolute_url()}" for obj in (published, mou))
    body = response.content.decode()
    assert draft_minutes.get_absolute_url() not in body
    assert "Draft data sharing MoU" not in body


def test_atom_feed_has_published_minutes_and_mous_only(client):
    published, draft_minutes, mou, draft_mou = published_feed_setup()

    response = client.get(reverse("governance:published_atom"))

    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert "MoU published: Mutual accountability MoU" in titles
    assert any(title.startswith("Minutes published: Partnership Board") for title in titles)
    assert len(titles) == 2
    ids = [entry.findtext(f"{ATOM}id") for entry in root.iter(f"{ATOM}entry")]
    assert f"tag:ics-portal,2024:mou-{mou.pk}" in ids


@pytest.mark.parametrize("n", [1, 10])
def test_feed_queries_are_bounded(client, django_assert_max_num_queries, n):
    for _ in range(n):
        MeetingFactory(minutes_published_at=timezone.now())
        MoUFactory()
        MoUFactory(published_at=None)

    for name in ("governance:published_rss", "governance:published_atom"):
        with django_assert_max_num_queries(2):
            response = client.get(reverse(name))
        assert response.content.decode().count("published: ") == 2 * n


def test_board_page_links_to_its_calendar_and_every_page_to_the_feed(client):
    board = BoardFactory()
    MeetingFactory(board=board)

    body = client.get(board.get_absolute_url()).content.decode()

    assert f'href="{reverse("governance:board_meetings_ics", kwargs={"slug": board.slug})}"' in body
    assert f'href="{reverse("governance:published_atom")}"' in body


def test_a_meeting_with_no_date_stays_out_of_the_calendar_and_is_named_in_the_feed(client):
    board = BoardFactory()
    MeetingFactory(board=board)
    MeetingFactory(
        board=board, starts_at=None, slug="undated", minutes_published_at=timezone.now(), source="A document"
    )
    _, text = ics_for(client, board)
    assert len(events(text)) == 1
    response = client.get(reverse("governance:published_rss"))
    assert response.status_code == 200
    assert "date not stated in the source" in response.content.decode()


def test_feed_entries_of_sample_records_say_so(client):
    board = BoardFactory(name="Partnership Board")
    MeetingFactory(board=board, minutes_published_at=timezone.now(), provenance=Provenance.SAMPLE)
    MoUFactory(title="Sample MoU", provenance=Provenance.SAMPLE)
    MoUFactory(title="Real MoU")

    root = ElementTree.fromstring(client.get(reverse("governance:published_rss")).content)

    entries = {item.findtext("title"): item.findtext("description") for item in root.iter("item")}
    assert "MoU published: Real MoU" in entries
    assert "Sample data: MoU published: Sample MoU" in entries
    (minutes,) = [title for title in entries if "Minutes published" in title]
    assert minutes.startswith("Sample data: Minutes published: Partnership Board")
    assert entries[minutes].startswith("Sample data: The minutes of")
