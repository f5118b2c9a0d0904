"""No lost edits: a save over a colleague's newer version is refused, and the form shown again keeps
the user's input, says who changed what, and carries the newer stamp so that saving again applies it."""

import datetime

import pytest
from django.urls import reverse

from governance.models import Board, BoardMembership
from tests import factories as f

from .conftest import make_staff
from .helpers import admin_form_data


def _two_clerks(client, ics, url):
    """Ann and Bob, each with the page at `url` as they loaded it."""
    ann, bob = client.__class__(), client.__class__()
    ann.force_login(make_staff("ann", ics))
    bob.force_login(make_staff("bob", ics))
    return (ann, admin_form_data(ann.get(url))), (bob, admin_form_data(bob.get(url)))


def _errors(form) -> str:
    return " ".join(form.non_field_errors())


@pytest.mark.django_db(transaction=True)
def test_a_refused_save_keeps_the_input_says_what_changed_and_saves_on_top_when_sent_again(client, ics_a):
    board = f.BoardFactory(ics=ics_a, name="Original name", kind=Board.Kind.COMMITTEE)
    url = reverse("admin:governance_board_change", args=[board.pk])
    (ann, ann_data), (bob, bob_data) = _two_clerks(client, ics_a, url)

    ann_data["name"] = "Ann's name"
    assert ann.post(url, ann_data).status_code == 302
    bob_data["kind"] = Board.Kind.JOINT_COMMITTEE
    bob_data["is_statutory"] = "on"
    response = bob.post(url, bob_data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = _errors(form)
    assert "Someone else saved this record after you opened it" in errors
    assert "Board “Ann's name” was changed by ann at" in errors
    assert "Name: Original name → Ann's name" in errors  # labels and values, not attnames and reprs
    board.refresh_from_db()
    assert (board.name, board.kind) == ("Ann's name", Board.Kind.COMMITTEE)  # nothing of Bob's saved
    # Shown again: Bob's input as he typed it, on top of Ann's version, with her version's stamp.
    assert form["kind"].value() == Board.Kind.JOINT_COMMITTEE
    assert form["is_statutory"].value() is True
    assert form["name"].value() == "Ann's name"
    assert form["loaded_modified_at"].value() == board.modified_at.isoformat()
    assert 'value="joint_committee" selected' in response.content.decode()

    assert bob.post(url, admin_form_data(response)).status_code == 302
    board.refresh_from_db()
    assert (board.name, board.kind, board.is_statutory) == ("Ann's name", Board.Kind.JOINT_COMMITTEE, True)


@pytest.mark.django_db(transaction=True)
def test_where_both_changed_a_field_the_form_shown_again_holds_the_second_persons_value(client, ics_a):
    board = f.BoardFactory(ics=ics_a, name="Original name")
    url = reverse("admin:governance_board_change", args=[board.pk])
    (ann, ann_data), (bob, bob_data) = _two_clerks(client, ics_a, url)

    ann_data["name"] = "Ann's name"
    assert ann.post(url, ann_data).status_code == 302
    bob_data["name"] = "Bob's name"
    response = bob.post(url, bob_data)

    assert "Name: Original name → Ann's name" in _errors(response.context["adminform"].form)
    assert response.context["adminform"].form["name"].value() == "Bob's name"
    assert bob.post(url, admin_form_data(response)).status_code == 302  # Bob chose to save his over hers
    board.refresh_from_db()
    assert board.name == "Bob's name"


def _row(response, membership):
    """The form of `membership`'s row on its board's page."""
    formset = next(inline.formset for inline in response.context["inline_admin_formsets"])
    return next(form for form in formset.forms if form.instance.pk == membership.pk)


@pytest.mark.django_db(transaction=True)
def test_two_people_editing_different_members_on_the_board_page(client, ics_a):
    board = f.BoardFactory(ics=ics_a)
    first = f.BoardMembershipFactory(board=board, person=f.PersonFactory(name="Ada First"))
    second = f.BoardMembershipFactory(board=board, person=f.PersonFactory(name="Ben Second"))
    url = reverse("admin:governance_board_change", args=[board.pk])
    (ann, ann_data), (bob, bob_data) = _two_clerks(client, ics_a, url)
    ann_page, bob_page = ann.get(url), bob.get(url)

    ann_data[_row(ann_page, first)["role"].html_name] = BoardMembership.Role.OBSERVER
    assert ann.post(url, ann_data).status_code == 302
    bob_end = _row(bob_page, second)["end_date"].html_name
    bob_data[bob_end] = "2025-03-31"
    response = bob.post(url, bob_data)

    # Bob's page held Ada's row as it was: saving it would have undone Ann's change. Refused, on her row.
    assert response.status_code == 200
    refused = _errors(_row(response, first))
    assert "Board membership “Ada First (Observer, " in refused
    assert "was changed by ann at" in refused
    assert "Role: Member → Observer" in refused
    assert not _row(response, second).errors
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, second.end_date) == (BoardMembership.Role.OBSERVER, None)
    assert _row(response, second)["end_date"].value() == "2025-03-31"  # Bob's input, as he typed it
    assert _row(response, first)["role"].value() == BoardMembership.Role.OBSERVER  # Ann's, under it

    assert bob.post(url, admin_form_data(response)).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, second.end_date) == (BoardMembership.Role.OBSERVER, datetime.date(2025, 3, 31))


@pytest.mark.django_db
def test_form_without_its_version_stamp_is_refused(client, editor_a, world_a):
    board = world_a.records["board"]
    url = reverse("admin:governance_board_change", args=[board.pk])
    client.force_login(editor_a)
    data = admin_form_data(client.get(url))
    data.pop("loaded_modified_at")
    data["name"] = "Changed"
    assert client.post(url, data).status_code == 200
    board.refresh_from_db()
    assert board.name != "Changed"
