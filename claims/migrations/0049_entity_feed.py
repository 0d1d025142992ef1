"""The public entity feed at a million claims (docs/benchmarks.md, "A million claims"): each entity's public events
kept by triggers, newest first in their own index.

``/entities/<pk>/feed.atom`` lists the newest publications and corrections of the published claims about an entity
or made by it. Without this table PostgreSQL walked every event newest first (``claims_claimevent``'s ``at`` index)
and probed each one's claim and links: the most named entity's claims are old, so it probed 8,800 events to find 50
(47 ms at a million claims against 3 ms at 10,000); gathering the entity's claims' events instead read all 72,000
of them (2 s).

``claims_entityfeeditem`` holds a row per public event (a correction, or a transition to a public status) and per
entity its claim names or that made it, whatever the claim's status now: the feed joins the claims that are public
when it is read, so a status change needs no trigger. Triggers apply each event written, entity link added, moved or
removed, claimant changed and claim deleted, in the change's own transaction; ``claims_rebuild_entity_feed()`` fills
the table afresh (this migration, and bench/seed.py after a load that writes with triggers off). Events are
append-only (migration 0002), so an event never leaves. Other databases have no triggers here: the feed walks the
events there.
"""

import django.db.models.deletion
from django.db import migrations, models

FEED = """
-- The public timeline's events the feeds list: Claim.objects.published()'s statuses spelt out (a constant).
CREATE OR REPLACE FUNCTION claims_event_in_feeds(p_action text, p_to_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_action = 'correction'
        OR (p_action = 'transition' AND p_to_status IN ('corrected', 'published', 'retracted'))
$$;

-- One entity's rows for a claim's public events so far: a link added, or a claimant set.
CREATE OR REPLACE FUNCTION claims_entity_feed_add(p_claim bigint, p_entity bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO claims_entityfeeditem (entity_id, event_id, claim_id, at)
    SELECT p_entity, e.id, e.claim_id, e.at FROM claims_claimevent e
    WHERE e.claim_id = p_claim AND claims_event_in_feeds(e.action, e.to_status)
    ON CONFLICT (entity_id, event_id) DO NOTHING;
$$;

-- One entity's rows for a claim go when it neither is named by the claim nor made it any more.
CREATE OR REPLACE FUNCTION claims_entity_feed_drop(p_claim bigint, p_entity bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM claims_entityfeeditem f
    WHERE f.claim_id = p_claim AND f.entity_id = p_entity
      AND NOT EXISTS (SELECT 1 FROM claims_claim_entities l WHERE l.claim_id = p_claim AND l.entity_id = p_entity)
      AND NOT EXISTS (SELECT 1 FROM claims_claim c WHERE c.id = p_claim AND c.claimant_entity_id = p_entity);
$$;

CREATE OR REPLACE FUNCTION claims_event_entity_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claims_entityfeeditem (entity_id, event_id, claim_id, at)
    SELECT named.entity_id, NEW.id, NEW.claim_id, NEW.at
    FROM (SELECT entity_id FROM claims_claim_entities WHERE claim_id = NEW.claim_id
          UNION SELECT claimant_entity_id FROM claims_claim WHERE id = NEW.claim_id AND claimant_entity_id IS NOT NULL)
         AS named
    ON CONFLICT (entity_id, event_id) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_link_entity_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM claims_entity_feed_drop(OLD.claim_id, OLD.entity_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM claims_entity_feed_add(NEW.claim_id, NEW.entity_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_claim_entity_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM claims_entityfeeditem WHERE claim_id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.claimant_entity_id IS NOT NULL THEN
        PERFORM claims_entity_feed_drop(OLD.id, OLD.claimant_entity_id);
    END IF;
    -- On INSERT too: raw SQL may write a claim's events before the claim (the events' claim has no foreign key).
    IF NEW.claimant_entity_id IS NOT NULL THEN
        PERFORM claims_entity_feed_add(NEW.id, NEW.claimant_entity_id);
    END IF;
    RETURN NULL;
END
$$;

-- In the feed's order, so that an entity's newest rows share their pages.
CREATE OR REPLACE FUNCTION claims_rebuild_entity_feed() RETURNS void LANGUAGE sql AS $$
    DELETE FROM claims_entityfeeditem;
    INSERT INTO claims_entityfeeditem (entity_id, event_id, claim_id, at)
    SELECT named.entity_id, e.id, e.claim_id, e.at
    FROM claims_claimevent e
    JOIN (SELECT claim_id, entity_id FROM claims_claim_entities
          UNION SELECT id, claimant_entity_id FROM claims_claim WHERE claimant_entity_id IS NOT NULL) AS named
      ON named.claim_id = e.claim_id
    WHERE claims_event_in_feeds(e.action, e.to_status)
    ORDER BY named.entity_id, e.at DESC, e.id DESC;
$$;

CREATE TRIGGER claims_event_entity_feed AFTER INSERT ON claims_claimevent
    FOR EACH ROW WHEN (claims_event_in_feeds(NEW.action, NEW.to_status))
    EXECUTE FUNCTION claims_event_entity_feed();
CREATE TRIGGER claims_link_entity_feed AFTER INSERT OR UPDATE OR DELETE ON claims_claim_entities
    FOR EACH ROW EXECUTE FUNCTION claims_link_entity_feed();
CREATE TRIGGER claims_claim_entity_feed_written AFTER INSERT OR DELETE ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_entity_feed();
CREATE TRIGGER claims_claim_entity_feed_claimant AFTER UPDATE OF claimant_entity_id ON claims_claim
    FOR EACH ROW WHEN (OLD.claimant_entity_id IS DISTINCT FROM NEW.claimant_entity_id)
    EXECUTE FUNCTION claims_claim_entity_feed();
"""

DROP_FEED = """
DROP TRIGGER IF EXISTS claims_event_entity_feed ON claims_claimevent;
DROP TRIGGER IF EXISTS claims_link_entity_feed ON claims_claim_entities;
DROP TRIGGER IF EXISTS claims_claim_entity_feed_written ON claims_claim;
DROP TRIGGER IF EXISTS claims_claim_entity_feed_claimant ON claims_claim;
DROP FUNCTION IF EXISTS claims_rebuild_entity_feed();
DROP FUNCTION IF EXISTS claims_claim_entity_feed();
DROP FUNCTION IF EXISTS claims_link_entity_feed();
DROP FUNCTION IF EXISTS claims_event_entity_feed();
DROP FUNCTION IF EXISTS claims_entity_feed_drop(bigint, bigint);
DROP FUNCTION IF EXISTS claims_entity_feed_add(bigint, bigint);
DROP FUNCTION IF EXISTS claims_event_in_feeds(text, text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FEED)
    schema_editor.execute("SELECT claims_rebuild_entity_feed()")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FEED)


class Migration(migrations.Migration):
    dependencies = [("claims", "0048_dashboard_status_index")]

    operations = [
        migrations.CreateModel(
            name="EntityFeedItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                (
                    "claim",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="feed_items",
                        to="claims.claim",
                    ),
                ),
                (
                    "entity",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feed_items",
                        to="claims.entity",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feed_items",
                        to="claims.claimevent",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["entity", "-at", "-event"], name="entity_feed_item_newest")],
                "constraints": [models.UniqueConstraint(fields=("entity", "event"), name="entity_feed_item_unique")],
            },
        ),
        migrations.RunPython(create, drop),
    ]
