"""Board, meeting, MoU and person pages: what the public sees, and nothing staff-only."""

import datetime

import pytest
from django.utils import timezone

from governance.models import BoardMembership, Document, MoU
from tests import factories as f
from tests.query_pins import PAGE_QUERIES

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 6, 1)
ONE_MONTH = datetime.timedelta(days=30)
# board+ICS+place+reports_to, members, boards reporting to it, meetings, documents, the ICS's boards
BOARD_QUERIES = 6
MEETING_QUERIES = PAGE_QUERIES["meeting"]
# MoU+ICS+place, signatories, documents, status history, and for "Changes since publication" the history of the
# MoU's published text and of its published documents
MOU_QUERIES = 6
# person, seats, declarations
PERSON_QUERIES = 3


def aware(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.mark.parametrize("n", [1, 10])
def test_board_page_in_bounded_queries(client, django_assert_max_num_queries, n):
    parent = f.BoardFactory(reports_to=f.BoardFactory())
    board = f.BoardFactory(ics=parent.ics, reports_to=parent, place=f.PlaceFactory(ics=parent.ics))
    for _ in range(n):
        f.BoardMembershipFactory(board=board)
        f.BoardFactory(ics=board.ics, reports_to=board)
        f.MeetingFactory(board=board)
        f.DocumentFactory(board=board, meeting=None, kind=Document.Kind.TERMS_OF_REFERENCE)
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get(board.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["members"]) == n
    assert len(response.context["past_meetings"]) == n


def test_board_page_shows_members_with_role_and_organisation_and_the_reporting_line(client):
    icb = f.BoardFactory(name="ICB board")
    committee = f.BoardFactory(ics=icb.ics, name="Quality committee", reports_to=icb)
    board = f.BoardFactory(ics=icb.ics, name="Maternity sub-committee", reports_to=committee)
    f.BoardFactory(ics=icb.ics, name="Maternity voices group", reports_to=board)
    chair = f.BoardMembershipFactory(
        board=board, role=BoardMembership.Role.CHAIR, organisation=f.OrganisationFactory(name="Leeds Teaching")
    )
    member = f.BoardMembershipFactory(board=board, role=BoardMembership.Role.MEMBER)
    f.BoardMembershipFactory(
        board=board, person=f.PersonFactory(name="Former member"), end_date=datetime.date(2023, 1, 1)
    )
    response = client.get(board.get_absolute_url())
    html = response.content.decode()
    assert response.context["members"] == [chair, member]
    assert [b.name for b in response.context["reporting_line"]] == ["Quality committee", "ICB board"]
    assert "Leeds Teaching" in html and "Chair" in html and "Past members" in html and "Former member" in html
    assert "Maternity voices group" in html


def test_board_page_as_at_edges(client):
    board = f.BoardFactory(start_date=datetime.date(2022, 7, 1))
    f.BoardMembershipFactory(
        board=board, person=f.PersonFactory(name="Left the day before"), end_date=DAY - datetime.timedelta(1)
    )
    f.BoardMembershipFactory(board=board, person=f.PersonFactory(name="Leaves on the day"), end_date=DAY)
    f.BoardMembershipFactory(
        board=board, person=f.PersonFactory(name="Joins the day after"), start_date=DAY + datetime.timedelta(1)
    )
    response = client.get(board.get_absolute_url(), {"as_at": DAY.isoformat()})
    assert [m.person.name for m in response.context["members"]] == ["Leaves on the day"]
    assert [m.person.name for m in response.context["past_members"]] == ["Left the day before"]
    assert "Joins the day after" not in response.content.decode()
    assert "Not sitting on" in client.get(board.get_absolute_url(), {"as_at": "2021-04-01"}).content.decode()


def test_board_page_splits_upcoming_and_past_meetings(client):
    board = f.BoardFactory()
    soon = f.MeetingFactory(board=board, slug="soon", starts_at=timezone.now() + datetime.timedelta(days=7))
    gone = f.MeetingFactory(board=board, slug="gone", starts_at=timezone.now() - datetime.timedelta(days=7))
    response = client.get(board.get_absolute_url())
    assert response.context["upcoming"] == [soon] and response.context["past_meetings"] == [gone]
    assert soon.get_absolute_url() in response.content.decode()
    assert f'href="/boards/{board.slug}/meetings.ics"' in response.content.decode()


def test_board_page_hides_unpublished_documents(client):
    board = f.BoardFactory()
    f.DocumentFactory(board=board, meeting=None, title="Terms of reference", kind=Document.Kind.TERMS_OF_REFERENCE)
    f.DocumentFactory(board=board, meeting=None, title="Draft terms", published_at=None)
    html = client.get(board.get_absolute_url()).content.decode()
    assert "Terms of reference" in html and "Draft terms" not in html


@pytest.mark.parametrize("n", [1, 10])
def test_meeting_page_in_bounded_queries(client, django_assert_max_num_queries, n):
    meeting = f.MeetingFactory(board=f.BoardFactory(place=f.PlaceFactory()), minutes_published_at=timezone.now())
    f.MeetingFactory(board=meeting.board, minutes_approved_at=meeting)
    meeting.minutes_approved_at = f.MeetingFactory(board=meeting.board, starts_at=meeting.starts_at + ONE_MONTH)
    meeting.save()
    for item in f.AgendaItemFactory.create_batch(n, meeting=meeting, resolutions="Agreed.", kind="decision"):
        f.DocumentFactory(meeting=meeting, agenda_item=item)
        f.AttendanceFactory(meeting=meeting)
    f.DocumentFactory.create_batch(n, meeting=meeting)
    with django_assert_max_num_queries(MEETING_QUERIES):
        response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["items"]) == n and len(response.context["documents"]) == n
    assert all(len(row.papers) == 1 for row in response.context["items"])
    assert len(response.context["attendance"].present) == n


