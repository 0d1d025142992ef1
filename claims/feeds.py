"""Reading what a publisher's feed says: RSS 2.0, RSS 1.0 (RDF), Atom, and news sitemaps (and sitemap indexes),
each item's link, id, title, text, author and date. Pure Python: no ORM, no request, no fetching (the feed
service fetches through the safe client).

The XML is parsed without entity expansion, DTDs or network access (no XXE, no billion laughs) and without
lxml's huge-tree mode. The encoding is the one the XML declaration (or a byte-order mark) names, as XML wants;
without one, the HTTP charset; without either, UTF-8. So a windows-1256 feed that says so reads as Arabic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from claims.fetching import reasons as R
from claims.fetching.reasons import reason

ATOM = "{http://www.w3.org/2005/Atom}"
KINDS = ("rss", "atom", "sitemap")
#: Characters of an item's title, summary and text kept (a feed is not trusted to be small).
MAX_TITLE_CHARS = 500
MAX_TEXT_CHARS = 200_000
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}


class NotAFeed(ValueError):
    """The document is not a feed this module reads; ``reason`` says why, in plain words (a fetching Reason)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FeedItem:
    url: str  # absolute http(s) link to the item's page; "" when the item has none
    guid: str  # the feed's own id of the item (RSS guid, Atom id); the link when it has none
    title: str = ""
    summary: str = ""  # plain text of the description or Atom summary
    text: str = ""  # plain text of the full content (content:encoded, Atom content), "" when only a summary
    author: str = ""
    published: datetime | None = None  # UTC

    @property
    def key(self) -> str:
        """What makes the item itself: its guid, else its link."""
        return self.guid or self.url


@dataclass
class ParsedFeed:
    kind: str  # one of KINDS
    title: str = ""
    items: list[FeedItem] = field(default_factory=list)
    #: A sitemap index's sitemaps (absolute URLs), read by the service one level deep.
    sitemaps: list[str] = field(default_factory=list)


