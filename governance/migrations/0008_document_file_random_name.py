"""Uploaded documents are stored under random names (governance.models.document_upload_to), their own names
kept in `file_name` for the download; files already uploaded move to random names."""

import re
import sys

from django.db import migrations, models, transaction

import governance.models

FILE_NAME = models.CharField(
    blank=True,
    editable=False,
    help_text="The uploaded file's own name, given to whoever downloads it (it is stored under a random one).",
    max_length=200,
)
RANDOM_NAME = re.compile(r"documents/[0-9a-f]{32}")


def move_to_random_names(apps, schema_editor):
    """Each uploaded file to a random name (its own kept in `file_name`); old names stop existing at commit.

    A row's `modified_at` stays: nothing anyone sees changed. Its history rows follow the file.
    """
    Document = apps.get_model("governance", "Document")
    HistoricalDocument = apps.get_model("governance", "HistoricalDocument")
    storage = Document._meta.get_field("file").storage
    for document in Document.objects.exclude(file="").only("pk", "file").iterator():
        old = document.file.name
        if RANDOM_NAME.fullmatch(old):
            continue
        try:
            with storage.open(old, "rb") as content:
                new = storage.save(governance.models.document_upload_to(document, old), content)
        except FileNotFoundError:
            sys.stderr.write(f"Document {document.pk}: its file {old!r} is missing; left as it is.\n")
            new = old
        Document.objects.filter(pk=document.pk).update(file=new, file_name=governance.models.download_name(old))
        if new != old:
            HistoricalDocument.objects.filter(id=document.pk, file=old).update(file=new)
            transaction.on_commit(lambda old=old: storage.delete(old))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0007_public_modified_at"),
    ]

    operations = [
        migrations.AddField(model_name="document", name="file_name", field=FILE_NAME),
        migrations.AddField(model_name="historicaldocument", name="file_name", field=FILE_NAME),
        migrations.AlterField(
            model_name="document",
            name="file",
            field=governance.models.DocumentFileField(blank=True, upload_to=governance.models.document_upload_to),
        ),
        migrations.RunPython(move_to_random_names, migrations.RunPython.noop),
    ]
