"""Admin writes that carry a rule: what each answers and says, and how many queries it runs.

The counts are pinned from the code as it was before the writes went through the
services (tests/query_pins.py). Most tests commit for real (transaction=True), as a
production request does, so a transaction the code opens is counted as it runs in
production and not as a savepoint inside the test's own transaction.
"""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from governance.models import BoardMembership, MoU
from partners.models import Organisation
from staff.models import StaffRole
from tests import factories as f
from tests.query_pins import pinned

from .conftest import make_staff
from .helpers import admin_form_data
from .test_admin import KINDS

# Measured on the code before the writes went through the services.
COUNTS = {
    "admin restore board": 21,
    "admin restore board after a colleague's save": 22,
    "admin restore signed mou without signatory": 29,
    "admin restore signed mou": 19,
    "admin publish_selected mou by publisher_a": 9,
    "admin publish_selected meeting by publisher_a": 9,
    "admin publish_selected document by publisher_a": 7,
    "admin publish_selected mou by editor_a": 6,
    "admin publish_selected meeting by editor_a": 6,
    "admin publish_selected document by editor_a": 4,
    "admin publish_selected mou by superuser": 8,
    "admin publish_selected meeting by superuser": 8,
    "admin publish_selected document by superuser": 6,
    "admin unpublish_selected mou by publisher_a": 9,
    "admin unpublish_selected meeting by publisher_a": 9,
    "admin unpublish_selected document by publisher_a": 7,
    "admin unpublish_selected mou by editor_a": 6,
    "admin unpublish_selected meeting by editor_a": 6,
    "admin unpublish_selected document by editor_a": 4,
    "admin unpublish_selected mou by superuser": 8,
    "admin unpublish_selected meeting by superuser": 8,
    "admin unpublish_selected document by superuser": 6,
    "admin publish_selected mixed": 9,
    "admin unpublish_selected mixed": 9,
    "admin form publishes mou": 22,
    "admin form publishes meeting": 23,
    "admin form publishes document": 23,
    "admin add form publishes into an edited ICS": 15,
    "admin change form moves and publishes into an edited ICS": 22,
    "admin add signed mou without signatory": 15,
    "admin add signed mou with signatory": 19,
    "admin change mou to signed": 22,
    "admin change signed mou removing its signatory": 22,
    "admin delete last signatory page": 6,
    "admin delete last signatory": 8,
    "admin delete a signatory page": 10,
    "admin delete a signatory": 14,
    "admin membership page adds second chair": 20,
    "admin board page adds second chair": 42,
    "admin person page adds second chair": 23,
    "admin board page adds earlier chair": 45,
    "admin membership page adds earlier chair": 19,
    "admin board page hands on the chair": 47,
    "admin import apply": 56,
    "command import": 49,
    "admin save integratedcaresystem": 18,
    "admin save icsstage": 18,
    "admin save place": 21,
    "admin save organisation": 34,
    "admin save partnership": 21,
    "admin save programme": 18,
    "admin save board": 30,
    "admin save person": 31,
    "admin save boardmembership": 25,
    "admin save meeting": 23,
    "admin save agendaitem": 18,
    "admin save mou": 22,
    "admin save mousignatory": 18,
    "admin save document": 23,
    "admin save declarationofinterest": 18,
}


# Where writing through the services changes a count, on purpose:
# - The publish actions' UPDATE and history INSERT were two autocommitted statements per record; the
#   publish services (governance/services.py) write them in one transaction, which Django logs as
#   BEGIN and COMMIT: +2 per record changed (none for a refused record or one already so).
for _action in ("publish_selected", "unpublish_selected"):
    for _model in ("mou", "meeting", "document"):
        for _role in ("publisher_a", "superuser"):
            COUNTS[f"admin {_action} {_model} by {_role}"] += 2
    COUNTS[f"admin {_action} mixed"] += 2
