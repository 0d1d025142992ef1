"""What an image source is: its size, format, EXIF metadata (camera, dates, GPS), a SHA-256 and two 64-bit
perceptual hashes, and a small thumbnail for the desk. Pure: bytes in, facts out; no ORM, no request.

Recycled photos are the commonest fake in the desk's work, and a re-posted copy is rarely byte-identical: it is
recompressed, resized, sometimes cropped a little. The perceptual hashes (pHash, dHash, from the `imagehash`
package) of such a copy differ from the original's in a few bits only, so "near-identical" is a small Hamming
distance (claims.services.images.where_else finds them).
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from urllib.parse import quote

import imagehash
from PIL import ExifTags, Image, UnidentifiedImageError

from claims.fetching import reasons as R
from claims.fetching.errors import TooLarge, UnreadableContent
from claims.fetching.reasons import reason

#: The image types a capture keeps as an image (the capture policy adds them to the types it accepts).
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
#: Pillow's format names for those types: a body must really be what its type says.
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
#: Default bound on decoded pixels (40 megapixels, a large phone photo is 12 to 50): a small file can declare a
#: huge canvas (a decompression bomb), so the size is checked from the header before any pixel is decoded.
MAX_PIXELS = 40_000_000
THUMBNAIL_SIDE = 480
#: Bounds of the stored EXIF: this many entries, each value cut to this many characters.
EXIF_MAX_ENTRIES = 40
EXIF_MAX_CHARS = 200
#: The tags the desk reads (camera, software, dates, author); GPS is read separately and given in degrees.
EXIF_TAGS = (
    "Make",
    "Model",
    "LensModel",
    "Software",
    "DateTime",
    "DateTimeOriginal",
    "DateTimeDigitized",
    "OffsetTimeOriginal",
    "Artist",
    "Copyright",
    "ImageDescription",
    "Orientation",
    "ExposureTime",
    "FNumber",
    "ISOSpeedRatings",
    "FocalLength",
    "ExifImageWidth",
    "ExifImageHeight",
)
_TAG_IDS = {name: tag for tag, name in ExifTags.TAGS.items() if name in EXIF_TAGS}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class ImageFacts:
    """What one image is; hashes as 16 hexadecimal digits (64 bits)."""

    format: str
    width: int
    height: int
    sha256: str
    phash: str
    dhash: str
    exif: dict[str, Any] = field(default_factory=dict)
    thumbnail: bytes = b""
    thumbnail_type: str = "image/jpeg"


def read_image(body: bytes, content_type: str, *, max_pixels: int = MAX_PIXELS) -> ImageFacts:
    """Read an image's facts; TooLarge for a canvas over `max_pixels`, UnreadableContent for a body that is not
    the image its type says. The body's size is already bounded by the fetch limits."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(body), formats=list(FORMATS.values()))
            # Image.open reads the header only: refuse before decoding a single pixel.
            width, height = image.size
            if width * height > max_pixels:
                raise TooLarge(reason(R.IMAGE_TOO_MANY_PIXELS, width=width, height=height, limit=f"{max_pixels:,}"))
            expected = FORMATS.get(content_type)
            if expected and image.format != expected:
                raise UnreadableContent(reason(R.IMAGE_NOT_ITS_TYPE, type=content_type, format=image.format or "?"))
            image.load()
            exif = read_exif(image)
            pixels = image.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge(reason(R.IMAGE_BOMB)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnreadableContent(reason(R.IMAGE_UNREADABLE)) from exc
    return ImageFacts(
        format=image.format or "",
        width=width,
        height=height,
        sha256=hashlib.sha256(body).hexdigest(),
        phash=str(imagehash.phash(pixels)),
        dhash=str(imagehash.dhash(pixels)),
        exif=exif,
        thumbnail=thumbnail_of(pixels),
    )


def thumbnail_of(pixels: Image.Image, side: int = THUMBNAIL_SIDE) -> bytes:
    """A JPEG at most `side` pixels wide and high, without the original's metadata."""
    small = pixels.copy()
    small.thumbnail((side, side))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


def read_exif(image: Image.Image) -> dict[str, Any]:
    """The EXIF tags the desk reads, as short clean strings and numbers; GPS as decimal degrees. Bounded."""
    exif = image.getexif()
    found: dict[str, Any] = {}
    sub = {**dict(exif.items()), **dict(exif.get_ifd(ExifTags.IFD.Exif).items())}
    for name in EXIF_TAGS:
        value = _clean(sub.get(_TAG_IDS.get(name, -1)))
        if value not in (None, ""):
            found[name] = value
    found.update(_gps(exif.get_ifd(ExifTags.IFD.GPSInfo)))
    return dict(list(found.items())[:EXIF_MAX_ENTRIES])


def _gps(gps: dict[int, Any]) -> dict[str, Any]:
    if not gps:
        return {}
    tags = {ExifTags.GPSTAGS.get(tag, str(tag)): value for tag, value in gps.items()}
    out: dict[str, Any] = {}
    for axis, ref_tag, negative in (("Latitude", "GPSLatitudeRef", "S"), ("Longitude", "GPSLongitudeRef", "W")):
        degrees = _degrees(tags.get(f"GPS{axis}"))
        if degrees is not None:
            ref = str(tags.get(ref_tag) or "").strip().upper()
            out[f"GPS{axis}"] = round(-degrees if ref == negative else degrees, 6)
    altitude = _number(tags.get("GPSAltitude"))
    if altitude is not None:
        out["GPSAltitude"] = round(altitude, 1)
    for name in ("GPSDateStamp", "GPSTimeStamp"):
        value = tags.get(name)
        if isinstance(value, tuple):
            value = ":".join(f"{_number(part) or 0:02g}" for part in value)
        value = _clean(value)
        if value:
            out[name] = value
    return out


def _degrees(value: Any) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    parts = [_number(part) for part in value]
    if any(part is None for part in parts):
        return None
    d, m, s = (float(part) for part in parts if part is not None)
    degrees = d + m / 60 + s / 3600
    return degrees if 0 <= degrees <= 180 else None


def _number(value: Any) -> float | None:
    try:
        number = float(Fraction(value)) if not isinstance(value, float) else value
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if number == number and abs(number) < 1e9 else None  # no NaN, no absurd values


def _clean(value: Any) -> str | int | float | None:
    """A value fit to store and show: bytes dropped (maker notes, thumbnails), control and bidi-override
    characters removed (a NUL cannot go into PostgreSQL JSON), text cut to EXIF_MAX_CHARS."""
    if value is None or isinstance(value, bytes | bytearray):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        number = _number(value)
        if number is not None:
            return round(number, 6)
        value = str(value)
    return _CONTROL.sub("", value).strip()[:EXIF_MAX_CHARS]


def hash_bands(hex_hash: str) -> tuple[int, int, int, int]:
    """A 64-bit hash as four 16-bit bands (high to low). Two hashes within Hamming distance 3 share at least one
    band (pigeonhole: 3 differing bits touch at most 3 of the 4 bands), which is what makes the look-up indexed."""
    value = int(hex_hash, 16)
    return (value >> 48 & 0xFFFF, value >> 32 & 0xFFFF, value >> 16 & 0xFFFF, value & 0xFFFF)


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hashes given as hexadecimal."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


#: Reverse-image search services the desk links to; the editor's browser opens them, the server never calls them.
REVERSE_SEARCH = (
    ("Google Lens", "https://lens.google.com/uploadbyurl?url={url}"),
    ("Bing", "https://www.bing.com/images/search?view=detailv2&iss=sbi&q=imgurl:{url}"),
    ("TinEye", "https://tineye.com/search?url={url}"),
    ("Yandex", "https://yandex.com/images/search?rpt=imageview&url={url}"),
)


def reverse_search_links(image_url: str) -> list[tuple[str, str]]:
    """(service, search URL) for an image's public address; none without an http(s) address."""
    if not image_url.lower().startswith(("http://", "https://")):
        return []
    encoded = quote(image_url, safe="")
    return [(name, template.format(url=encoded)) for name, template in REVERSE_SEARCH]
