"""manage.py sync_ods: proposals from ODS files made from the shipped ones, the review queue's decisions."""

import csv
import datetime
import io
import string
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connections

from partners.management.commands.sync_ods import LOCK_KEY
from partners.models import OdsChange, Organisation, OrganisationSuccession
from partners.services import accept_ods_change, reject_ods_change
from tests.factories import IntegratedCareSystemFactory, OrganisationFactory, PartnershipFactory

SHIPPED_TRUSTS = Path("/work/shared/data/ods_etr.csv")
if not SHIPPED_TRUSTS.exists():
    SHIPPED_TRUSTS = Path(__file__).resolve().parents[2] / "data" / "ods_etr.csv"
ICBS = ("QWO", "QYG")  # West Yorkshire, Cheshire and Merseyside
LATER = "2025-04-01"


def shipped_rows():
    """The shipped trusts file's rows for West Yorkshire's and Cheshire and Merseyside's trusts."""
    with SHIPPED_TRUSTS.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.reader(f) if row[3] in ICBS]


def write(path: Path, rows) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def changed(rows, code, **cells):
    columns = {"name": 1, "icb": 3, "opened": 10, "closed": 11}
    for row in rows:
        if row[0] == code:
            for column, value in cells.items():
                row[columns[column]] = value
    return rows


def later_rows():
    """A later file: RBN closed (its work passed to the new A1B2C), RR8 renamed, RY6 moved to Cheshire and
    Merseyside, and a new trust with a five-character code."""
    rows = shipped_rows()
    changed(rows, "RBN", closed="20250331")
    changed(rows, "RR8", name="LEEDS TEACHING HOSPITALS NHS FOUNDATION TRUST")
    changed(rows, "RY6", icb="QYG")
    new = list(rows[0])
    new[:4], new[10:12] = ["A1B2C", "MERSEY AND WEST LANCASHIRE NHS FOUNDATION TRUST", "Y62", "QYG"], ["20250401", ""]
    return [*rows, new]


@pytest.fixture
def portal():
    """The portal as the shipped file has it: each open trust of the two ICBs, a partner of its ICS."""
    systems = {code: IntegratedCareSystemFactory(icb_ods_code=code) for code in ICBS}
    for row in shipped_rows():
        if not row[11]:
            organisation = OrganisationFactory(ods_code=row[0], name=string.capwords(row[1]).replace("Nhs", "NHS"))
            PartnershipFactory(organisation=organisation, ics=systems[row[3]])
    return systems


@pytest.fixture
def national(django_user_model):
    return django_user_model.objects.create_superuser("national", "n@example.org", "pw")


def sync(*paths, as_at=LATER):
    out = io.StringIO()
    call_command("sync_ods", *paths, as_at=as_at, stdout=out)
    return out.getvalue().strip()


def later_files(tmp_path):
    successions = write(tmp_path / "succ.csv", [["RBN", "A1B2C", "M", "20250401", ""]])
    return write(tmp_path / "etr.csv", later_rows()), successions


def proposals():
    return {(c.kind, c.ods_code): (c.before, c.after) for c in OdsChange.objects.filter(status="proposed")}


@pytest.mark.django_db
def test_the_shipped_file_against_the_portal_it_describes_proposes_nothing(portal, tmp_path):
    summary = sync(write(tmp_path / "etr.csv", shipped_rows()))

    assert summary == "ODS sync: 0 proposed, 25 unchanged, 1 skipped, 0 earlier proposals superseded."
    assert not OdsChange.objects.exists()