# - History → Revert had no transaction, so in production (autocommit) its lock check's
#   SELECT … FOR UPDATE failed (TransactionManagementError, a 500); tests ran it inside their own
#   transaction. Its POST now runs in one transaction: +2 (as a savepoint here, BEGIN/COMMIT in
#   production), and an MoU's restore writes through mou_restore(), in its own: +2 more.
COUNTS["admin restore board"] += 2
COUNTS["admin restore board after a colleague's save"] += 2
COUNTS["admin restore signed mou without signatory"] += 2
COUNTS["admin restore signed mou"] += 4
# - A second chair added on a board's page was a 500 (IntegrityError at the 42nd query); the chair
#   rule across the page's rows now answers with its message on the form.
COUNTS["admin board page adds second chair"] = 44
# - A restore is decided on the record as it is now as well as on the version: the view loads the
#   current record once (+1), which gives the lock its stamp (get_form read it again for each form
#   it built: -1 per build, two on a POST, three when the form is shown again with errors) and is
#   the "before" of the rights check (save_model's EXISTS on the stored row: -1).
COUNTS["admin restore board"] -= 2
COUNTS["admin restore board after a colleague's save"] -= 2
COUNTS["admin restore signed mou without signatory"] -= 4
COUNTS["admin restore signed mou"] -= 2
# - A bulk action whose selection holds a record the user may not act on is refused as a whole, before
#   any write: the mixed selection writes nothing now (no transaction, UPDATE or history row).
COUNTS["admin publish_selected mixed"] = 7
COUNTS["admin unpublish_selected mixed"] = 7
# - The partner import asks which matched organisations the user may change (one query for all rows):
#   one shared with another ICS is linked as it is, not updated (docs/adr/0004). The command runs as
#   the server's shell (a superuser's reach) and asks nothing.
COUNTS["admin import apply"] += 1
# - Applying an import is a background job (docs/adr/0011), run inline in the tests: its record is written
#   (BEGIN/COMMIT here), marked running, given two steps and done, read back by the page and read by the
#   job, which reads the file's places and matches again and asks the user's roles and rights again (the
#   job may run long after the page queued it): +14, whatever the rows.
COUNTS["admin import apply"] += 14
# - Re-importing the same partner list writes nothing: the command's second run of the file the admin
#   imported finds both rows (the hospice, with no ODS code, by kind and name among the ICS's partners)
#   already as they say, and saves neither them nor their partnerships (no history rows).
COUNTS["command import"] = 8
# - ICSs have lives, clusters and place memberships (docs/adr/0007), each one query whatever the rows:
#   a board's form, shown again with its errors, lists the clusters a joint board may span (+1); a
#   person's page, shown again, has their leadership posts (+1); an ICS's save reads its place
#   memberships and checks its stages against its life (+3); a partnership, saved alone or on its
#   organisation's page, is checked to name a place that belongs to its ICS on its dates (+1 a row).
COUNTS["admin restore board after a colleague's save"] += 1
COUNTS["admin board page adds second chair"] += 1
COUNTS["admin person page adds second chair"] += 1
COUNTS["admin save integratedcaresystem"] += 3 + 2  # + its successions and clusters, held to its dates
COUNTS["admin save organisation"] += 1
COUNTS["admin save partnership"] += 1
# - Inline rows carry the stamp of the version loaded, as a change form does: each row changed or deleted
#   is checked under lock (SELECT … FOR UPDATE), so a page sent back over a colleague's newer row is refused.
COUNTS["admin change signed mou removing its signatory"] += 1
COUNTS["admin board page hands on the chair"] += 1
# - A save refused over a colleague's newer version re-reads the record, to show it again under the user's input.
COUNTS["admin restore board after a colleague's save"] += 1
# - A meeting's page has an attendance inline, whose member choices (the board's seats) are read once for
#   all its rows, as are its papers' agenda item choices: a save of the page runs 2 more.
COUNTS["admin save meeting"] += 2
COUNTS["admin form publishes meeting"] += 2
# - The meeting cycle added a check constraint each to boards (quorum and notice period), meetings (minutes not
#   approved at themselves) and documents (a paper on an item has a meeting): full_clean() asks the database for
#   each, in a savepoint here (SAVEPOINT, SELECT, RELEASE): +3 for every form that validates one of them.
for _name in (
    "admin restore board",
    "admin restore board after a colleague's save",
    "admin board page adds second chair",
    "admin board page adds earlier chair",
    "admin board page hands on the chair",
    "admin save board",
    "admin save meeting",
    "admin form publishes meeting",
    "admin save document",
    "admin form publishes document",
):
    COUNTS[_name] += 3
