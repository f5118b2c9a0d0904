"""The meeting cycle on a meeting's public page: the agenda once published, confidential (part 2) items by
title only, papers on their items, attendance and quorum once the minutes are published, and the meeting
that approved the minutes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.models import Attendance, Document
from tests import factories as f
from tests.governance.test_document_files import staff_client

pytestmark = pytest.mark.django_db

STARTS = timezone.make_aware(datetime.datetime(2025, 3, 13, 10))


def page(client, meeting) -> str:
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def held_meeting(**fields):
    fields.setdefault("agenda_published_at", STARTS - datetime.timedelta(days=8))
    return f.MeetingFactory(starts_at=STARTS, slug="2025-03-13", **fields)


def test_the_agenda_is_hidden_until_published(client):
    meeting = held_meeting(agenda_published_at=None)
    f.AgendaItemFactory(meeting=meeting, title="Draft budget item")
    html = page(client, meeting)
    assert "The agenda has not been published yet" in html and "Draft budget item" not in html

    meeting.agenda_published_at = STARTS - datetime.timedelta(days=8)
    meeting.save()
    html = page(client, meeting)
    assert "Draft budget item" in html and "Published 5 March 2025" in html


def test_an_item_shows_its_number_title_type_presenter_and_published_papers(client):
    meeting = held_meeting()
    item = f.AgendaItemFactory(
        meeting=meeting,
        number="4",
        title="Winter plan",
        kind="decision",
        presenter="Jo Bloggs, Chief Operating Officer",
    )
    f.DocumentFactory(meeting=meeting, agenda_item=item, title="Winter plan paper")
    f.DocumentFactory(meeting=meeting, agenda_item=item, title="Draft annex", published_at=None)
    f.DocumentFactory(meeting=meeting, title="Chair's report")
    html = page(client, meeting)
    assert "4. Winter plan" in html and "For decision" in html and "Presented by Jo Bloggs, Chief Operating" in html
    assert "Winter plan paper" in html and "Draft annex" not in html
    agenda, papers = html.split('id="papers"')
    assert "Winter plan paper" in agenda and "Chair&#x27;s report" in papers and "Winter plan paper" not in papers


def test_a_confidential_item_shows_its_title_only_and_its_paper_is_404_to_the_public(client):
    meeting = held_meeting(minutes_published_at=timezone.now())
    item = f.AgendaItemFactory(
        meeting=meeting,
        number="9",
        title="Contract award",
        is_confidential=True,
        summary="Bidder A scored highest",
        minutes="The board discussed the bids",
        resolutions="Award to Bidder A",
    )
    secret = Document.objects.create(
        title="Bid evaluation",
        kind=Document.Kind.PAPERS,
        meeting=meeting,
        agenda_item=item,
        file=SimpleUploadedFile("bids.pdf", b"%PDF-1.4\n"),
        published_at=timezone.now(),
    )
    html = page(client, meeting)
    assert "9. Contract award" in html and "Confidential (part 2): taken in private" in html
    for hidden in ("Bidder A", "discussed the bids", "Bid evaluation", secret.file_url()):
        assert hidden not in html
    assert secret not in Document.objects.public()
    assert client.get(secret.file_url()).status_code == 404
    # Staff of the ICS may still open it, to check it from the admin.
    assert staff_client(meeting.board.ics).get(secret.file_url()).status_code == 200


def test_an_items_paper_is_not_public_before_the_agenda():
    meeting = held_meeting(agenda_published_at=None)
    paper = f.DocumentFactory(meeting=meeting, agenda_item=f.AgendaItemFactory(meeting=meeting))
    assert paper not in Document.objects.public()


def attend(meeting, name, status=Attendance.Status.PRESENT, *, is_voting=True, deputy=""):
    seat = f.BoardMembershipFactory(board=meeting.board, person__name=name, is_voting=is_voting)
    return f.AttendanceFactory(meeting=meeting, membership=seat, status=status, deputy=deputy)


def test_attendance_and_quorum_show_only_once_the_minutes_are_published(client):
    meeting = held_meeting(board=f.BoardFactory(quorum=2))
    attend(meeting, "Ada Present")
    attend(meeting, "Bea Present")
    attend(meeting, "Cy Adviser", is_voting=False)
    attend(meeting, "Di Apologies", Attendance.Status.APOLOGIES, deputy="Ed Deputy, Deputy Director")
    attend(meeting, "Fay Absent", Attendance.Status.ABSENT)
    html = page(client, meeting)
    assert "Ada Present" not in html and "Quorate" not in html

    meeting.minutes_published_at = timezone.now()
    meeting.save()
    html = page(client, meeting)
    assert "Quorate: 2 of 4 voting members present; the quorum is 2." in html
    present, rest = html.split("Sent apologies")
    assert "Ada Present" in present and "Cy Adviser" in present
    apologies, absent = rest.split("Absent</h3>")
    assert "Di Apologies (deputy: Ed Deputy, Deputy Director)" in apologies and "Fay Absent" in absent


def test_a_meeting_nobody_voting_came_to_was_not_quorate_and_one_with_no_attendance_is_not_recorded(client):
    meeting = held_meeting(board=f.BoardFactory(quorum=2), minutes_published_at=timezone.now())
    assert "Quorate" not in page(client, meeting)  # no attendance recorded: nothing to say
    attend(meeting, "Di Apologies", Attendance.Status.APOLOGIES)
    attend(meeting, "Fay Absent", Attendance.Status.ABSENT)
    assert "Not quorate: 0 of 2 voting members present; the quorum is 2." in page(client, meeting)


def test_quorum_by_the_boards_rule_shows_the_recorded_answer_or_not_recorded(client):
    board = f.BoardFactory(quorum=None, quorum_rule="half the voting members, including the chair")
    meeting = held_meeting(board=board, minutes_published_at=timezone.now())
    attend(meeting, "Ada Present")
    assert "Not recorded." in page(client, meeting)
    meeting.quorate = False
    meeting.save()
    assert "Not quorate, as the minutes record; the quorum is half the voting members, including the chair." in page(
        client, meeting
    )


def test_the_minutes_say_which_meeting_approved_them_and_it_says_which_it_approved(client):
    meeting = held_meeting(minutes_published_at=timezone.now())
    approving = f.MeetingFactory(
        board=meeting.board,
        starts_at=STARTS + datetime.timedelta(days=28),
        slug="2025-04-10",
        minutes_published_at=timezone.now(),
    )
    meeting.minutes_approved_at = approving
    meeting.full_clean()
    meeting.save()
    html = page(client, meeting)
    assert "These minutes were approved as a true record at the" in html
    assert f'href="{approving.get_absolute_url()}">meeting of 10 April 2025</a>' in html
    assert f'href="{meeting.get_absolute_url()}">the meeting of 13 March 2025</a>' in page(client, approving)


def test_papers_due_by_and_whether_they_came_on_time(client):
    board = f.BoardFactory(notice_clear_days=5)
    on_time = held_meeting(board=board)
    html = page(client, on_time)
    assert "Papers due by Friday 7 March 2025 (5 clear days' notice): published on time" in html
    late = f.MeetingFactory(
        board=board,
        starts_at=STARTS + datetime.timedelta(days=7),
        slug="late",
        agenda_published_at=STARTS + datetime.timedelta(days=5),
    )
    assert "(5 clear days' notice): published late" in page(client, late)
    future = timezone.now() + datetime.timedelta(days=30)
    due = f.MeetingFactory(board=board, starts_at=future, slug="soon", status="scheduled", agenda_published_at=None)
    assert "notice): still due" in page(client, due)
    cancelled = f.MeetingFactory(
        board=board, starts_at=future, slug="off", status="cancelled", agenda_published_at=None
    )
    html = page(client, cancelled)
    assert "notice)</dd>" in html and "still due" not in html
