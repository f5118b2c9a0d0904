"""The admin and the partner import, as the editor of ICS A, against ICS B's records: every climb is refused.

Linking another ICS's organisation or person to one's own ICS is allowed (a partnership, a board seat
of one's own ICS), but grants nothing over the record itself (docs/adr/0004): a shared record is changed
only by staff of every ICS it is linked to, or by a superuser. History → Revert goes through the rules
of saving the record (rights over the record now and over the version, publishing, an ICS's identity).
A bulk action whose selection holds a record the user may not act on does nothing. Each refusal leaves
the database as it was: the rows are compared before and after.
"""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from governance.models import BoardMembership, DeclarationOfInterest, MoU
from partners.importers import partner_import_apply, partner_import_preview
from partners.models import Organisation
from places.models import IntegratedCareSystem
from tests import factories as f

from .helpers import admin_form_data
from .test_admin import KINDS

PUBLISH_FIELD = {"mou": "published_at", "meeting": "minutes_published_at", "document": "published_at"}
ACTION_REFUSED = (
    "Nothing was changed: {n} of the selected record(s) are not yours to change in this way. "
    "Select only records you may change."
)


def row(obj):
    """The record's row as stored now, every column (None once deleted)."""
    return type(obj)._base_manager.filter(pk=obj.pk).values().first()


def rows(records):
    return {name: row(record) for name, record in records.items()}