# - A bulk action runs in one transaction, refused as a whole if the database refuses any of its writes
#   (ics_portal/core/database_rules.py): BEGIN and COMMIT around it, each record's own transaction a savepoint.
for _action in ("publish_selected", "unpublish_selected"):
    for _model in ("mou", "meeting", "document"):
        for _role in ("publisher_a", "superuser"):
            COUNTS[f"admin {_action} {_model} by {_role}"] += 2

PUBLISH_FIELD = {"mou": "published_at", "meeting": "minutes_published_at", "document": "published_at"}
CHAIR_MESSAGE = "This board already has a chair for part of that period."
SIGNATORY_MESSAGE = "An MoU that is signed or in force needs at least one signatory: add one, or choose another status."


def _messages(response):
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def _errors(response):
    form = response.context["adminform"].form
    errors = [str(e) for e in form.non_field_errors()]
    errors += [f"{name}: {e}" for name, field_errors in form.errors.items() if name != "__all__" for e in field_errors]
    for inline in response.context.get("inline_admin_formsets", []):
        errors += [str(e) for e in inline.formset.non_form_errors()]
        for form_errors in inline.formset.errors:
            for name, field_errors in form_errors.items():
                errors += [e if name == "__all__" else f"{name}: {e}" for e in field_errors]
    return errors


# --- publishing -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model", list(PUBLISH_FIELD))
@pytest.mark.parametrize("role", ["publisher_a", "editor_a", "superuser"])
@pytest.mark.parametrize("action", ["publish_selected", "unpublish_selected"])
def test_publish_actions(client, actors, world_a, model, role, action):
    record = world_a.records[model]
    field = PUBLISH_FIELD[model]
    model_class = type(record)
    was = None if action == "publish_selected" else timezone.now()
    model_class.objects.filter(pk=record.pk).update(**{field: was})
    client.force_login(actors[role])
    with pinned(COUNTS, f"admin {action} {model} by {role}"):
        response = client.post(
            reverse(f"admin:governance_{model}_changelist"), {"action": action, "_selected_action": [record.pk]}
        )
    now = getattr(model_class.objects.get(pk=record.pk), field)
    if role == "editor_a":
        # The actions are not offered: Django says no action was chosen and nothing changes.
        assert response.status_code == 302
        assert _messages(response) == [("warning", "No action selected.")]
        assert now == was
        return
    verb = "Published" if action == "publish_selected" else "Unpublished"
    assert response.status_code == 302
    assert _messages(response) == [("success", f"{verb} 1 record(s).")]
    assert (now is not None) == (action == "publish_selected")
    assert model_class.objects.get(pk=record.pk).history.first().history_user == actors[role]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["publish_selected", "unpublish_selected"])
