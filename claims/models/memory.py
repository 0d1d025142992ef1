"""The fact-check memory's stored embeddings: one row per claim, written by the matching task (claims/services/
matching.py), read back for the bounded set of candidates each new claim is compared with (docs/matching.md)."""

from django.db import models

from claims.embeddings import BANDS


class ClaimEmbedding(models.Model):
    """A claim's sentence embedding (float16, 768 bytes) and its locality-sensitive hash keys: claims whose
    embeddings point alike share a key in some band, whatever their language, and each band is an index."""

    claim = models.OneToOneField("Claim", primary_key=True, on_delete=models.CASCADE, related_name="embedding")
    vector = models.BinaryField()
    #: Hash of the text embedded: a claim whose text has not changed is not embedded again.
    text_hash = models.CharField(max_length=32)
    band_0 = models.IntegerField()
    band_1 = models.IntegerField()
    band_2 = models.IntegerField()
    band_3 = models.IntegerField()
    band_4 = models.IntegerField()
    band_5 = models.IntegerField()
    band_6 = models.IntegerField()
    band_7 = models.IntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=[f"band_{i}", "-claim"], name=f"claim_embedding_band_{i}") for i in range(BANDS)]

    def __str__(self) -> str:
        return f"embedding of claim {self.claim_id}"
