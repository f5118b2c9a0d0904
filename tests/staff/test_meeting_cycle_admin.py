"""The meeting cycle in the admin: a publisher publishes the agenda, an editor cannot; attendance chosen from the
board's members (another board's is refused with a message); papers on this meeting's items; bounded queries."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Attendance, Meeting
from tests import factories as f

from .helpers import admin_form_data

pytestmark = pytest.mark.django_db

PUBLISH_AGENDA = "publish_agenda_selected"


def change_url(meeting):
    return reverse("admin:governance_meeting_change", args=[meeting.pk])


def unpublished_meeting(world):
    meeting = world.records["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(agenda_published_at=None)
    return meeting


def inline_formset(response, model):
    return next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is model)


def test_a_publisher_publishes_the_agenda_with_the_action(client, publisher_a, world_a):
    meeting = unpublished_meeting(world_a)
    client.force_login(publisher_a)
    response = client.post(
        reverse("admin:governance_meeting_changelist"), {"action": PUBLISH_AGENDA, "_selected_action": [meeting.pk]}
    )
    assert response.status_code == 302
    assert [m.message for m in get_messages(response.wsgi_request)] == ["Published 1 record(s)."]
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None and meeting.minutes_published_at is None
    assert meeting.history.first().history_user == publisher_a


def test_an_editor_cannot_publish_the_agenda_by_the_action_or_the_form(client, editor_a, world_a):
    meeting = unpublished_meeting(world_a)
    client.force_login(editor_a)
    response = client.post(
        reverse("admin:governance_meeting_changelist"), {"action": PUBLISH_AGENDA, "_selected_action": [meeting.pk]}
    )
    assert [m.message for m in get_messages(response.wsgi_request)] == ["No action selected."]

    page = client.get(change_url(meeting))
    form = page.context["adminform"].form
    assert "agenda_published_at" not in form.fields and "minutes_published_at" not in form.fields
    assert "agenda_published_at" in page.context["adminform"].readonly_fields
    data = admin_form_data(page) | {"agenda_published_at_0": "01/01/2024", "agenda_published_at_1": "09:00:00"}
    assert client.post(change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None


def add_attendance_row(page, membership):
    data = admin_form_data(page)
    prefix = inline_formset(page, Attendance).prefix
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(row + 1)
    data |= {f"{prefix}-{row}-membership": str(membership.pk), f"{prefix}-{row}-status": "apologies"}
    data[f"{prefix}-{row}-deputy"] = "Ed Deputy"
    return data


def test_attendance_is_chosen_from_the_boards_members(client, editor_a, world_a, world_b):
    meeting = world_a.records["meeting"]
    seat = world_a.records["boardmembership"]
    client.force_login(editor_a)
    page = client.get(change_url(meeting))
    choices = inline_formset(page, Attendance).empty_form.fields["membership"].choices
    assert [value for value, _ in choices] == ["", str(seat.pk)]

    response = client.post(change_url(meeting), add_attendance_row(page, seat))
    assert response.status_code == 302
    assert meeting.attendance.get().deputy == "Ed Deputy"


def test_a_member_of_another_board_is_refused_with_a_message(client, editor_a, world_a):
    meeting = world_a.records["meeting"]
    other_seat = f.BoardMembershipFactory(board=f.BoardFactory(ics=world_a.ics))
    client.force_login(editor_a)
    response = client.post(change_url(meeting), add_attendance_row(client.get(change_url(meeting)), other_seat))
    assert response.status_code == 200
    [errors] = [e for e in inline_formset(response, Attendance).errors if e]
    assert "Select a valid choice" in str(errors["membership"])
    assert not meeting.attendance.exists()


def test_a_paper_is_attached_to_an_item_of_this_meeting_only(client, editor_a, world_a):
    meeting = world_a.records["meeting"]
    item = world_a.records["agendaitem"]
    f.AgendaItemFactory(meeting=f.MeetingFactory(board=meeting.board))  # another meeting's
    client.force_login(editor_a)
    page = client.get(change_url(meeting))
    documents = next(
        i.formset for i in page.context["inline_admin_formsets"] if "agenda_item" in i.formset.empty_form.fields
    )
    assert [value for value, _ in documents.empty_form.fields["agenda_item"].choices] == ["", str(item.pk)]


def test_the_page_reads_the_members_once_for_any_number_of_attendance_rows(client, editor_a, world_a):
    """Shown: the same queries for 1 row or 6. Saved: each row costs Django's own two lookups (the row by its id,
    its member's existence), as every inline's row does, and not a reading of the choices."""
    meeting = world_a.records["meeting"]
    client.force_login(editor_a)
    shown, saved = [], []
    for rows in (1, 6):
        meeting.attendance.all().delete()
        for _ in range(rows):
            f.AttendanceFactory(meeting=meeting, membership=f.BoardMembershipFactory(board=meeting.board))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(change_url(meeting))
        shown.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert client.post(change_url(meeting), admin_form_data(page)).status_code == 302
        saved.append(len(queries))
    assert shown[0] == shown[1]
    assert saved[1] - saved[0] == 2 * 5


def test_a_member_whose_seat_had_ended_gets_the_models_message(client, editor_a, world_a):
    meeting = world_a.records["meeting"]
    gone = f.BoardMembershipFactory(board=meeting.board, end_date=meeting.starts_at.date().replace(year=2023))
    client.force_login(editor_a)
    response = client.post(change_url(meeting), add_attendance_row(client.get(change_url(meeting)), gone))
    assert response.status_code == 200
    [errors] = [e for e in inline_formset(response, Attendance).errors if e]
    assert "was not a member of the board on" in str(errors["membership"])


def test_the_board_form_has_the_quorum_and_notice_period(client, editor_a, world_a):
    board = world_a.records["board"]
    client.force_login(editor_a)
    form = client.get(reverse("admin:governance_board_change", args=[board.pk])).context["adminform"].form
    assert {"quorum", "quorum_rule", "notice_clear_days"} <= set(form.fields)
