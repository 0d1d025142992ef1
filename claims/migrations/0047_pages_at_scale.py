"""Pages at a million claims (docs/benchmarks.md, "A million claims"): the public entity record's counts kept by
triggers, and the partial indexes the desk dashboard's queues and the entity record's newest claims read from.

``claims_entityclaimcount`` holds, per entity and verdict, the published claims about the entity (``about``), made
by it (``made``) and either (``either``, a claim both about it and made by it once). PostgreSQL triggers apply each
change of a claim's status, verdict or claimant, and each added, moved or removed entity link, in the change's own
transaction; ``claims_recount_entity_claims()`` recounts them all (this migration, and bench/seed.py after a load
that writes with triggers off). Other databases have no triggers here: entity_record counts on each view there.
"""

import django.db.models.deletion
from django.db import migrations, models

#: Claim.objects.published()'s statuses (the triggers' SQL spells them out: it is a constant, not built).
PUBLIC = "('corrected', 'published', 'retracted')"

COUNTS = """
CREATE OR REPLACE FUNCTION claims_entity_counts_add(p_claim bigint, p_status text, p_verdict text,
                                                    p_claimant bigint, p_sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_status NOT IN ('corrected', 'published', 'retracted') THEN
        RETURN;
    END IF;
    -- In entity order, so that two transactions bumping the same rows take their locks in the same order.
    INSERT INTO claims_entityclaimcount (entity_id, verdict, about, made, either)
    SELECT entity_id, p_verdict, p_sign * max(about), p_sign * max(made), p_sign
    FROM (SELECT entity_id, 1 AS about, 0 AS made FROM claims_claim_entities WHERE claim_id = p_claim
          UNION ALL SELECT p_claimant, 0, 1 WHERE p_claimant IS NOT NULL) AS named
    GROUP BY entity_id ORDER BY entity_id
    ON CONFLICT (entity_id, verdict) DO UPDATE SET
        about = claims_entityclaimcount.about + EXCLUDED.about,
        made = claims_entityclaimcount.made + EXCLUDED.made,
        either = claims_entityclaimcount.either + EXCLUDED.either;
END
$$;

CREATE OR REPLACE FUNCTION claims_claim_entity_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM claims_entity_counts_add(OLD.id, OLD.status, OLD.verdict, OLD.claimant_entity_id, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM claims_entity_counts_add(NEW.id, NEW.status, NEW.verdict, NEW.claimant_entity_id, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_link_entity_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    named record;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT verdict, status, claimant_entity_id INTO named FROM claims_claim WHERE id = OLD.claim_id;
        IF FOUND AND named.status IN ('corrected', 'published', 'retracted') THEN
            INSERT INTO claims_entityclaimcount (entity_id, verdict, about, made, either)
            VALUES (OLD.entity_id, named.verdict, -1, 0,
                    CASE WHEN OLD.entity_id = named.claimant_entity_id THEN 0 ELSE -1 END)
            ON CONFLICT (entity_id, verdict) DO UPDATE SET
                about = claims_entityclaimcount.about + EXCLUDED.about,
                either = claims_entityclaimcount.either + EXCLUDED.either;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        SELECT verdict, status, claimant_entity_id INTO named FROM claims_claim WHERE id = NEW.claim_id;
        IF FOUND AND named.status IN ('corrected', 'published', 'retracted') THEN
            INSERT INTO claims_entityclaimcount (entity_id, verdict, about, made, either)
            VALUES (NEW.entity_id, named.verdict, 1, 0,
                    CASE WHEN NEW.entity_id = named.claimant_entity_id THEN 0 ELSE 1 END)
            ON CONFLICT (entity_id, verdict) DO UPDATE SET
                about = claims_entityclaimcount.about + EXCLUDED.about,
                either = claims_entityclaimcount.either + EXCLUDED.either;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- Django deletes an entity's counts before its links, whose triggers would count them again: the entity's own
-- deletion removes them last.
CREATE OR REPLACE FUNCTION claims_entity_drop_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM claims_entityclaimcount WHERE entity_id = OLD.id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_recount_entity_claims() RETURNS void LANGUAGE sql AS $$
    DELETE FROM claims_entityclaimcount;
    INSERT INTO claims_entityclaimcount (entity_id, verdict, about, made, either)
    SELECT entity_id, verdict, sum(about), sum(made), count(*)
    FROM (SELECT entity_id, verdict, max(about) AS about, max(made) AS made
          FROM (SELECT l.entity_id, c.id, c.verdict, 1 AS about, 0 AS made
                FROM claims_claim_entities l JOIN claims_claim c ON c.id = l.claim_id WHERE c.status IN ('corrected', 'published', 'retracted')
                UNION ALL
                SELECT c.claimant_entity_id, c.id, c.verdict, 0, 1
                FROM claims_claim c WHERE c.status IN ('corrected', 'published', 'retracted') AND c.claimant_entity_id IS NOT NULL) AS named
          GROUP BY entity_id, id, verdict) AS per_claim
    GROUP BY entity_id, verdict;
$$;

CREATE TRIGGER claims_claim_entity_counts_written AFTER INSERT OR DELETE ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_entity_counts();
CREATE TRIGGER claims_claim_entity_counts_changed AFTER UPDATE OF status, verdict, claimant_entity_id ON claims_claim
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.verdict IS DISTINCT FROM NEW.verdict
                       OR OLD.claimant_entity_id IS DISTINCT FROM NEW.claimant_entity_id)
    EXECUTE FUNCTION claims_claim_entity_counts();
CREATE TRIGGER claims_link_entity_counts AFTER INSERT OR UPDATE OR DELETE ON claims_claim_entities
    FOR EACH ROW EXECUTE FUNCTION claims_link_entity_counts();
CREATE TRIGGER claims_entity_drop_counts AFTER DELETE ON claims_entity
    FOR EACH ROW EXECUTE FUNCTION claims_entity_drop_counts();
"""

