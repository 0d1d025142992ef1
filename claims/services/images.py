"""Image and social-post captures: storing what the fetch core read, and finding where else the desk has met an
image (the same file, or a near-identical copy: recompressed, resized), among its sources and the claims citing
them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db.models import Q

from claims.fetching.images import ImageFacts, hamming, hash_bands, reverse_search_links
from claims.fetching.social import Post
from claims.models import Capture, CaptureImage, CapturePost, Claim, Evidence

#: Near-identical: pHashes at most this many bits apart. With four 16-bit bands, 3 is the most the band look-up
#: can guarantee to find (pigeonhole); recompressed and resized copies of a photo land at 0 to 2.
NEAR_DISTANCE = 3
#: Candidate rows read per look-up (rows sharing a band); bounded, so the cost does not grow with the table.
CANDIDATES = 200
#: Sources shown.
MAX_MATCHES = 20
#: Claims shown per source.
MAX_CLAIMS = 10


def save_thumbnail(image: CaptureImage, facts: ImageFacts) -> None:
    """Store the thumbnail's file (before the row's transaction, like the capture's WARC)."""
    if facts.thumbnail:
        image.thumbnail.save("thumbnail.jpg", ContentFile(facts.thumbnail), save=False)


def image_row(capture: Capture, facts: ImageFacts) -> CaptureImage:
    """An unsaved CaptureImage for `capture`, from the facts the fetch core read."""
    band0, band1, band2, band3 = hash_bands(facts.phash)
    return CaptureImage(
        capture=capture,
        sha256=facts.sha256,
        phash=facts.phash,
        dhash=facts.dhash,
        phash_band0=band0,
        phash_band1=band1,
        phash_band2=band2,
        phash_band3=band3,
        width=facts.width,
        height=facts.height,
        format=facts.format,
        exif=facts.exif,
    )


def store_post(*, capture: Capture, post: Post) -> CapturePost:
    """Record (or replace) the post a capture read; inside the capture's success transaction."""
    row, _created = CapturePost.objects.update_or_create(
        capture=capture,
        defaults={
            "platform": post.platform,
            "title": post.title,
            "text": post.text,
            "author": post.author,
            "author_url": post.author_url,
            "image_url": post.image_url,
            "video_url": post.video_url,
            "oembed_url": post.oembed_url,
            "oembed": post.oembed,
            "meta": post.meta,
            "nothing": post.nothing,
        },
    )
    return row


@dataclass
class Sighting:
    """Where else an image was met: a source's capture of it, how close, and the claims citing that source."""

    image: CaptureImage
    distance: int
    same_file: bool
    claims: list[Claim] = field(default_factory=list)

    @property
    def capture(self) -> Capture:
        return self.image.capture


def where_else(image: CaptureImage) -> list[Sighting]:
    """The other sources with the same image (SHA-256) or a near-identical one (pHash within NEAR_DISTANCE),
    closest first, each once, with the claims citing it. Two queries whatever the table's size: the candidates
    sharing the file's digest or a hash band (each an indexed column), then the claims of their sources."""
    band0, band1, band2, band3 = image.bands
    candidates = (
        CaptureImage.objects.filter(
            Q(sha256=image.sha256)
            | Q(phash_band0=band0)
            | Q(phash_band1=band1)
            | Q(phash_band2=band2)
            | Q(phash_band3=band3)
        )
        .exclude(capture__source_id=image.capture.source_id)
        .select_related("capture__source")
        .order_by("-id")[:CANDIDATES]
    )
    best: dict[int, Sighting] = {}
    for candidate in candidates:
        same = candidate.sha256 == image.sha256
        distance = 0 if same else hamming(candidate.phash, image.phash)
        if distance > NEAR_DISTANCE:
            continue
        source_id = candidate.capture.source_id
        if source_id not in best or (distance, -candidate.pk) < (best[source_id].distance, -best[source_id].image.pk):
            best[source_id] = Sighting(image=candidate, distance=distance, same_file=same)
    sightings = sorted(best.values(), key=lambda s: (s.distance, -s.image.pk))[:MAX_MATCHES]
    _attach_claims(sightings)
    return sightings


def _attach_claims(sightings: list[Sighting]) -> None:
    if not sightings:
        return
    by_source: dict[int, list[Claim]] = {}
    evidence = (
        Evidence.objects.filter(source_id__in=[s.capture.source_id for s in sightings])
        .select_related("claim")
        .only("source_id", "claim__id", "claim__statement", "claim__status")
        .order_by("-claim_id")
    )
    for row in evidence:
        claims = by_source.setdefault(row.source_id, [])
        if len(claims) < MAX_CLAIMS:
            claims.append(row.claim)
    for sighting in sightings:
        sighting.claims = by_source.get(sighting.capture.source_id, [])


def image_address(capture: Capture) -> str:
    """The image's public address for reverse-image search: the post's image, else the captured address."""
    post: CapturePost | None = capture.post if _has(capture, "post") else None
    if post is not None and post.image_url:
        return str(post.image_url)
    return str(capture.final_url or capture.requested_url)


def reverse_search(capture: Capture) -> list[tuple[str, str]]:
    """Reverse-image search links for the desk (its browser opens them; the server never calls them)."""
    if not (_has(capture, "image") or (_has(capture, "post") and capture.post.image_url)):
        return []
    return reverse_search_links(image_address(capture))


def _has(capture: Capture, relation: str) -> bool:
    try:
        getattr(capture, relation)
    except (CaptureImage.DoesNotExist, CapturePost.DoesNotExist):
        return False
    return True
