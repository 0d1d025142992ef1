"""A million claims: the planner's row estimate as a SQL function, for the bounded count of page-number lists
(``claims.paging``), and the indexes bench/scale.py showed the desk's lists and public pages need at that scale.

``claims_count_estimate(query)`` returns the "Plan Rows" of ``EXPLAIN (FORMAT JSON) query``: what the planner
expects, read from the statistics, without running the query. Other databases have no such function; the
paginator counts exactly there.
"""

from django.db import migrations

ESTIMATE = """
CREATE OR REPLACE FUNCTION claims_count_estimate(query text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END
$$
"""

#: (name, definition) of the indexes, each one a measured target's (docs/benchmarks.md, "A million claims").
INDEXES: list[tuple[str, str]] = []


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ESTIMATE)
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS claims_count_estimate(text)")


class Migration(migrations.Migration):
    dependencies = [("claims", "0039_claim_wording_gist")]

    operations = [migrations.RunPython(create, drop)]