def _messages(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def _form_errors(response):
    form = response.context["adminform"].form
    return [str(e) for e in form.non_field_errors()] + [
        str(e) for name, errors in form.errors.items() if name != "__all__" for e in errors
    ]


def _superusers_form(client, superuser, url, user):
    """The form a rightful editor would send for `url`, then signed in as `user` to replay it."""
    client.force_login(superuser)
    data = admin_form_data(client.get(url))
    client.force_login(user)
    return data


def _link_to(client, organisation, ics):
    """Add a partnership of `ics` with `organisation` through the admin's add form, as the signed-in user."""
    url = reverse("admin:partners_partnership_add")
    data = admin_form_data(client.get(url))
    data.update({"organisation": organisation.pk, "ics": ics.pk, "role": "partner", "provenance": "public_record"})
    return client.post(url, data)


# --- linking, then changing the shared record -------------------------------------------------------------


@pytest.mark.django_db
def test_linking_another_icss_organisation_then_changing_it_is_refused(client, editor_a, superuser, world_a, world_b):
    trust = world_b.records["organisation"]  # partners B only
    before = row(trust)
    change = reverse("admin:partners_organisation_change", args=[trust.pk])
    data = _superusers_form(client, superuser, change, editor_a)
    data["name"] = "East Cheshire renamed by A"
    assert client.get(change).url == reverse("admin:index")  # not A's: invisible

    # The picker offers every organisation (choosing one links it to A: A's own row), so this is allowed.
    assert _link_to(client, trust, world_a.ics).status_code == 302
    assert trust.partnerships.filter(ics=world_a.ics).exists()

    page = client.get(change)
    assert page.status_code == 200  # now A's staff see it, read-only
    assert page.context["has_change_permission"] is False
    assert client.post(change, data).status_code == 403
    assert (
        client.post(reverse("admin:partners_organisation_delete", args=[trust.pk]), {"post": "yes"}).status_code == 403
    )
    history = trust.history.order_by("history_date").first()
    revert = reverse("admin:partners_organisation_simple_history", args=[trust.pk, history.history_id])
    assert client.post(revert, data).status_code == 403
    assert row(trust) == before


@pytest.mark.django_db
def test_a_seat_on_ones_own_board_then_changing_the_person_is_refused(client, editor_a, superuser, world_a, world_b):
    person = world_b.records["person"]
    declaration = world_b.records["declarationofinterest"]
    before = rows({"person": person, "declaration": declaration})
    change = reverse("admin:governance_person_change", args=[person.pk])
    data = _superusers_form(client, superuser, change, editor_a)
    data["name"] = "Renamed by A"

    # A seat for B's person on A's board, through the board page's inline: allowed (A's own row).
    board = world_a.records["board"]
    board_url = reverse("admin:governance_board_change", args=[board.pk])
    board_data = admin_form_data(client.get(board_url))
    n = int(board_data["memberships-TOTAL_FORMS"])
    board_data["memberships-TOTAL_FORMS"] = str(n + 1)
    board_data.update({f"memberships-{n}-person": person.pk, f"memberships-{n}-role": "member"})
    assert client.post(board_url, board_data).status_code == 302
    assert BoardMembership.objects.filter(board=board, person=person).exists()

    assert client.get(change).context["has_change_permission"] is False
    assert client.post(change, data).status_code == 403
    assert client.post(reverse("admin:governance_person_delete", args=[person.pk]), {"post": "yes"}).status_code == 403
    # Nor may A declare an interest for them, or change theirs.
    declare = {"person": person.pk, "interest": "Invented by A", "action_taken": "", "provenance": "public_record"}
    declared = client.post(reverse("admin:governance_declarationofinterest_add"), declare)
    assert declared.status_code == 200 and "person" in declared.context["adminform"].form.errors
    declaration_url = reverse("admin:governance_declarationofinterest_change", args=[declaration.pk])
    assert client.post(declaration_url, {**declare, "loaded_modified_at": "x"}).status_code == 403
    assert rows({"person": person, "declaration": declaration}) == before
    assert DeclarationOfInterest.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_a_partnership_inline_on_another_icss_organisation_is_refused(client, editor_a, superuser, world_a, world_b):
    trust = world_b.records["organisation"]
    before = row(trust)
    change = reverse("admin:partners_organisation_change", args=[trust.pk])
    data = _superusers_form(client, superuser, change, editor_a)
    n = int(data["partnerships-TOTAL_FORMS"])
    data["partnerships-TOTAL_FORMS"] = str(n + 1)
    data.update({f"partnerships-{n}-ics": world_a.ics.pk, f"partnerships-{n}-role": "partner"})
    data["name"] = "Renamed through an inline"

    assert client.post(change, data).url == reverse("admin:index")  # B's only: as if it did not exist
    assert not trust.partnerships.filter(ics=world_a.ics).exists()
    f.PartnershipFactory(organisation=trust, ics=world_a.ics)  # linked to A as well now
    assert client.post(change, data).status_code == 403
    assert trust.partnerships.filter(ics=world_a.ics).count() == 1
    assert row(trust) == before


@pytest.mark.django_db
@pytest.mark.parametrize("app,model", KINDS)
def test_posting_to_another_icss_record_urls_changes_nothing(client, editor_a, superuser, world_b, app, model):
    record = world_b.records[model]
    before = rows(world_b.records)
    change = reverse(f"admin:{app}_{model}_change", args=[record.pk])
    data = _superusers_form(client, superuser, change, editor_a)
    data.update({name: "Changed by A" for name in ("name", "title") if name in data})

    assert client.post(change, data).url == reverse("admin:index")
    delete = client.post(reverse(f"admin:{app}_{model}_delete", args=[record.pk]), {"post": "yes"})
    # As if it did not exist (an ICS: 403, as only superusers delete one at all).
    assert (delete.status_code, getattr(delete, "url", None)) in {(302, reverse("admin:index")), (403, None)}
    version = type(record).history.filter(id=record.pk).order_by("history_date").first()
    revert = reverse(f"admin:{app}_{model}_simple_history", args=[record.pk, version.history_id])
    assert client.get(revert).status_code == 403
    assert client.post(revert, data).status_code == 403
    assert rows(world_b.records) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "app,model,field,target",
    [
        ("governance", "board", "ics", lambda b: b.ics),
        ("governance", "boardmembership", "board", lambda b: b.records["board"]),
        ("governance", "meeting", "board", lambda b: b.records["board"]),
        ("partners", "partnership", "ics", lambda b: b.ics),
        ("governance", "mou", "ics", lambda b: b.ics),
    ],
)
def test_moving_ones_own_record_to_another_ics_in_the_admin_is_refused(
    client, editor_a, world_a, world_b, app, model, field, target
):
    record = world_a.records[model]
    before = row(record)
    url = reverse(f"admin:{app}_{model}_change", args=[record.pk])
    client.force_login(editor_a)
    data = admin_form_data(client.get(url))
    data[field] = target(world_b).pk
    response = client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors  # B's records are not among the choices
    assert row(record) == before