@pytest.mark.django_db
def test_a_later_file_proposes_exactly_its_differences_and_changes_nothing(portal, tmp_path):
    summary = sync(*later_files(tmp_path))

    assert summary.startswith("ODS sync: 4 proposed, 22 unchanged, 1 skipped")
    assert proposals() == {
        ("new", "A1B2C"): (
            {},
            {
                "name": "Mersey and West Lancashire NHS Foundation Trust",
                "kind": "foundation_trust",
                "start_date": LATER,
                "icb": "QYG",
            },
        ),
        ("closure", "RBN"): (
            {"end_date": None},
            {"end_date": "2025-03-31", "successors": ["A1B2C"], "succession_kind": "merger"},
        ),
        ("rename", "RR8"): (
            {"name": "Leeds Teaching Hospitals NHS Trust"},
            {"name": "Leeds Teaching Hospitals NHS Foundation Trust"},
        ),
        ("icb_move", "RY6"): ({"icb": "QWO"}, {"icb": "QYG"}),
    }
    change = OdsChange.objects.get(ods_code="RBN")
    assert (change.source_file, change.source_date) == ("etr.csv", datetime.date(2025, 4, 1))
    assert Organisation.objects.get(ods_code="RBN").end_date is None
    assert not Organisation.objects.filter(ods_code="A1B2C").exists()


@pytest.mark.django_db
def test_accepting_applies_each_change_and_a_second_run_proposes_nothing(portal, tmp_path, national):
    files = later_files(tmp_path)
    sync(*files)
    for kind in ("new", "closure", "rename", "icb_move"):
        accept_ods_change(OdsChange.objects.get(kind=kind), user=national, reason="Checked against ODS")

    merged = Organisation.objects.get(ods_code="RBN")
    successor = Organisation.objects.get(ods_code="A1B2C")
    assert merged.end_date == datetime.date(2025, 3, 31)
    assert merged.successor == successor
    assert [p.end_date for p in merged.partnerships.all()] == [datetime.date(2025, 3, 31)]
    succession = OrganisationSuccession.objects.get()
    assert (succession.successor, succession.date, succession.kind) == (successor, datetime.date(2025, 4, 1), "merger")
    assert [p.ics.icb_ods_code for p in successor.partnerships.all()] == ["QYG"]
    assert Organisation.objects.get(ods_code="RR8").name == "Leeds Teaching Hospitals NHS Foundation Trust"
    moved = Organisation.objects.get(ods_code="RY6").partnerships.order_by("start_date")
    assert [(p.ics.icb_ods_code, p.end_date) for p in moved] == [("QWO", datetime.date(2025, 3, 31)), ("QYG", None)]
    history = merged.history.first()
    assert (history.history_user, history.history_change_reason) == (national, "ODS sync: etr.csv of 1 April 2025")

    assert sync(*files).startswith("ODS sync: 0 proposed, 26 unchanged, 1 skipped")


@pytest.mark.django_db
def test_a_rejected_change_is_not_proposed_again_until_the_source_changes_again(portal, tmp_path, national):
    path = tmp_path / "etr.csv"
    sync(write(path, changed(shipped_rows(), "RR8", name="LEEDS HOSPITALS NHS TRUST")))
    reject_ods_change(OdsChange.objects.get(), user=national, reason="A typing error at ODS")

    assert sync(str(path)).startswith("ODS sync: 0 proposed")
    assert sync(write(path, changed(shipped_rows(), "RR8", name="LEEDS CITY HOSPITALS NHS TRUST"))).startswith(
        "ODS sync: 1 proposed"
    )
    assert proposals() == {
        ("rename", "RR8"): ({"name": "Leeds Teaching Hospitals NHS Trust"}, {"name": "Leeds City Hospitals NHS Trust"})
    }


