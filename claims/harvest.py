"""Find other fact-checkers' ClaimReview markup in what their sites serve: the JSON-LD blocks of a fact-check page
(a node, a list, or an @graph, possibly nested), and the pages an RSS or Atom feed lists. Pure Python: no ORM,
no request, no fetching (the services fetch through the safe client)."""

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

JSON_LD = re.compile(
    r"""<script\b[^>]*\btype\s*=\s*["']?application/ld\+json["']?[^>]*>(.*?)</script\s*>""", re.I | re.S
)
#: Nesting followed inside one JSON-LD block (a ClaimReview inside an Article's "review", a WebPage's "mainEntity").
MAX_DEPTH = 6
ATOM = "{http://www.w3.org/2005/Atom}"


class NotAFeed(ValueError):
    """The document is not an RSS or Atom feed; the message says why, in plain words."""


def claimreview_nodes(html: str, page_url: str) -> list[dict[str, Any]]:
    """Every ClaimReview node in the page's JSON-LD, in page order. A node without its own ``url`` gets the
    page's (the page is the review); a block that is not valid JSON is skipped, the others still count."""
    nodes: list[dict[str, Any]] = []
    for block in JSON_LD.findall(html):
        try:
            data = json.loads(block.strip().removeprefix("<!--").removesuffix("-->"))
        except ValueError:
            continue
        _collect(data, nodes, 0)
    for node in nodes:
        if not isinstance(node.get("url"), str) or not node["url"].strip():
            node["url"] = page_url
    return nodes


def _collect(data: object, found: list[dict[str, Any]], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            _collect(item, found, depth + 1)
        return
    if not isinstance(data, dict):
        return
    kind = data.get("@type")
    if kind == "ClaimReview" or (isinstance(kind, list) and "ClaimReview" in kind):
        found.append(data)
        return
    for key, value in data.items():
        if key in ("@graph", "review", "mainEntity", "hasPart", "subjectOf", "itemListElement", "item"):
            _collect(value, found, depth + 1)


def feed_links(body: bytes, feed_url: str) -> list[str]:
    """The item links of an RSS 2.0, RSS 1.0 or Atom feed, in feed order, absolute, http(s) only, each once.

    Raises NotAFeed for anything else (an HTML page, broken XML). Entities are not expanded and nothing is
    fetched by the parser (no XXE, no DTD).
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise NotAFeed(f"The address did not answer with a feed: the XML cannot be read ({exc.msg}).") from exc
    if root is None:
        raise NotAFeed("The address answered with an empty document, not a feed.")
    tag = etree.QName(root).localname.lower()
    if tag == "rss" or tag == "rdf":
        items = [item for item in root.iter() if etree.QName(item).localname == "item"]
        hrefs = [_child_text(item, "link") or _guid_link(item) for item in items]
    elif tag == "feed":
        hrefs = [_atom_link(entry) for entry in root.iter(f"{ATOM}entry")]
    else:
        raise NotAFeed(f"The address answered with an XML document ({tag}), not an RSS or Atom feed.")
    links: list[str] = []
    for href in hrefs:
        url = urljoin(feed_url, href.strip()) if href else ""
        if urlsplit(url).scheme in ("http", "https") and url not in links:
            links.append(url)
    return links


def _child_text(item: Any, name: str) -> str:
    for child in item:
        if isinstance(child.tag, str) and etree.QName(child).localname == name and child.text:
            return str(child.text)
    return ""


def _guid_link(item: Any) -> str:
    guid = _child_text(item, "guid")
    return guid if guid.startswith(("http://", "https://")) else ""


def _atom_link(entry: Any) -> str:
    for link in entry.iter(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link.get("href"))
    return ""
