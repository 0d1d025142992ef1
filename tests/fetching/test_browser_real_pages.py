"""The 19 real news pages of tests/data/pages (trafilatura's evaluation set, Apache-2.0; see its NOTICE.md), served
from a local server and captured in the browser: each gives a screenshot and a WACZ that py-wacz's validator accepts.
The pages' own files (images, scripts on their CDNs) are on names that do not resolve here, so they are refused as
they would be for any unreachable host; the page still renders."""

import dataclasses
import gzip
import io
import json
import shutil
import struct
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from claims.fetching import browser
from claims.fetching.wacz import write_wacz

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"
TRUTH = json.loads((PAGES / "ground_truth.json").read_text(encoding="utf-8"))
LIMITS = browser.BrowserLimits(total_timeout=60, load_timeout=20, settle_ms=300, max_requests=150)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def validate(wacz: bytes, folder: Path) -> subprocess.CompletedProcess:
    path = folder / "capture.wacz"
    path.write_bytes(wacz)
    validator = shutil.which("wacz", path=str(Path(sys.executable).parent))
    assert validator, "py-wacz (requirements-dev.txt) provides the `wacz` command"
    return subprocess.run([validator, "validate", "-f", str(path)], capture_output=True, text=True, timeout=120)


def test_each_real_page_gives_a_screenshot_and_a_valid_wacz(server, policy, tmp_path):
    assert len(TRUTH) == 19
    roomy = dataclasses.replace(policy, max_bytes=5_000_000, total_timeout=20.0)
    failures = []
    for entry in TRUTH:
        name = Path(entry["file"]).name
        url = server.route(f"/{name}", body=gzip.decompress((PAGES / name).read_bytes()))
        outcome = browser.capture(url, roomy, LIMITS)
        width, height = png_size(outcome.screenshot)
        records = [r.rec_type for r in ArchiveIterator(io.BytesIO(outcome.warc))]
        packed = write_wacz(outcome.warc, url=url, title=outcome.extracted.title, fetched_at=datetime.now(UTC))
        result = validate(packed.data, tmp_path)
        if not (width == LIMITS.viewport_width and height > 0 and outcome.pdf.startswith(b"%PDF")):
            failures.append(f"{name}: screenshot {width}x{height}")
        if "response" not in records or result.returncode != 0:
            failures.append(f"{name}: WACZ refused: {result.stdout[-300:]} {result.stderr[-300:]}")
    assert not failures, failures


def test_a_wacz_of_many_responses_passes_the_validator(server, policy, tmp_path):
    """A browser capture's WARC holds the page and each of its files: the index has a line for every one."""
    images = "".join(f"<img src='/i{n}.png'>" for n in range(6))
    url = server.route(
        "/gallery", body=f"<html><body><p>{'Words of a gallery. ' * 40}</p>{images}</body></html>".encode()
    )
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
    for n in range(6):
        server.route(f"/i{n}.png", body=png, headers=[("Content-Type", "image/png")])
    outcome = browser.capture(url, policy, LIMITS)
    packed = write_wacz(outcome.warc, url=url, title="Gallery", fetched_at=datetime.now(UTC))
    result = validate(packed.data, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    import zipfile

    with zipfile.ZipFile(io.BytesIO(packed.data)) as archive:
        assert len(archive.read("indexes/index.cdx").decode().splitlines()) == 7