@pytest.mark.django_db
def test_a_proposal_the_next_file_no_longer_shows_is_superseded(portal, tmp_path):
    path = tmp_path / "etr.csv"
    sync(write(path, changed(shipped_rows(), "RR8", name="LEEDS HOSPITALS NHS TRUST")))

    assert sync(write(path, shipped_rows())).endswith("1 earlier proposals superseded.")
    assert OdsChange.objects.get().status == "superseded"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["RX1", "SHORT ROW"], "etr.csv, row 27: 2 columns where the layout has at least 12"),
        (["RX1", "NEW NHS TRUST", "Y63", "QWO", *[""] * 6, "2025-04-01", ""], "“2025-04-01” is not a date as YYYYMMDD"),
        (["R", "NEW NHS TRUST", "Y63", "QWO", *[""] * 6, "20250401", ""], "code “R” is not R or T and two"),
        (["RR8", "LEEDS NHS TRUST", "Y63", "QWO", *[""] * 6, "20250401", ""], "code RR8 appears twice"),
    ],
)
def test_a_malformed_file_stops_the_run_with_nothing_written(portal, tmp_path, bad, message):
    rows = [*changed(shipped_rows(), "RR8", name="RENAMED NHS TRUST"), bad]

    with pytest.raises(CommandError, match=message):
        sync(write(tmp_path / "etr.csv", rows))
    assert not OdsChange.objects.exists()


@pytest.mark.django_db
def test_the_zip_file_ods_publishes_is_read_as_its_csv(portal, tmp_path):
    rows = changed(shipped_rows(), "RR8", name="LEEDS HOSPITALS NHS TRUST")
    with zipfile.ZipFile(tmp_path / "etr.zip", "w") as archive:
        archive.write(write(tmp_path / "inner.csv", rows), "etr.csv")

    assert sync(str(tmp_path / "etr.zip")).startswith("ODS sync: 1 proposed")
    assert OdsChange.objects.get().source_file == "etr.csv"


@pytest.mark.django_db
def test_a_file_the_sync_does_not_read_is_refused_by_name(tmp_path):
    with pytest.raises(CommandError, match="not an ODS file the sync reads"):
        sync(write(tmp_path / "egpcur.csv", shipped_rows()))


@pytest.mark.django_db
def test_only_the_national_role_decides(portal, tmp_path, django_user_model):
    sync(*later_files(tmp_path))
    change = OdsChange.objects.get(kind="rename")
    editor = django_user_model.objects.create_user("editor", is_staff=True)

    with pytest.raises(PermissionDenied):
        accept_ods_change(change, user=editor)
    editor.user_permissions.add(Permission.objects.get(codename="decide_odschange"))
    editor = django_user_model.objects.get(pk=editor.pk)
    accept_ods_change(change, user=editor)
    assert Organisation.objects.get(ods_code="RR8").name == "Leeds Teaching Hospitals NHS Foundation Trust"
    with pytest.raises(ValidationError, match="already accepted"):
        accept_ods_change(change, user=editor)


@pytest.mark.django_db(transaction=True)
def test_a_closure_whose_successor_is_not_yet_accepted_changes_nothing(portal, tmp_path, national):
    sync(*later_files(tmp_path))

    with pytest.raises(ValidationError, match="accept its new organisation first"):
        accept_ods_change(OdsChange.objects.get(kind="closure"), user=national)
    merged = Organisation.objects.get(ods_code="RBN")
    assert merged.end_date is None
    assert [p.end_date for p in merged.partnerships.all()] == [None]
    assert OdsChange.objects.get(kind="closure").status == "proposed"


@pytest.mark.django_db(transaction=True)
def test_two_runs_never_overlap(portal, tmp_path):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        with pytest.raises(CommandError, match="Another sync_ods run is in progress"):
            sync(*later_files(tmp_path))
        assert not OdsChange.objects.exists()
    finally:
        other.close()
    assert sync(*later_files(tmp_path)).startswith("ODS sync: 4 proposed")


QUEUE = "/admin/partners/odschange/"


@pytest.mark.django_db
def test_the_queue_shows_before_and_after_with_the_source(
    portal, tmp_path, national, client, django_assert_max_num_queries
):
    sync(*later_files(tmp_path))
    client.force_login(national)

    with django_assert_max_num_queries(12):
        page = client.get(QUEUE).content.decode()
    assert "name: Leeds Teaching Hospitals NHS Trust → Leeds Teaching Hospitals NHS Foundation Trust" in page
    assert "end_date: (none) → 2025-03-31" in page
    assert "etr.csv" in page and "1 Apr 2025" in page


