"""The API's part-of-a-word filters at a million claims: `?claimant=` on claims, `?search=` on articles (title)
and on sources (address or title), each answered from a GIN trigram index of the upper-cased text, the expression
Django's `icontains` compares on PostgreSQL (`UPPER(column::text) LIKE UPPER(%s)`).

Without them each was a scan of its whole table: a claimant no claim names took 347-362 ms at a million claims
against 7 ms at 10,000, an article title 70-94 ms against 2 ms (docs/benchmarks.md, "Three runs with the sizes'
requests interleaved"). Other databases have no such index and keep the scan, which a small desk affords.
"""

from django.db import migrations

INDEXES = {
    "claim_claimant_trgm": ("claims_claim", "claimant"),
    "article_title_trgm": ("claims_article", "title"),
    "source_url_trgm": ("claims_source", "url"),
    "source_title_trgm": ("claims_source", "title"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0049_entity_feed")]

    operations = [migrations.RunPython(create, drop)]
