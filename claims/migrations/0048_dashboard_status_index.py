"""The desk dashboard filtered by status at a million claims: the unassigned queue's page read from an index of
the unassigned open claims by status, in the queue's order.

Without it, ``/desk/?status=draft`` listed the unassigned drafts by walking the status index
(``claim_status_recent``) and skipping every assigned draft: where a desk gives out all its drafts, the walk read
all 50,000 of them to list none (150-180 ms at a million claims against 1-2 ms at 10,000; docs/benchmarks.md, "A
million claims"). The planner takes the status index because it cannot know how few drafts nobody holds; this
index holds only those, so the walk stops at the queue's 20 rows or its end.
"""

from django.db import migrations

OPEN = "NOT (status IN ('corrected', 'published', 'retracted'))"
INDEX = "claim_open_unassigned_status"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim (status, updated_at DESC, id DESC) "
        f"WHERE assignee_id IS NULL AND {OPEN}"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0047_pages_at_scale")]

    operations = [migrations.RunPython(create, drop)]
