"""Loads the real reference data in data/, the public record of governance, and sample governance records.

Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from governance.public_record import load_public_record
from governance.reference_data import load_leaders
from ics_portal.demo.sample_data import load_sample_governance
from partners.models import Organisation, Partnership
from partners.reference_data import (
    load_ccgs,
    load_constitutional_partners,
    load_icbs,
    load_reorganised_icbs,
    place_councils,
)
from places.models import IntegratedCareSystem, Place
from places.outlines import refresh_outlines
from places.reference_data import load_harrogate, load_places, load_systems
from places.reorganisation_data import load_districts, load_reorganisation


class Command(BaseCommand):
    help = (
        "Load England's ICSs (2016 to 2026), their places and partners (real data), governance facts from "
        "published documents (public record) and sample governance records."
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
            reorganisation = load_reorganisation(data_dir, systems)
            load_reorganised_icbs(reorganisation)
            load_districts(data_dir)
            unplaced = place_councils()
            posts = load_leaders(data_dir, reorganisation.systems)
            load_public_record(systems)
            load_sample_governance(systems)
        outlines = refresh_outlines()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {IntegratedCareSystem.objects.count()} ICSs, {Place.objects.count()} places, "
                f"{Organisation.objects.count()} organisations, {Partnership.objects.count()} partnerships "
                f"({pairs} ICB–partner pairs as at 7 August 2023), {posts} leadership posts, {outlines} map outlines; "
                f"{sum(map(len, unplaced.values()))} council partnerships not placed by district name."
            )
        )
        if options["verbosity"] > 1:
            for ics, names in sorted(unplaced.items()):
                self.stdout.write(f"  {ics}: {len(names)} not placed ({'; '.join(sorted(names))})")