def test_meeting_minutes_and_resolutions_are_hidden_until_published(client):
    meeting = f.MeetingFactory(minutes_published_at=None)
    f.AgendaItemFactory(meeting=meeting, title="Budget", minutes="Draft minute text", resolutions="Draft decision")
    f.DocumentFactory(meeting=meeting, title="Published papers")
    f.DocumentFactory(meeting=meeting, title="Unpublished paper", published_at=None)
    f.DocumentFactory(meeting=meeting, title="Minutes document", kind=Document.Kind.MINUTES)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Budget" in html and "Published papers" in html
    for secret in ["Draft minute text", "Draft decision", "Unpublished paper", "Minutes document"]:
        assert secret not in html, secret
    assert "Not published yet" in html

    meeting.minutes_published_at = timezone.now()
    meeting.save()
    html = client.get(meeting.get_absolute_url()).content.decode()
    for shown in ["Draft minute text", "Draft decision", "Minutes document"]:
        assert shown in html, shown
    assert "Unpublished paper" not in html


def test_meeting_agenda_is_in_agenda_order(client):
    meeting = f.MeetingFactory()
    f.AgendaItemFactory(meeting=meeting, number="2", position=2, title="Second")
    f.AgendaItemFactory(meeting=meeting, number="1", position=1, title="First")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert html.index("1. First") < html.index("2. Second")


def test_meeting_of_another_board_is_404(client):
    meeting = f.MeetingFactory()
    assert client.get(f"/boards/{f.BoardFactory().slug}/meetings/{meeting.slug}/").status_code == 404


@pytest.mark.parametrize("n", [1, 10])
def test_mou_page_in_bounded_queries(client, django_assert_max_num_queries, n):
    mou = f.MoUFactory(place=f.PlaceFactory())
    for _ in range(n):
        f.MoUSignatoryFactory(mou=mou)
        f.DocumentFactory(mou=mou, meeting=None, kind=Document.Kind.MOU_TEXT)
    with django_assert_max_num_queries(MOU_QUERIES):
        response = client.get(mou.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["mou"].signatories.all()) == n


def test_mou_page_shows_status_version_dates_signatories_and_documents(client):
    mou = f.MoUFactory(title="Partnership MoU", version="2.1", status=MoU.Status.AGREED, start_date=DAY)
    f.MoUSignatoryFactory(
        mou=mou, organisation=f.OrganisationFactory(name="Leeds City Council"), signed_by="Tom Riordan"
    )
    f.DocumentFactory(mou=mou, meeting=None, title="MoU text", kind=Document.Kind.MOU_TEXT)
    f.DocumentFactory(mou=mou, meeting=None, title="Unpublished annex", published_at=None)
    mou.status = MoU.Status.SIGNED
    mou.save()
    html = client.get(mou.get_absolute_url()).content.decode()
    for text in [
        "Partnership MoU",
        "2.1",
        "Signed",
        "From 1 June 2023",
        "Leeds City Council",
        "Tom Riordan",
        "MoU text",
    ]:
        assert text in html, text
    assert "Unpublished annex" not in html
    assert "Status history" in html and "Agreed" in html


