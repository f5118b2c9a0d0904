"""What the public is shown of a record, its ETag and Last-Modified included, moves only when what it sees does.

Editing a draft (a meeting's unpublished minutes, a draft MoU, a draft document), or the admin saving a
record unchanged because one of its inlines changed, leaves the anonymous API's body, ETag and
Last-Modified byte for byte as they were, and the sitemap, the pages' "Last updated" and `modified_since`
with them; publishing changes them. Staff of the record's ICS, who see the drafts, get the real
`modified_at`.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import AgendaItem, Board, Document, Meeting, MoU
from tests import factories as f
from tests.staff.helpers import admin_form_data

from .conftest import client_for

# Whole seconds: the admin's date and time fields keep no microseconds, so a form saved unchanged keeps it.
LONG_AGO = (timezone.now() - datetime.timedelta(days=3)).replace(microsecond=0)
SINCE = (LONG_AGO + datetime.timedelta(days=1)).isoformat()


def _backdate(*records):
    """Every stamp three days back, so a change now shows even at Last-Modified's one-second resolution."""
    for record in records:
        type(record).objects.filter(pk=record.pk).update(modified_at=LONG_AGO, public_modified_at=LONG_AGO)


def _answers(client, urls):
    answers = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        answers[url] = (response.content, response.get("ETag"), response.get("Last-Modified"))
    return answers


def _all_changed(before, after):
    """Body, ETag and Last-Modified of each answer all changed (a sitemap has no ETag)."""
    for url in before:
        for old, new in zip(before[url], after[url], strict=True):
            assert old != new or old is new is None, url


def _admin_save(user, obj, change):
    """Save `obj`'s admin change form as a browser would, with `change(data)` applied to its fields."""
    browser = Client()
    browser.force_login(user)
    url = reverse(f"admin:governance_{obj._meta.model_name}_change", args=[obj.pk])
    data = admin_form_data(browser.get(url))
    change(data)
    response = browser.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors


def _set_inline(data, suffix, value):
    (name,) = [name for name in data if name.endswith(suffix)]
    data[name] = value


@pytest.fixture
def meeting(ics_a):
    board = f.BoardFactory(ics=ics_a, slug="the-board")
    meeting = f.MeetingFactory(board=board, minutes_published_at=None)
    item = f.AgendaItemFactory(meeting=meeting, title="Finance report")
    _backdate(board, meeting, item)
    return meeting


def _meeting_urls(meeting):
    item = meeting.agenda_items.get()
    return [
        f"/api/v1/meetings/{meeting.pk}/",
        "/api/v1/meetings/?ics=system-a",
        f"/api/v1/agenda-items/{item.pk}/",
        f"/api/v1/agenda-items/?meeting={meeting.pk}",
        "/sitemap-meetings.xml",
    ]


def test_draft_minutes_edited_in_the_admin_leave_the_public_answers_as_they_were(anon_client, staff_a, meeting):
    urls = _meeting_urls(meeting)
    before = _answers(anon_client, urls)
    staff_saw = client_for(staff_a).get(urls[0]).json()["modified_at"]

    # The meeting's change form with only its agenda item's minutes (an inline) changed: the admin saves
    # the meeting as well, so its modified_at moves.
    _admin_save(staff_a, meeting, lambda data: _set_inline(data, "-0-minutes", "Draft: the board noted the report."))
    assert AgendaItem.objects.get().minutes == "Draft: the board noted the report."
    assert Meeting.objects.get().modified_at > LONG_AGO

    assert _answers(anon_client, urls) == before
    assert anon_client.get(urls[0], HTTP_IF_NONE_MATCH=before[urls[0]][1]).status_code == 304
    page = anon_client.get(meeting.get_absolute_url()).text
    assert "Draft: the board noted" not in page
    assert f'Last updated <time datetime="{timezone.localtime(LONG_AGO).isoformat()}' in page
    # Staff of the ICS see the draft, and when it changed.
    staff_sees = client_for(staff_a).get(urls[0]).json()
    assert staff_sees["agenda_items"][0]["minutes"] == "Draft: the board noted the report."
    assert staff_sees["agenda_items"][0]["modified_at"] > staff_saw

    services.meeting_publish_minutes(meeting=Meeting.objects.get(), user=staff_a)
    published = _answers(anon_client, urls)
    _all_changed(before, published)
    assert anon_client.get(urls[0]).json()["agenda_items"][0]["minutes"] == "Draft: the board noted the report."


