"""The API's lists in the orders they offer at a million claims: an index per order that had none, so a page
reads its rows from it instead of sorting the whole table. Claims `?ordering=created_at|published_at|start`,
articles `?ordering=title`, sources `?ordering=health`, either way.

Without them each such page was a scan and a sort of its table: 760-880 ms for the claims at a million, where
`?ordering=updated_at`, `status` and `verdict`, which had their indexes (0044), took 21-27 ms; 51-55 ms for the
articles by title and 92-109 ms for the sources by health, against 13-19 ms at 10,000 claims (docs/benchmarks.md,
"The lists in every order they offer"). The id comes second, as in the other list indexes.
"""

from django.db import migrations

INDEXES = {
    "claim_created_order": ("claims_claim", "created_at, id"),
    "claim_published_order": ("claims_claim", "published_at, id"),
    "claim_start_order": ("claims_claim", "start, id"),
    "article_title_order": ("claims_article", "title, id"),
    "source_health_order": ("claims_source", "health, id"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, columns) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0050_text_filter_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
