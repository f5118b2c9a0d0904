"""manage.py sync_ods [FILE ...] [--as-at YYYY-MM-DD]

Reads ODS files (paths or URLs; default: settings.ODS_SYNC_FILES) and writes proposed changes to the review
queue in the staff admin; nothing else changes until staff accept them. Safe from cron: a second run of the
same files proposes nothing, a malformed file stops the run with nothing written (exit status 1), and a
PostgreSQL advisory lock keeps two runs from overlapping. Files supported: partners/ods.py.
"""

import datetime
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from partners.ods import OdsFileError, read_ods_file
from partners.services import propose_ods_changes

# pg_try_advisory_lock's key for this command: any number no other lock in the portal uses.
LOCK_KEY = 0x0D5_5E7C


@contextmanager
def sync_lock():
    if connection.vendor != "postgresql":  # the SQLite quick start has one user and no advisory locks
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise CommandError("Another sync_ods run is in progress: nothing was done.")
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


class Command(BaseCommand):
    help = "Propose changes to organisations from ODS files, for staff to review (nothing is changed directly)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Paths or URLs; default settings.ODS_SYNC_FILES.")
        parser.add_argument(
            "--as-at", type=datetime.date.fromisoformat, help="The files' date (default: as the file gives it)."
        )

    def handle(self, *args, files, as_at, **options):
        files = files or getattr(settings, "ODS_SYNC_FILES", [])
        if not files:
            raise CommandError("Give ODS files, or list them in settings.ODS_SYNC_FILES.")
        with sync_lock():
            try:
                read = [read_ods_file(str(location), as_at) for location in files]
            except OdsFileError as error:
                raise CommandError(str(error)) from None
            summary = propose_ods_changes(read)
        self.stdout.write(summary.line())
