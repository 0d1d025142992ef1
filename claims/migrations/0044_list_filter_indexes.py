"""The desk's claim filters at a million claims: one index per filter in the list's order (newest edit first), so
that a filtered page reads its 50 rows and the bounded count (claims.paging) its 10,001 from the index alone.

Without them a page walked the recency index and skipped the claims of other values (a rare value walked it all),
and the count read the table until 10,001 matched: 90-150 ms for ?kind=meeting or ?verdict=false at a million
claims (docs/benchmarks.md, "A million claims").
"""

from django.db import migrations

#: (name, definition): ?status=, ?verdict=, ?kind= and ?assignee= of the desk's claims list (and of the API's).
INDEXES: list[tuple[str, str]] = [
    ("claim_status_recent", "ON claims_claim (status, updated_at DESC, id DESC)"),
    ("claim_verdict_recent", "ON claims_claim (verdict, updated_at DESC, id DESC)"),
    ("claim_kind_recent", "ON claims_claim (kind, updated_at DESC, id DESC)"),
    ("claim_assignee_recent", "ON claims_claim (assignee_id, updated_at DESC, id DESC)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0043_million_claims")]

    operations = [migrations.RunPython(create, drop)]
