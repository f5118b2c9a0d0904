"""One place, one identity: each place's rows per ICS become memberships of ICSs.

Before, a place that moved ICS (Bassetlaw, July 2022) had one row per ICS. Its rows are merged into
one place, keeping every partnership, board and MoU, and each row's ICS and dates become a
membership. Slugs become unique across England (a clash takes its ICS's slug as a suffix).
"""

from django.db import migrations, models


def one_place_per_location(apps, schema_editor):
    Place = apps.get_model("places", "Place")
    Membership = apps.get_model("places", "PlaceMembership")
    for place in Place.objects.select_related("ics").order_by("start_date", "pk"):
        Membership.objects.create(
            place=place,
            ics_id=place.ics_id,
            start_date=place.start_date,
            end_date=place.end_date,
            provenance=place.provenance,
        )
        place.districts = place.local_authorities
        place.save(update_fields=["districts"])
    merge_rows_of_one_location(apps, Place)
    make_slugs_unique(Place)


def merge_rows_of_one_location(apps, Place):
    referrers = [
        apps.get_model("places", "PlaceMembership"),
        apps.get_model("partners", "Partnership"),
        apps.get_model("governance", "Board"),
        apps.get_model("governance", "MoU"),
    ]
    codes = Place.objects.exclude(ods_code="").values("ods_code").annotate(n=models.Count("pk")).filter(n__gt=1)
    for code in codes.values_list("ods_code", flat=True):
        keep, *others = Place.objects.filter(ods_code=code).order_by("start_date", "pk")
        for other in others:
            for model in referrers:
                model.objects.filter(place=other).update(place=keep)
            keep.end_date = (
                None if other.end_date is None or keep.end_date is None else max(keep.end_date, other.end_date)
            )
            other.delete()
        keep.save(update_fields=["end_date"])


def make_slugs_unique(Place):
    seen = set()
    for place in Place.objects.select_related("ics").order_by("pk"):
        if place.slug in seen:
            place.slug = f"{place.slug}-{place.ics.slug}"[:100]
            place.save(update_fields=["slug"])
        seen.add(place.slug)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0003_lifecycle_clusters_place_memberships"),
        ("partners", "0006_dates_in_range"),
        ("governance", "0010_document_file_checked"),
    ]

    operations = [
        migrations.RunPython(one_place_per_location, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="place",
            name="places_place_unique_slug_in_ics",
        ),
        migrations.RemoveField(
            model_name="historicalplace",
            name="ics",
        ),
        migrations.RemoveField(
            model_name="historicalplace",
            name="local_authorities",
        ),
        migrations.RemoveField(
            model_name="place",
            name="ics",
        ),
        migrations.RemoveField(
            model_name="place",
            name="local_authorities",
        ),
        migrations.AlterField(
            model_name="historicalplace",
            name="slug",
            field=models.SlugField(max_length=100),
        ),
        migrations.AlterField(
            model_name="place",
            name="slug",
            field=models.SlugField(max_length=100, unique=True),
        ),
    ]
