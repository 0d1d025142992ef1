"""One capture of a source: fetch, decode, extract, refuse bot walls, archive. The Celery task stores the
outcome; nothing here touches the database."""

from __future__ import annotations

from dataclasses import dataclass

from claims.fetching import social
from claims.fetching.archive import write_warc
from claims.fetching.client import FetchPolicy, FetchResult, fetch
from claims.fetching.decode import decode_html
from claims.fetching.errors import ChallengePage
from claims.fetching.extract import Extracted, detect_challenge, extract, extract_pdf
from claims.fetching.images import IMAGE_TYPES, MAX_PIXELS, ImageFacts, read_image

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class CaptureOutcome:
    """What one capture brought back, for the service to store on its Capture row."""

    result: FetchResult
    extracted: Extracted
    encoding: str | None  # codec the text was decoded with; None for PDFs
    warc: bytes
    # A browser capture's (claims.fetching.browser): the rendered page as a PNG and as a PDF, and why it stopped
    # loading more of the page ("" when it loaded all of it).
    screenshot: bytes = b""
    pdf: bytes = b""
    stopped: str = ""
    image: ImageFacts | None = None  # the response is an image (IMAGE_TYPES)
    post: social.Post | None = None  # the page is a social platform's post


def capture(url: str, policy: FetchPolicy, *, max_pixels: int = MAX_PIXELS) -> CaptureOutcome:
    """Fetch `url` and read it; raises a FetchError subclass (ChallengePage for bot walls) on failure.

    An image (when the policy accepts IMAGE_TYPES) is read for its facts (claims.fetching.images), refusing one
    over `max_pixels`; a social platform's post page is read for its post (claims.fetching.social).
    """
    result = fetch(url, policy)
    encoding = None
    image: ImageFacts | None = None
    post: social.Post | None = None
    if result.content_type in IMAGE_TYPES:
        image = read_image(result.body, result.content_type, max_pixels=max_pixels)
        extracted = Extracted()
    elif result.content_type == "application/pdf":
        extracted = extract_pdf(result.body)
    else:
        text, encoding = decode_html(result.body, result.headers.get("content-type"))
        if result.content_type in HTML_TYPES:
            extracted = extract(text, result.final_url, max_chars=policy.extract_max_chars)
            reason = detect_challenge(result.status, text, extracted.text, max_chars=policy.extract_max_chars)
            if reason:
                raise ChallengePage(reason, status=result.status)
            platform = social.platform_of(result.final_url)
            if platform:
                post = social.read_post(text[: policy.extract_max_chars], result.final_url, policy, platform=platform)
        else:
            extracted = Extracted(text=text)
    return CaptureOutcome(
        result=result, extracted=extracted, encoding=encoding, warc=write_warc(result), image=image, post=post
    )
