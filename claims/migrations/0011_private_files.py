"""Stored files get random names, and an index on each file field (the file view looks a file up by its name).

Files stored before this had names built from ids (``capture-12-1.warc.gz``) or from the uploader's file name:
each is copied to a random name, the row points to it, and the old file is deleted once that is committed. A
row whose file is missing keeps its name (nothing to protect, and the desk still shows what was recorded).
Running it again skips the names already random.
"""

import re
import secrets
from pathlib import PurePosixPath

from django.db import migrations, models, transaction
from django.utils import timezone

import claims.models.sources

FIELDS = (("Capture", "warc", "warc"), ("Capture", "body_file", "bodies"), ("Source", "document", "documents"))
RANDOM_NAME = re.compile(r"^(warc|bodies|documents)/\d{4}/\d{2}/[0-9a-f]{32}(\.[A-Za-z0-9.]+)?$")


def _random_name(folder: str, old: str) -> str:
    extension = ".warc.gz" if folder == "warc" else PurePosixPath(old).suffix.lower()
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension}"


def rename_stored_files(apps, schema_editor):
    for model_name, field, folder in FIELDS:
        model = apps.get_model("claims", model_name)
        storage = model._meta.get_field(field).storage
        rows = model.objects.exclude(**{field: ""}).values_list("pk", field)
        for pk, old in list(rows.iterator()):
            if RANDOM_NAME.match(old) or not storage.exists(old):
                continue
            with storage.open(old, "rb") as handle:
                new = storage.save(_random_name(folder, old), handle)
            model.objects.filter(pk=pk).update(**{field: new})
            # Deleted only once the new name is committed: a failed migration rolls the rows back to the old
            # names, which must still be there.
            transaction.on_commit(lambda old=old, storage=storage: storage.delete(old))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_capture_text_truncated"),
    ]

    operations = [
        migrations.AlterField(
            model_name="capture",
            name="body_file",
            field=models.FileField(
                blank=True, db_index=True, help_text="The raw file (PDFs).", upload_to=claims.models.sources.body_name
            ),
        ),
        migrations.AlterField(
            model_name="capture",
            name="warc",
            field=models.FileField(blank=True, db_index=True, upload_to=claims.models.sources.warc_name),
        ),
        migrations.AlterField(
            model_name="source",
            name="document",
            field=models.FileField(
                blank=True,
                db_index=True,
                help_text="An offline document.",
                upload_to=claims.models.sources.document_name,
            ),
        ),
        migrations.RunPython(rename_stored_files, migrations.RunPython.noop),
    ]