def test_draft_mou_is_404_for_the_public(client):
    mou = f.MoUFactory(published_at=None, status=MoU.Status.DRAFT)
    assert client.get(mou.get_absolute_url()).status_code == 404


def test_mou_status_history_leaves_out_the_draft_period(client):
    # A version no timestamp on the page can contain by chance ("0.1" is in "11:27:30.186358").
    mou = f.MoUFactory(published_at=None, status=MoU.Status.DRAFT, version="draft-a")
    mou.status, mou.version = MoU.Status.CONSULTATION, "draft-b"
    mou.save()
    mou.status, mou.published_at = MoU.Status.AGREED, timezone.now()
    mou.save()
    response = client.get(mou.get_absolute_url())
    assert [c.status for c in response.context["status_history"]] == ["Agreed"]
    assert "draft-a" not in response.content.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_person_page_in_bounded_queries(client, django_assert_max_num_queries, n):
    person = f.PersonFactory()
    for _ in range(n):
        f.BoardMembershipFactory(person=person, board=f.BoardFactory(place=f.PlaceFactory()))
        f.DeclarationOfInterestFactory(person=person, organisation=f.OrganisationFactory())
    with django_assert_max_num_queries(PERSON_QUERIES):
        response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["roles"]) == n and len(response.context["interests"]) == n


def test_person_page_current_and_past_roles_and_interests_as_at(client):
    person = f.PersonFactory(name="Cathy Elliott", title="Chair")
    old = f.BoardMembershipFactory(
        person=person, start_date=datetime.date(2018, 4, 1), end_date=datetime.date(2022, 6, 30)
    )
    new = f.BoardMembershipFactory(person=person, role=BoardMembership.Role.CHAIR, start_date=datetime.date(2022, 7, 1))
    f.DeclarationOfInterestFactory(person=person, interest="Trustee of a hospice", start_date=datetime.date(2019, 1, 1))
    response = client.get(person.get_absolute_url())
    assert response.context["roles"] == [new] and response.context["past_roles"] == [old]
    assert "Trustee of a hospice" in response.content.decode()
    response = client.get(person.get_absolute_url(), {"as_at": "2021-04-01"})
    assert response.context["roles"] == [old] and response.context["past_roles"] == []


def test_bad_as_at_on_board_and_person_pages_gives_a_message(client):
    board = f.BoardMembershipFactory()
    for url in [board.board.get_absolute_url(), board.person.get_absolute_url()]:
        response = client.get(url, {"as_at": "2023-02-29"})
        assert response.status_code == 200
        assert "2023-02-29 is not a real date" in response.content.decode()


def test_breadcrumbs_and_titles(client):
    meeting = f.MeetingFactory(
        board=f.BoardFactory(name="Quality committee"), starts_at=aware(datetime.date(2024, 1, 1))
    )
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert 'aria-label="Breadcrumb"' in html
    assert f'href="{meeting.board.get_absolute_url()}">Quality committee</a>' in html
    assert "<title>Quality committee, 1 January 2024 – ICS Portal</title>" in html


SOURCE = '"A published document"; Its publisher; 2021 [KEY]'


def test_a_meeting_whose_source_gives_no_date_says_so_on_its_page_and_its_board(client):
    board = f.BoardFactory(source=SOURCE, start_date=None, end_date=None)
    meeting = f.MeetingFactory(
        board=board, starts_at=None, slug="undated", source=SOURCE, agenda_published_at=timezone.now()
    )
    f.AgendaItemFactory(meeting=meeting, number="", title="An item the source does not number")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "<h1>Date not stated in the source" in html
    assert "Public record: &quot;A published document&quot;; Its publisher; 2021 [KEY]" in html
    assert "An item the source does not number" in html and ". An item" not in html
    board_html = client.get(board.get_absolute_url()).content.decode()
    assert "Dates not stated in the source" in board_html
    assert ">Date not stated in the source</a>" in board_html


def test_a_record_without_dates_or_a_source_says_they_are_not_recorded(client):
    board = f.BoardFactory(start_date=None, end_date=None)
    html = client.get(board.get_absolute_url()).content.decode()
    assert "Dates not recorded" in html
    assert "not stated in the source" not in html