DROP_COUNTS = """
DROP TRIGGER IF EXISTS claims_claim_entity_counts_written ON claims_claim;
DROP TRIGGER IF EXISTS claims_claim_entity_counts_changed ON claims_claim;
DROP TRIGGER IF EXISTS claims_link_entity_counts ON claims_claim_entities;
DROP TRIGGER IF EXISTS claims_entity_drop_counts ON claims_entity;
DROP FUNCTION IF EXISTS claims_recount_entity_claims();
DROP FUNCTION IF EXISTS claims_entity_drop_counts();
DROP FUNCTION IF EXISTS claims_link_entity_counts();
DROP FUNCTION IF EXISTS claims_claim_entity_counts();
DROP FUNCTION IF EXISTS claims_entity_counts_add(bigint, text, text, bigint, integer);
"""

OPEN = f"NOT (status IN {PUBLIC})"
#: (name, definition), each one a measured target's (docs/benchmarks.md, "A million claims").
INDEXES: list[tuple[str, str]] = [
    # The dashboard's queues, each counted (bounded) and listed newest first from its own index: unassigned work,
    # work assigned to a person, claims in review by reviewer; an OR of them read every counted row's page.
    # The status (and the authors) included: a dashboard filtered by status counts from the index alone too.
    (
        "claim_open_unassigned",
        "ON claims_claim (updated_at DESC, id DESC) INCLUDE (status, created_by_id, last_editor_id) "
        f"WHERE assignee_id IS NULL AND {OPEN}",
    ),
    ("claim_open_assigned", f"ON claims_claim (assignee_id, updated_at DESC, id DESC) INCLUDE (status) WHERE {OPEN}"),
    ("claim_in_review", "ON claims_claim (reviewer_id, updated_at DESC, id DESC) WHERE status = 'in_review'"),
    # "Sent back to me": the few claims a reviewer ever returned, before asking each for its latest transition.
    (
        "claimevent_sent_back",
        "ON claims_claimevent (claim_id) "
        "WHERE action = 'transition' AND from_status = 'in_review' AND to_status = 'researching'",
    ),
    # The dashboard's entity filter offers the first 200 entities by name: without it, a sort of every entity.
    ("entity_name_order", "ON claims_entity (name, id)"),
    # The articles sitemap's "has a published claim", one probe of this index per article (no visit of the claim).
    ("claim_public_article", f"ON claims_claim (article_id) WHERE status IN {PUBLIC}"),
    # The entity record's newest published claims (claims.services.dossiers.entity_record's order).
    (
        "claim_public_when",
        f"ON claims_claim ((COALESCE(published_at, created_at)) DESC, id DESC) WHERE status IN {PUBLIC}",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COUNTS)
    schema_editor.execute("SELECT claims_recount_entity_claims()")
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute(DROP_COUNTS)


class Migration(migrations.Migration):
    dependencies = [("claims", "0045_search_at_scale")]

    operations = [
        migrations.CreateModel(
            name="EntityClaimCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("verdict", models.CharField(blank=True, max_length=16)),
                ("about", models.IntegerField(default=0)),
                ("made", models.IntegerField(default=0)),
                ("either", models.IntegerField(default=0)),
                (
                    "entity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="claim_counts", to="claims.entity"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("entity", "verdict"), name="entity_claim_count_unique")
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
