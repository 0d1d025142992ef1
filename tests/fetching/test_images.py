"""The image reader of the fetch core: size and format, EXIF (camera, dates, GPS) cleaned and bounded, SHA-256
and perceptual hashes, the decompression-bomb guard, and the reverse-image search links."""

import hashlib
import io

import imagehash
import pytest
from PIL import Image

from claims.fetching.errors import TooLarge, UnreadableContent
from claims.fetching.images import (
    EXIF_MAX_CHARS,
    hamming,
    hash_bands,
    read_image,
    reverse_search_links,
)
from claims.fetching.sniff import image_type
from tests.imaging import (
    CAMERA,
    TAKEN,
    camera_exif,
    jpeg,
    original_jpeg,
    photo,
    png_declaring,
    recycled_jpeg,
    unrelated_jpeg,
)


def test_a_photo_gives_its_size_format_digest_and_perceptual_hashes():
    body = original_jpeg()
    facts = read_image(body, "image/jpeg")
    assert (facts.format, facts.width, facts.height) == ("JPEG", 640, 480)
    assert facts.sha256 == hashlib.sha256(body).hexdigest()
    decoded = Image.open(io.BytesIO(body)).convert("RGB")
    assert facts.phash == str(imagehash.phash(decoded)) and len(facts.phash) == 16
    assert facts.dhash == str(imagehash.dhash(decoded)) and len(facts.dhash) == 16


def test_exif_gives_camera_date_and_gps_in_degrees():
    exif = read_image(original_jpeg(), "image/jpeg").exif
    assert (exif["Make"], exif["Model"], exif["DateTimeOriginal"]) == (*CAMERA, TAKEN)
    assert exif["GPSLatitude"] == pytest.approx(32.8875) and exif["GPSLongitude"] == pytest.approx(13.183333)
    assert exif["GPSAltitude"] == 12.5


def test_exif_strings_are_cleaned_and_cut():
    body = jpeg(photo(), exif=camera_exif(make="Can\x01on\x7f", model="M" * 5000))
    exif = read_image(body, "image/jpeg").exif
    assert exif["Make"] == "Canon" and len(exif["Model"]) == EXIF_MAX_CHARS


def test_a_recompressed_resized_copy_is_a_few_bits_away_and_an_unrelated_image_is_far():
    original = read_image(original_jpeg(), "image/jpeg")
    copy = read_image(recycled_jpeg(), "image/jpeg")
    other = read_image(unrelated_jpeg(), "image/jpeg")
    assert copy.sha256 != original.sha256
    assert hamming(copy.phash, original.phash) <= 3
    assert hamming(other.phash, original.phash) > 10


def test_a_canvas_over_the_pixel_limit_is_refused_before_decoding():
    with pytest.raises(TooLarge, match=r"2000 × 1000 pixels, more than the 1,000,000 pixels") as caught:
        read_image(png_declaring(2000, 1000), "image/png", max_pixels=1_000_000)
    assert not caught.value.transient


def test_a_decompression_bomb_far_over_pillows_own_limit_is_refused():
    with pytest.raises(TooLarge, match="decompression bomb|more than the"):
        read_image(png_declaring(60_000, 60_000), "image/png")


def test_a_file_that_is_not_the_image_its_type_says_is_unreadable():
    with pytest.raises(UnreadableContent):
        read_image(b"<html>not an image</html>", "image/jpeg")
    with pytest.raises(UnreadableContent, match="says it serves image/png, but the file is a JPEG"):
        read_image(original_jpeg(), "image/png")


def test_thumbnail_is_a_small_jpeg_without_the_metadata():
    thumbnail = Image.open(io.BytesIO(read_image(original_jpeg(), "image/jpeg").thumbnail))
    assert thumbnail.format == "JPEG" and max(thumbnail.size) <= 480 and not thumbnail.getexif()


def test_hash_bands_split_the_64_bits_so_that_three_bits_apart_share_a_band():
    assert hash_bands("0123456789abcdef") == (0x0123, 0x4567, 0x89AB, 0xCDEF)
    a = int("0123456789abcdef", 16)
    for flips in [(0, 16, 32), (1, 2, 3), (15, 31, 47), (63, 47, 31)]:
        b = a
        for bit in flips:
            b ^= 1 << bit
        shared = [x == y for x, y in zip(hash_bands(f"{a:016x}"), hash_bands(f"{b:016x}"), strict=True)]
        assert any(shared)


def test_image_bytes_are_recognised_by_their_signature():
    assert image_type(original_jpeg()) == "image/jpeg"
    assert image_type(png_declaring(1, 1)) == "image/png"
    assert image_type(b"GIF89a....") == "image/gif"
    assert image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_type(b"<html>") == ""


def test_reverse_search_links_carry_the_images_address_encoded():
    links = dict(reverse_search_links("https://example.org/a photo.jpg?x=1&y=2"))
    assert set(links) == {"Google Lens", "Bing", "TinEye", "Yandex"}
    assert links["TinEye"] == "https://tineye.com/search?url=https%3A%2F%2Fexample.org%2Fa%20photo.jpg%3Fx%3D1%26y%3D2"
    assert all(url.startswith("https://") for url in links.values())
    assert reverse_search_links("javascript:alert(1)") == []
