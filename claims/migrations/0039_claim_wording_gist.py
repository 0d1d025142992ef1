"""On PostgreSQL, a GiST trigram index on the claims' search text, beside the GIN one of 0006, for the fact-check
memory's wording look-up (``claims.services.matching.nearest_in_wording``).

Asked whether any claim is at least 40 % alike to a text that shares only common words with the memory ("في
ليبيا"), the GIN index reads the whole list of claims for each common trigram before finding none: it grows with
the memory (304 ms at 100,000 claims). The GiST index's tree prunes by signature and answered the same question
in 13 ms; the planner picks between the two by pg_trgm's estimate. The signature length (256 bytes, of 12 by
default) keeps claims of a few hundred characters apart in the tree's inner pages. Built in 16 s at 100,000
claims (35 MB).

Other databases have no such index; matching ranks candidates by entity and recency there.
"""

from django.db import migrations

NAME = "claim_search_gist_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON claims_claim USING gist (search_text gist_trgm_ops(siglen=256))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0033_proposal_memory")]

    operations = [migrations.RunPython(create, drop)]
