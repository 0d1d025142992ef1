"""On PostgreSQL, the pg_trgm extension and GIN trigram indexes that site search and claim matching read.

Other databases have no such index; search falls back to a scan there (``claims/public/search.py``).
"""

from django.db import migrations

INDEXES = {
    "claim_search_trgm": ("claims_claim", "search_text"),
    "entity_search_trgm": ("claims_entity", "search_text"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_default_pages")]

    operations = [migrations.RunPython(create, drop)]
