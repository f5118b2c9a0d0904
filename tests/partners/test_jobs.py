"""The ODS sync and the partner import as background jobs: started from the admin (or `sync_ods --queue`),
run by the database queue's worker, followed by staff under Background jobs."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from partners.models import OdsChange, Organisation
from partners.tasks import LOCK_KEY
from staff.models import BackgroundJob, StaffRole
from tests import factories as f
from tests.partners import test_importers as imports
from tests.partners import test_ods_sync as ods

portal = ods.portal
ics = imports.ics
SYNC = reverse("admin:partners_odschange_sync")
JOBS = reverse("admin:staff_backgroundjob_changelist")
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings, tmp_path):
    """Jobs on the real database queue, and the later ODS files configured for the sync."""
    settings.TASKS = QUEUED
    settings.ODS_SYNC_FILES = list(ods.later_files(tmp_path))
    return settings


def work():
    """What `manage.py db_worker` does, until the queue is empty. It closes connections between jobs, as a
    long-running process should, so tests that run it use transaction=True."""
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)


def national(django_user_model):
    return django_user_model.objects.create_superuser("national", "n@example.org", "pw")


@pytest.mark.django_db(transaction=True)
def test_a_national_reviewer_starts_the_sync_and_the_worker_runs_it(portal, queue, client, django_user_model):
    client.force_login(national(django_user_model))

    started = client.post(SYNC, follow=True)

    job = BackgroundJob.objects.get()
    assert (job.kind, job.state, job.started_by.username) == ("ods_sync", "queued", "national")
    assert "is queued" in started.content.decode()
    assert DBTaskResult.objects.get().status == "READY"
    assert not OdsChange.objects.exists()

    work()

    job.refresh_from_db()
    assert job.state == "done"
    assert job.progress.startswith("ODS sync: 4 proposed, 22 unchanged")
    assert job.started_at <= job.finished_at
    assert OdsChange.objects.filter(status="proposed").count() == 4
    listed = client.get(JOBS).content.decode()
    assert "ODS sync: 4 proposed" in listed and "Done" in listed


@pytest.mark.django_db
def test_only_the_national_role_starts_the_sync(portal, queue, client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    StaffRole.objects.create(user=editor, ics=f.IntegratedCareSystemFactory())
    client.force_login(editor)

    assert client.post(SYNC).status_code == 403
    assert client.get(SYNC).status_code in (403, 405)
    assert not BackgroundJob.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_sync_is_shown_failed_with_its_error(portal, queue, client, django_user_model, tmp_path):
    queue.ODS_SYNC_FILES = [ods.write(tmp_path / "etr.csv", [["RR8", "TOO FEW COLUMNS"]])]
    client.force_login(national(django_user_model))
    client.post(SYNC)

    work()

    job = BackgroundJob.objects.get()
    assert job.state == "failed"
    assert job.error == "etr.csv, row 1: 2 columns where the layout has at least 12. Nothing was written."
    assert DBTaskResult.objects.get().status == "FAILED"
    assert not OdsChange.objects.exists()
    listed = client.get(JOBS).content.decode()
    assert "Failed" in listed and "2 columns where the layout has at least 12" in listed


@pytest.mark.django_db(transaction=True)
def test_a_second_sync_is_not_queued_while_one_waits(portal, queue, client, django_user_model):
    client.force_login(national(django_user_model))
    client.post(SYNC)

    again = client.post(SYNC, follow=True)

    assert "already queued or running: nothing new was started" in again.content.decode()
    with pytest.raises(CommandError, match="already queued or running"):
        call_command("sync_ods", "--queue", stdout=io.StringIO())
    assert BackgroundJob.objects.count() == 1 and DBTaskResult.objects.count() == 1
    work()
    call_command("sync_ods", "--queue", stdout=io.StringIO())  # the first is done: a new one may start
    assert BackgroundJob.objects.filter(state="queued").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_queued_sync_does_not_run_while_another_sync_holds_the_lock(portal, queue):
    call_command("sync_ods", "--queue", stdout=io.StringIO())
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        work()
    finally:
        other.close()

    job = BackgroundJob.objects.get()
    assert (job.state, job.error) == ("failed", "Another sync_ods run is in progress: nothing was done.")
    assert not OdsChange.objects.exists()


@pytest.mark.django_db
def test_inline_jobs_run_at_once_and_say_their_result(portal, settings, tmp_path, client, django_user_model):
    """The quick start's backend (and the tests' default): no worker, the result in the page's message."""
    settings.ODS_SYNC_FILES = list(ods.later_files(tmp_path))
    client.force_login(national(django_user_model))

    page = client.post(SYNC, follow=True).content.decode()

    assert "ODS sync: 4 proposed" in page
    assert BackgroundJob.objects.get().state == "done"


