"""Record a reorganisation: one admin form, a preview that writes nothing, an apply that writes all or nothing."""

import datetime
import re
import types

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from governance.models import Board, BoardMembership
from partners.models import Partnership
from places import services
from places.models import Cluster, ClusterMembership, IcsSuccession, IntegratedCareSystem, PlaceMembership
from tests import factories as f
from tests.staff.conftest import make_staff

DAY = datetime.date(2027, 4, 1)
BEFORE = DAY - datetime.timedelta(days=1)
URL = "/admin/places/integratedcaresystem/reorganise/"


def row_counts() -> dict[str, int]:
    """Every table of places, partners and governance, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for label in ("places", "partners", "governance")
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture
def england():
    """A and B merge into a new ICS; C gives one of its two places to it and continues."""
    a = f.IntegratedCareSystemFactory(short_name="Alpha", start_date=datetime.date(2022, 7, 1))
    b = f.IntegratedCareSystemFactory(short_name="Beta", start_date=datetime.date(2022, 7, 1))
    c = f.IntegratedCareSystemFactory(short_name="Gamma", start_date=datetime.date(2022, 7, 1))
    places = {
        "a1": f.PlaceFactory(ics=a, name="Alpha One"),
        "a2": f.PlaceFactory(ics=a, name="Alpha Two"),
        "b1": f.PlaceFactory(ics=b, name="Beta One"),
        "c1": f.PlaceFactory(ics=c, name="Gamma Stays"),
        "c2": f.PlaceFactory(ics=c, name="Gamma Leaves"),
    }
    board_a = f.BoardFactory(ics=a, start_date=datetime.date(2022, 7, 1))
    seat_a = f.BoardMembershipFactory(board=board_a)
    partnership_b = f.PartnershipFactory(ics=b)
    at_c2 = f.PartnershipFactory(ics=c, place=places["c2"])
    at_c1 = f.PartnershipFactory(ics=c, place=places["c1"])
    board_c = f.BoardFactory(ics=c, start_date=datetime.date(2022, 7, 1))
    return types.SimpleNamespace(**locals())


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="a-long-test-password")


@pytest.fixture
def root_client(client, root):
    client.force_login(root)
    return client


def form_data(world, **changes):
    data = {
        "date": DAY.isoformat(),
        "predecessors": [world.a.pk, world.b.pk, world.c.pk],
        "continuing": [world.c.pk],
        "name": "North Integrated Care System",
        "short_name": "North",
        "slug": "north",
        "icb_ods_code": "QZZ",
        "gss_code": "E54000099",
        "region": "Y63",
        "places": [world.places[k].pk for k in ("a1", "a2", "b1", "c2")],
        "end_linked_records": "end",
        "source": "Order 2027",
        "source_url": "https://example.org/order",
        "source_date": "2027-01-15",
        "preview": "Preview",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def apply_data(world, **changes):
    data = form_data(world, **changes)
    data.pop("preview")
    data["apply"] = "Apply"
    return data


@pytest.mark.django_db
def test_preview_shows_what_will_happen_and_writes_nothing(root_client, england):
    counts = row_counts()
    response = root_client.post(URL, form_data(england))
    assert response.status_code == 200
    assert row_counts() == counts
    plan = response.context["plan"]
    assert {s.predecessor.short_name: s.kind for s in plan.successions} == {
        "Alpha": IcsSuccession.Kind.MERGER,
        "Beta": IcsSuccession.Kind.MERGER,
        "Gamma": IcsSuccession.Kind.BOUNDARY_CHANGE,
    }
    assert {m.place.name: m.membership.ics.short_name for m in plan.moves} == {
        "Alpha One": "Alpha",
        "Alpha Two": "Alpha",
        "Beta One": "Beta",
        "Gamma Leaves": "Gamma",
    }
    assert [ics.short_name for ics in plan.ending] == ["Alpha", "Beta"]
    assert plan.ending_records["boards"] == [england.board_a]
    assert set(plan.ending_records["partnerships"]) == {england.partnership_b, england.at_c2}
    assert plan.ending_records["board memberships"] == [england.seat_a]
    page = response.content.decode()
    assert "nothing has been written yet" in page
    assert "Merger: its whole area joined a new ICS" in page
    assert 'name="apply"' in page


@pytest.mark.django_db
def test_empty_places_means_every_place_of_the_predecessors(root_client, england):
    response = root_client.post(URL, form_data(england, predecessors=[england.a.pk], continuing=[], places=None))
    assert {m.place.name for m in response.context["plan"].moves} == {"Alpha One", "Alpha Two"}


@pytest.mark.django_db
def test_apply_writes_the_reorganisation_with_its_history(root_client, root, england):
    response = root_client.post(URL, apply_data(england))
    assert response.status_code == 302, response.context["form"].errors
    north = IntegratedCareSystem.objects.get(slug="north")
    assert response.url == reverse("admin:places_integratedcaresystem_change", args=[north.pk])
    assert north.start_date == DAY and north.source == "Order 2027"
    assert north.history.first().history_user == root
    for ics in (england.a, england.b):
        ics.refresh_from_db()
        assert ics.end_date == BEFORE
        assert ics.history.first().history_user == root
    england.c.refresh_from_db()
    assert england.c.end_date is None
    successions = {s.predecessor.short_name: s for s in IcsSuccession.objects.filter(successor=north)}
    assert {name: s.kind for name, s in successions.items()} == {
        "Alpha": "merger",
        "Beta": "merger",
        "Gamma": "boundary_change",
    }
    assert set(successions["Gamma"].places.all()) == {england.places["c2"]}
    moved = PlaceMembership.objects.filter(ics=north)
    assert moved.count() == 4 and set(moved.values_list("start_date", flat=True)) == {DAY}
    assert PlaceMembership.objects.get(place=england.places["a1"], ics=england.a).end_date == BEFORE
    assert PlaceMembership.objects.get(place=england.places["c1"]).end_date is None
    assert Board.objects.get(pk=england.board_a.pk).end_date == BEFORE
    assert BoardMembership.objects.get(pk=england.seat_a.pk).end_date == BEFORE
    assert Partnership.objects.get(pk=england.partnership_b.pk).end_date == BEFORE
    assert Partnership.objects.get(pk=england.at_c2.pk).end_date == BEFORE, "its place left Gamma"
    assert Partnership.objects.get(pk=england.at_c1.pk).end_date is None
    assert Board.objects.get(pk=england.board_c.pk).end_date is None
    assert Board.history.filter(id=england.board_a.pk).first().history_user == root
    assert list(
        IntegratedCareSystem.objects.as_at(DAY).order_by("short_name").values_list("short_name", flat=True)
    ) == [
        "Gamma",
        "North",
    ]


@pytest.mark.django_db
def test_keep_leaves_boards_and_partnerships_alone(root_client, england):
    root_client.post(URL, apply_data(england, end_linked_records="keep"))
    assert Board.objects.get(pk=england.board_a.pk).end_date is None
    assert Partnership.objects.get(pk=england.partnership_b.pk).end_date is None


@pytest.mark.django_db
def test_acquisition_by_an_existing_ics(root_client, england):
    data = form_data(england, predecessors=[england.b.pk], continuing=[], places=None, successor=england.a.pk)
    for name in ("name", "short_name", "slug", "icb_ods_code", "gss_code", "region"):
        data.pop(name)
    data.pop("preview")
    data["apply"] = "Apply"
    response = root_client.post(URL, data)
    assert response.status_code == 302
    succession = IcsSuccession.objects.get()
    assert (succession.predecessor, succession.successor, succession.kind) == (england.b, england.a, "acquisition")
    assert PlaceMembership.objects.get(place=england.places["b1"], start_date=DAY).ics == england.a


@pytest.mark.django_db
def test_a_repeated_apply_is_refused_with_a_message(root_client, england):
    assert root_client.post(URL, apply_data(england)).status_code == 302
    counts = row_counts()
    response = root_client.post(URL, apply_data(england))
    assert response.status_code == 200
    assert row_counts() == counts
    errors = response.context["form"].errors
    assert any("Already recorded" in m for m in errors["predecessors"])
    assert "slug" in errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "2100-01-01"}, "date", "outside what the portal records"),
        ({"date": "2022-07-01"}, "predecessors", "did not exist on 30 June 2022"),
        ({"continuing": []}, "places", "Gamma ends, so all its places move"),
        ({"slug": "", "region": ""}, "slug", ""),
    ],
)
def test_a_rule_that_fails_is_a_message_on_the_field(root_client, england, changes, field, message):
    counts = row_counts()
    response = root_client.post(URL, form_data(england, **changes))
    assert response.status_code == 200
    assert row_counts() == counts
    assert "plan" not in response.context
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message.lower() in m.lower() for m in errors[field]), errors


@pytest.mark.django_db
def test_a_place_already_moved_is_a_message(root_client, england):
    PlaceMembership.objects.filter(place=england.places["a1"]).update(end_date=BEFORE)
    f.PlaceMembershipFactory(place=england.places["a1"], ics=england.c, start_date=DAY)
    response = root_client.post(URL, form_data(england))
    assert any("already moved" in m for m in response.context["form"].errors["places"])


@pytest.mark.django_db
def test_an_ending_ics_in_an_open_cluster_is_a_message(root_client, england):
    cluster = Cluster.objects.create(name="Alpha and Beta", slug="ab", start_date=datetime.date(2025, 9, 9))
    ClusterMembership.objects.create(cluster=cluster, ics=england.a)
    response = root_client.post(URL, form_data(england))
    assert any("end the cluster first" in m for m in response.context["form"].errors["predecessors"])


@pytest.mark.django_db(transaction=True)
def test_a_rule_only_the_database_sees_leaves_nothing_written(root_client, england, monkeypatch):
    """The deferred trigger (a cluster's members exist on all its dates) refuses at the end: a form error."""
    cluster = Cluster.objects.create(name="Alpha and Beta", slug="ab", start_date=datetime.date(2025, 9, 9))
    ClusterMembership.objects.create(cluster=cluster, ics=england.a)
    blind = types.SimpleNamespace(objects=ClusterMembership.objects.none())
    monkeypatch.setattr(services, "ClusterMembership", blind)  # the plan misses the cluster
    counts = row_counts()
    response = root_client.post(URL, apply_data(england))
    assert response.status_code == 200
    assert "nothing was written" in str(response.context["form"].non_field_errors())
    assert row_counts() == counts
    england.a.refresh_from_db()
    assert england.a.end_date is None


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_the_middle_leaves_nothing_written(root, england, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "bulk_create_with_history", fail)  # after the ICSs, boards, seats have ended
    counts = row_counts()
    arguments = {
        "day": DAY,
        "predecessors": [england.a, england.b],
        "new_successor": IntegratedCareSystem(name="North ICS", short_name="North", slug="north", region="Y63"),
    }
    with pytest.raises(RuntimeError):
        services.reorganisation_apply(user=root, **arguments)
    assert row_counts() == counts
    assert not IntegratedCareSystem.objects.filter(slug="north").exists()
    assert IntegratedCareSystem.objects.filter(end_date__isnull=False).count() == 0


@pytest.mark.django_db
def test_staff_who_are_not_superusers_get_403(client, england):
    editor = make_staff("editor", england.a)
    client.force_login(editor)
    assert client.get(URL).status_code == 403
    counts = row_counts()
    assert client.post(URL, apply_data(england)).status_code == 403
    assert row_counts() == counts
    changelist = client.get(reverse("admin:places_integratedcaresystem_changelist"))
    assert "Record a reorganisation" not in changelist.content.decode()


@pytest.mark.django_db
def test_superusers_find_it_from_the_changelist_and_index(root_client):
    for url in (reverse("admin:places_integratedcaresystem_changelist"), reverse("admin:index")):
        assert URL in root_client.get(url).content.decode()
    assert root_client.get(URL).status_code == 200


@pytest.mark.django_db
def test_csrf_is_enforced(root, england):
    client = Client(enforce_csrf_checks=True)
    client.force_login(root)
    counts = row_counts()
    assert client.post(URL, apply_data(england)).status_code == 403
    assert row_counts() == counts
    page = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(URL, {**apply_data(england), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert IntegratedCareSystem.objects.filter(slug="north").exists()


@pytest.mark.django_db
def test_a_continuing_ics_must_give_some_places(root_client, england):
    places = [england.places[k].pk for k in ("a1", "a2", "b1")]
    response = root_client.post(URL, form_data(england, places=places))
    assert any("None of Gamma's places move" in m for m in response.context["form"].errors["continuing"])


@pytest.mark.django_db
def test_an_existing_successor_and_a_new_ics_together_are_refused(root_client, england):
    response = root_client.post(URL, form_data(england, successor=f.IntegratedCareSystemFactory().pk))
    assert "not both" in str(response.context["form"].non_field_errors())
