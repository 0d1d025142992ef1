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
PUBLIC = "status IN ('corrected', 'published', 'retracted')"
INDEXES: list[tuple[str, str]] = [
    # The desk's claims list, newest edit first (and the API's default order): without it each page sorted every
    # claim (2.9 s at a million); a filter walks it until the page is full.
    ("claim_updated_recent", "ON claims_claim (updated_at DESC, id DESC)"),
    # The dashboard's queues and their bounded counts read the desk's open work only, never the published memory.
    ("claim_open_recent", f"ON claims_claim (updated_at DESC, id DESC) WHERE NOT ({PUBLIC})"),
    # The sitemap's lastmod: the newest change of a public claim, one step down this index.
    ("claim_public_updated", f"ON claims_claim (updated_at) WHERE {PUBLIC}"),
    # The desk's articles list, newest first (3.8 s at 100,000 articles with the count grouped over the join).
    ("article_created_recent", "ON claims_article (created_at DESC, id DESC)"),
    # The API's sources list, newest first (0.37 s at 200,000 sources sorting them all).
    ("source_created_recent", "ON claims_source (created_at DESC, id DESC)"),
    # The dashboard's "sources changed or gone": the few shaky sources, not every source's health.
    ("source_shaky", "ON claims_source (id) WHERE health IN ('changed', 'gone')"),
]


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
    dependencies = [("claims", "0041_image_sources")]

    operations = [migrations.RunPython(create, drop)]
