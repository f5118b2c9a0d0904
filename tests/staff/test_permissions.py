"""staff.permissions: which ICS a record belongs to, and the shared-records rule (ADR 0004)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from governance.models import Person
from partners.models import Organisation
from staff import permissions
from tests import factories as f

from .conftest import build_world
from .helpers import admin_form_data

# A place is shared too (ADR 0007): it belongs to the ICSs of its memberships, not to one ICS.
SHARED = {"organisation", "person", "declarationofinterest", "place"}


@pytest.mark.django_db
def test_ics_of_every_kind_of_record(world_a):
    for kind, record in world_a.records.items():
        expected = None if kind in SHARED else world_a.ics
        assert permissions.ics_of(record) == expected, kind
        assert permissions.ics_id_of(record) == (expected.pk if expected else None), kind
        assert world_a.ics.pk in permissions.linked_ics_ids(record), kind


@pytest.mark.django_db
@pytest.mark.parametrize("owner", ["board", "meeting", "mou"])
def test_ics_of_a_document_follows_what_it_is_attached_to(ics_a, owner):
    board = f.BoardFactory(ics=ics_a)
    owners = {"board": board, "meeting": f.MeetingFactory(board=board), "mou": f.MoUFactory(ics=ics_a)}
    document = f.DocumentFactory(**{"meeting": None, owner: owners[owner]})
    assert permissions.ics_of(document) == ics_a


@pytest.mark.django_db
def test_rights_per_role(actors, world_a):
    mou = world_a.records["mou"]
    rights = {
        role: (permissions.can_edit(user, mou), permissions.can_publish(user, mou), permissions.can_delete(user, mou))
        for role, user in actors.items()
    }
    assert rights == {
        "anonymous": (False, False, False),
        "editor_a": (True, False, True),
        "publisher_a": (True, True, True),
        "editor_b": (False, False, False),
        "superuser": (True, True, True),
    }
    assert permissions.editable_ics_ids(actors["superuser"]) is None
    assert permissions.editable_ics_ids(AnonymousUser()) == set()
    assert permissions.editable_ics_ids(actors["editor_a"]) == {world_a.ics.pk}


@pytest.mark.django_db
def test_rights_on_every_kind_of_record(world_a, world_b, editor_a, publisher_a, editor_b, superuser):
    for kind, record in world_a.records.items():
        assert permissions.can_edit(editor_a, record), kind
        # Staff of an ICS delete its records, but only superusers remove the ICS itself.
        assert permissions.can_delete(editor_a, record) == (kind != "integratedcaresystem"), kind
        assert not permissions.can_publish(editor_a, record), kind
        assert permissions.can_publish(publisher_a, record), kind
        rights_b = [check(editor_b, record) for check in (permissions.can_edit, permissions.can_delete)]
        assert rights_b == [False, False], kind
        assert permissions.can_delete(superuser, record), kind


@pytest.mark.django_db
def test_staff_see_their_own_ics_records_of_every_kind(world_a, world_b, editor_a):
    for kind, record in world_a.records.items():
        visible = permissions.visible_to(editor_a, type(record).objects.all())
        assert visible.filter(pk=record.pk).exists(), kind
        assert not visible.filter(pk=world_b.records[kind].pk).exists(), kind


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["mou", "document", "meeting"])
def test_publishable_rows_are_those_can_publish_allows(actors, world_a, world_b, kind):
    records = [world_a.records[kind], world_b.records[kind]]
    model = type(records[0])
    for role, user in actors.items():
        rows = set(permissions.publishable(user, model.objects.filter(pk__in=[r.pk for r in records])))
        assert rows == {r for r in records if permissions.can_publish(user, r)}, role


@pytest.mark.django_db
def test_inactive_staff_lose_their_rights(editor_a, world_a):
    editor_a.is_active = False
    assert not permissions.can_edit(editor_a, world_a.records["board"])


@pytest.fixture
def shared(world_a, world_b):
    """An organisation partnering both ICSs and a person sitting on a board in each."""
    organisation = world_a.records["organisation"]
    f.PartnershipFactory(organisation=organisation, ics=world_b.ics)
    person = world_a.records["person"]
    f.BoardMembershipFactory(person=person, board=world_b.records["board"])
    return {"organisation": organisation, "person": person}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["organisation", "person"])
def test_shared_record_is_seen_by_either_ics_and_changed_by_neither(shared, editor_a, editor_b, superuser, kind):
    record = shared[kind]
    for user in (editor_a, editor_b):
        assert permissions.can_view(user, record)
        assert not permissions.can_edit(user, record)
        assert not permissions.can_delete(user, record)
        assert permissions.visible_to(user, type(record).objects.all()).filter(pk=record.pk).count() == 1
        assert not permissions.editable(user, type(record).objects.all()).filter(pk=record.pk).exists()
    assert permissions.can_edit(superuser, record) and permissions.can_delete(superuser, record)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["organisation", "person", "declarationofinterest"])
def test_a_shared_record_linked_only_to_ones_own_icss_is_changed_by_its_staff(world_a, editor_a, editor_b, kind):
    record = world_a.records[kind]
    assert permissions.can_edit(editor_a, record) and permissions.can_delete(editor_a, record)
    assert permissions.editable(editor_a, type(record).objects.all()).filter(pk=record.pk).exists()
    assert not permissions.can_view(editor_b, record) and not permissions.can_edit(editor_b, record)
    assert not permissions.editable(editor_b, type(record).objects.all()).filter(pk=record.pk).exists()


@pytest.mark.django_db
def test_unlinked_shared_records_are_open_to_any_staff(editor_a, editor_b):
    organisation, person = f.OrganisationFactory(), f.PersonFactory()
    for user in (editor_a, editor_b):
        assert permissions.can_edit(user, organisation) and permissions.can_delete(user, organisation)
        assert permissions.editable(user, Organisation.objects.all()).filter(pk=organisation.pk).exists()
        assert permissions.visible_to(user, Organisation.objects.all()).filter(pk=organisation.pk).exists()
        assert permissions.visible_to(user, Person.objects.all()).filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_a_staff_user_without_a_role_edits_nothing(world_a, django_user_model):
    user = django_user_model.objects.create_user(username="plain", password="a-long-test-password", is_staff=True)
    assert not permissions.can_edit(user, f.OrganisationFactory())
    assert not permissions.visible_to(user, Organisation.objects.all()).exists()


@pytest.mark.django_db
def test_shared_organisation_page_is_read_only_and_shows_only_own_ics_partnerships(
    client, shared, editor_a, superuser, world_a, world_b
):
    organisation = shared["organisation"]
    name = organisation.name
    url = reverse("admin:partners_organisation_change", args=[organisation.pk])
    client.force_login(superuser)
    data = admin_form_data(client.get(url))
    client.force_login(editor_a)
    page = client.get(url)
    assert page.status_code == 200
    rows = page.context["inline_admin_formsets"][0].formset.queryset
    assert {p.ics_id for p in rows} == {world_a.ics.pk}
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert "only a superuser may change or delete it" in page.content.decode()
    data["name"] = "Renamed by A"
    assert client.post(url, data).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == name
    assert organisation.partnerships.filter(ics=world_b.ics).exists()  # B's partnership untouched
    response = client.post(reverse("admin:partners_organisation_delete", args=[organisation.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


@pytest.mark.django_db
def test_world_builder_links_nothing_across_ics(ics_a, ics_b):
    a, b = build_world(ics_a), build_world(ics_b)
    assert permissions.linked_ics_ids(a.records["organisation"]) == {ics_a.pk}
    assert permissions.linked_ics_ids(b.records["person"]) == {ics_b.pk}


@pytest.mark.django_db
def test_bulk_delete_cannot_remove_a_shared_organisation(client, shared, editor_a, world_a):
    organisation = shared["organisation"]
    client.force_login(editor_a)
    client.post(
        reverse("admin:partners_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [organisation.pk], "post": "yes"},
    )
    assert Organisation.objects.filter(pk=organisation.pk).exists()


@pytest.mark.django_db
def test_bulk_delete_of_own_records_works(client, editor_a, world_a, world_b):
    from governance.models import Programme

    client.force_login(editor_a)
    own, other = world_a.records["programme"], world_b.records["programme"]
    url = reverse("admin:governance_programme_changelist")
    # A selection naming another ICS's record (a forged id) does nothing at all.
    client.post(url, {"action": "delete_selected", "_selected_action": [own.pk, other.pk], "post": "yes"})
    assert set(Programme.objects.filter(pk__in=[own.pk, other.pk]).values_list("pk", flat=True)) == {own.pk, other.pk}
    client.post(url, {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"})
    assert not Programme.objects.filter(pk=own.pk).exists()
    assert Programme.objects.filter(pk=other.pk).exists()
