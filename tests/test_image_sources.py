"""Image sources captured end to end against a local server: the image kept with its EXIF, digest and perceptual
hashes; where else the desk has met it (a recycled copy found, an unrelated image not), in a bounded number of
queries; decompression bombs and mislabelled files refused with their reasons."""

import hashlib
import io
import random

import imagehash
import pytest
from PIL import Image

from claims.fetching.images import hash_bands
from claims.models import Capture, CaptureImage, Evidence, Source
from claims.services.captures import run_capture
from claims.services.images import NEAR_DISTANCE, where_else
from tests.capturing import queued_capture
from tests.factories import ClaimFactory
from tests.imaging import CAMERA, TAKEN, noise_images, original_jpeg, png_declaring, recycled_jpeg, unrelated_jpeg

pytestmark = pytest.mark.django_db

JPEG = [("Content-Type", "image/jpeg")]


@pytest.fixture(autouse=True)
def _settings(fetch_settings):
    return fetch_settings


def captured(server, path: str, body: bytes, headers=None) -> Capture:
    url = server.route(path, body=body, headers=JPEG if headers is None else headers)
    return run_capture(capture_id=queued_capture(url, kind=Source.Kind.MEDIA).pk)


def test_an_image_source_is_kept_with_its_exif_digest_and_hashes(server):
    body = original_jpeg()
    capture = captured(server, "/photo.jpg", body)
    assert (capture.state, capture.content_type, capture.text) == ("done", "image/jpeg", "")
    assert capture.sha256 == hashlib.sha256(body).hexdigest() and capture.body_file.read() == body
    image = CaptureImage.objects.get(capture=capture)
    decoded = Image.open(io.BytesIO(body)).convert("RGB")
    assert image.sha256 == capture.sha256
    assert (image.phash, image.dhash) == (str(imagehash.phash(decoded)), str(imagehash.dhash(decoded)))
    assert image.bands == hash_bands(image.phash)
    assert (image.format, image.width, image.height) == ("JPEG", 640, 480)
    assert (image.exif["Make"], image.exif["Model"], image.exif["DateTimeOriginal"]) == (*CAMERA, TAKEN)
    assert image.exif["GPSLatitude"] == pytest.approx(32.8875)
    assert Image.open(image.thumbnail).format == "JPEG"


def test_an_image_without_a_declared_type_is_known_by_its_bytes(server):
    capture = captured(server, "/photo", original_jpeg(), headers=[])
    assert (capture.state, capture.content_type) == ("done", "image/jpeg")
    assert CaptureImage.objects.filter(capture=capture).exists()


def test_a_recycled_copy_is_found_where_else_and_an_unrelated_image_is_not(server):
    original = captured(server, "/original.jpg", original_jpeg())
    copy = captured(server, "/reposted.jpg", recycled_jpeg())
    captured(server, "/other.jpg", unrelated_jpeg())
    claim = ClaimFactory(statement="This photo shows the parade in Benghazi last week")
    Evidence.objects.create(claim=claim, source=copy.source)
    sightings = where_else(original.image)
    assert [s.capture.source_id for s in sightings] == [copy.source_id]
    assert sightings[0].distance <= NEAR_DISTANCE and not sightings[0].same_file
    assert sightings[0].claims == [claim]


def test_the_same_file_at_another_address_is_found_as_the_same_file(server):
    body = original_jpeg()
    first = captured(server, "/a.jpg", body)
    captured(server, "/b.jpg", body)
    [sighting] = where_else(first.image)
    assert sighting.same_file and sighting.distance == 0


def test_a_recapture_of_the_same_source_is_not_elsewhere(server):
    body = original_jpeg()
    first = captured(server, "/a.jpg", body)
    run_capture(capture_id=Capture.objects.create(source=first.source, requested_url=first.requested_url).pk)
    assert where_else(first.image) == []


def test_a_canvas_over_the_pixel_limit_is_refused_with_its_reason(server, settings):
    settings.FETCH_IMAGE_MAX_PIXELS = 1_000_000
    capture = captured(server, "/bomb.png", png_declaring(4000, 3000), headers=[("Content-Type", "image/png")])
    assert (capture.state, capture.error_class, capture.attempts) == ("failed", "TooLarge", 1)
    assert "4000 × 3000 pixels, more than the 1,000,000 pixels" in capture.error
    assert not CaptureImage.objects.exists() and not capture.body_file


def test_a_decompression_bomb_is_refused_with_its_reason(server):
    capture = captured(server, "/bomb.png", png_declaring(60_000, 60_000), headers=[("Content-Type", "image/png")])
    assert (capture.state, capture.error_class) == ("failed", "TooLarge")
    assert "decompression bomb" in capture.error or "more than the" in capture.error


def test_a_page_served_as_an_image_fails_as_unreadable(server):
    capture = captured(server, "/fake.jpg", b"<html><body>not a photo</body></html>")
    assert (capture.state, capture.error_class) == ("failed", "UnreadableContent")


def _image_rows(count: int, seed: int = 7) -> None:
    source = Source.objects.create(url="https://example.org/noise", original_url="https://example.org/noise")
    noise_images(source, count, random.Random(seed))


@pytest.mark.parametrize("others", [10, 2000])
def test_where_else_costs_two_queries_whatever_the_tables_size(server, others, django_assert_num_queries):
    original = captured(server, "/original.jpg", original_jpeg())
    copy = captured(server, "/reposted.jpg", recycled_jpeg())
    Evidence.objects.create(claim=ClaimFactory(), source=copy.source)
    _image_rows(others)
    image = CaptureImage.objects.select_related("capture").get(capture=original)
    # 1. the candidates sharing the digest or a hash band (indexed); 2. the claims citing their sources.
    with django_assert_num_queries(2):
        sightings = where_else(image)
    assert [s.capture.source_id for s in sightings] == [copy.source_id]


def test_the_capture_api_gives_the_images_facts_and_no_post(server, api):
    capture = captured(server, "/photo.jpg", original_jpeg())
    body = api.get(f"/api/v1/captures/{capture.pk}/").json()
    assert body["image"]["sha256"] == capture.sha256 and len(body["image"]["phash"]) == 16
    assert (body["image"]["width"], body["image"]["format"]) == (640, "JPEG")
    assert body["image"]["exif"]["Make"] == CAMERA[0]
    assert body["post"] is None and body["sha256"] == capture.sha256  # the fields it had stay


def test_source_and_capture_lists_cost_the_same_queries_with_images(server, api, django_assert_max_num_queries):
    counts = []
    for n in (1, 6):
        while Source.objects.count() < n:
            captured(server, f"/{Source.objects.count()}.jpg", original_jpeg())
        source = Source.objects.order_by("pk").first()
        for _ in range(n - source.captures.count()):
            run_capture(capture_id=Capture.objects.create(source=source, requested_url=source.url).pk)
        with django_assert_max_num_queries(10) as listed:
            assert api.get("/api/v1/sources/").status_code == 200
            assert api.get(f"/api/v1/sources/{source.pk}/captures/").status_code == 200
        counts.append(len(listed))
    assert counts[0] == counts[1]