def test_draft_minutes_edited_through_the_api_leave_the_public_answers_as_they_were(anon_client, staff_a, meeting):
    urls = _meeting_urls(meeting)
    item = meeting.agenda_items.get()
    before = _answers(anon_client, urls)
    staff = client_for(staff_a)
    edited = staff.patch(f"/api/v1/agenda-items/{item.pk}/", {"minutes": "Draft minutes"}, format="json")
    assert edited.status_code == 200
    saved = staff.patch(f"/api/v1/meetings/{meeting.pk}/", {"location": meeting.location}, format="json")
    assert saved.status_code == 200

    assert _answers(anon_client, urls) == before
    # A change the public sees (the item's title) moves them.
    assert staff.patch(f"/api/v1/agenda-items/{item.pk}/", {"title": "Finance"}, format="json").status_code == 200
    _all_changed({url: before[url] for url in urls[2:4]}, _answers(anon_client, urls[2:4]))


def test_modified_since_follows_what_the_reader_is_shown(anon_client, staff_a, staff_b, meeting):
    item = meeting.agenda_items.get()
    lists = ["/api/v1/meetings/", "/api/v1/agenda-items/"]

    def listed(client):
        query = {"ics": "system-a", "modified_since": SINCE}
        return [[row["id"] for row in client.get(url, query).json()["results"]] for url in lists]

    staff = client_for(staff_a)
    assert listed(anon_client) == listed(staff) == [[], []]
    staff.patch(f"/api/v1/agenda-items/{item.pk}/", {"minutes": "Draft minutes"}, format="json")
    staff.patch(f"/api/v1/meetings/{meeting.pk}/", {"location": meeting.location}, format="json")
    # The public, and staff of another ICS, see nothing new; staff of the meeting's ICS see both records.
    assert listed(anon_client) == listed(client_for(staff_b)) == [[], []]
    assert listed(staff) == [[meeting.pk], [item.pk]]

    services.meeting_publish_minutes(meeting=Meeting.objects.get(), user=staff_a)
    # Publishing shows the item's minutes: the item is listed as changed too, through its meeting's stamp.
    assert listed(anon_client) == [[meeting.pk], [item.pk]]


def test_a_draft_mou_and_a_published_mou_saved_unchanged(anon_client, staff_a, ics_a):
    mou = f.MoUFactory(ics=ics_a, slug="in-force", published_at=LONG_AGO)
    document = f.DocumentFactory(mou=mou, meeting=None, published_at=None, title="Draft text")
    draft = f.MoUFactory(ics=ics_a, slug="being-drafted", published_at=None)
    _backdate(mou, document, draft)
    urls = [f"/api/v1/mous/{mou.slug}/", "/api/v1/mous/?ics=system-a", "/sitemap-mous.xml"]
    before = _answers(anon_client, urls)
    page = anon_client.get(mou.get_absolute_url()).text

    # The MoU's change form with only its draft document (an inline) changed, and the draft MoU edited.
    _admin_save(staff_a, mou, lambda data: _set_inline(data, "documents-0-title", "Draft text, second go"))
    assert Document.objects.get().title == "Draft text, second go"
    assert MoU.objects.get(pk=mou.pk).modified_at > LONG_AGO
    staff = client_for(staff_a)
    assert staff.patch(f"/api/v1/mous/{draft.slug}/", {"summary": "Still a draft"}, format="json").status_code == 200

    assert _answers(anon_client, urls) == before
    assert anon_client.get(mou.get_absolute_url()).text == page

    services.mou_publish(mou=MoU.objects.get(pk=draft.pk), user=staff_a)
    after = _answers(anon_client, urls[1:])
    _all_changed({url: before[url] for url in urls[1:]}, after)
    assert sorted(row["slug"] for row in anon_client.get(urls[1]).json()["results"]) == ["being-drafted", "in-force"]


