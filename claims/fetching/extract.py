"""What a captured page says: metadata and main text (trafilatura, htmldate, pypdf), and bot-wall detection."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

import htmldate
import lxml.html
import py3langid
import pypdf
import trafilatura
from lxml.etree import ParserError
from trafilatura.settings import Document

from claims.fetching import reasons as R
from claims.fetching.errors import UnreadableContent
from claims.fetching.reasons import reason

MAX_PDF_PAGES = 500
SHORT_PAGE_CHARS = 1500
EMPTY_SHELL_CHARS = 200
#: trafilatura and htmldate build whole lxml trees: about 25 bytes of memory per character of HTML. A page longer
#: than this loses its scripts, styles and inline images before extraction, and is cut to it if still too long
#: (the WARC keeps the whole body). News articles are far below it.
EXTRACT_MAX_CHARS = 2_000_000

_BULK_OPEN = re.compile(r"<(script|style|noscript|svg|template)\b", re.IGNORECASE)
_DATA_URI = re.compile(r"""(["'])data:[^"']{200,}\1""", re.IGNORECASE)


@dataclass
class Extracted:
    title: str = ""
    author: str = ""
    published: date | None = None  # original publication date
    updated: date | None = None  # last modification, only when the page shows one besides the original
    description: str = ""
    sitename: str = ""
    language: str = ""
    text: str = ""
    truncated: bool = False  # the page was too long to read whole: its text stops before the page's end
    canonical: str = ""  # the address the page names as its own (<link rel="canonical">, og:url), "" if none


def slim_html(html: str, max_chars: int = EXTRACT_MAX_CHARS) -> tuple[str, bool]:
    """``html`` small enough to parse: scripts (but JSON-LD metadata), styles, inline SVG and data: URIs dropped
    from a page over ``max_chars``, then cut at a tag before the limit. Returns it and whether it was cut."""
    if len(html) <= max_chars:
        return html, False
    html = _DATA_URI.sub('""', _drop_bulk(html))
    if len(html) <= max_chars:
        return html, False
    cut = html.rfind("<", 0, max_chars)
    return html[: cut if cut > 0 else max_chars], True


def _drop_bulk(html: str) -> str:
    """``html`` without its script (JSON-LD kept), style, noscript, svg and template elements. An element never
    closed is left as it is. One pass, whatever the page: hostile pages of unclosed tags must not make it
    quadratic (each missing closing tag is looked for once)."""
    lower = html.lower()
    kept, position, unclosed = [], 0, set()
    while (opening := _BULK_OPEN.search(html, position)) is not None:
        name = opening.group(1).lower()
        tag_end = lower.find(">", opening.end())
        if tag_end < 0:
            break
        closing = -1 if name in unclosed else lower.find(f"</{name}", tag_end)
        if closing < 0:
            unclosed.add(name)
            kept.append(html[position : tag_end + 1])
            position = tag_end + 1
            continue
        end = lower.find(">", closing) + 1 or len(html)
        kept.append(html[position : opening.start()])
        if "ld+json" in lower[opening.end() : tag_end]:
            kept.append(html[opening.start() : end])
        position = end
    kept.append(html[position:])
    return "".join(kept)


def extract(html: str, url: str, *, max_chars: int = EXTRACT_MAX_CHARS) -> Extracted:
    """Metadata and main text of an HTML page; the main text drops navigation, ads and comments."""
    html, truncated = slim_html(html, max_chars)
    # A Document, or None when nothing could be extracted (a dict only with as_dict, which is off).
    doc = cast(
        "Document | None",
        trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, include_tables=True),
    )
    text = (doc.text or "") if doc else ""
    published = _find_date(html, url, original=True)
    updated = _find_date(html, url, original=False)
    sitename = (doc.sitename or "") if doc else ""
    return Extracted(
        title=_clean_title((doc.title or "") if doc else "", sitename),
        author=(doc.author or "") if doc else "",
        published=published,
        updated=updated if updated and published and updated > published else None,
        description=(doc.description or "") if doc else "",
        sitename=sitename,
        language=_language(html, text),
        text=text,
        truncated=truncated,
        canonical=(doc.url or "") if doc else "",
    )


def _find_date(html: str, url: str, *, original: bool) -> date | None:
    found = htmldate.find_date(html, url=url, original_date=original, extensive_search=True)
    return date.fromisoformat(found) if found else None


def _clean_title(title: str, sitename: str) -> str:
    """Drop a trailing " | Site name" that many pages append to their headline."""
    title = title.strip()
    if sitename:
        for separator in (" | ", " - ", " – ", " — ", " :: "):
            head, sep, tail = title.rpartition(separator)
            if sep and head and _same_site(tail, sitename):
                return head.strip()
    return title


def _same_site(tail: str, sitename: str) -> bool:
    tail, sitename = tail.strip().lower(), sitename.strip().lower()
    return bool(tail) and (tail in sitename or sitename in tail)


def _language(html: str, text: str) -> str:
    """Language of the main text; the page's `lang` attribute only when there is too little text to tell
    (site templates often keep a default lang="en" on Arabic articles)."""
    if len(text) >= 200:
        return str(py3langid.classify(text)[0])
    match = re.search(r"<html[^>]*\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", html[:5000], re.IGNORECASE)
    if match:
        return match.group(1).lower()
    return str(py3langid.classify(text)[0]) if text.strip() else ""


def extract_pdf(body: bytes) -> Extracted:
    """Title and author from the PDF's metadata, dates from its creation/modification stamps, text per page."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableContent(reason(R.PDF_ENCRYPTED))
        meta: object = reader.metadata or {}
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except pypdf.errors.PyPdfError as exc:
        raise UnreadableContent(reason(R.PDF_DAMAGED)) from exc
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    created = _pdf_date(meta, "creation_date")
    modified = _pdf_date(meta, "modification_date")
    return Extracted(
        title=str(getattr(meta, "title", None) or "").strip(),
        author=str(getattr(meta, "author", None) or "").strip(),
        published=created,
        updated=modified if modified and created and modified > created else None,
        language=py3langid.classify(text)[0] if len(text) >= 50 else "",
        text=text,
    )


def _pdf_date(meta: object, name: str) -> date | None:
    try:
        value: datetime | None = getattr(meta, name, None)
    except ValueError:  # malformed date strings are common in real PDFs
        return None
    return value.date() if value else None


def visible_text(html: str) -> str:
    """The text a reader would see, scripts and styles removed, blanks collapsed."""
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    for node in root.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    return " ".join(root.text_content().split())


# (marker in the lower-cased HTML, reason shown to the desk); the first match wins.
CHALLENGE_MARKERS = (
    ("cf-chl", R.CHALLENGE_CLOUDFLARE),
    ("challenge-platform", R.CHALLENGE_CLOUDFLARE),
    ("captcha-delivery.com", R.CHALLENGE_DATADOME_CAPTCHA),
    ("datadome", R.CHALLENGE_DATADOME),
    ("px-captcha", R.CHALLENGE_PERIMETERX_CAPTCHA),
    ("perimeterx", R.CHALLENGE_PERIMETERX),
    ("_incapsula_resource", R.CHALLENGE_INCAPSULA),
    ("ddos-guard", R.CHALLENGE_DDOS_GUARD),
    ("awswaf", R.CHALLENGE_AWS_WAF),
    ("checking your browser", R.CHALLENGE_CHECKING_BROWSER),
    ("checking if the site connection is secure", R.CHALLENGE_BOT_CHECK),
    ("verify you are human", R.CHALLENGE_VERIFY_HUMAN),
    ("enable javascript and cookies", R.CHALLENGE_JAVASCRIPT_COOKIES),
    ("please enable cookies", R.CHALLENGE_COOKIES),
    ("are you a robot", R.CHALLENGE_ROBOT),
    ("g-recaptcha", R.CHALLENGE_CAPTCHA),
    ("h-captcha", R.CHALLENGE_CAPTCHA),
    ("hcaptcha.com", R.CHALLENGE_CAPTCHA),
    ("captcha", R.CHALLENGE_CAPTCHA),
)
BLOCKED_STATUSES = (401, 403, 429, 503)


def detect_challenge(status: int, html: str, text: str, *, max_chars: int = EXTRACT_MAX_CHARS) -> str | None:
    """Why this response is a bot wall rather than the source, or None.

    `text` is the page's main or visible text. Markers count only on short pages or blocking statuses,
    because real articles embed CAPTCHA widgets in their comment forms.
    """
    lowered = html.lower()
    shown = visible_text(slim_html(html, max_chars)[0]) if len(text) < SHORT_PAGE_CHARS else text
    blocked = status in BLOCKED_STATUSES
    if blocked or len(shown) < SHORT_PAGE_CHARS:
        for marker, template in CHALLENGE_MARKERS:
            if marker in lowered:
                return reason(template)
    if blocked and re.search(r"access denied|access to this page has been denied|request blocked", lowered):
        return reason(R.CHALLENGE_ACCESS_DENIED, status=status)
    if 200 <= status < 300 and _is_empty_shell(lowered, text, shown):
        return reason(R.EMPTY_SHELL)
    return None


def _is_empty_shell(lowered_html: str, text: str, shown: str) -> bool:
    if len(text.strip()) >= EMPTY_SHELL_CHARS or len(shown) >= EMPTY_SHELL_CHARS:
        return False
    count, size = _scripts(lowered_html)
    return count >= 1 and size > 10 * max(len(shown), 50)


def _scripts(lowered_html: str) -> tuple[int, int]:
    """How many closed script elements the page has, and their length; one pass (no regex backtracking over a
    page of unclosed tags)."""
    count = size = position = 0
    while (start := lowered_html.find("<script", position)) >= 0:
        end = lowered_html.find("</script>", start)
        if end < 0:
            break
        count, size, position = count + 1, size + end + len("</script>") - start, end + len("</script>")
    return count, size
