"""Every database rule a staff write can break answers with its message, never a 500, and writes nothing.

The rows are the matrix of docs/adr/0002 ("The constraint × write-path matrix"): each reachable cell is
driven through its real path (an admin form or inline POST with its management form, a bulk action, a
delete, History → Revert), committed for real (transaction=True) as production runs, and then every
table of the portal (history included) must hold what it held before. The first test fails when the
database has a rule the matrix does not list, so a new rule cannot be added without its row.
"""

import datetime
import fnmatch
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from governance.models import (
    Board,
    BoardMembership,
    Document,
    LeadershipPost,
    Meeting,
    MoU,
    Programme,
)
from governance.services import MOU_NEEDS_SIGNATORY
from ics_portal.core.date_range import out_of_range_message
from partners.models import NAMES_OVERLAP, TRUST_ODS_CODE_DESCRIBED, Partnership
from places.models import PLACE_IN_TWO_ICSS, Cluster, ClusterMembership, IcsSuccession
from staff.models import StaffRole
from tests import factories as f
from tests.concurrency import committed_later

from .helpers import admin_form_data

pytestmark = pytest.mark.django_db(transaction=True)

PORTAL_APPS = ("places", "partners", "governance", "staff")
ADR = Path(__file__).resolve().parents[2] / "docs/adr/0002-database-rules-postgresql-first.md"
MATRIX_HEADING = "## The constraint × write-path matrix"
CHAIR_MESSAGE = "This board already has a chair for part of that period."
END_BEFORE_START = "The end date cannot be before the start date."


# --- the matrix lists every rule of the database ---------------------------------------------------------


def _matrix_names() -> set[str]:
    """The rule names (in backticks) of the first column of the matrix's table in ADR 2."""
    text = ADR.read_text().split(MATRIX_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("|") and not line.startswith("| ---")]
    return {name for row in rows[1:] for name in re.findall(r"`([^`]+)`", row.split("|")[1])}


def _database_rules() -> set[str]:
    """The portal's check, unique and exclusion constraints, constraint triggers and PROTECT foreign keys."""
    tables = [
        model._meta.db_table
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not model.__name__.startswith("Historical")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype IN ('c', 'u', 'x') AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%s)", [tables]
        )
        names |= {row[0] for row in cursor.fetchall()}
    names |= {
        f"{model._meta.label}.{field.name}"
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.fields
        if field.remote_field is not None and field.remote_field.on_delete is models.PROTECT
    }
    return names


def test_the_matrix_lists_every_rule_of_the_database():
    listed = _matrix_names()
    patterns = {name for name in listed if "*" in name}
    rules = _database_rules()
    unlisted = {rule for rule in rules - listed if not any(fnmatch.fnmatch(rule, p) for p in patterns)}
    assert not unlisted, f"Rules the matrix in {ADR.name} does not list: give each its row: {sorted(unlisted)}"
    stale = {name for name in listed - patterns if name not in rules}
    assert not stale, f"Rows of the matrix for rules the database does not have: {sorted(stale)}"
    assert all(any(fnmatch.fnmatch(rule, p) for rule in rules) for p in patterns)


# --- helpers ----------------------------------------------------------------------------------------------


def _tables() -> dict[str, int]:
    """How many rows each table of the portal holds, history included (every save writes a history row)."""
    return {
        model._meta.label: model._base_manager.count()
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models()
    }


def _unique_message(model, *fields) -> str:
    """What Django says for a duplicate of `fields` (as the form's validate_unique() says it)."""
    return model().unique_error_message(model, fields).messages[0]


def _form(client, page, **changes):
    data = admin_form_data(client.get(page))
    data.update({name: "" if value is None else str(value) for name, value in changes.items()})
    return data


def _add_row(data, prefix, **row):
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    data.update({f"{prefix}-{n}-{name}": "" if value is None else str(value) for name, value in row.items()})
    return data


def _change(record):
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])