def parse_feed(body: bytes, feed_url: str, *, content_type: str = "", max_items: int = 100) -> ParsedFeed:
    """The feed in `body` (fetched from `feed_url`), its first `max_items` items in feed order (newest first in
    nearly every feed). Raises NotAFeed for an HTML page, JSON, broken XML or another XML document."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise NotAFeed(reason(R.FEED_EMPTY))
    if head[:1] in (b"{", b"["):
        raise NotAFeed(reason(R.FEED_JSON))
    if re.match(rb"(?i)<!doctype\s+html|<html[\s>]", head):
        raise NotAFeed(reason(R.FEED_HTML))
    root = _parse_xml(body, content_type)
    tag = etree.QName(root).localname.lower()
    if tag == "html":
        raise NotAFeed(reason(R.FEED_HTML))
    if tag in ("rss", "rdf"):
        return _rss(root, feed_url, max_items)
    if tag == "feed" and root.tag.startswith(ATOM):
        return _atom(root, feed_url, max_items)
    if tag in ("urlset", "sitemapindex"):
        return _sitemap(root, feed_url, max_items)
    raise NotAFeed(reason(R.FEED_OTHER_XML, tag=tag[:50]))


def _parse_xml(body: bytes, content_type: str) -> Any:
    encoding = None
    if not _DECLARED_ENCODING.match(body[:300]) and not body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        match = _CHARSET.search(content_type or "")
        encoding = match.group(1) if match else None
    try:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False, encoding=encoding
        )
    except LookupError:  # a charset lxml does not know: let the document speak for itself
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
        raise NotAFeed(reason(R.FEED_NOT_XML, error=str(getattr(exc, "msg", exc))[:200])) from exc
    if root is None:
        raise NotAFeed(reason(R.FEED_EMPTY))
    return root


# --- RSS 2.0 and RSS 1.0 ------------------------------------------------------------------------------------


def _rss(root: Any, feed_url: str, max_items: int) -> ParsedFeed:
    channel = next((child for child in root if _name(child) == "channel"), root)
    feed = ParsedFeed(kind="rss", title=_clip(_child_text(channel, "title"), MAX_TITLE_CHARS))
    for item in root.iter():
        if _name(item) != "item":
            continue
        link = _absolute(feed_url, _child_text(item, "link") or _rdf_about(item))
        guid = _child_text(item, "guid").strip()
        if not link and guid.startswith(("http://", "https://")):
            link = _absolute(feed_url, guid)
        feed.items.append(
            FeedItem(
                url=link,
                guid=guid or link,
                title=_clip(_plain(_child_text(item, "title")), MAX_TITLE_CHARS),
                summary=_plain(_child_text(item, "description")),
                text=_plain(_child_text(item, "encoded")),
                author=_clip(_plain(_child_text(item, "creator") or _child_text(item, "author")), 200),
                published=_date(_child_text(item, "pubDate") or _child_text(item, "date")),
            )
        )
        if len(feed.items) >= max_items:
            break
    return _kept(feed)


def _rdf_about(item: Any) -> str:
    return str(item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about") or "")


# --- Atom ---------------------------------------------------------------------------------------------------


def _atom(root: Any, feed_url: str, max_items: int) -> ParsedFeed:
    feed = ParsedFeed(kind="atom", title=_clip(_plain(root.findtext(f"{ATOM}title") or ""), MAX_TITLE_CHARS))
    base = root.get("{http://www.w3.org/XML/1998/namespace}base") or feed_url
    for entry in root.iterchildren(f"{ATOM}entry"):
        link = _absolute(urljoin(feed_url, base), _atom_link(entry))
        author = entry.find(f"{ATOM}author")
        feed.items.append(
            FeedItem(
                url=link,
                guid=(entry.findtext(f"{ATOM}id") or "").strip() or link,
                title=_clip(_plain(entry.findtext(f"{ATOM}title") or ""), MAX_TITLE_CHARS),
                summary=_plain(entry.findtext(f"{ATOM}summary") or ""),
                text=_plain(entry.findtext(f"{ATOM}content") or ""),
                author=_clip((author.findtext(f"{ATOM}name") or "").strip(), 200) if author is not None else "",
                published=_date(entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated") or ""),
            )
        )
        if len(feed.items) >= max_items:
            break
    return _kept(feed)


def _atom_link(entry: Any) -> str:
    for link in entry.iterchildren(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link.get("href"))
    return ""


# --- sitemaps -----------------------------------------------------------------------------------------------


def _sitemap(root: Any, feed_url: str, max_items: int) -> ParsedFeed:
    feed = ParsedFeed(kind="sitemap")
    if _name(root) == "sitemapindex":
        for sitemap in root:
            if _name(sitemap) == "sitemap" and (loc := _absolute(feed_url, _child_text(sitemap, "loc"))):
                feed.sitemaps.append(loc)
        return feed
    for entry in root:
        if _name(entry) != "url":
            continue
        loc = _absolute(feed_url, _child_text(entry, "loc"))
        news = next((child for child in entry if _name(child) == "news"), None)
        title = _child_text(news, "title") if news is not None else ""
        published = _child_text(news, "publication_date") if news is not None else ""
        feed.items.append(
            FeedItem(
                url=loc,
                guid=loc,
                title=_clip(_plain(title), MAX_TITLE_CHARS),
                published=_date(published or _child_text(entry, "lastmod")),
            )
        )
    # A news sitemap lists its newest articles, but not always first: newest first, then the limit.
    feed.items.sort(key=lambda item: item.published or datetime.min.replace(tzinfo=UTC), reverse=True)
    feed.items = feed.items[:max_items]
    return _kept(feed)


# --- shared -------------------------------------------------------------------------------------------------


def _kept(feed: ParsedFeed) -> ParsedFeed:
    """Items without a link or id cannot be imported once; one item per key."""
    seen: set[str] = set()
    items = []
    for item in feed.items:
        if item.key and item.key not in seen:
            seen.add(item.key)
            items.append(item)
    feed.items = items
    return feed


def _name(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child_text(element: Any, name: str) -> str:
    for child in element:
        if _name(child) == name and child.text:
            return str(child.text)
    return ""


def _absolute(base: str, href: str) -> str:
    url = urljoin(base, href.strip()) if href and href.strip() else ""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _clip(text: str, limit: int) -> str:
    return text[:limit]


def _plain(markup: str) -> str:
    """The text of an HTML fragment (feeds carry escaped HTML in descriptions), paragraphs kept as lines."""
    markup = markup.strip()
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return _clip(" ".join(markup.split()), MAX_TEXT_CHARS)
    try:
        root = lxml.html.fragment_fromstring(markup[: MAX_TEXT_CHARS * 2], create_parent="div")
    except (etree.ParserError, ValueError):
        return _clip(" ".join(markup.split()), MAX_TEXT_CHARS)
    for node in root.xpath("//script|//style"):
        node.drop_tree()
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag.lower() in _BLOCKS:
            node.tail = "\n" + (node.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return _clip("\n\n".join(line for line in lines if line), MAX_TEXT_CHARS)


def _date(value: str) -> datetime | None:
    """An RFC 822 (RSS) or ISO 8601 (Atom, sitemaps, Dublin Core) date, in UTC; None when unreadable."""
    value = value.strip()
    if not value:
        return None
    when: datetime | None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
