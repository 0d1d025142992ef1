"""People, organisations, places and things that claims and attendees point at."""

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims.arabic import normalize


class Entity(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")
        PLACE = "place", _("Place")
        THING = "thing", _("Thing")

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=300, help_text="Display name in the desk's main language.")
    names = models.JSONField(default=dict, blank=True, help_text='Names by language, e.g. {"ar": "…", "en": "…"}.')
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings, transliterations, forms.")
    wikidata = models.CharField(max_length=20, blank=True, help_text="Wikidata id, e.g. Q123.")
    description = models.TextField(blank=True)
    #: Every name and alias, normalized (claims.arabic.normalize), for search and autocomplete.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata"], condition=~models.Q(wikidata=""), name="entity_wikidata_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["person", "organisation", "place", "thing"]), name="entity_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(wikidata="") | models.Q(wikidata__regex=r"^Q[0-9]+$"), name="entity_wikidata_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Made of this row's own names only: computed on every save, as Claim.search_text is (see Claim.save).
        self.search_text = normalize(" | ".join(self.all_names()))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("public:entity", args=[self.pk])

    def all_names(self) -> list[str]:
        seen = [self.name, *self.names.values(), *self.aliases]
        return list(dict.fromkeys(n for n in seen if n))

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


class EntityClaimCount(models.Model):
    """The published claims about an entity and those it made, by verdict: the public record's counts
    (claims.services.dossiers.entity_record), where counting them on each view read every one of them (the most
    named entity's 37,000 claims at a million: 2 s).

    Kept by PostgreSQL triggers (migration 0047) on every change of a claim's status, verdict or claimant and of its
    entity links, in the transaction of the change, so no code path (service, admin, bulk update) can leave them
    behind. ``either`` counts a claim about the entity and made by it once. Other databases count on each view.
    """

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="claim_counts")
    verdict = models.CharField(max_length=16, blank=True)
    about = models.IntegerField(default=0)
    made = models.IntegerField(default=0)
    either = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "verdict"], name="entity_claim_count_unique")]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.verdict or '-'}: {self.either}"


class EntityFeedItem(models.Model):
    """One public event (a publication or a correction) of a claim about an entity or made by it: the entity's Atom
    feed (claims.public.entities.EntityClaimsFeed) reads its newest rows, where walking all the desk's events newest
    first to find the entity's probed each event's claim and links (the most named entity's 72,000 claims are old:
    8,800 events probed for 50 at a million claims, 47 ms).

    Kept by PostgreSQL triggers (migration 0049) on every public event written, entity link added, moved or removed,
    claimant changed and claim deleted, in the transaction of the change, so no code path (service, admin, bulk
    update, raw SQL) can leave it behind. A row is kept whatever the claim's status: the feed joins the claims that
    are public now. Other databases have no triggers here: the feed walks the events there.
    """

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="feed_items", db_index=False)
    # Events are append-only (migration 0002): nothing looks a row up by its event but the unique constraint.
    event = models.ForeignKey("ClaimEvent", on_delete=models.CASCADE, related_name="feed_items", db_index=False)
    #: The event's claim, for the triggers that drop a claim's rows (no database foreign key: as the event's own).
    claim = models.ForeignKey("Claim", on_delete=models.DO_NOTHING, db_constraint=False, related_name="feed_items")
    #: The event's ``at``, so that the feed's order is this table's index.
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "event"], name="entity_feed_item_unique")]
        indexes = [models.Index(fields=["entity", "-at", "-event"], name="entity_feed_item_newest")]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.event_id}"