# --- the partner import -------------------------------------------------------------------------------------

RENAME_ROW = b"name,kind,ods_code\nEast Cheshire renamed by import,nhs_trust,RJN\n"


@pytest.fixture
def east_cheshire(world_b):
    """B's trust, partnering B only."""
    trust = f.OrganisationFactory(name="East Cheshire NHS Trust", ods_code="RJN")
    f.PartnershipFactory(organisation=trust, ics=world_b.ics)
    return trust


@pytest.mark.django_db(transaction=True)
def test_the_import_links_another_icss_trust_but_does_not_rename_it(client, editor_a, world_a, east_cheshire):
    before = row(east_cheshire)
    client.force_login(editor_a)
    url = reverse("admin:partners_organisation_import")
    upload = io.BytesIO(RENAME_ROW)
    upload.name = "partners.csv"
    preview = client.post(url, {"ics": world_a.ics.pk, "file": upload})
    assert preview.status_code == 200
    assert preview.context["preview"].to_update == []
    [linked] = preview.context["preview"].to_link
    page = preview.content.decode()
    assert "<strong>0</strong> to update" in page
    assert "East Cheshire NHS Trust is shared with another ICS" in page and "not renamed or changed" in page

    applied = client.post(url, {"apply": "1"})
    assert applied.status_code == 302
    assert _messages(applied) == [
        ("success", f"Imported into {world_a.ics}: 0 created, 0 updated, 1 linked without changes, 0 rows skipped.")
    ]
    assert row(east_cheshire) == before  # its name, kind and history are B's as they were
    assert east_cheshire.history.count() == 1
    assert east_cheshire.partnerships.filter(ics=world_a.ics).exists()  # linked: A's own row


@pytest.mark.django_db(transaction=True)
def test_the_import_apply_asks_the_rights_itself(editor_a, superuser, world_a, east_cheshire):
    """A preview built without the user (as the command builds it) still only links what the user may not change."""
    before = row(east_cheshire)
    preview = partner_import_preview(ics=world_a.ics, data=RENAME_ROW, filename="partners.csv")
    assert [r.action for r in preview.rows] == ["update"]
    result = partner_import_apply(preview=preview, user=editor_a)
    assert (result.updated, result.linked) == (0, 1)
    assert row(east_cheshire) == before
    # A superuser's import (or the command's) still updates it.
    preview = partner_import_preview(ics=world_a.ics, data=RENAME_ROW, filename="partners.csv")
    assert partner_import_apply(preview=preview, user=superuser).updated == 1
    assert Organisation.objects.get(pk=east_cheshire.pk).name == "East Cheshire renamed by import"


@pytest.mark.django_db(transaction=True)
def test_the_import_still_updates_an_organisation_only_ones_own_ics_partners(editor_a, world_a):
    trust = f.OrganisationFactory(name="Old name", ods_code="RJN")
    f.PartnershipFactory(organisation=trust, ics=world_a.ics)
    preview = partner_import_preview(ics=world_a.ics, data=RENAME_ROW, filename="partners.csv")
    assert partner_import_apply(preview=preview, user=editor_a).updated == 1
    assert Organisation.objects.get(pk=trust.pk).name == "East Cheshire renamed by import"


# --- History → Revert -------------------------------------------------------------------------------------


def _revert_url(record, version):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[record.pk, version.history_id])


@pytest.mark.django_db(transaction=True)
def test_old_versions_of_a_record_moved_to_another_ics_are_closed_to_its_former_ics(
    client, editor_a, superuser, world_a, world_b
):
    board = world_a.records["board"]
    version = board.history.order_by("history_date").first()  # when it was A's
    board.ics = world_b.ics
    board.save()
    before = row(board)
    url = _revert_url(board, version)
    data = _superusers_form(client, superuser, url, editor_a)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert row(board) == before


