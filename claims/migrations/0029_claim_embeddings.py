"""The fact-check memory (docs/matching.md): each claim's stored sentence embedding with its hash keys, one index
per band; and, on PostgreSQL, an index on the claim-entity table by entity then newest claim, so that "the newest
claims naming this entity" reads at most its limit of rows however many claims name it.
"""

import django.db.models.deletion
from django.db import migrations, models

ENTITY_INDEX = "claim_entities_entity_newest"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {ENTITY_INDEX} ON claims_claim_entities (entity_id, claim_id DESC)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {ENTITY_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0028_proposals")]

    operations = [
        migrations.CreateModel(
            name="ClaimEmbedding",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="embedding",
                        serialize=False,
                        to="claims.claim",
                    ),
                ),
                ("vector", models.BinaryField()),
                ("text_hash", models.CharField(max_length=32)),
                *((f"band_{i}", models.IntegerField()) for i in range(8)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=[f"band_{i}", "-claim"], name=f"claim_embedding_band_{i}") for i in range(8)
                ],
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
