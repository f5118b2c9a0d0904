"""Every list endpoint runs the same number of queries for 1 row as for 10, each with related rows."""

import datetime

import pytest
from django.utils import timezone

from places.models import Cluster, ClusterMembership, IcsStage, IcsSuccession
from staff.models import StaffRole
from tests import factories as f
from tests.api.conftest import client_for, make_user


def _icss(n, ics):
    """Today's ICSs, each with stages, a predecessor it took area from, and a cluster."""
    for _ in range(n):
        other = f.IntegratedCareSystemFactory()
        f.IcsStageFactory(
            ics=other, stage="stp", start_date=datetime.date(2016, 4, 1), end_date=datetime.date(2022, 6, 30)
        )
        f.IcsStageFactory(ics=other)
        _with_predecessor_and_cluster(other)


def _with_predecessor_and_cluster(ics):
    abolished = f.IntegratedCareSystemFactory(end_date=datetime.date(2026, 3, 31))
    IcsSuccession.objects.create(
        predecessor=abolished, successor=ics, kind=IcsSuccession.Kind.MERGER, date=datetime.date(2026, 4, 1)
    )
    cluster = Cluster.objects.create(
        name=f"Cluster of {abolished.slug}", slug=f"cluster-{abolished.slug}", start_date=datetime.date(2025, 4, 1)
    )
    ClusterMembership.objects.create(cluster=cluster, ics=ics)


def _places(n, ics):
    """Places, each of which moved from another ICS into this one."""
    for _ in range(n):
        place = f.PlaceFactory(ics=None)
        f.PlaceMembershipFactory(place=place, end_date=datetime.date(2022, 6, 30))
        f.PlaceMembershipFactory(place=place, ics=ics, start_date=datetime.date(2022, 7, 1))


def _organisations(n, ics):
    for _ in range(n):
        organisation = f.OrganisationFactory(successor=f.OrganisationFactory())
        f.PartnershipFactory(organisation=organisation, ics=ics, place=f.PlaceFactory(ics=ics))


def _partnerships(n, ics):
    for _ in range(n):
        f.PartnershipFactory(ics=ics, place=f.PlaceFactory(ics=ics))


def _boards(n, ics):
    parent = f.BoardFactory(ics=ics)
    for _ in range(n - 1):
        f.BoardFactory(ics=ics, place=f.PlaceFactory(ics=ics), reports_to=parent)


def _memberships(n, ics):
    board = f.BoardFactory(ics=ics)
    f.BoardMembershipFactory.create_batch(n, board=board)


def _people(n, ics):
    for _ in range(n):
        f.BoardMembershipFactory(board=f.BoardFactory(ics=ics))


def _meetings(n, ics):
    board = f.BoardFactory(ics=ics)
    for i in range(n):
        meeting = f.MeetingFactory(board=board, minutes_published_at=timezone.now() if i % 2 else None)
        f.AgendaItemFactory.create_batch(3, meeting=meeting, minutes="Noted.")
        f.AttendanceFactory(meeting=meeting, membership__board=board)
        f.DocumentFactory(meeting=meeting, kind="agenda")


def _mous(n, ics):
    for _ in range(n):
        mou = f.MoUFactory(ics=ics, place=f.PlaceFactory(ics=ics))
        f.MoUSignatoryFactory.create_batch(2, mou=mou)


def _agenda_items(n, ics):
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics))
    f.AgendaItemFactory.create_batch(n, meeting=meeting, minutes="Noted.")


def _signatories(n, ics):
    mou = f.MoUFactory(ics=ics)
    f.MoUSignatoryFactory.create_batch(n, mou=mou)


def _programmes(n, ics):
    f.ProgrammeFactory.create_batch(n, ics=ics, lead_organisation=f.OrganisationFactory())


