"""The staff dashboard's work queues on the admin home page: each queue's rule at its edges, per role."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import BoardMembership, Document, Meeting, MoU
from governance.notice import Timeliness
from staff import dashboard
from staff.dashboard import dashboard_for
from staff.models import StaffRole
from tests import factories as f

from .conftest import make_staff

NOW = timezone.now()
TODAY = timezone.localdate(NOW)
DAY = datetime.timedelta(days=1)

# The admin home page's queries. The admin's own (session, user, permissions, roles, recent actions): 6;
# a queue each, and the upcoming meetings' papers: 6; for a publisher, the four publishing queues: 4.
EDITOR_HOME_QUERIES = 12
PUBLISHER_HOME_QUERIES = 16


def days(n):
    return TODAY + n * DAY


def scheduled(board, starts_at, **kwargs):
    """A meeting, scheduled with its agenda unpublished unless given otherwise."""
    kwargs = {"agenda_published_at": None, "status": Meeting.Status.SCHEDULED, **kwargs}
    return f.MeetingFactory(board=board, starts_at=starts_at, **kwargs)


def held(board, weeks_ago, **kwargs):
    return f.MeetingFactory(board=board, starts_at=NOW - datetime.timedelta(weeks=weeks_ago), **kwargs)


def rows(queue):
    return list(queue.rows)


def everything_due(ics):
    """One record in every queue of `ics`, and near misses that are in none."""
    board = f.BoardFactory(ics=ics, name=f"Chairless {ics.pk}")
    chaired = f.BoardFactory(ics=ics, name=f"Chaired {ics.pk}")
    f.BoardMembershipFactory(board=chaired, role="chair", start_date=days(-400))
    agenda_ready = scheduled(board, NOW + 3 * DAY, slug="agenda-ready")
    f.AgendaItemFactory(meeting=agenda_ready)
    minuted = held(board, 1, slug="minuted")
    f.AgendaItemFactory(meeting=minuted, minutes="Agreed.")
    return {
        "board": board,
        "document": f.DocumentFactory(meeting=minuted, published_at=None),
        "mou": f.MoUFactory(ics=ics, published_at=None, review_date=days(-1)),
        "agenda": agenda_ready,
        "minutes": minuted,
        "membership": f.BoardMembershipFactory(board=chaired, end_date=days(10)),
        "late": held(chaired, 7, slug="late"),
    }


@pytest.mark.django_db
def test_publisher_sees_what_awaits_publication_in_their_ics_only(publisher_a, ics_a, ics_b):
    mine, theirs = everything_due(ics_a), everything_due(ics_b)
    board = mine["board"]
    # Near misses: published, no agenda items, already started, minutes not written or published.
    f.DocumentFactory(meeting=mine["minutes"])
    f.MoUFactory(ics=ics_a)
    scheduled(board, NOW + 4 * DAY, slug="published", agenda_published_at=NOW)
    scheduled(board, NOW + 5 * DAY, slug="no-items")
    f.AgendaItemFactory(meeting=scheduled(board, NOW - DAY, slug="started"))
    f.AgendaItemFactory(meeting=held(board, 2, slug="unminuted"))
    f.AgendaItemFactory(meeting=held(board, 2, slug="published-minutes", minutes_published_at=NOW), minutes="Noted.")

    queues = dashboard_for(publisher_a, now=NOW).publishing.queues
    assert rows(queues["documents"]) == [mine["document"]]
    assert rows(queues["mous"]) == [mine["mou"]]
    assert rows(queues["agendas"]) == [mine["agenda"]]
    assert rows(queues["minutes"]) == [mine["minutes"]]
    assert theirs["document"] not in rows(queues["documents"])


@pytest.mark.django_db
def test_superuser_publishes_every_ics(superuser, ics_a, ics_b):
    everything_due(ics_a), everything_due(ics_b)
    publishing = dashboard_for(superuser, now=NOW).publishing
    assert publishing.publishes_everywhere
    assert [queue.total for queue in publishing.queues.values()] == [2, 2, 2, 2]


@pytest.mark.django_db
def test_editor_is_told_a_publisher_publishes(client, editor_a, ics_a):
    everything_due(ics_a)
    assert dashboard_for(editor_a, now=NOW).publishing.queues is None
    client.force_login(editor_a)
    body = client.get(reverse("admin:index")).content.decode()
    assert "A publisher of your ICS publishes drafts" in body
    assert 'id="draft-documents"' not in body


@pytest.mark.django_db
def test_publisher_of_one_ics_and_editor_of_another_publishes_only_the_first(ics_a, ics_b):
    user = make_staff("both", ics_a, StaffRole.Role.PUBLISHER)
    StaffRole.objects.create(user=user, ics=ics_b, role=StaffRole.Role.EDITOR)
    mine = everything_due(ics_a)
    everything_due(ics_b)
    publishing = dashboard_for(user, now=NOW).publishing
    assert not publishing.publishes_everywhere
    assert rows(publishing.queues["mous"]) == [mine["mou"]]


@pytest.mark.django_db
def test_upcoming_meetings_in_the_next_six_weeks_soonest_deadline_first(editor_a, ics_a, ics_b):
    board = f.BoardFactory(ics=ics_a, notice_clear_days=5)
    long_notice = f.BoardFactory(ics=ics_a, notice_clear_days=30)
    six_weeks = NOW + dashboard.UPCOMING_WITHIN
    last_in = scheduled(board, six_weeks - datetime.timedelta(hours=1), slug="last-in")
    long_notice_meeting = scheduled(long_notice, NOW + 21 * DAY, slug="long-notice")
    soon = scheduled(board, NOW + 2 * DAY, slug="soon")
    scheduled(board, six_weeks + datetime.timedelta(hours=1), slug="too-far")
    scheduled(board, NOW - datetime.timedelta(hours=1), slug="started")
    scheduled(board, NOW + 7 * DAY, slug="cancelled", status=Meeting.Status.CANCELLED)
    scheduled(f.BoardFactory(ics=ics_b), NOW + 7 * DAY, slug="other-ics")

    queue = dashboard_for(editor_a, now=NOW).upcoming_meetings
    assert [row.meeting for row in queue.rows] == [long_notice_meeting, soon, last_in]
    assert [row.papers_due for row in queue.rows] == [
        timezone.localdate(long_notice_meeting.starts_at) - 31 * DAY,
        timezone.localdate(soon.starts_at) - 6 * DAY,
        timezone.localdate(last_in.starts_at) - 6 * DAY,
    ]
    assert [row.timeliness for row in queue.rows] == [Timeliness.LATE, Timeliness.LATE, Timeliness.DUE]


@pytest.mark.django_db
def test_upcoming_papers_on_time_ignore_a_confidential_items_papers(client, editor_a, ics_a):
    board = f.BoardFactory(ics=ics_a, notice_clear_days=5)
    meeting = scheduled(board, NOW + 30 * DAY, agenda_published_at=NOW)
    f.DocumentFactory(meeting=meeting, kind=Document.Kind.AGENDA, published_at=NOW)
    confidential = f.AgendaItemFactory(meeting=meeting, is_confidential=True)
    f.DocumentFactory(meeting=meeting, agenda_item=confidential, published_at=None)
    f.DocumentFactory(meeting=meeting, kind=Document.Kind.MINUTES, published_at=None)

    [row] = dashboard_for(editor_a, now=NOW).upcoming_meetings.rows
    assert row.timeliness is Timeliness.ON_TIME
    late = scheduled(board, NOW + 2 * DAY, slug="late")
    client.force_login(editor_a)
    body = client.get(reverse("admin:index")).content.decode()
    assert body.count("nhsuk-tag--red") == 1
    assert reverse("admin:governance_meeting_change", args=[late.pk]) in body


@pytest.mark.django_db
def test_mou_reviews_due_in_sixty_days_or_overdue(client, editor_a, ics_a, ics_b):
    due_last = f.MoUFactory(ics=ics_a, review_date=days(60))
    overdue = f.MoUFactory(ics=ics_a, review_date=days(-1), status=MoU.Status.CONSULTATION)
    due_today = f.MoUFactory(ics=ics_a, review_date=days(0))
    f.MoUFactory(ics=ics_a, review_date=days(61))
    f.MoUFactory(ics=ics_a, review_date=days(-1), status=MoU.Status.WITHDRAWN)
    f.MoUFactory(ics=ics_a, review_date=days(-1), status=MoU.Status.SUPERSEDED)
    f.MoUFactory(ics=ics_a, review_date=days(-1), end_date=days(-1))
    f.MoUFactory(ics=ics_b, review_date=days(1))

    assert rows(dashboard_for(editor_a, now=NOW).mou_reviews) == [overdue, due_today, due_last]
    client.force_login(editor_a)
    body = client.get(reverse("admin:index")).content.decode()
    assert body.count(">Overdue<") == 1


@pytest.mark.django_db
def test_terms_ending_with_no_successor_recorded(editor_a, ics_a, ics_b):
    board, other_board = f.BoardFactory(ics=ics_a), f.BoardFactory(ics=ics_a)
    seat = lambda **kwargs: f.BoardMembershipFactory(board=kwargs.pop("board", board), **kwargs)  # noqa: E731
    chair = BoardMembership.Role.CHAIR
    vice_chair = BoardMembership.Role.VICE_CHAIR

    ends_today = seat(end_date=days(0))
    ends_last_day = seat(end_date=days(60))
    seat(end_date=days(61))
    seat(end_date=days(-1))
    renewed = seat(end_date=days(10))
    seat(person=renewed.person, start_date=days(40))  # a renewed term, after a gap
    moves_board = seat(end_date=days(10))
    seat(board=other_board, person=moves_board.person, start_date=days(11))
    chair_followed = seat(role=chair, start_date=days(-300), end_date=days(20))
    seat(role=chair, start_date=days(21))
    vice_chair_overlapped = seat(role=vice_chair, end_date=days(30))
    seat(role=vice_chair, start_date=days(25), end_date=days(400))
    chair_after_gap = seat(board=other_board, role=chair, start_date=days(-300), end_date=days(20))
    seat(board=other_board, role=chair, start_date=days(22), end_date=days(29))  # followed by the next
    chair_staying_on = seat(board=other_board, role=chair, start_date=days(30), end_date=days(50))
    seat(board=other_board, person=chair_staying_on.person, start_date=days(51))  # stays as a member
    f.BoardMembershipFactory(board=f.BoardFactory(ics=ics_b), end_date=days(10))

    listed = rows(dashboard_for(editor_a, now=NOW).terms_ending)
    assert listed == [ends_today, moves_board, chair_after_gap, chair_staying_on, ends_last_day]
    assert {renewed, chair_followed, vice_chair_overlapped}.isdisjoint(listed)


@pytest.mark.django_db
def test_meetings_missing_minutes_and_boards_without_chair(editor_a, ics_a, ics_b):
    mine, theirs = everything_due(ics_a), everything_due(ics_b)
    board = mine["board"]
    held(board, 5, slug="recent")
    held(board, 8, slug="minuted-late", minutes_published_at=NOW)
    f.BoardFactory(ics=ics_a, end_date=days(-1))

    attention = dashboard_for(editor_a, now=NOW)
    # The minuted meeting with unpublished minutes was a week ago: not yet due.
    assert rows(attention.meetings_without_minutes) == [mine["late"]]
    assert rows(attention.boards_without_chair) == [board]
    assert theirs["board"] not in rows(attention.boards_without_chair)


@pytest.mark.django_db
def test_a_long_queue_shows_its_first_rows_and_how_many_more(client, publisher_a, ics_a):
    for _ in range(dashboard.LIMIT + 2):
        f.MoUFactory(ics=ics_a, published_at=None)
    queue = dashboard_for(publisher_a, now=NOW).publishing.queues["mous"]
    assert (len(queue.rows), queue.total, queue.more) == (dashboard.LIMIT, dashboard.LIMIT + 2, 2)
    client.force_login(publisher_a)
    body = client.get(reverse("admin:index")).content.decode()
    assert "And 2 more" in body
    assert reverse("admin:governance_mou_changelist") + "?published_at__isempty=1" in body


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 6])
@pytest.mark.parametrize(
    ("role", "queries"),
    [(StaffRole.Role.EDITOR, EDITOR_HOME_QUERIES), (StaffRole.Role.PUBLISHER, PUBLISHER_HOME_QUERIES)],
)
def test_admin_home_shows_the_queues_in_bounded_queries(client, django_assert_max_num_queries, n, role, queries):
    user = make_staff("dash")
    for _ in range(n):
        ics = f.IntegratedCareSystemFactory()
        everything_due(ics)
        StaffRole.objects.create(user=user, ics=ics, role=role)
        board = f.BoardFactory(ics=ics)
        meeting = scheduled(board, NOW + 10 * DAY)
        f.DocumentFactory(meeting=meeting, kind=Document.Kind.PAPERS, published_at=None)
        f.DocumentFactory(meeting=meeting, kind=Document.Kind.AGENDA, published_at=NOW)
    client.force_login(user)
    with django_assert_max_num_queries(queries):
        response = client.get(reverse("admin:index"))
    body = response.content.decode()
    assert "Needs attention in your ICSs" in body
    chairless = 2 * n  # everything_due's and the meeting's board
    assert len(re.findall(r"/admin/governance/board/\d+/change/", body)) == min(chairless, dashboard.LIMIT)
    assert ('id="boards-without-chair-more"' in body) == (chairless > dashboard.LIMIT)
    assert 'id="meetings-without-minutes"' in body


@pytest.mark.django_db
def test_admin_home_without_anything_due(client, editor_a):
    client.force_login(editor_a)
    assert "Nothing needs attention" in client.get(reverse("admin:index")).content.decode()