@pytest.mark.django_db(transaction=True)
def test_restoring_a_shared_record_linked_to_another_ics_is_refused(client, editor_a, superuser, world_a, world_b):
    organisation = world_a.records["organisation"]
    version = organisation.history.order_by("history_date").first()
    organisation.name = "A newer name"
    organisation.save()
    f.PartnershipFactory(organisation=organisation, ics=world_b.ics)
    before = row(organisation)
    url = _revert_url(organisation, version)
    data = _superusers_form(client, superuser, url, editor_a)
    assert client.get(url).status_code == 200  # A's staff may see it and its history, read-only
    assert client.post(url, data).status_code == 403
    assert row(organisation) == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model", list(PUBLISH_FIELD))
@pytest.mark.parametrize("published_version", [True, False], ids=["publishes", "withdraws"])
def test_restoring_a_version_that_publishes_or_withdraws_needs_a_publisher(
    client, editor_a, publisher_a, world_a, model, published_version
):
    record = world_a.records[model]
    field = PUBLISH_FIELD[model]
    record = type(record).objects.get(pk=record.pk)
    setattr(record, field, timezone.now() if published_version else None)
    record.save()
    version = record.history.first()  # published (or a draft)
    setattr(record, field, None if published_version else timezone.now())
    record.save()  # a publisher withdrew it (or published it) since
    before = row(record)
    url = _revert_url(record, version)

    client.force_login(editor_a)
    page = client.get(url)
    assert page.status_code == 200
    assert field not in page.context["adminform"].form.fields  # read-only: the version's value would be saved
    response = client.post(url, admin_form_data(page))
    assert response.status_code == 200
    assert _form_errors(response) == [
        "This version's publish date differs from the record's now, so restoring it would publish or unpublish "
        "the record: only a publisher of this ICS may do that."
    ]
    assert row(record) == before

    client.force_login(publisher_a)
    assert client.post(url, admin_form_data(client.get(url))).status_code == 302
    assert (getattr(type(record).objects.get(pk=record.pk), field) is not None) == published_version


@pytest.mark.django_db(transaction=True)
def test_an_icss_history_opens_for_its_editors_and_its_identity_is_restored_by_superusers_only(
    client, editor_a, superuser, world_a
):
    ics = IntegratedCareSystem.objects.get(pk=world_a.ics.pk)
    old = ics.history.order_by("history_date").first()
    ics.slug, ics.name, ics.description = "renamed-system", "Renamed ICS", "Newer words"
    ics.save()
    before = row(ics)
    url = _revert_url(ics, old)

    client.force_login(editor_a)
    assert client.get(reverse("admin:places_integratedcaresystem_history", args=[ics.pk])).status_code == 200
    page = client.get(url)
    assert page.status_code == 200  # was a 500: the prepopulated slug is read-only to editors
    assert "slug" not in page.context["adminform"].form.fields
    response = client.post(url, admin_form_data(page))
    assert response.status_code == 200
    assert _form_errors(response) == [
        "This version has another identity than the ICS now. Only superusers change these fields: name, slug."
    ]
    assert row(ics) == before

    # A version with the same identity (only the description differs) is the editors' to restore.
    ics.slug, ics.name = old.slug, old.name
    ics.save()
    assert client.post(url, admin_form_data(client.get(url))).status_code == 302
    assert IntegratedCareSystem.objects.get(pk=ics.pk).description == old.description

    ics.slug = "renamed-again"
    ics.save()
    client.force_login(superuser)
    assert client.post(url, admin_form_data(client.get(url))).status_code == 302
    assert IntegratedCareSystem.objects.get(pk=ics.pk).slug == old.slug


