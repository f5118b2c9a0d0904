"""Each admin changelist and change page runs a bounded number of queries: 1 row or 10, the same."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff.models import StaffRole
from tests import factories as f

from .conftest import build_world, make_staff
from .test_admin import KINDS

CHANGELIST_MAX = 11
CHANGE_PAGE_MAX = 12
# A meeting's page also reads its attendance, and once each the choices of its rows: the board's seats and
# the agenda's items (for its papers); the first page of a run also looks up one more content type.
CHANGE_PAGE_MAX_OF = {"meeting": 15}


@pytest.fixture
def staff_with_worlds(request):
    """A publisher of n ICSs, each holding one record of every kind; the first world's
    records have n rows in each inline (members, signatories, agenda items, attendance, partnerships…)."""
    n = request.param
    user = make_staff("busy_publisher")
    worlds = []
    for _ in range(n):
        world = build_world(f.IntegratedCareSystemFactory())
        StaffRole.objects.create(user=user, ics=world.ics, role=StaffRole.Role.PUBLISHER)
        worlds.append(world)
    first = worlds[0].records
    for _ in range(n - 1):
        organisation = f.OrganisationFactory()
        f.PartnershipFactory(organisation=first["organisation"], ics=worlds[0].ics, place=first["place"])
        seat = f.BoardMembershipFactory(board=first["board"], person=first["person"], organisation=organisation)
        f.MoUSignatoryFactory(mou=first["mou"], organisation=organisation)
        item = f.AgendaItemFactory(meeting=first["meeting"])
        f.AttendanceFactory(meeting=first["meeting"], membership=seat)
        f.DocumentFactory(meeting=first["meeting"], agenda_item=item, board=first["board"], mou=first["mou"])
        f.DeclarationOfInterestFactory(person=first["person"], organisation=organisation)
    return user, worlds


@pytest.mark.django_db
@pytest.mark.parametrize("staff_with_worlds", [1, 10], indirect=True, ids=["1-row", "10-rows"])
@pytest.mark.parametrize("app,model", KINDS)
def test_changelist_query_count(client, django_assert_max_num_queries, staff_with_worlds, app, model):
    user, worlds = staff_with_worlds
    client.force_login(user)
    url = reverse(f"admin:{app}_{model}_changelist")
    with django_assert_max_num_queries(CHANGELIST_MAX):
        response = client.get(url)
    assert response.status_code == 200
    for world in worlds:
        assert reverse(f"admin:{app}_{model}_change", args=[world.records[model].pk]) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("staff_with_worlds", [1, 10], indirect=True, ids=["1-row", "10-rows"])
@pytest.mark.parametrize("app,model", KINDS)
def test_change_page_query_count(client, django_assert_max_num_queries, staff_with_worlds, app, model):
    user, worlds = staff_with_worlds
    client.force_login(user)
    url = reverse(f"admin:{app}_{model}_change", args=[worlds[0].records[model].pk])
    with django_assert_max_num_queries(CHANGE_PAGE_MAX_OF.get(model, CHANGE_PAGE_MAX)):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("app,model", KINDS)
def test_report_counts(client, app, model, capsys):
    """Not an assertion: prints the counts for the report (run with -s)."""
    user = make_staff("counter")
    for _ in range(10):
        world = build_world(f.IntegratedCareSystemFactory())
        StaffRole.objects.create(user=user, ics=world.ics, role=StaffRole.Role.PUBLISHER)
    client.force_login(user)
    with CaptureQueriesContext(connection) as listing:
        client.get(reverse(f"admin:{app}_{model}_changelist"))
    with CaptureQueriesContext(connection) as page:
        client.get(reverse(f"admin:{app}_{model}_change", args=[world.records[model].pk]))
    print(f"QUERIES {model}: changelist={len(listing)} change={len(page)}")
