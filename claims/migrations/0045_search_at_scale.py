"""Public search at a million claims (docs/benchmarks.md, "A million claims"; docs/search.md).

``Claim.search_keys``: the word keys of ``search_text`` (``claims.arabic.text_index_keys``), filled in here for
the claims already on file. On PostgreSQL a GIN trigram index answers its ``LIKE '% key %'``, as
``claim_numbers_trgm`` answers ``search_numbers`` (0026): a test the database makes per row as cheaply as a
substring test, so that search can walk the newest published claims and stop at the first page of matches, where
the word-similarity test it replaces cost about 0.1 ms per row read. The articles' index on publication date
serves the articles search reads newest first.
"""

from django.db import migrations, models

from claims.arabic import text_index_keys

INDEX = "claim_keys_trgm"
BATCH = 5000


def backfill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    connection = schema_editor.connection
    keys_of: dict[str, str] = {}  # texts repeat (a claim and its copies in other articles)
    last = 0
    while True:
        rows = list(
            Claim.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "search_text")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        changes = []
        for pk, text in rows:
            if text not in keys_of:
                if len(keys_of) > 100_000:
                    keys_of.clear()
                keys_of[text] = text_index_keys(text)
            changes.append((pk, keys_of[text]))
        if connection.vendor == "postgresql":
            # One statement per batch: bulk_update's CASE per row is ten times slower (bench/bulk_update.py).
            values = ", ".join(["(%s, %s)"] * len(changes))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE claims_claim AS c SET search_keys = v.keys FROM (VALUES {values}) AS v(id, keys) "  # noqa: S608
                    "WHERE c.id = v.id",
                    [value for change in changes for value in change],
                )
        else:
            Claim.objects.bulk_update(
                [Claim(pk=pk, search_keys=keys) for pk, keys in changes], ["search_keys"], batch_size=500
            )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin (search_keys gin_trgm_ops)")
        schema_editor.execute("ANALYZE claims_claim (search_keys)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0044_list_filter_indexes")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="search_keys",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_published_recent"),
        ),
    ]
