"""Image sources: the cost of reading one image (decode, EXIF, SHA-256, pHash and dHash, thumbnail) against
decoding it alone, and the cost of ``where_else`` as the desk's image table grows, against a primary-key read and
against comparing every stored hash in Python (what the banded, indexed look-up avoids).

Images: the files given, or ``--count`` photo-like pictures made here (``--side`` pixels wide). The table is
seeded on PostgreSQL, in a database of its own, with random 64-bit hashes (each band then holds about
rows / 65,536 rows, as real photos spread). Run from the repository root:
``.venv/bin/python bench/image_hash.py --count 20 --sizes 1000 10000 100000`` or
``.venv/bin/python bench/image_hash.py photo1.jpg photo2.jpg``.
"""

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import seed  # noqa: E402

BATCH = 5_000
ROUNDS = 5


def made_images(count: int, side: int) -> list[tuple[str, bytes, str]]:
    from PIL import Image, ImageDraw

    rng = random.Random(7)
    images = []
    for n in range(count):
        width, height = side, side * 3 // 4
        image = Image.new("RGB", (width, height))
        draw = ImageDraw.Draw(image)
        top, bottom = [rng.randint(0, 255) for _ in range(3)], [rng.randint(0, 255) for _ in range(3)]
        for y in range(height):
            share = y / height
            draw.line(
                [(0, y), (width, y)], fill=tuple(int(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
            )
        for _ in range(12):
            x, y = rng.randint(0, width), rng.randint(0, height)
            r = rng.randint(side // 30, side // 6)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(0, 255) for _ in range(3)))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=88)
        images.append((f"made-{n}.jpg", out.getvalue(), "image/jpeg"))
    return images


def given_images(paths: list[str]) -> list[tuple[str, bytes, str]]:
    from claims.fetching.sniff import image_type

    images = []
    for path in paths:
        body = Path(path).read_bytes()
        kind = image_type(body)
        if not kind:
            sys.exit(f"{path}: not a JPEG, PNG, GIF or WebP image")
        images.append((Path(path).name, body, kind))
    return images


def measure_hashing(images: list[tuple[str, bytes, str]]) -> None:
    from PIL import Image

    from claims.fetching.images import read_image

    decode, read = [], []
    for _name, body, kind in images:
        for into, work in (
            (decode, lambda b=body: Image.open(io.BytesIO(b)).convert("RGB")),
            (read, lambda b=body, k=kind: read_image(b, k)),
        ):
            began = time.perf_counter()
            work()
            into.append(time.perf_counter() - began)
    sizes = statistics.median(len(body) for _n, body, _k in images) / 1024
    pixels = statistics.median(
        Image.open(io.BytesIO(b)).size[0] * Image.open(io.BytesIO(b)).size[1] for _n, b, _k in images
    )
    d, r = statistics.median(decode) * 1000, statistics.median(read) * 1000
    print(f"{len(images)} images, median {sizes:.0f} KB, {pixels / 1e6:.1f} megapixels")
    print(f"  decode only (baseline): {d:7.1f} ms per image")
    print(f"  read_image (decode, EXIF, SHA-256, pHash, dHash, thumbnail): {r:7.1f} ms per image ({r / d:.1f}× decode)")


def seed_rows(total: int) -> None:
    """Random-hash image rows up to `total`, each on its own capture of one noise source."""
    from claims.models import CaptureImage, Source
    from tests.imaging import noise_images

    have = CaptureImage.objects.count()
    source, _ = Source.objects.get_or_create(url="https://bench.example/noise", defaults={"title": "noise"})
    rng = random.Random(have)
    while have < total:
        step = min(BATCH, total - have)
        noise_images(source, step, rng)
        have += step


def query_image(body: bytes, kind: str):
    """The measured image's own row, and a near-identical copy on another source, so every look-up finds one."""
    from dataclasses import replace

    from claims.fetching.images import read_image
    from claims.models import Capture, CaptureImage, Source
    from claims.services.images import image_row

    facts = read_image(body, kind)
    copy = replace(facts, phash=f"{int(facts.phash, 16) ^ 1:016x}", sha256="0" * 64)
    for url, read in (("https://bench.example/original", facts), ("https://bench.example/copy", copy)):
        source, created = Source.objects.get_or_create(url=url, defaults={"title": url})
        if created:
            image_row(Capture.objects.create(source=source, requested_url=url, state="done"), read).save()
    return CaptureImage.objects.select_related("capture").get(capture__source__url="https://bench.example/original")


def timed(work) -> float:
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def measure_where_else(image) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.fetching.images import hamming
    from claims.models import CaptureImage
    from claims.services.images import NEAR_DISTANCE, where_else

    def scan() -> list[int]:
        return [
            pk
            for pk, phash in CaptureImage.objects.values_list("pk", "phash").iterator(chunk_size=10_000)
            if hamming(phash, image.phash) <= NEAR_DISTANCE
        ]

    with CaptureQueriesContext(connection) as captured:
        found = where_else(image)
    baseline = timed(lambda: CaptureImage.objects.filter(pk=image.pk).first())
    banded = timed(lambda: where_else(image))
    scanned = timed(scan)
    rows = CaptureImage.objects.count()
    print(
        f"  {rows:>9,} images | where_else {banded:7.2f} ms, {len(captured)} queries, {len(found)} found"
        f" ({banded / baseline:5.1f}× a primary-key read of {baseline:.2f} ms) | full scan in Python {scanned:8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("images", nargs="*", help="image files (JPEG, PNG, GIF, WebP); default: --count made here")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--side", type=int, default=1600, help="width of the images made here, in pixels")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--database", default="bench_images")
    args = parser.parse_args()
    seed.create_database(args.database)
    seed.setup_django(args.database)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    images = given_images(args.images) if args.images else made_images(args.count, args.side)
    measure_hashing(images)
    _name, body, kind = images[0]
    image = query_image(body, kind)
    print("where_else as the table grows (the image has one near-identical copy elsewhere):")
    for size in sorted(args.sizes):
        seed_rows(size)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_captureimage")
        measure_where_else(image)


if __name__ == "__main__":
    main()
