"""Dates make sense: a meeting is held and minuted only once it has started, nothing is signed or published in
the future, and a board member's organisation was operating during their seat. Each rule is in the model's clean(), so
full_clean(), the API and the admin all give its message on the field at fault; "now" is the clock's, and
exactly now (or today) is allowed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import BoardMembership, Meeting
from staff.models import StaffRole
from tests import factories as f
from tests.api.conftest import client_for, make_user
from tests.staff.helpers import admin_form_data

pytestmark = pytest.mark.django_db

# 10:00 in London on 30 November 2026 (GMT): the clock for every test here.
NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
HELD_TOO_SOON = "A meeting can be marked held only once it has started (it starts at 10:00 on 11 December 2026)."
MINUTES_TOO_SOON = (
    "Minutes can be published only once the meeting has started (it starts at 10:00 on 11 December 2026)."
)
SIGNED_IN_FUTURE = "A signing date cannot be in the future: 1 December 2026 is after today (30 November 2026)."


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def ics_a():
    return f.IntegratedCareSystemFactory()


@pytest.fixture
def staff_a(ics_a):
    return make_user("publisher_a", ics_a, role=StaffRole.Role.PUBLISHER)


@pytest.fixture
def superuser():
    return make_user("root", is_superuser=True)


def _errors(obj) -> dict:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def _meeting(ics=None, **fields):
    board = f.BoardFactory(ics=ics) if ics else f.BoardFactory()
    values = {"board": board, "starts_at": NOW, "status": Meeting.Status.SCHEDULED, **fields}
    return f.MeetingFactory.build(**values)


def _saved_meeting(ics=None, **fields):
    board = f.BoardFactory(ics=ics) if ics else f.BoardFactory()
    return f.MeetingFactory(board=board, **{"status": Meeting.Status.SCHEDULED, **fields})


def _operating(start=None, end=None):
    return f.OrganisationFactory(start_date=start, end_date=end)


# --- a meeting is held only once it has started ---------------------------------------------------------


def test_a_meeting_in_the_future_cannot_be_held():
    meeting = _meeting(starts_at=NOW + datetime.timedelta(days=11), status=Meeting.Status.HELD)
    assert _errors(meeting) == {"status": [HELD_TOO_SOON]}


def test_a_meeting_starting_a_second_from_now_cannot_be_held():
    meeting = _meeting(starts_at=NOW + datetime.timedelta(seconds=1), status=Meeting.Status.HELD)
    assert list(_errors(meeting)) == ["status"]


def test_a_meeting_starting_exactly_now_can_be_held_and_minuted():
    _meeting(starts_at=NOW, status=Meeting.Status.HELD, minutes_published_at=NOW).full_clean()


def test_a_meeting_held_in_the_past_with_minutes_after_it_is_accepted():
    starts_at = NOW - datetime.timedelta(days=40)
    meeting = _meeting(
        starts_at=starts_at, status=Meeting.Status.HELD, minutes_published_at=starts_at + datetime.timedelta(days=21)
    )
    meeting.full_clean()


def test_a_future_meeting_may_be_scheduled_postponed_or_cancelled():
    for status in (Meeting.Status.SCHEDULED, Meeting.Status.POSTPONED, Meeting.Status.CANCELLED):
        _meeting(starts_at=NOW + datetime.timedelta(days=11), status=status).full_clean()


# --- minutes are published only after the meeting --------------------------------------------------------


def test_minutes_of_a_meeting_not_yet_started_cannot_be_published():
    meeting = _meeting(starts_at=NOW + datetime.timedelta(days=11), minutes_published_at=NOW)
    assert _errors(meeting) == {"minutes_published_at": [MINUTES_TOO_SOON]}


def test_minutes_cannot_be_dated_before_their_meeting():
    starts_at = NOW - datetime.timedelta(days=2)
    meeting = _meeting(starts_at=starts_at, minutes_published_at=starts_at - datetime.timedelta(seconds=1))
    assert _errors(meeting) == {
        "minutes_published_at": [
            "Minutes cannot be published before their meeting: 09:59 on 28 November 2026 is before it starts at "
            "10:00 on 28 November 2026."
        ]
    }


def test_minutes_dated_exactly_at_the_start_are_accepted():
    starts_at = NOW - datetime.timedelta(days=2)
    _meeting(starts_at=starts_at, status=Meeting.Status.HELD, minutes_published_at=starts_at).full_clean()


def test_the_publish_service_refuses_minutes_of_a_meeting_not_yet_started(ics_a, staff_a):
    meeting = _saved_meeting(ics_a, starts_at=NOW + datetime.timedelta(days=11))
    with pytest.raises(ValidationError) as caught:
        services.meeting_publish_minutes(meeting=meeting, user=staff_a)
    assert caught.value.message_dict == {"minutes_published_at": [MINUTES_TOO_SOON]}
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None


def test_the_publish_service_publishes_minutes_of_a_meeting_that_has_started(ics_a, staff_a):
    meeting = _saved_meeting(ics_a, starts_at=NOW, status=Meeting.Status.HELD)
    assert services.meeting_publish_minutes(meeting=meeting, user=staff_a).minutes_published_at == NOW


# --- signing dates are not in the future -------------------------------------------------------------------


def test_a_signature_dated_tomorrow_is_refused():
    signatory = f.MoUSignatoryFactory.build(mou=f.MoUFactory(), organisation=f.OrganisationFactory())
    signatory.signed_on = TODAY + datetime.timedelta(days=1)
    assert _errors(signatory) == {"signed_on": [SIGNED_IN_FUTURE]}


def test_a_signature_dated_today_or_undated_is_accepted():
    for signed_on in (TODAY, TODAY - datetime.timedelta(days=400), None):
        f.MoUSignatoryFactory.build(
            mou=f.MoUFactory(), organisation=f.OrganisationFactory(), signed_on=signed_on
        ).full_clean()


# --- nothing is published in the future: a stamp shows the record at once, so a later one would misdate it ---

TOMORROW = NOW + datetime.timedelta(days=1)


def _published_in_future(what):
    return f"{what} cannot be published in the future (10:00 on 1 December 2026): publish it when it is ready."


@pytest.mark.parametrize(
    ("build", "field", "what"),
    [
        (
            lambda: _meeting(starts_at=NOW + datetime.timedelta(days=8), agenda_published_at=TOMORROW),
            "agenda_published_at",
            "An agenda",
        ),
        (
            lambda: _meeting(
                starts_at=NOW - datetime.timedelta(days=2), status=Meeting.Status.HELD, minutes_published_at=TOMORROW
            ),
            "minutes_published_at",
            "Minutes",
        ),
        (
            lambda: f.MoUFactory.build(ics=f.IntegratedCareSystemFactory(), published_at=TOMORROW),
            "published_at",
            "An MoU",
        ),
        (
            lambda: f.DocumentFactory.build(meeting=_saved_meeting(), published_at=TOMORROW),
            "published_at",
            "A document",
        ),
    ],
)
def test_a_publish_stamp_later_than_now_is_refused(build, field, what):
    record = build()
    assert _errors(record) == {field: [_published_in_future(what)]}
    setattr(record, field, NOW)
    record.full_clean()


def test_api_refuses_an_mou_published_in_the_future(staff_a, ics_a):
    mou = f.MoUFactory(ics=ics_a, published_at=None)
    response = client_for(staff_a).patch(
        f"/api/v1/mous/{mou.slug}/", {"published_at": "2026-12-01T10:00:00Z"}, format="json"
    )
    assert _api_error(response, "published_at") == _published_in_future("An MoU")
    mou.refresh_from_db()
    assert mou.published_at is None


# --- a board member's organisation was operating during the membership ----------------------------------------


def _seat(organisation, start=None, end=None):
    return f.BoardMembershipFactory.build(
        board=f.BoardFactory(), person=f.PersonFactory(), organisation=organisation, start_date=start, end_date=end
    )


def test_a_seat_starting_before_its_organisation_opened_is_refused():
    org = _operating(start=datetime.date(2022, 7, 1))
    seat = _seat(org, start=datetime.date(2022, 6, 30))
    assert _errors(seat) == {
        "organisation": [
            f"{org} started operating on 1 July 2022, after this membership starts (30 June 2022): choose the "
            "organisation the member represented then, or change the dates."
        ]
    }


def test_a_seat_ending_after_its_organisation_closed_is_refused():
    org = _operating(end=datetime.date(2022, 6, 30))
    seat = _seat(org, start=datetime.date(2020, 1, 1), end=datetime.date(2022, 7, 1))
    assert _errors(seat) == {
        "organisation": [
            f"{org} stopped operating on 30 June 2022, before this membership ends (1 July 2022): choose the "
            "organisation the member represented then, or change the dates."
        ]
    }


def test_an_open_seat_starting_after_its_organisation_closed_is_refused():
    org = _operating(end=datetime.date(2022, 6, 30))
    assert list(_errors(_seat(org, start=datetime.date(2023, 1, 1)))) == ["organisation"]


def test_a_seat_on_its_organisations_first_and_last_days_is_accepted():
    org = _operating(start=datetime.date(2018, 4, 1), end=datetime.date(2022, 6, 30))
    _seat(org, start=datetime.date(2018, 4, 1), end=datetime.date(2022, 6, 30)).full_clean()


def test_a_seat_or_organisation_without_dates_is_not_compared():
    _seat(_operating(start=datetime.date(2022, 7, 1))).full_clean()  # the seat's start unknown
    _seat(_operating(), start=datetime.date(2000, 1, 1), end=datetime.date(2001, 1, 1)).full_clean()
    _seat(None, start=datetime.date(2000, 1, 1)).full_clean()


# --- through the API: a 400 naming the field, with its message -----------------------------------------------


def _api_error(response, field):
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert list(errors) == [field], errors
    return errors[field][0]


def test_api_refuses_a_future_meeting_marked_held(staff_a, ics_a):
    body = {
        "board": f.BoardFactory(ics=ics_a).slug,
        "slug": "m",
        "starts_at": "2026-12-11T10:00:00Z",
        "status": "held",
    }
    assert _api_error(client_for(staff_a).post("/api/v1/meetings/", body, format="json"), "status") == HELD_TOO_SOON
    assert not Meeting.objects.exists()


def test_api_refuses_minutes_of_a_meeting_not_yet_started(staff_a, ics_a):
    meeting = _saved_meeting(ics_a, starts_at=NOW + datetime.timedelta(days=11))
    response = client_for(staff_a).patch(
        f"/api/v1/meetings/{meeting.pk}/", {"minutes_published_at": "2026-11-30T10:00:00Z"}, format="json"
    )
    assert _api_error(response, "minutes_published_at") == MINUTES_TOO_SOON


def test_api_accepts_a_meeting_held_in_the_past_with_minutes_after_it(staff_a, ics_a):
    body = {
        "board": f.BoardFactory(ics=ics_a).slug,
        "slug": "m",
        "starts_at": "2026-10-01T10:00:00Z",
        "status": "held",
        "minutes_published_at": "2026-10-22T10:00:00Z",
    }
    response = client_for(staff_a).post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 201, response.content


def test_api_refuses_a_signature_in_the_future(staff_a, ics_a):
    body = {
        "mou": f.MoUFactory(ics=ics_a).slug,
        "organisation": f.OrganisationFactory().slug,
        "signed_on": "2026-12-01",
    }
    response = client_for(staff_a).post("/api/v1/mou-signatories/", body, format="json")
    assert _api_error(response, "signed_on") == SIGNED_IN_FUTURE
    body["signed_on"] = "2026-11-30"
    assert client_for(staff_a).post("/api/v1/mou-signatories/", body, format="json").status_code == 201


def test_api_refuses_a_seat_for_an_organisation_not_yet_operating(staff_a, ics_a):
    org = _operating(start=datetime.date(2022, 7, 1))
    body = {
        "board": f.BoardFactory(ics=ics_a).slug,
        "person": f.PersonFactory().slug,
        "organisation": org.slug,
        "role": "member",
        "start_date": "2021-01-01",
    }
    response = client_for(staff_a).post("/api/v1/board-memberships/", body, format="json")
    assert _api_error(response, "organisation").startswith(f"{org} started operating on 1 July 2022")
    body["start_date"] = "2022-07-01"
    assert client_for(staff_a).post("/api/v1/board-memberships/", body, format="json").status_code == 201


# --- through the admin: the message on the field ----------------------------------------------------------------


def _admin_post(client, superuser, obj, **changes):
    client.force_login(superuser)
    url = reverse(f"admin:governance_{obj._meta.model_name}_change", args=[obj.pk])
    data = {**admin_form_data(client.get(url)), **changes}
    response = client.post(url, data)
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["adminform"].form.errors


def test_admin_refuses_a_future_meeting_marked_held(client, superuser):
    meeting = _saved_meeting(starts_at=NOW + datetime.timedelta(days=11))
    errors = _admin_post(client, superuser, meeting, status="held")
    assert errors["status"] == [HELD_TOO_SOON]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_admin_refuses_minutes_of_a_meeting_not_yet_started(client, superuser):
    meeting = _saved_meeting(starts_at=NOW + datetime.timedelta(days=11))
    errors = _admin_post(
        client, superuser, meeting, minutes_published_at_0="2026-11-30", minutes_published_at_1="10:00:00"
    )
    assert errors["minutes_published_at"] == [MINUTES_TOO_SOON]


def test_admin_refuses_a_signature_in_the_future(client, superuser):
    signatory = f.MoUSignatoryFactory()
    errors = _admin_post(client, superuser, signatory, signed_on="2026-12-01")
    assert errors["signed_on"] == [SIGNED_IN_FUTURE]


def test_admin_refuses_an_mou_or_document_published_in_the_future(client, superuser):
    mou = f.MoUFactory(published_at=None)
    document = f.DocumentFactory(mou=mou, meeting=None, published_at=None)
    for record, what in ((mou, "An MoU"), (document, "A document")):
        errors = _admin_post(client, superuser, record, published_at_0="2026-12-01", published_at_1="10:00:00")
        assert errors["published_at"] == [_published_in_future(what)]
        record.refresh_from_db()
        assert record.published_at is None


def test_admin_refuses_a_seat_for_an_organisation_that_had_closed(client, superuser):
    org = _operating(end=datetime.date(2022, 6, 30))
    seat = f.BoardMembershipFactory(organisation=org, start_date=datetime.date(2020, 1, 1))
    errors = _admin_post(client, superuser, seat, end_date="2022-07-01")
    assert errors["organisation"][0].startswith(f"{org} stopped operating on 30 June 2022")
    seat.refresh_from_db()
    assert seat.end_date is None


def test_factories_make_valid_rows():
    for obj in (f.MeetingFactory(), f.MoUSignatoryFactory(), f.BoardMembershipFactory()):
        obj.full_clean()
    assert BoardMembership.objects.count() == 1