@pytest.fixture
def importer(ics, django_user_model):
    user = django_user_model.objects.create_user("importer", password="a-long-test-password", is_staff=True)
    StaffRole.objects.create(user=user, ics=ics)
    return user, ics


@pytest.mark.django_db(transaction=True)
def test_an_import_is_applied_by_the_worker_with_its_users_rights(importer, queue, client, django_user_model):
    user, ics = importer
    client.force_login(user)
    url = reverse("admin:partners_organisation_import")
    upload = io.BytesIO(imports.GOOD)
    upload.name = "partners.csv"
    client.post(url, {"ics": ics.pk, "file": upload, "preview": "1"})

    applied = client.post(url, {"apply": "1"})

    assert applied.status_code == 302
    assert Organisation.objects.count() == 0
    job = BackgroundJob.objects.get()
    assert (job.kind, job.state, job.ics, job.started_by) == ("partner_import", "queued", ics, user)

    work()

    job.refresh_from_db()
    assert job.state == "done"
    assert job.progress == f"Imported into {ics}: 3 created, 0 updated, 0 rows skipped."
    assert Organisation.objects.get(ods_code="RR8").history.first().history_user == user
    assert f"Imported into {ics}: 3 created" in client.get(JOBS).content.decode()
    outsider = django_user_model.objects.create_user("outsider", password="pw", is_staff=True)
    StaffRole.objects.create(user=outsider, ics=f.IntegratedCareSystemFactory())
    client.force_login(outsider)
    assert "Imported into" not in client.get(JOBS).content.decode()
    assert client.get(reverse("admin:staff_backgroundjob_change", args=[job.pk])).status_code in (302, 403)


@pytest.mark.django_db
def test_the_jobs_list_runs_a_bounded_number_of_queries(importer, client, django_assert_max_num_queries):
    user, ics = importer
    for _ in range(20):
        BackgroundJob.objects.create(kind="partner_import", started_by=user, ics=ics, progress="Applying 3 rows")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get(JOBS).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_sync_whose_worker_stopped_is_marked_failed_and_is_not_run_later(portal, queue, client, django_user_model):
    client.force_login(national(django_user_model))
    client.post(SYNC)
    stuck = BackgroundJob.objects.get()

    client.post(JOBS, {"action": "abandon_selected", "_selected_action": [stuck.pk]})
    client.post(SYNC)
    work()

    stuck.refresh_from_db()
    assert (stuck.state, stuck.error) == ("failed", "Marked failed by national: its worker had stopped.")
    assert BackgroundJob.objects.exclude(pk=stuck.pk).get().state == "done"
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL", "SUCCESSFUL"]
    assert OdsChange.objects.filter(status="proposed").count() == 4


@pytest.mark.django_db
def test_staff_without_the_national_role_cannot_mark_jobs_failed(importer, client):
    user, ics = importer
    job = BackgroundJob.objects.create(kind="partner_import", started_by=user, ics=ics)
    client.force_login(user)

    client.post(JOBS, {"action": "abandon_selected", "_selected_action": [job.pk]})

    job.refresh_from_db()
    assert job.state == "queued"
