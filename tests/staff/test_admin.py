"""Each role against each kind of record through the admin: allowed, refused, invisible."""

import pytest
from django.urls import reverse

from .helpers import admin_form_data

KINDS = [
    ("places", "integratedcaresystem"),
    ("places", "icsstage"),
    ("places", "place"),
    ("partners", "organisation"),
    ("partners", "partnership"),
    ("governance", "programme"),
    ("governance", "board"),
    ("governance", "person"),
    ("governance", "boardmembership"),
    ("governance", "meeting"),
    ("governance", "agendaitem"),
    ("governance", "mou"),
    ("governance", "mousignatory"),
    ("governance", "document"),
    ("governance", "declarationofinterest"),
]
ALLOWED = {"editor_a", "publisher_a", "superuser"}
ROLES = ["anonymous", "editor_a", "publisher_a", "editor_b", "superuser"]


def _login(client, actors, role):
    if actors[role] is not None:
        client.force_login(actors[role])


@pytest.mark.django_db
@pytest.mark.parametrize("app,model", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_changelist_lists_only_own_ics_records(client, actors, world_a, world_b, role, app, model):
    _login(client, actors, role)
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response.url
        return
    assert response.status_code == 200
    own = reverse(f"admin:{app}_{model}_change", args=[world_a.records[model].pk])
    other = reverse(f"admin:{app}_{model}_change", args=[world_b.records[model].pk])
    body = response.content.decode()
    assert (f'href="{own}"' in body) == (role in ALLOWED)
    assert (f'href="{other}"' in body) == (role in {"editor_b", "superuser"})


@pytest.mark.django_db
@pytest.mark.parametrize("app,model", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_change_page_and_save_follow_the_role(client, actors, world_a, superuser, role, app, model):
    record = world_a.records[model]
    url = reverse(f"admin:{app}_{model}_change", args=[record.pk])
    before = type(record).objects.get(pk=record.pk).modified_at
    # The form a rightful editor would send; the others try to replay it by URL.
    client.force_login(superuser)
    data = admin_form_data(client.get(url))
    client.logout()
    _login(client, actors, role)

    page = client.get(url)
    saved = client.post(url, data)

    after = type(record).objects.get(pk=record.pk).modified_at
    if role == "anonymous":
        assert page.status_code == 302 and "/login/" in page.url
        assert after == before
    elif role in ALLOWED:
        assert page.status_code == 200
        errors = saved.context and [saved.context["adminform"].form.errors, saved.context.get("errors")]
        assert saved.status_code == 302, errors
        assert after > before
    else:
        # Invisible: the admin answers as if the record did not exist, and nothing is written.
        assert page.status_code == 302 and page.url == reverse("admin:index")
        assert saved.status_code == 302 and saved.url == reverse("admin:index")
        assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor_a", "editor_b"])
def test_history_page_is_scoped(client, actors, world_a, role):
    board = world_a.records["board"]
    client.force_login(actors[role])
    response = client.get(reverse("admin:governance_board_history", args=[board.pk]))
    assert response.status_code == (200 if role == "editor_a" else 403)


@pytest.mark.django_db
def test_foreign_key_choices_are_limited_to_own_ics(client, editor_a, world_a, world_b):
    client.force_login(editor_a)
    url = reverse("admin:governance_board_add")
    response = client.post(
        url,
        {
            "ics": world_b.ics.pk,
            "name": "Sneaky board",
            "slug": "sneaky-board",
            "kind": "committee",
            "provenance": "public_record",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "ics" in response.context["adminform"].form.errors
    assert not world_b.ics.boards.filter(slug="sneaky-board").exists()


@pytest.mark.django_db
def test_autocomplete_offers_only_own_ics_boards(client, editor_a, world_a, world_b):
    client.force_login(editor_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "governance", "model_name": "meeting", "field_name": "board", "term": ""},
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids == {world_a.records["board"].pk}


@pytest.mark.django_db
def test_autocomplete_offers_every_organisation(client, editor_a, world_a, world_b):
    """Organisations are shared records: any may be chosen as a signatory or partner (ADR 0004)."""
    client.force_login(editor_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "governance", "model_name": "mousignatory", "field_name": "organisation", "term": ""},
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert {world_a.records["organisation"].pk, world_b.records["organisation"].pk} <= ids


@pytest.mark.django_db
def test_staff_role_admin_is_for_superusers_only(client, editor_a, superuser):
    client.force_login(editor_a)
    assert client.get(reverse("admin:staff_staffrole_changelist")).status_code == 403
    client.force_login(superuser)
    assert client.get(reverse("admin:staff_staffrole_changelist")).status_code == 200


@pytest.mark.django_db
def test_staff_user_without_a_role_sees_nothing(client, world_a):
    from .conftest import make_staff

    client.force_login(make_staff("nobody"))
    response = client.get(reverse("admin:governance_board_changelist"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_editors_change_an_ics_description_but_not_its_identity(client, editor_a, ics_a):
    url = reverse("admin:places_integratedcaresystem_change", args=[ics_a.pk])
    client.force_login(editor_a)
    page = client.get(url)
    assert "slug" not in page.context["adminform"].form.fields
    data = admin_form_data(page)
    data.update({"description": "Our system", "slug": "hijacked"})
    assert client.post(url, data).status_code == 302
    ics_a.refresh_from_db()
    assert ics_a.description == "Our system"
    assert ics_a.slug != "hijacked"
