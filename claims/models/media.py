"""What a capture found beyond a page: an image (its hashes and metadata) or a social platform's post."""

from django.db import models

from .sources import Capture, unguessable_name


def thumbnail_name(instance, filename: str) -> str:
    # Not a folder claims.files serves: only the desk's thumbnail view sends these.
    return unguessable_name("thumbnails", ".jpg")


class CaptureImage(models.Model):
    """The image a capture fetched. The 64-bit perceptual hash is also kept as four 16-bit bands, each indexed:
    a near-identical image (Hamming distance ≤ 3) shares at least one band (claims.services.images.where_else)."""

    capture = models.OneToOneField(Capture, on_delete=models.CASCADE, related_name="image")
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.CharField(max_length=16, help_text="Perceptual hash (pHash), 64 bits in hexadecimal.")
    dhash = models.CharField(max_length=16, help_text="Difference hash (dHash), 64 bits in hexadecimal.")
    phash_band0 = models.PositiveIntegerField()
    phash_band1 = models.PositiveIntegerField()
    phash_band2 = models.PositiveIntegerField()
    phash_band3 = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=10)
    exif = models.JSONField(default=dict, blank=True, help_text="Camera, dates and GPS, bounded and cleaned.")
    thumbnail = models.FileField(upload_to=thumbnail_name, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["phash_band0"], name="captureimage_band0"),
            models.Index(fields=["phash_band1"], name="captureimage_band1"),
            models.Index(fields=["phash_band2"], name="captureimage_band2"),
            models.Index(fields=["phash_band3"], name="captureimage_band3"),
        ]

    def __str__(self) -> str:
        return f"{self.format} {self.width}×{self.height} of capture #{self.capture_id}"

    @property
    def bands(self) -> tuple[int, int, int, int]:
        return (self.phash_band0, self.phash_band1, self.phash_band2, self.phash_band3)


class CapturePost(models.Model):
    """A social platform's post as its page gave it without login; `nothing` says so when it gave nothing."""

    class Platform(models.TextChoices):
        X = "x", "X (Twitter)"
        FACEBOOK = "facebook", "Facebook"
        YOUTUBE = "youtube", "YouTube"
        TELEGRAM = "telegram", "Telegram"
        TIKTOK = "tiktok", "TikTok"
        INSTAGRAM = "instagram", "Instagram"

    capture = models.OneToOneField(Capture, on_delete=models.CASCADE, related_name="post")
    platform = models.CharField(max_length=10, choices=Platform.choices)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True, help_text="The post's text, where the page gives it.")
    author = models.CharField(max_length=500, blank=True)
    author_url = models.URLField(max_length=2000, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    video_url = models.URLField(max_length=2000, blank=True)
    oembed_url = models.URLField(max_length=2000, blank=True)
    oembed = models.JSONField(default=dict, blank=True)
    meta = models.JSONField(default=dict, blank=True, help_text="OpenGraph and Twitter-card tags, as found.")
    nothing = models.TextField(blank=True, help_text="Why the platform gave nothing (a login wall).")

    def __str__(self) -> str:
        return f"{self.get_platform_display()} post of capture #{self.capture_id}"
