"""`public_modified_at` on boards, meetings, agenda items, MoUs and documents (and their history): when what
the public sees of the record last changed. Existing rows start from their `modified_at`."""

from django.db import migrations, models

MODELS = ("board", "meeting", "agendaitem", "mou", "document")


def public_modified_at(*, null):
    return models.DateTimeField(
        blank=True,
        db_index=True,
        editable=False,
        help_text="When what the public sees of this record last changed; set on save.",
        null=null,
        verbose_name="last public change",
    )


TABLES = [f"governance_{name}" for name in MODELS] + [f"governance_historical{name}" for name in MODELS]


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0006_search_indexes_declared"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name="public_modified_at", field=public_modified_at(null=True))
            for name in MODELS
            for model in (name, f"historical{name}")
        ),
        migrations.RunSQL(
            [f'UPDATE "{table}" SET public_modified_at = modified_at' for table in TABLES],
            reverse_sql=migrations.RunSQL.noop,
        ),
        *(
            migrations.AlterField(model_name=model, name="public_modified_at", field=public_modified_at(null=False))
            for name in MODELS
            for model in (name, f"historical{name}")
        ),
    ]