def test_a_draft_document_edited_and_then_published(anon_client, staff_a, ics_a):
    board = f.BoardFactory(ics=ics_a, slug="the-board")
    meeting = f.MeetingFactory(board=board, minutes_published_at=LONG_AGO)
    document = Document.objects.create(
        meeting=meeting,
        kind=Document.Kind.PAPERS,
        title="Papers",
        file=SimpleUploadedFile("papers.pdf", b"%PDF-1.4 papers"),
    )
    _backdate(board, meeting, document)
    urls = [f"/api/v1/meetings/{meeting.pk}/", "/api/v1/meetings/?ics=system-a", f"/api/v1/boards/{board.slug}/"]
    before = _answers(anon_client, urls)
    page = anon_client.get(meeting.get_absolute_url()).text

    _admin_save(staff_a, meeting, lambda data: _set_inline(data, "documents-0-title", "Papers, revised"))
    _admin_save(staff_a, board, lambda data: None)  # a board saved as it was
    assert Document.objects.get().title == "Papers, revised"

    assert _answers(anon_client, urls) == before
    assert anon_client.get(meeting.get_absolute_url()).text == page
    document = Document.objects.get()
    assert anon_client.get(document.get_absolute_url()).status_code == 404

    services.document_publish(document=document, user=staff_a)
    document.refresh_from_db()
    served = anon_client.get(document.get_absolute_url())
    assert served.status_code == 200 and b"".join(served.streaming_content) == b"%PDF-1.4 papers"
    assert served["Last-Modified"] != before[urls[0]][2]
    assert document.get_absolute_url() in anon_client.get(meeting.get_absolute_url()).text


def test_a_record_read_saved_unchanged_keeps_its_public_stamp_without_a_query(meeting, django_assert_num_queries):
    fetched = Meeting.objects.get(pk=meeting.pk)
    with django_assert_num_queries(2):  # the UPDATE and its history row
        fetched.save()
    assert fetched.public_modified_at == LONG_AGO and fetched.modified_at > LONG_AGO
    fetched.location = "Town Hall"
    fetched.save(update_fields=["location"])
    assert Meeting.objects.get(pk=meeting.pk).public_modified_at == fetched.public_modified_at > LONG_AGO
    stamp = fetched.public_modified_at
    fetched.save()
    assert fetched.public_modified_at == stamp
    # A record not read from the database (rebuilt from a history row, say) counts as changed.
    board = Board(**{f.attname: getattr(meeting.board, f.attname) for f in Board._meta.concrete_fields})
    board.save()
    assert board.public_modified_at > LONG_AGO


def test_ordering_by_modified_at_follows_what_the_public_is_shown(anon_client, staff_a, meeting):
    later = f.MeetingFactory(board=meeting.board, minutes_published_at=None)
    type(later).objects.filter(pk=later.pk).update(
        modified_at=LONG_AGO + datetime.timedelta(hours=1), public_modified_at=LONG_AGO + datetime.timedelta(hours=1)
    )
    url = "/api/v1/meetings/?ordering=-modified_at"
    order = [row["id"] for row in anon_client.get(url).json()["results"]]
    assert order == [later.pk, meeting.pk]

    item = meeting.agenda_items.get()
    staff = client_for(staff_a)
    assert staff.patch(f"/api/v1/agenda-items/{item.pk}/", {"minutes": "Draft"}, format="json").status_code == 200
    assert (
        staff.patch(f"/api/v1/meetings/{meeting.pk}/", {"location": meeting.location}, format="json").status_code == 200
    )

    assert [row["id"] for row in anon_client.get(url).json()["results"]] == order