# --- bulk actions over a mixed selection ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "app,model,theirs",
    [
        ("governance", "programme", lambda a, b: b.records["programme"]),
        ("governance", "board", lambda a, b: b.records["board"]),
        ("governance", "person", lambda a, b: b.records["person"]),
        ("partners", "organisation", lambda a, b: b.records["organisation"]),
        # Shared with B: listed for A (A's staff see it), but not A's to delete.
        (
            "partners",
            "organisation",
            lambda a, b: (
                f.PartnershipFactory(organisation=f.PartnershipFactory(ics=a.ics).organisation, ics=b.ics).organisation
            ),
        ),
    ],
    ids=["programme", "board", "person", "organisation", "shared-organisation"],
)
def test_delete_selected_with_another_icss_record_deletes_nothing(
    client, editor_a, world_a, world_b, app, model, theirs
):
    mine, other = world_a.records[model], theirs(world_a, world_b)
    everything = {
        **{f"a-{k}": v for k, v in world_a.records.items()},
        **{f"b-{k}": v for k, v in world_b.records.items()},
    }
    everything["other"] = other
    before = rows(everything)
    client.force_login(editor_a)
    url = reverse(f"admin:{app}_{model}_changelist")
    response = client.post(url, {"action": "delete_selected", "_selected_action": [mine.pk, other.pk], "post": "yes"})
    assert response.status_code == 302
    assert _messages(response) == [("error", ACTION_REFUSED.format(n=1))]
    assert rows(everything) == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(PUBLISH_FIELD))
@pytest.mark.parametrize("action", ["publish_selected", "unpublish_selected"])
def test_publishing_a_selection_with_another_icss_record_publishes_nothing(
    client, publisher_a, world_a, world_b, model, action
):
    mine, theirs = world_a.records[model], world_b.records[model]
    field = PUBLISH_FIELD[model]
    stamp = None if action == "publish_selected" else timezone.now()
    type(mine).objects.filter(pk__in=[mine.pk, theirs.pk]).update(**{field: stamp})
    before = rows({"mine": mine, "theirs": theirs})
    client.force_login(publisher_a)
    response = client.post(
        reverse(f"admin:governance_{model}_changelist"), {"action": action, "_selected_action": [mine.pk, theirs.pk]}
    )
    assert _messages(response) == [("error", ACTION_REFUSED.format(n=1))]
    assert rows({"mine": mine, "theirs": theirs}) == before


# --- every admin route to publishing, as an editor without the publish right ------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(PUBLISH_FIELD))
def test_every_admin_route_to_publishing_is_closed_to_an_editor(client, editor_a, world_a, model):
    record = world_a.records[model]
    field = PUBLISH_FIELD[model]
    type(record).objects.filter(pk=record.pk).update(**{field: None})
    records = {"record": record, "document": world_a.records["document"]}
    before = rows(records)
    client.force_login(editor_a)

    # The form: the field is read-only, a forged value is ignored.
    url = reverse(f"admin:governance_{model}_change", args=[record.pk])
    data = admin_form_data(client.get(url))
    data.update({f"{field}_0": "2024-03-01", f"{field}_1": "10:00:00"})
    if model == "meeting":  # and a document's stamp forged through the meeting page's inline
        data.update({"documents-0-published_at_0": "2024-03-01", "documents-0-published_at_1": "10:00:00"})
    assert client.post(url, data).status_code == 302
    # The actions: not offered.
    response = client.post(
        reverse(f"admin:governance_{model}_changelist"), {"action": "publish_selected", "_selected_action": [record.pk]}
    )
    assert _messages(response)[-1] == ("warning", "No action selected.")

    after = rows(records)
    assert after["record"][field] is None and after["document"]["published_at"] == before["document"]["published_at"]
    assert {k: v for k, v in after["record"].items() if k != "modified_at"} == {
        k: v for k, v in before["record"].items() if k != "modified_at"
    }


@pytest.mark.django_db
def test_an_editors_new_mou_is_a_draft_whatever_the_form_says(client, editor_a, world_a):
    client.force_login(editor_a)
    data = {
        "ics": world_a.ics.pk,
        "title": "Joint working",
        "slug": "joint-working",
        "status": "draft",
        "provenance": "public_record",
        "published_at_0": "2024-03-01",
        "published_at_1": "10:00:00",
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("admin:governance_mou_add"), data).status_code == 302
    assert MoU.objects.get(slug="joint-working").published_at is None
