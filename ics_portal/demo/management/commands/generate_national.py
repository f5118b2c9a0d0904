"""Replace the portal's records with a generated data set at the scale of all of England."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ics_portal.demo.national import generate_national
from ics_portal.demo.national.copy_writer import portal_has_rows


class Command(BaseCommand):
    requires_system_checks = []  # a data load needs the models, not the URLs or templates
    help = (
        "Generate a national data set (42 ICSs, ~11,000 partners, ~3,000 boards, ~300,000 agenda items) on "
        "PostgreSQL, replacing every ICS, partner and governance record. Rows are marked as generated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same rows.")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Fraction of the 42 ICSs to generate, each at national density (0.01 gives one ICS).",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the data set is 'as at' (YYYY-MM-DD); defaults to today. Fix it for identical reruns.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the existing ICS, partner and governance records (and staff roles) first.",
        )

    def handle(self, *args, seed, scale, today, replace, verbosity, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"generate_national needs PostgreSQL, not {connection.vendor}: it writes with COPY and relies on "
                "PostgreSQL's exclusion constraints and triggers. Set DATABASE_URL=postgres://…"
            )
        if not 0 < scale <= 1:
            raise CommandError("--scale must be more than 0 and at most 1.")
        if portal_has_rows() and not replace:
            raise CommandError(
                "The database already holds ICS or partner records. Pass --replace to delete them (and every "
                "place, board, meeting, MoU and staff role) and generate the national data set instead."
            )
        started = time.monotonic()

        def log(message):
            if verbosity > 1:
                self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}")

        counts = generate_national(seed=seed, scale=scale, today=today, log=log)
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f}s (seed {seed}, scale {scale}): {summary}"))
