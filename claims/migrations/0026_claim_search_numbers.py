"""Claim.search_numbers: every number of a claim's text and quantity details, so that search for `2000` finds
`2,000`, `٢٠٠٠` and `ألفين`. Filled for the claims already on file; on PostgreSQL a GIN trigram index answers the
substring test (`" 2000 "`) that search asks, as the one on ``search_text`` does (0006).
"""

from django.db import migrations, models

from claims.arabic.number_forms import stored_numbers

#: Claim.SEARCHED_FIELDS and SEARCHED_DETAILS when this migration was written.
TEXTS = ("statement", "statement_en", "exact", "claimant")
DETAILS = ("value", "lower", "upper")

INDEX = "claim_numbers_trgm"


def backfill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    batch = []
    for claim in Claim.objects.only("pk", "details", *TEXTS).iterator(chunk_size=2000):
        details = claim.details if isinstance(claim.details, dict) else {}
        claim.search_numbers = stored_numbers(
            [getattr(claim, name) for name in TEXTS], [details.get(name) for name in DETAILS]
        )
        batch.append(claim)
        if len(batch) == 2000:
            Claim.objects.bulk_update(batch, ["search_numbers"])
            batch = []
    Claim.objects.bulk_update(batch, ["search_numbers"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin (search_numbers gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0025_harvest")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="search_numbers",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