@pytest.mark.django_db
def test_the_queue_accepts_in_bulk_and_rejects_with_a_reason(portal, tmp_path, national, client):
    sync(*later_files(tmp_path))
    client.force_login(national)
    closure_and_new = OdsChange.objects.filter(kind__in=["closure", "new"]).values_list("pk", flat=True)

    client.post(QUEUE, {"action": "accept_selected", "_selected_action": list(closure_and_new), "reason": "Merger"})
    refused = client.post(
        QUEUE, {"action": "reject_selected", "_selected_action": [OdsChange.objects.get(kind="rename").pk]}, follow=True
    )

    assert Organisation.objects.get(ods_code="RBN").successor.ods_code == "A1B2C"  # the new one accepted first
    assert set(OdsChange.objects.filter(status="accepted").values_list("kind", "reason")) == {
        ("new", "Merger"),
        ("closure", "Merger"),
    }
    assert "Give a reason for rejecting the change." in refused.content.decode()
    client.post(
        QUEUE,
        {"action": "reject_selected", "_selected_action": [OdsChange.objects.get(kind="rename").pk], "reason": "No"},
    )
    assert OdsChange.objects.get(kind="rename").status == "rejected"


@pytest.mark.django_db
def test_the_queue_is_not_for_staff_without_the_national_role(portal, tmp_path, client, django_user_model):
    from staff.models import StaffRole

    sync(*later_files(tmp_path))
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    StaffRole.objects.create(user=editor, ics=portal["QWO"], role=StaffRole.Role.EDITOR)
    client.force_login(editor)

    assert client.get(QUEUE).status_code == 403
    client.post(QUEUE, {"action": "accept_selected", "_selected_action": [OdsChange.objects.first().pk]})
    assert not OdsChange.objects.exclude(status="proposed").exists()


@pytest.fixture
def merged(portal, tmp_path, national):
    """The later file's changes, all accepted."""
    sync(*later_files(tmp_path))
    for kind in ("new", "closure", "rename", "icb_move"):
        accept_ods_change(OdsChange.objects.get(kind=kind), user=national)
    return Organisation.objects.get(ods_code="RBN"), Organisation.objects.get(ods_code="A1B2C")


@pytest.mark.django_db
def test_pages_say_where_a_closed_organisations_work_passed(merged, client):
    closed, successor = merged

    closed_page = client.get(closed.get_absolute_url()).content.decode()
    successor_page = client.get(successor.get_absolute_url()).content.decode()

    assert (
        f'Closed on 31 March 2025; its work passed to <a href="{successor.get_absolute_url()}">'
        "Mersey and West Lancashire NHS Foundation Trust</a> on 1 April 2025 (merger)."
    ) in closed_page
    assert f'<a href="{closed.get_absolute_url()}">{closed.name}</a> on 1 April 2025 (merger)' in successor_page


@pytest.mark.django_db
def test_the_api_gives_successions_and_modified_since_sees_synced_changes(merged, client):
    closed, successor = merged

    detail = client.get(f"/api/v1/organisations/{closed.slug}/").json()
    taker = client.get(f"/api/v1/organisations/{successor.slug}/").json()
    since = client.get("/api/v1/organisations/", {"modified_since": closed.modified_at.isoformat()}).json()

    assert (detail["end_date"], detail["successor"]) == ("2025-03-31", successor.slug)
    assert detail["successors"] == [
        {
            "organisation": successor.slug,
            "organisation_url": f"http://testserver/api/v1/organisations/{successor.slug}/",
            "name": successor.name,
            "date": "2025-04-01",
            "kind": "merger",
            "source": "ODS sync: etr.csv of 1 April 2025",
        }
    ]
    assert [p["organisation"] for p in taker["predecessors"]] == [closed.slug]
    assert {row["ods_code"] for row in since["results"]} >= {"RBN", "A1B2C"}
