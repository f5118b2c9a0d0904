"""The partners' background jobs (staff.jobs; docs/adr/0011): the ODS sync and the partner-list import, run by
`manage.py db_worker` (inline in the quick start), each reporting its steps and result to its BackgroundJob."""

from __future__ import annotations

import base64
import datetime
from contextlib import contextmanager
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied
from django.db import connection
from django_tasks import task

from staff.jobs import Report, run_job
from staff.models import BackgroundJob

from .importers import partner_import_apply, partner_import_preview
from .ods import read_ods_file
from .services import SyncSummary, propose_ods_changes

# pg_try_advisory_lock's key for the ODS sync: any number no other lock in the portal uses.
LOCK_KEY = 0x0D5_5E7C


class OdsSyncBusy(Exception):
    """Another ODS sync holds the lock."""


@contextmanager
def sync_lock():
    if connection.vendor != "postgresql":  # the SQLite quick start has one user and no advisory locks
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise OdsSyncBusy("Another sync_ods run is in progress: nothing was done.")
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def ods_sync(files: list[str], as_at: datetime.date | None, report: Report) -> SyncSummary:
    """Read the ODS files and propose their differences (OdsFileError for a file that cannot be read, OdsSyncBusy
    while another sync runs: nothing written either way)."""
    with sync_lock():
        read = []
        for number, location in enumerate(files, start=1):
            report(f"Reading file {number} of {len(files)}: {PurePosixPath(str(location).split('?')[0]).name}")
            read.append(read_ods_file(str(location), as_at))
        report(f"Comparing {sum(len(f.organisations) for f in read)} organisations with the portal")
        return propose_ods_changes(read)


@task()
def sync_ods_job(job_id: int, files: list[str], as_at: str | None = None) -> str:
    day = datetime.date.fromisoformat(as_at) if as_at else None
    return run_job(job_id, lambda report: ods_sync(files, day, report).line())


@task()
def partner_import_job(job_id: int, filename: str, data: str, skip_errors: bool) -> str:
    """Apply an uploaded partner list (base64) into the job's ICS, with the rights of the user who started it."""

    def work(report: Report) -> str:
        job = BackgroundJob.objects.select_related("started_by", "ics").get(pk=job_id)
        if job.started_by is None:  # None would mean a superuser's reach (the command's)
            raise PermissionDenied("The user who started this import no longer exists: nothing was imported.")
        report("Checking the file's rows")
        preview = partner_import_preview(ics=job.ics, data=base64.b64decode(data), filename=filename)
        report(f"Applying {len(preview.rows)} rows")
        return partner_import_apply(preview=preview, user=job.started_by, skip_errors=skip_errors).line(job.ics)

    return run_job(job_id, work)
