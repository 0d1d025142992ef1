"""Images for the image-source tests, made by Pillow in the test: a photo-like picture (gradient and shapes) with
EXIF metadata, its recompressed and resized copy, an unrelated picture, and a decompression bomb."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw

CAMERA = ("Canon", "EOS 5D Mark IV")
TAKEN = "2019:04:05 10:12:00"
#: 32°53'15" N, 13°11' E: Tripoli.
GPS = {1: "N", 2: (32.0, 53.0, 15.0), 3: "E", 4: (13.0, 11.0, 0.0), 6: 12.5}


def photo(size: tuple[int, int] = (640, 480)) -> Image.Image:
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    width, height = size
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=(int(255 * y / height), 80, 255 - int(255 * y / height)))
    draw.ellipse([width * 0.2, height * 0.2, width * 0.55, height * 0.7], fill=(250, 220, 30))
    draw.rectangle([width * 0.6, height * 0.5, width * 0.9, height * 0.9], fill=(20, 120, 40))
    return image


def unrelated() -> Image.Image:
    image = Image.new("RGB", (640, 480), (10, 10, 10))
    draw = ImageDraw.Draw(image)
    for x in range(0, 640, 40):
        draw.rectangle([x, 0, x + 20, 480], fill=(200, 200, 200))
    return image


def jpeg(image: Image.Image, *, exif: Image.Exif | None = None, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif or Image.Exif())
    return out.getvalue()


def camera_exif(*, make: str = CAMERA[0], model: str = CAMERA[1]) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[ExifTags.IFD.Exif] = {36867: TAKEN}
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif


def original_jpeg() -> bytes:
    return jpeg(photo(), exif=camera_exif())


def recycled_jpeg() -> bytes:
    """The same photo as re-posted: half the size, recompressed harder, metadata stripped."""
    return jpeg(photo().resize((320, 240)), quality=55)


def unrelated_jpeg() -> bytes:
    return jpeg(unrelated())


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header declares a `width` × `height` canvas: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def noise_images(source, count: int, rng: random.Random) -> None:
    """``count`` done captures of ``source``, each with an image row of random hashes: a table to look things up in
    (the where-else tests and bench/image_hash.py)."""
    from claims.fetching.images import hash_bands
    from claims.models import Capture, CaptureImage

    captures = Capture.objects.bulk_create(
        Capture(source=source, requested_url=source.url, state="done") for _ in range(count)
    )
    rows = []
    for capture in captures:
        phash = f"{rng.getrandbits(64):016x}"
        band0, band1, band2, band3 = hash_bands(phash)
        rows.append(
            CaptureImage(
                capture=capture,
                sha256=f"{rng.getrandbits(256):064x}",
                phash=phash,
                dhash=phash,
                phash_band0=band0,
                phash_band1=band1,
                phash_band2=band2,
                phash_band3=band3,
                width=1,
                height=1,
                format="JPEG",
            )
        )
    CaptureImage.objects.bulk_create(rows)
