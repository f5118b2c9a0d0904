"""A new upload is checked: a paper's type by name and first bytes, and its size (state only: no SQL)."""

from django.db import migrations, models

import governance.models
import ics_portal.core.uploads


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0009_dates_in_range"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="file",
            field=governance.models.DocumentFileField(
                blank=True,
                upload_to=governance.models.document_upload_to,
                validators=[ics_portal.core.uploads.validate_paper_file],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="file",
            field=models.TextField(
                blank=True, max_length=100, validators=[ics_portal.core.uploads.validate_paper_file]
            ),
        ),
    ]
