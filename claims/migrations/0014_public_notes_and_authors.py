"""Public notes apart from internal comments, and who last wrote each piece of a claim's public text.

Existing rows: a correction's or retraction's comment was written as public text, so it becomes that event's
public note (publication and other comments stay internal); each claim's text authors are read from its history.
"""

from django.db import migrations, models

TRIGGER = "claims_claimevent_append_only"


def copy_public_comments(apps, schema_editor):
    ClaimEvent = apps.get_model("claims", "ClaimEvent")
    Claim = apps.get_model("claims", "Claim")
    public = (models.Q(action="correction") | models.Q(action="transition", to_status="retracted")) & ~models.Q(
        comment=""
    )
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # history is append-only in the database too (0002); this one rewrite is the schema's own
        schema_editor.execute(f"ALTER TABLE claims_claimevent DISABLE TRIGGER {TRIGGER}")
    ClaimEvent.objects.filter(public).update(public_note=models.F("comment"))
    if postgres:
        schema_editor.execute(f"ALTER TABLE claims_claimevent ENABLE TRIGGER {TRIGGER}")
    latest = {}
    for claim_id, note in ClaimEvent.objects.filter(public).order_by("at", "id").values_list("claim_id", "comment"):
        latest[claim_id] = note
    for claim_id, note in latest.items():
        Claim.objects.filter(pk=claim_id).update(public_note=note)


def read_text_authors(apps, schema_editor):
    ClaimEvent = apps.get_model("claims", "ClaimEvent")
    Claim = apps.get_model("claims", "Claim")
    authors = {}
    events = (
        ClaimEvent.objects.exclude(actor=None)
        .order_by("claim_id", "at", "id")
        .values_list("claim_id", "actor_id", "changes", "from_verdict", "to_verdict")
    )
    for claim_id, actor_id, changes, from_verdict, to_verdict in events.iterator():
        written = authors.setdefault(claim_id, {})
        for name in ("statement", "statement_en", "rationale"):
            if name in (changes or {}):
                written[name] = actor_id
        if to_verdict and to_verdict != from_verdict:
            written["verdict"] = actor_id
    for claim_id, written in authors.items():
        if written:
            Claim.objects.filter(pk=claim_id).update(public_text_authors=written)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_similar_queued_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="public_note",
            field=models.TextField(
                blank=True,
                help_text="For readers: proposed with the verdict and shown with its publication; then the note of the latest correction or retraction.",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="public_text_authors",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Who last wrote each piece of public text (claims.workflow.PUBLIC_TEXT): {field: user id}.",
            ),
        ),
        migrations.AddField(
            model_name="claimevent",
            name="public_note",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(copy_public_comments, migrations.RunPython.noop),
        migrations.RunPython(read_text_authors, migrations.RunPython.noop),
    ]
