"""Loads the real reference data in data/, the public record of governance, and sample governance records.

Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from governance.reference_data import load_public_record
from ics_portal.demo.sample_data import load_sample_governance
from partners.models import Organisation, Partnership
from partners.reference_data import load_ccgs, load_constitutional_partners, load_icbs
from places.models import IntegratedCareSystem, Place
from places.reference_data import load_harrogate, load_places, load_systems


class Command(BaseCommand):
    help = (
        "Load all 42 ICSs, their places and partners (real data), governance facts from published documents "
        "(public record) and sample governance records."
    )

    def handle(self, *args, **options):
        data_dir = settings.REFERENCE_DATA_DIR
        with transaction.atomic():
            systems = load_systems(data_dir)
            places = load_places(data_dir, systems)
            load_harrogate(systems)
            icbs = load_icbs(systems)
            load_ccgs(data_dir, systems, places, icbs)
            pairs = load_constitutional_partners(data_dir, systems)
            load_public_record(systems)
            load_sample_governance(systems)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {IntegratedCareSystem.objects.count()} ICSs, {Place.objects.count()} places, "
                f"{Organisation.objects.count()} organisations, {Partnership.objects.count()} partnerships "
                f"({pairs} ICB–partner pairs as at 7 August 2023)."
            )
        )
