"""manage.py sync_ods [FILE ...] [--as-at YYYY-MM-DD] [--queue]

Reads ODS files (paths or URLs; default: settings.ODS_SYNC_FILES) and writes proposed changes to the review
queue in the staff admin; nothing else changes until staff accept them. Safe from cron: a second run of the
same files proposes nothing, a malformed file stops the run with nothing written (exit status 1), and a
PostgreSQL advisory lock keeps two runs from overlapping. With --queue it puts the sync on the job queue
instead (run by `manage.py db_worker`), where staff follow it under Background jobs. Files: partners/ods.py.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.ods import OdsFileError
from partners.tasks import LOCK_KEY, OdsSyncBusy, ods_sync, sync_ods_job
from staff.jobs import JobRefused, start_job
from staff.models import BackgroundJob

__all__ = ["Command", "LOCK_KEY"]


class Command(BaseCommand):
    help = "Propose changes to organisations from ODS files, for staff to review (nothing is changed directly)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Paths or URLs; default settings.ODS_SYNC_FILES.")
        parser.add_argument(
            "--as-at", type=datetime.date.fromisoformat, help="The files' date (default: as the file gives it)."
        )
        parser.add_argument(
            "--queue", action="store_true", help="Queue the sync as a background job rather than run it here."
        )

    def handle(self, *args, files, as_at, queue, **options):
        files = [str(location) for location in files or getattr(settings, "ODS_SYNC_FILES", [])]
        if not files:
            raise CommandError("Give ODS files, or list them in settings.ODS_SYNC_FILES.")
        if queue:
            self._queue(files, as_at)
            return
        try:
            summary = ods_sync(files, as_at, report=lambda step: None)
        except (OdsFileError, OdsSyncBusy) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(summary.line())

    def _queue(self, files, as_at):
        try:
            job = start_job(
                BackgroundJob.Kind.ODS_SYNC, sync_ods_job, files=files, as_at=as_at.isoformat() if as_at else None
            )
        except JobRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{job}: {job.get_state_display().lower()}. {job.progress}".strip())