def test_publish_action_refuses_records_of_an_ics_one_only_edits(client, world_a, world_b, action):
    user = make_staff("pub_a_ed_b", world_a.ics, StaffRole.Role.PUBLISHER)
    StaffRole.objects.create(user=user, ics=world_b.ics, role=StaffRole.Role.EDITOR)
    mine, theirs = world_a.records["mou"], world_b.records["mou"]
    stamp = None if action == "publish_selected" else timezone.now()
    MoU.objects.filter(pk__in=[mine.pk, theirs.pk]).update(published_at=stamp)
    already = f.MoUFactory(ics=world_a.ics, published_at=timezone.now() if stamp is None else None)
    client.force_login(user)
    with pinned(COUNTS, f"admin {action} mixed"):
        response = client.post(
            reverse("admin:governance_mou_changelist"),
            {"action": action, "_selected_action": [mine.pk, theirs.pk, already.pk]},
        )
    # A selection holding a record the user may not publish is refused as a whole: nothing changes.
    assert _messages(response) == [
        (
            "error",
            "Nothing was changed: 1 of the selected record(s) are not yours to change in this way. "
            "Select only records you may change.",
        ),
    ]
    assert MoU.objects.get(pk=theirs.pk).published_at == stamp
    assert MoU.objects.get(pk=mine.pk).published_at == stamp
    response = client.post(
        reverse("admin:governance_mou_changelist"), {"action": action, "_selected_action": [mine.pk, already.pk]}
    )
    verb = "Published" if action == "publish_selected" else "Unpublished"
    assert _messages(response)[-1:] == [("success", f"{verb} 1 record(s).")]  # after the refusal's, unread
    assert MoU.objects.get(pk=theirs.pk).published_at == stamp
    assert (MoU.objects.get(pk=mine.pk).published_at is None) == (stamp is not None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model", list(PUBLISH_FIELD))
def test_publisher_publishes_through_the_form(client, publisher_a, world_a, model):
    record = world_a.records[model]
    field = PUBLISH_FIELD[model]
    type(record).objects.filter(pk=record.pk).update(**{field: None})
    if model == "meeting":
        # Minutes are published only after the meeting starts: the factory's start date depends on how
        # many meetings earlier tests made, so this one is set before the publish date used below.
        type(record).objects.filter(pk=record.pk).update(
            starts_at=datetime.datetime(2024, 1, 1, 10, tzinfo=datetime.UTC)
        )
    url = reverse(f"admin:governance_{model}_change", args=[record.pk])
    client.force_login(publisher_a)
    data = admin_form_data(client.get(url))
    # After every factory meeting (minutes are published only after their meeting), and in the past.
    data.update({f"{field}_0": "2026-07-01", f"{field}_1": "10:00:00"})
    with pinned(COUNTS, f"admin form publishes {model}"):
        response = client.post(url, data)
    assert response.status_code == 302
    assert getattr(type(record).objects.get(pk=record.pk), field) is not None


@pytest.mark.django_db(transaction=True)
def test_publishing_into_an_ics_one_only_edits_is_refused_on_the_form(client, world_a, world_b):
    user = make_staff("pub_a_ed_b", world_a.ics, StaffRole.Role.PUBLISHER)
    StaffRole.objects.create(user=user, ics=world_b.ics, role=StaffRole.Role.EDITOR)
    client.force_login(user)
    data = {
        "ics": world_b.ics.pk,
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
    with pinned(COUNTS, "admin add form publishes into an edited ICS"):
        response = client.post(reverse("admin:governance_mou_add"), data)
    assert response.status_code == 200
    assert _errors(response) == ["published_at: Only a publisher of this ICS may publish or unpublish."]
    assert not MoU.objects.filter(slug="joint-working").exists()

    mou = world_a.records["mou"]
    url = reverse("admin:governance_mou_change", args=[mou.pk])
    data = admin_form_data(client.get(url))
    data.update({"ics": world_b.ics.pk, "published_at_0": "2024-03-01", "published_at_1": "10:00:00"})
    with pinned(COUNTS, "admin change form moves and publishes into an edited ICS"):
        response = client.post(url, data)
    assert response.status_code == 200
    assert _errors(response) == ["published_at: Only a publisher of this ICS may publish or unpublish."]
    assert MoU.objects.get(pk=mou.pk).ics_id == world_a.ics.pk


# --- an MoU signed or in force needs a signatory --------------------------------------------------------


def _mou_add_data(ics, status, signatories=()):
    data = {
        "ics": ics.pk,
        "title": "Joint working",
        "slug": "joint-working",
        "status": status,
        "provenance": "public_record",
        "signatories-TOTAL_FORMS": str(len(signatories)),
        "signatories-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    for i, organisation in enumerate(signatories):
        data[f"signatories-{i}-organisation"] = organisation.pk
        data[f"signatories-{i}-signed_by"] = "Chief Executive"
    return data


@pytest.mark.django_db(transaction=True)
def test_adding_a_signed_mou(client, editor_a, ics_a):
    client.force_login(editor_a)
    with pinned(COUNTS, "admin add signed mou without signatory"):
        refused = client.post(reverse("admin:governance_mou_add"), _mou_add_data(ics_a, "signed"))
    assert refused.status_code == 200
    assert _errors(refused) == [SIGNATORY_MESSAGE]
    organisation = f.OrganisationFactory()
    with pinned(COUNTS, "admin add signed mou with signatory"):
        added = client.post(reverse("admin:governance_mou_add"), _mou_add_data(ics_a, "signed", [organisation]))
    assert added.status_code == 302
    assert MoU.objects.get(slug="joint-working").signatories.count() == 1


@pytest.mark.django_db(transaction=True)
def test_changing_an_mous_status_and_signatories(client, editor_a, world_a):
    mou = world_a.records["mou"]
    url = reverse("admin:governance_mou_change", args=[mou.pk])
    client.force_login(editor_a)
    data = admin_form_data(client.get(url))
    data["status"] = "signed"
    with pinned(COUNTS, "admin change mou to signed"):
        assert client.post(url, data).status_code == 302
    data = admin_form_data(client.get(url))
    data["signatories-0-DELETE"] = "on"
    with pinned(COUNTS, "admin change signed mou removing its signatory"):
        refused = client.post(url, data)
    assert refused.status_code == 200
    assert _errors(refused) == [SIGNATORY_MESSAGE]
    assert mou.signatories.count() == 1


@pytest.mark.django_db(transaction=True)
def test_deleting_signatories(client, editor_a, world_a):
    mou = world_a.records["mou"]
    signatory = world_a.records["mousignatory"]
    MoU.objects.filter(pk=mou.pk).update(status="signed")
    client.force_login(editor_a)
    url = reverse("admin:governance_mousignatory_delete", args=[signatory.pk])
    with pinned(COUNTS, "admin delete last signatory page"):
        assert client.get(url).status_code == 403
    with pinned(COUNTS, "admin delete last signatory"):
        assert client.post(url, {"post": "yes"}).status_code == 403
    second = f.MoUSignatoryFactory(mou=mou)
    with pinned(COUNTS, "admin delete a signatory page"):
        assert client.get(url).status_code == 200
    with pinned(COUNTS, "admin delete a signatory"):
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert list(mou.signatories.all()) == [second]


# --- one chair at a time ----------------------------------------------------------------------------------


@pytest.fixture
def chaired_board(world_a):
    board = world_a.records["board"]
    f.BoardMembershipFactory(board=board, role="chair", start_date=datetime.date(2022, 7, 1))
    return board


CHAIR_ROW = {"role": "chair", "is_voting": "on", "start_date": "2023-01-01", "provenance": "public_record"}


def _add_inline_row(data, prefix, row):
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    data.update({f"{prefix}-{n}-{name}": value for name, value in row.items()})
    return data


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["membership", "board", "person"])
def test_a_second_chair_gets_the_message(client, editor_a, chaired_board, page):
    client.force_login(editor_a)
    client.raise_request_exception = False
    person = f.PersonFactory()
    if page == "membership":
        url = reverse("admin:governance_boardmembership_add")
        data = {"board": chaired_board.pk, "person": person.pk, **CHAIR_ROW}
    elif page == "board":
        url = reverse("admin:governance_board_change", args=[chaired_board.pk])
        data = _add_inline_row(admin_form_data(client.get(url)), "memberships", {"person": person.pk, **CHAIR_ROW})
    else:
        url = reverse("admin:governance_person_change", args=[person.pk])
        data = _add_inline_row(
            admin_form_data(client.get(url)), "memberships", {"board": chaired_board.pk, **CHAIR_ROW}
        )
    with pinned(COUNTS, f"admin {page} page adds second chair"):
        response = client.post(url, data)
    assert response.status_code == 200
    assert _errors(response) == [CHAIR_MESSAGE]
    assert BoardMembership.objects.filter(board=chaired_board, role="chair").count() == 1


@pytest.mark.django_db(transaction=True)
def test_chairs_in_turn_are_fine(client, editor_a, chaired_board):
    client.force_login(editor_a)
    row = {**CHAIR_ROW, "start_date": "2020-01-01", "end_date": "2022-06-30"}
    url = reverse("admin:governance_board_change", args=[chaired_board.pk])
    data = _add_inline_row(admin_form_data(client.get(url)), "memberships", {"person": f.PersonFactory().pk, **row})
    with pinned(COUNTS, "admin board page adds earlier chair"):
        response = client.post(url, data)
    assert response.status_code == 302
    data = {"board": chaired_board.pk, "person": f.PersonFactory().pk, **row, "start_date": "2019-01-01"}
    data["end_date"] = "2019-12-31"
    with pinned(COUNTS, "admin membership page adds earlier chair"):
        response = client.post(reverse("admin:governance_boardmembership_add"), data)
    assert response.status_code == 302
    assert BoardMembership.objects.filter(board=chaired_board, role="chair").count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_chair_is_handed_on_in_one_submit(client, editor_a, chaired_board):
    """The current chair's term ends and the next chair's begins, both on the board's page, in one submit."""
    client.force_login(editor_a)
    url = reverse("admin:governance_board_change", args=[chaired_board.pk])
    data = admin_form_data(client.get(url))
    n = int(data["memberships-TOTAL_FORMS"])
    current = next(i for i in range(n) if data[f"memberships-{i}-role"] == "chair")
    data[f"memberships-{current}-end_date"] = "2024-03-31"
    row = {"person": f.PersonFactory().pk, **CHAIR_ROW, "start_date": "2024-04-01"}
    with pinned(COUNTS, "admin board page hands on the chair"):
        response = client.post(url, _add_inline_row(data, "memberships", row))
    assert response.status_code == 302
    assert BoardMembership.objects.filter(board=chaired_board, role="chair").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_new_chairs_at_once_get_the_message(client, editor_a, chaired_board, world_a):
    """Two seats of one submit are not in the database yet: the page's rows are checked together.
    (Each row alone passes the model's constraint; the database refused the pair with a 500.)"""
    client.force_login(editor_a)
    board = f.BoardFactory(ics=world_a.ics)
    person = f.PersonFactory()
    url = reverse("admin:governance_person_change", args=[person.pk])
    data = admin_form_data(client.get(url))
    for start in ("2023-01-01", "2024-01-01"):
        data = _add_inline_row(data, "memberships", {"board": board.pk, **CHAIR_ROW, "start_date": start})
    response = client.post(url, data)
    assert response.status_code == 200
    assert _errors(response) == [CHAIR_MESSAGE]
    assert not BoardMembership.objects.filter(board=board).exists()


# --- restoring a version --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_restore_commits_as_in_production(client, editor_a, world_a):
    """Outside a test's transaction (autocommit, as in production) the restore's lock check needs
    the transaction its POST now runs in; without it the view failed with TransactionManagementError."""
    board = world_a.records["board"]
    first = board.history.order_by("history_date").first()
    board.name = "A mistaken rename"
    board.save()
    client.force_login(editor_a)
    url = reverse("admin:governance_board_simple_history", args=[board.pk, first.history_id])
    assert client.post(url, admin_form_data(client.get(url))).status_code == 302
    board.refresh_from_db()
    assert board.name == first.name


@pytest.mark.django_db
def test_restores(client, editor_a, superuser, world_a):
    board = world_a.records["board"]
    first = board.history.order_by("history_date").first()
    board.name = "A mistaken rename"
    board.save()
    client.force_login(editor_a)
    url = reverse("admin:governance_board_simple_history", args=[board.pk, first.history_id])
    data = admin_form_data(client.get(url))
    with pinned(COUNTS, "admin restore board"):
        response = client.post(url, data)
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.name == first.name
    assert board.history.first().history_user == editor_a

    # Someone saves between opening the old version and restoring it: refused, nothing written.
    data = admin_form_data(client.get(url))
    board.name = "Someone else's name"
    board.save()
    with pinned(COUNTS, "admin restore board after a colleague's save"):
        response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in _errors(response)[0]
    board.refresh_from_db()
    assert board.name == "Someone else's name"

    mou = f.MoUFactory(ics=world_a.ics, status="agreed")
    signatory = f.MoUSignatoryFactory(mou=mou)
    mou.status = "signed"
    mou.save()
    signed = mou.history.first()
    mou.status = "withdrawn"
    mou.save()
    signatory.delete()
    url = reverse("admin:governance_mou_simple_history", args=[mou.pk, signed.history_id])
    with pinned(COUNTS, "admin restore signed mou without signatory"):
        response = client.post(url, admin_form_data(client.get(url)))
    assert response.status_code == 200
    assert _errors(response) == [f"status: {SIGNATORY_MESSAGE}"]
    mou.refresh_from_db()
    assert mou.status == "withdrawn"
    f.MoUSignatoryFactory(mou=mou)
    data = admin_form_data(client.get(url))
    with pinned(COUNTS, "admin restore signed mou"):
        response = client.post(url, data)
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.status == "signed"
    assert mou.history.first().history_user == editor_a


# --- the partner import ------------------------------------------------------------------------------------

PARTNERS = (
    b"name,ods_code,kind,place,role,start_date,end_date\n"
    b"Leeds Teaching Hospitals NHS Trust,RR8,nhs_trust,,constitutional_partner,2022-07-01,\n"
    b"Wakefield Hospice,,hospice,,,,\n"
)


@pytest.mark.django_db(transaction=True)
def test_partner_import(client, editor_a, ics_a, tmp_path):
    f.OrganisationFactory(ods_code="RR8", name="Old name")
    client.force_login(editor_a)
    url = reverse("admin:partners_organisation_import")
    upload = io.BytesIO(PARTNERS)
    upload.name = "partners.csv"
    assert client.post(url, {"ics": ics_a.pk, "file": upload}).status_code == 200
    with pinned(COUNTS, "admin import apply"):
        response = client.post(url, {"apply": "1"})
    assert response.status_code == 302
    assert _messages(response) == [
        ("success", f"Imported into {ics_a}: 1 created, 1 updated, 0 rows skipped."),
    ]
    assert Organisation.objects.get(ods_code="RR8").history.first().history_user == editor_a

    path = tmp_path / "partners.csv"
    path.write_bytes(PARTNERS)
    out = io.StringIO()
    with pinned(COUNTS, "command import"):
        call_command("import_partners", str(path), "--ics", ics_a.slug, stdout=out)
    assert "Imported: 0 created, 0 updated, 2 already up to date, 0 skipped, 0 new partnerships." in out.getvalue()


# --- every kind of record, saved unchanged by its ICS's editor ------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app,model", KINDS)
def test_plain_saves(client, editor_a, world_a, app, model):
    record = world_a.records[model]
    url = reverse(f"admin:{app}_{model}_change", args=[record.pk])
    client.force_login(editor_a)
    data = admin_form_data(client.get(url))
    with pinned(COUNTS, f"admin save {model}"):
        response = client.post(url, data)
    assert response.status_code == 302
    assert type(record).objects.get(pk=record.pk).history.first().history_user == editor_a
