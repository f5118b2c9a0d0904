"""manage.py import_partners FILE --ics SLUG [--dry-run] [--skip-errors]

Columns, limits and how rows are matched to organisations already in the portal: see partners/importers.py.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners.importers import PartnerFileError, partner_import_apply, partner_import_preview
from places.models import IntegratedCareSystem


class Command(BaseCommand):
    help = "Import an ICS's partner list from a CSV file (checked first; applied in one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--ics", required=True, help="Slug of the ICS the partners belong to.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only; write nothing.")
        parser.add_argument("--skip-errors", action="store_true", help="Import the good rows, skip rows in error.")

    def handle(self, *args, file: Path, ics: str, dry_run: bool, skip_errors: bool, **options):
        try:
            system = IntegratedCareSystem.objects.get(slug=ics)
        except IntegratedCareSystem.DoesNotExist:
            raise CommandError(f"No ICS with slug “{ics}”.") from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            preview = partner_import_preview(ics=system, data=data, filename=file.name)
        except PartnerFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{len(preview.to_create)} to create, {len(preview.to_update)} to update, {len(preview.errors)} in error."
        )
        for row in preview.errors:
            self.stdout.write(f"  row {row.number}: {row.reason}")
        if dry_run:
            self.stdout.write("Dry run: nothing written.")
            return
        try:
            result = partner_import_apply(preview=preview, user=None, skip_errors=skip_errors)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} already up to date, {result.skipped} skipped, "
                f"{result.partnerships_created} new partnerships."
            )
        )
