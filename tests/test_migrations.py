"""Models and migrations agree, in every process (no set-ordering flaps), so a fresh deploy gets the schema."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def test_no_model_change_lacks_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    assert "No changes detected" in out.getvalue()


BEFORE_NOTES = ("claims", "0013_similar_queued_at")
NOTES = ("claims", "0014_public_notes_and_authors")


@pytest.mark.django_db(transaction=True)
def test_old_correction_and_retraction_comments_become_public_notes_and_authors_come_from_history():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_NOTES])
    old = executor.loader.project_state([BEFORE_NOTES]).apps
    user = old.get_model("auth", "User").objects.create(username="old-editor")
    article = old.get_model("claims", "Article").objects.create(title="Old")
    revision = old.get_model("claims", "ArticleRevision").objects.create(article=article, number=1, text="x" * 40)
    claim = old.get_model("claims", "Claim").objects.create(
        article=article,
        revision=revision,
        exact="x" * 20,
        start=0,
        end=20,
        statement="Old claim",
        status="retracted",
        verdict="false",
        rationale="Old reasons.",
        last_editor=user,
    )
    event = old.get_model("claims", "ClaimEvent").objects.create
    event(claim=claim, actor=user, action="created", changes={"statement": [None, "Old claim"]})
    event(
        claim=claim,
        actor=user,
        action="transition",
        from_status="researching",
        to_status="in_review",
        to_verdict="false",
        changes={"rationale": ["", "Old reasons."]},
        comment="internal: rough",
    )
    event(claim=claim, action="transition", from_status="in_review", to_status="published", comment="Approved.")
    event(claim=claim, action="correction", from_status="published", to_status="corrected", comment="Year fixed.")
    event(claim=claim, action="transition", from_status="corrected", to_status="retracted", comment="Invented.")

    executor = MigrationExecutor(connection)
    executor.migrate([NOTES])
    new = executor.loader.project_state([NOTES]).apps
    events = new.get_model("claims", "ClaimEvent").objects.filter(claim_id=claim.pk).order_by("id")
    assert [(e.comment, e.public_note) for e in events] == [
        ("", ""),
        ("internal: rough", ""),
        ("Approved.", ""),
        ("Year fixed.", "Year fixed."),
        ("Invented.", "Invented."),
    ]
    migrated = new.get_model("claims", "Claim").objects.get(pk=claim.pk)
    assert migrated.public_note == "Invented."
    assert migrated.public_text_authors == {"statement": user.pk, "verdict": user.pk, "rationale": user.pk}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