# (url, builder, queries): count + page + one per nested list, + 1 per slug filter, + 1 for the ICS in the path.
LISTS = {
    # ICSs: stages, successions to and from, clusters
    "icss": ("/api/v1/icss/", _icss, 6),
    # places: memberships
    "places": ("/api/v1/places/", _places, 3),
    "organisations": ("/api/v1/organisations/", _organisations, 2),
    "organisations-of-ics": ("/api/v1/organisations/?ics=system-a&kind=nhs_trust", _organisations, 3),
    # an ICS's partners: + their partnerships in the ICS, for each row's role and place
    "ics-partners": ("/api/v1/icss/system-a/partners/", _organisations, 5),
    "partnerships": ("/api/v1/partnerships/", _partnerships, 2),
    "boards": ("/api/v1/boards/", _boards, 2),
    "board-memberships": ("/api/v1/board-memberships/", _memberships, 2),
    "people": ("/api/v1/people/", _people, 2),
    # meetings: agenda items, attendance, the papers the notice rule counts
    "meetings": ("/api/v1/meetings/", _meetings, 5),
    "mous": ("/api/v1/mous/", _mous, 3),
    "programmes": ("/api/v1/programmes/", _programmes, 2),
    "agenda-items": ("/api/v1/agenda-items/", _agenda_items, 2),
    "mou-signatories": ("/api/v1/mou-signatories/", _signatories, 2),
}


@pytest.mark.parametrize("rows", [1, 10])
@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_list_queries_do_not_grow_with_rows(name, rows, fmt, ics_a, anon_client, django_assert_max_num_queries):
    url, build, expected = LISTS[name]
    build(rows, ics_a)
    url += ("&" if "?" in url else "?") + f"format={fmt}"
    with django_assert_max_num_queries(expected):
        response = anon_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    if fmt == "json":
        assert response.json()["count"] >= rows
    else:
        assert body.count("\r\n") >= rows + 1


@pytest.mark.parametrize("rows", [1, 10])
def test_staff_list_adds_only_the_token_and_roles(rows, ics_a, django_assert_max_num_queries):
    """A staff token costs two queries (token with user, roles) whatever the page size; drafts included."""
    user = make_user("publisher", ics_a, role=StaffRole.Role.PUBLISHER)
    client = client_for(user)
    _mous(rows, ics_a)
    f.MoUFactory(ics=ics_a, published_at=None)
    with django_assert_max_num_queries(3 + 2):
        response = client.get("/api/v1/mous/")
    assert response.json()["count"] == rows + 1


DETAILS = {
    # name: (build n nested rows and return the URL, queries: the record + one per nested list)
    # stages, successions to and from, clusters
    "ics": (lambda n, ics: f"/api/v1/icss/{_ics_with_stages(n, ics).slug}/", 5),
    # agenda items, attendance, the papers the notice rule counts
    "meeting": (lambda n, ics: f"/api/v1/meetings/{_meeting_with_items(n, ics).pk}/", 4),
    "mou": (lambda n, ics: f"/api/v1/mous/{_mou_with_signatories(n, ics).slug}/", 2),
    # names, successions to and from
    "organisation": (lambda n, ics: f"/api/v1/organisations/{_organisation_with_names(n).slug}/", 4),
}


def _organisation_with_names(n):
    organisation = f.OrganisationFactory()
    for year in range(2000, 2000 + n):
        f.OrganisationNameFactory(
            organisation=organisation,
            name=f"Name of {year}",
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
        )
    return organisation


def _ics_with_stages(n, ics):
    """An ICS has at most one of each of the four stages."""
    for i, stage in enumerate(IcsStage.Stage.values[: min(n, 4)]):
        start = datetime.date(2016 + i, 4, 1)
        f.IcsStageFactory(ics=ics, stage=stage, start_date=start, end_date=start.replace(month=12))
    for _ in range(n):
        _with_predecessor_and_cluster(ics)
    return ics


def _meeting_with_items(n, ics):
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics), minutes_published_at=timezone.now())
    for item in f.AgendaItemFactory.create_batch(n, meeting=meeting):
        f.DocumentFactory(meeting=meeting, agenda_item=item)
        f.AttendanceFactory(meeting=meeting)
    return meeting


def _mou_with_signatories(n, ics):
    mou = f.MoUFactory(ics=ics)
    f.MoUSignatoryFactory.create_batch(n, mou=mou)
    return mou


@pytest.mark.parametrize("rows", [1, 10])
@pytest.mark.parametrize("name", list(DETAILS))
def test_detail_queries_do_not_grow_with_nested_rows(name, rows, ics_a, anon_client, django_assert_max_num_queries):
    build, expected = DETAILS[name]
    url = build(rows, ics_a)
    with django_assert_max_num_queries(expected):
        response = anon_client.get(url)
    assert response.status_code == 200


def test_head_answers_like_get_without_a_body(ics_a, anon_client):
    get = anon_client.get("/api/v1/icss/")
    head = anon_client.head("/api/v1/icss/")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]