def _add(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def _messages(response):
    return [m.message for m in get_messages(response.wsgi_request)]


def _assert_refused(response, message, before):
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert escape(message) in page, re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    assert _tables() == before


# --- forms and inlines: one cell each (rule, path), as the matrix names them ---------------------------------

DAY = datetime.date(2026, 4, 1)


@pytest.fixture
def world(ics_a, editor_a, superuser):
    board = f.BoardFactory(ics=ics_a)
    meeting = f.MeetingFactory(board=board)
    mou = f.MoUFactory(ics=ics_a, status=MoU.Status.AGREED, published_at=None)
    return {
        "ics": ics_a,
        "board": board,
        "meeting": meeting,
        "item": f.AgendaItemFactory(meeting=meeting, number="1"),
        "mou": mou,
        "signatory": f.MoUSignatoryFactory(mou=mou),
        "organisation": f.OrganisationFactory(),
        "editor": editor_a,
        "superuser": superuser,
    }


def _ends_after_start_form(client, w):
    data = _form(client, _add(Partnership), organisation=w["organisation"].pk, ics=w["ics"].pk)
    data.update(start_date="2024-01-01", end_date="2023-01-01", role="partner")
    return _add(Partnership), data, END_BEFORE_START


def _ends_after_start_inline(client, w):
    url = _change(w["organisation"])
    data = _add_row(_form(client, url), "names", name="Old name", start_date="2024-01-01", end_date="2023-01-01")
    return url, data, END_BEFORE_START


def _one_name_at_a_time_inline(client, w):
    url = _change(w["organisation"])
    data = _add_row(_form(client, url), "names", name="Old name", end_date="2023-01-01")
    data = _add_row(data, "names", name="New name", start_date="2022-06-01")
    return url, data, NAMES_OVERLAP


def _day_in_range_form(client, w):
    url = _add(Board)
    data = _form(client, url, ics=w["ics"].pk, name="Old board", slug="old-board", kind="committee")
    data["start_date"] = "1900-01-01"
    return url, data, out_of_range_message(datetime.date(1900, 1, 1))


def _slug_taken_form(client, w):
    url = _add(Board)
    data = _form(client, url, ics=w["ics"].pk, name="Copy", slug=w["board"].slug, kind="committee")
    return url, data, _unique_message(type(w["board"]), "slug")


def _board_reports_to_itself(client, w):
    url = _change(w["board"])
    return url, _form(client, url, reports_to=w["board"].pk), "A board cannot report to itself."


def _board_quorum(client, w):
    url = _change(w["board"])
    return url, _form(client, url, quorum=0), "Ensure this value is greater than or equal to 1."


def _board_notice(client, w):
    url = _change(w["board"])
    return url, _form(client, url, notice_clear_days=61), "Ensure this value is less than or equal to 60."


def _organisation_ods_code(client, w):
    url = _change(w["organisation"])
    data = _form(client, url, kind="nhs_trust", ods_code="12X")
    return url, data, f"An ODS code for a nhs trust is {TRUST_ODS_CODE_DESCRIBED}."


def _ics_code_and_population(client, w):
    url = _change(w["ics"])
    return url, _form(client, url, population=-1), "Ensure this value is greater than or equal to 0."


def _place_ods_code(client, w):
    place = f.PlaceFactory(ics=w["ics"])
    url = _change(place)
    return url, _form(client, url, ods_code="1"), "A sub-ICB location code is like 15F or W2U3Z."


def _place_in_two_icss_inline(client, w):
    place = f.PlaceFactory(ics=w["ics"])
    url = _change(place)
    data = _add_row(_form(client, url), "memberships", ics=f.IntegratedCareSystemFactory().pk, start_date="2023-01-01")
    return url, data, PLACE_IN_TWO_ICSS


def _stage_twice_inline(client, w):
    stage = f.IcsStageFactory(ics=w["ics"])
    url = _change(w["ics"])
    data = _add_row(_form(client, url), "stages", stage=stage.stage, provenance="public_record")
    return url, data, "Please correct the duplicate data for stage."  # the formset: every stage is on the page


def _programme_slug_in_ics(client, w):
    programme = f.ProgrammeFactory(ics=w["ics"])
    url = _add(Programme)
    data = _form(client, url, ics=w["ics"].pk, name="Copy", slug=programme.slug)
    return url, data, _unique_message(type(programme), "ics", "slug")


def _meeting_slug_on_board(client, w):
    url = _add(Meeting)
    data = _form(client, url, board=w["board"].pk, slug=w["meeting"].slug, status="scheduled")
    return url, data, _unique_message(Meeting, "board", "slug")


def _meeting_approved_at_itself(client, w):
    url = _change(w["meeting"])
    data = _form(client, url, minutes_approved_at=w["meeting"].pk)
    return url, data, "A meeting's minutes are approved at a later meeting, not at itself."


def _agenda_number_inline(client, w):
    url = _change(w["meeting"])
    data = _add_row(_form(client, url), "agenda_items", number="1", position=2, title="Again")
    return url, data, "Please correct the duplicate data for number."


def _attendance_twice_inline(client, w):
    seat = f.BoardMembershipFactory(board=w["board"])
    f.AttendanceFactory(meeting=w["meeting"], membership=seat)
    url = _change(w["meeting"])
    data = _add_row(_form(client, url), "attendance", membership=seat.pk, status="apologies")
    return url, data, "Please correct the duplicate data for membership."


def _agenda_position(client, w):
    url = _change(w["item"])
    return url, _form(client, url, position=-1), "Ensure this value is greater than or equal to 0."


def _second_chair_on_board_page(client, w):
    f.BoardMembershipFactory(board=w["board"], role="chair", start_date=datetime.date(2022, 7, 1))
    url = _change(w["board"])
    data = _add_row(
        _form(client, url),
        "memberships",
        person=f.PersonFactory().pk,
        role="chair",
        is_voting="on",
        start_date="2023-01-01",
        provenance="public_record",
    )
    return url, data, CHAIR_MESSAGE


def _signatory_twice_inline(client, w):
    url = _change(w["mou"])
    data = _add_row(_form(client, url), "signatories", organisation=w["signatory"].organisation_id)
    return url, data, "Please correct the duplicate data for organisation."


def _signatory_moved_off_a_signed_mou(client, w):
    MoU.objects.filter(pk=w["mou"].pk).update(status=MoU.Status.SIGNED)
    url = _change(w["signatory"])
    data = _form(client, url, mou=f.MoUFactory(ics=w["ics"]).pk)
    return url, data, MOU_NEEDS_SIGNATORY


def _signed_mou_without_signatory_inline(client, w):
    url = _change(w["mou"])
    data = _form(client, url, status="signed")
    data["signatories-0-DELETE"] = "on"
    return url, data, MOU_NEEDS_SIGNATORY


def _document_without_file_or_link_inline(client, w):
    url = _change(w["meeting"])
    data = _add_row(_form(client, url), "documents", title="Papers", kind="papers")
    return url, data, "Give the document a file or a link."


def _document_attached_to_nothing(client, w):
    url = _add(Document)
    data = _form(client, url, title="Papers", kind="papers", url="https://example.org/papers.pdf")
    return url, data, "Attach the document to a board, a meeting or an MoU."


def _document_item_of_another_meeting(client, w):
    url = _add(Document)
    other = f.MeetingFactory(board=w["board"])
    data = _form(
        client, url, title="Papers", kind="papers", url="https://example.org/p.pdf", meeting=other.pk,
        agenda_item=w["item"].pk,
    )  # fmt: skip
    return url, data, "Choose an item on this document's meeting's agenda."


def _post_of_ics_and_cluster(client, w):
    url = _add(LeadershipPost)
    cluster = Cluster.objects.create(name="Pair", slug="pair")
    data = _form(client, url, person=f.PersonFactory().pk, role="chair", ics=w["ics"].pk, cluster=cluster.pk)
    return url, data, "A post is either an ICB's or a cluster's: choose one."


def _second_role_in_one_ics(client, w):
    url = _add(StaffRole)
    data = _form(client, url, user=w["editor"].pk, ics=w["ics"].pk, role="publisher")
    return url, data, _unique_message(StaffRole, "user", "ics")


def _merger(w):
    old = w["ics"]
    type(old).objects.filter(pk=old.pk).update(
        start_date=datetime.date(2016, 3, 30), end_date=DAY - datetime.timedelta(1)
    )
    new = f.IntegratedCareSystemFactory(start_date=DAY)
    return type(old).objects.get(pk=old.pk), new


def _succession_to_itself_inline(client, w):
    url = _change(w["ics"])
    data = _add_row(_form(client, url), "successions", kind="boundary_change", successor=w["ics"].pk, date="2024-04-01")
    return url, data, "An ICS cannot succeed itself."


def _succession_outside_lives_inline(client, w):
    old, new = _merger(w)
    url = _change(old)
    data = _add_row(_form(client, url), "successions", kind="merger", successor=new.pk, date="2026-03-01")
    return url, data, f"{new} did not exist on 1 March 2026."


def _succession_twice_inline(client, w):
    old, new = _merger(w)
    IcsSuccession.objects.create(predecessor=old, successor=new, kind="merger", date=DAY)
    url = _change(old)
    data = _add_row(_form(client, url), "successions", kind="merger", successor=new.pk, date=DAY)
    return url, data, "Please correct the duplicate data for successor and date, which must be unique."


def _ics_ends_before_its_succession(client, w):
    old, new = _merger(w)
    IcsSuccession.objects.create(predecessor=old, successor=new, kind="merger", date=DAY)
    url = _change(old)
    return url, _form(client, url, end_date="2025-03-31"), "for its succession of 1 April 2026"


def _clustered(w):
    old, _ = _merger(w)
    cluster = Cluster.objects.create(
        name="Pair", slug="pair", start_date=datetime.date(2025, 9, 1), end_date=old.end_date
    )
    ClusterMembership.objects.create(cluster=cluster, ics=old)
    return cluster, old


def _cluster_outlives_its_member(client, w):
    cluster, old = _clustered(w)
    url = _change(cluster)
    return url, _form(client, url, end_date=None), f"{old}, a member of this cluster, did not exist"


def _cluster_member_not_alive_inline(client, w):
    old, _ = _merger(w)
    cluster = Cluster.objects.create(name="Later", slug="later", start_date=DAY)
    url = _change(cluster)
    data = _add_row(_form(client, url), "memberships", ics=old.pk)
    return url, data, f"{old} did not exist for all of the cluster's dates."


def _cluster_member_twice_inline(client, w):
    cluster, old = _clustered(w)
    url = _change(cluster)
    return url, _add_row(_form(client, url), "memberships", ics=old.pk), "Please correct the duplicate data for ics."


FORM_CELLS = {
    "*_ends_after_start: a form": ("editor", _ends_after_start_form),
    "*_ends_after_start: an inline": ("editor", _ends_after_start_inline),
    "*_dates_in_range: a form": ("editor", _day_in_range_form),
    "*_slug_key: a form": ("editor", _slug_taken_form),
    "partners_one_name_at_a_time: organisation's names": ("editor", _one_name_at_a_time_inline),
    "partners_organisation_ods_code_format: organisation": ("editor", _organisation_ods_code),
    "*_population_check: ICS": ("superuser", _ics_code_and_population),
    "places_place_ods_code_format: place": ("editor", _place_ods_code),
    "places_one_ics_a_day: place's ICSs": ("superuser", _place_in_two_icss_inline),
    "places_icsstage_one_of_each: ICS's stages": ("editor", _stage_twice_inline),
    "places_succession_not_itself: ICS's successions": ("superuser", _succession_to_itself_inline),
    "places_succession_within_lives: ICS's successions": ("superuser", _succession_outside_lives_inline),
    "places_succession_once_a_day: ICS's successions": ("superuser", _succession_twice_inline),
    "places_ics_life_keeps_rules: ICS": ("superuser", _ics_ends_before_its_succession),
    "places_cluster_member_once: cluster's members": ("superuser", _cluster_member_twice_inline),
    "places_cluster_dates_keep_members: cluster": ("superuser", _cluster_outlives_its_member),
    "places_cluster_members_exist: cluster's members": ("superuser", _cluster_member_not_alive_inline),
    "governance_programme_unique_slug_in_ics: programme": ("editor", _programme_slug_in_ics),
    "governance_board_not_reporting_to_itself: board": ("editor", _board_reports_to_itself),
    "governance_board_quorum_and_notice_in_range: quorum": ("editor", _board_quorum),
    "governance_board_quorum_and_notice_in_range: notice": ("editor", _board_notice),
    "governance_one_chair_at_a_time: board's seats": ("editor", _second_chair_on_board_page),
    "governance_meeting_unique_slug_on_board: meeting": ("editor", _meeting_slug_on_board),
    "governance_meeting_minutes_not_self_approved: meeting": ("editor", _meeting_approved_at_itself),
    "governance_agendaitem_unique_number: meeting's items": ("editor", _agenda_number_inline),
    "governance_attendance_once_per_member: meeting's attendance": ("editor", _attendance_twice_inline),
    "governance_agendaitem_position_check: agenda item": ("editor", _agenda_position),
    "governance_mousignatory_once_per_mou: MoU's signatories": ("editor", _signatory_twice_inline),
    "governance_mou_signed_needs_signatory: MoU's signatories": ("editor", _signed_mou_without_signatory_inline),
    "governance_mousignatory_keeps_signed_mou: signatory": ("editor", _signatory_moved_off_a_signed_mou),
    "governance_document_has_file_or_url: meeting's papers": ("editor", _document_without_file_or_link_inline),
    "governance_document_belongs_somewhere: document": ("editor", _document_attached_to_nothing),
    "governance_document_item_paper_has_meeting: document": ("editor", _document_item_of_another_meeting),
    "governance_post_of_ics_or_cluster: leadership post": ("superuser", _post_of_ics_and_cluster),
    "staff_staffrole_one_role_per_ics: staff role": ("superuser", _second_role_in_one_ics),
}


@pytest.mark.parametrize("cell", list(FORM_CELLS))
def test_a_form_or_inline_answers_with_the_rules_message(client, world, cell):
    actor, build = FORM_CELLS[cell]
    client.force_login(world[actor])
    client.raise_request_exception = False  # a 500 is an answer to assert on, not an exception
    url, data, message = build(client, world)
    before = _tables()
    _assert_refused(client.post(url, data), message, before)


# --- bulk actions and deletes -------------------------------------------------------------------------------


def test_deleting_the_last_signatories_of_a_signed_mou_together_is_refused_with_the_message(client, world):
    """Each selected signatory alone is not the last, so the action runs; the trigger refuses the pair at commit."""
    mou = world["mou"]
    second = f.MoUSignatoryFactory(mou=mou)
    MoU.objects.filter(pk=mou.pk).update(status=MoU.Status.SIGNED)
    client.force_login(world["editor"])
    before = _tables()
    response = client.post(
        reverse("admin:governance_mousignatory_changelist"),
        {"action": "delete_selected", "_selected_action": [world["signatory"].pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert _messages(response) == [f"Nothing was changed: {MOU_NEEDS_SIGNATORY}"]
    assert _tables() == before


@pytest.mark.parametrize(
    "protected",
    ["places.PlaceMembership.ics", "places.ClusterMembership.ics", "governance.MoUSignatory.organisation",
     "governance.LeadershipPost.person"],
)  # fmt: skip
@pytest.mark.parametrize("path", ["delete page", "delete selected"])
def test_a_protected_record_is_not_deleted_and_the_page_says_why(client, world, protected, path):
    ics = world["ics"]
    if protected == "places.PlaceMembership.ics":
        record = f.IntegratedCareSystemFactory()
        f.PlaceFactory(ics=record)
    elif protected == "places.ClusterMembership.ics":
        record = f.IntegratedCareSystemFactory()
        ClusterMembership.objects.create(cluster=Cluster.objects.create(name="Pair", slug="pair"), ics=record)
    elif protected == "governance.MoUSignatory.organisation":
        record = world["signatory"].organisation
    else:
        record = f.PersonFactory()
        LeadershipPost.objects.create(person=record, role="chair", ics=ics)
    client.force_login(world["superuser"])
    opts = record._meta
    before = _tables()
    if path == "delete page":
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[record.pk])
        response = client.post(url, {"post": "yes"})
    else:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.post(url, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert _tables() == before


@pytest.mark.parametrize("model", ["agendaitem", "document"])
def test_a_published_paper_or_item_is_deleted_only_by_a_publisher(client, world, publisher_a, model):
    meeting = world["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(minutes_published_at=timezone.now())
    record = world["item"] if model == "agendaitem" else f.DocumentFactory(meeting=meeting, url="https://example.org/a")
    client.force_login(world["editor"])
    before = _tables()
    delete = reverse(f"admin:governance_{model}_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse(f"admin:governance_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert _messages(response) == [
        "Nothing was changed: 1 of the selected record(s) are not yours to change in this way. "
        "Select only records you may change."
    ]
    url = _change(meeting)
    data = _form(client, url)
    prefix = "agenda_items" if model == "agendaitem" else "documents"
    row = next(i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{i}-id"] == str(record.pk))
    data[f"{prefix}-{row}-DELETE"] = "on"
    _assert_refused(
        client.post(url, data), f"“{record}” is published: only a publisher of this ICS may delete it.", before
    )
    client.force_login(publisher_a)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not type(record).objects.filter(pk=record.pk).exists()


# --- History → Revert ------------------------------------------------------------------------------------------


def _restore(client, record, version):
    opts = record._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[record.pk, version.history_id])
    return client.post(url, admin_form_data(client.get(url)))


def test_restoring_a_slug_taken_since_gives_the_message(client, world):
    board = world["board"]
    first = board.history.earliest("history_date")
    board.slug = "renamed"
    board.save()
    f.BoardFactory(ics=world["ics"], slug=first.slug)
    client.force_login(world["editor"])
    before = _tables()
    _assert_refused(_restore(client, board, first), _unique_message(Board, "slug"), before)


def test_restoring_a_chair_over_a_newer_chair_gives_the_message(client, world):
    seat = f.BoardMembershipFactory(board=world["board"], role="chair", start_date=datetime.date(2022, 7, 1))
    chair = seat.history.earliest("history_date")
    seat.role = "member"
    seat.save()
    f.BoardMembershipFactory(board=world["board"], role="chair", start_date=datetime.date(2024, 1, 1))
    client.force_login(world["editor"])
    before = _tables()
    _assert_refused(_restore(client, seat, chair), CHAIR_MESSAGE, before)


def test_restoring_an_ics_life_its_succession_needs_changed_gives_the_message(client, world):
    old, new = _merger(world)
    old.end_date = datetime.date(2025, 3, 31)
    old.save()
    shorter = old.history.latest("history_date")
    old.end_date = DAY - datetime.timedelta(1)
    old.save()
    IcsSuccession.objects.create(predecessor=old, successor=new, kind="merger", date=DAY)
    client.force_login(world["superuser"])
    before = _tables()
    _assert_refused(_restore(client, old, shorter), "for its succession of 1 April 2026", before)


def test_restoring_a_cluster_beyond_a_members_life_gives_the_message(client, world):
    """The cluster's clean() holds its dates to its members', as the ICS's does: before, the deferred
    trigger refused the restore at commit, a 500."""
    old, _ = _merger(world)
    last_day = old.end_date
    type(old).objects.filter(pk=old.pk).update(end_date=None)
    cluster = Cluster.objects.create(name="Pair", slug="pair", start_date=datetime.date(2025, 9, 1))
    ClusterMembership.objects.create(cluster=cluster, ics=old)
    open_ended = cluster.history.latest("history_date")
    cluster.end_date = last_day
    cluster.save()
    type(old).objects.filter(pk=old.pk).update(end_date=last_day)
    client.force_login(world["superuser"])
    before = _tables()
    _assert_refused(_restore(client, cluster, open_ended), f"{old}, a member of this cluster, did not exist", before)


# --- two saves at once ----------------------------------------------------------------------------------------


def test_two_chairs_saved_at_once_the_loser_gets_the_message(client, world):
    board, person = world["board"], f.PersonFactory()
    client.force_login(world["editor"])
    data = {
        "board": board.pk, "person": person.pk, "role": "chair", "is_voting": "on", "start_date": "2023-01-01",
        "provenance": "public_record",
    }  # fmt: skip
    rival = f.PersonFactory()
    other = committed_later(
        lambda: BoardMembership.objects.create(
            board=board, person=rival, role="chair", start_date=datetime.date(2022, 1, 1)
        )
    )
    response = client.post(reverse("admin:governance_boardmembership_add"), data)
    other.join()
    assert response.status_code == 200
    assert escape(CHAIR_MESSAGE) in response.content.decode()
    assert list(BoardMembership.objects.filter(board=board, role="chair").values_list("person", flat=True)) == [
        rival.pk
    ]
    assert not BoardMembership.history.filter(person=person).exists()  # the loser wrote nothing


def test_two_boards_with_one_slug_saved_at_once_the_loser_gets_the_message(client, world):
    client.force_login(world["editor"])
    url = _add(Board)
    data = _form(client, url, ics=world["ics"].pk, name="Race", slug="race", kind="committee")
    other = committed_later(lambda: Board.objects.create(ics=world["ics"], name="First", slug="race", kind="committee"))
    response = client.post(url, data)
    other.join()
    assert response.status_code == 200
    assert escape(_unique_message(Board, "slug")) in response.content.decode()
    assert list(Board.objects.filter(slug="race").values_list("name", flat=True)) == ["First"]
