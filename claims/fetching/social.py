"""A social post's page (X/Twitter, Facebook, YouTube, Telegram, TikTok, Instagram), read for what it gives
without login: its OpenGraph and Twitter-card metadata, its oEmbed record, and the post's text. When a platform
gives nothing (a login wall), the post says so in plain words instead of looking like an empty capture.

The oEmbed record is fetched from the address the page itself links (``<link rel="alternate"
type="application/json+oembed">``), through the same safe client as every capture; no platform endpoint is
written here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
from lxml.etree import ParserError

from claims.fetching import reasons as R
from claims.fetching.client import FetchPolicy, fetch
from claims.fetching.errors import FetchError
from claims.fetching.reasons import reason

#: Host (or a parent domain of it) -> the platform's id.
PLATFORMS = {
    "x.com": "x",
    "twitter.com": "x",
    "facebook.com": "facebook",
    "fb.watch": "facebook",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "tiktok.com": "tiktok",
    "instagram.com": "instagram",
}
PLATFORM_NAMES = {
    "x": "X (Twitter)",
    "facebook": "Facebook",
    "youtube": "YouTube",
    "telegram": "Telegram",
    "tiktok": "TikTok",
    "instagram": "Instagram",
}
OEMBED_TYPES = ("application/json", "application/json+oembed", "text/json", "text/javascript")
OEMBED_MAX_BYTES = 256 * 1024
MAX_TEXT_CHARS = 5000
MAX_FIELD_CHARS = 500
#: The oEmbed fields kept (never its `html`: a platform's script is not ours to store or run).
OEMBED_FIELDS = ("type", "title", "author_name", "author_url", "provider_name", "thumbnail_url", "width", "height")
#: A title that only asks to log in (a login wall's "Log into Facebook") is no part of the post.
_LOGIN_TITLE = re.compile(r"\b(log ?in|sign ?in|sign ?up)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Post:
    """What a post's page gave. `nothing` is the reason, in plain words, when it gave nothing at all."""

    platform: str
    title: str = ""
    text: str = ""
    author: str = ""
    author_url: str = ""
    image_url: str = ""
    video_url: str = ""
    oembed_url: str = ""
    oembed: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    nothing: str = ""


def platform_of(url: str) -> str | None:
    """The platform a post's address belongs to, by its host ("m.facebook.com" is Facebook); None otherwise."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    while host:
        if host in PLATFORMS:
            return PLATFORMS[host]
        host = host.partition(".")[2]
    return None


def read_post(html: str, url: str, policy: FetchPolicy, *, platform: str) -> Post:
    """The post on the page at `url`: metadata from the page, then its oEmbed record (fetched through the safe
    client under `policy`); a failed oEmbed fetch costs only the record, never the capture."""
    meta, oembed_url = read_meta(html, url)
    post = Post(
        platform=platform,
        title=_first(meta, "og:title", "twitter:title"),
        text=_first(meta, "og:description", "twitter:description", "description"),
        author=_first(meta, "article:author", "twitter:creator", "author"),
        image_url=_url(_first(meta, "og:image:secure_url", "og:image", "twitter:image"), url),
        video_url=_url(_first(meta, "og:video:secure_url", "og:video:url", "og:video", "twitter:player"), url),
        oembed_url=oembed_url,
        meta=meta,
    )
    if _LOGIN_TITLE.search(post.title) and not post.text:
        post.title = ""
    if oembed_url:
        post.oembed, embedded_text = fetch_oembed(oembed_url, policy)
        post.author = post.author or _cut(str(post.oembed.get("author_name") or ""))
        post.author_url = _url(str(post.oembed.get("author_url") or ""), url)
        post.title = post.title or _cut(str(post.oembed.get("title") or ""))
        post.text = post.text or embedded_text
        post.image_url = post.image_url or _url(str(post.oembed.get("thumbnail_url") or ""), url)
    if not (post.title or post.text or post.image_url or post.video_url or post.oembed):
        post.nothing = reason(R.SOCIAL_NOTHING, platform=PLATFORM_NAMES[platform])
    return post


def read_meta(html: str, url: str) -> tuple[dict[str, str], str]:
    """The page's OpenGraph, Twitter-card and plain meta tags (first of each name), and its oEmbed link."""
    try:
        tree = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return {}, ""
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        name = (element.get("property") or element.get("name") or "").strip().lower()
        content = element.get("content")
        if name and content and name not in meta and len(meta) < 100:
            meta[name[:100]] = _cut(content, MAX_TEXT_CHARS)
    oembed = ""
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and (link.get("type") or "").lower() == "application/json+oembed" and link.get("href"):
            oembed = _url(link.get("href") or "", url)
            break
    return meta, oembed


def fetch_oembed(oembed_url: str, policy: FetchPolicy) -> tuple[dict[str, Any], str]:
    """The oEmbed record's kept fields, and the post text its `html` carries (tags stripped); ({}, "") when the
    record cannot be had."""
    json_policy = replace(
        policy,
        allowed_content_types=OEMBED_TYPES,
        max_bytes=min(policy.max_bytes, OEMBED_MAX_BYTES),
    )
    try:
        result = fetch(oembed_url, json_policy, headers={"Accept": "application/json"})
        record = json.loads(result.body.decode("utf-8", "replace"))
    except (FetchError, ValueError):
        return {}, ""
    if not isinstance(record, dict):
        return {}, ""
    kept: dict[str, Any] = {}
    for name in OEMBED_FIELDS:
        value = record.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            kept[name] = value
        elif isinstance(value, str) and value.strip():
            kept[name] = _cut(value)
    markup = record.get("html")
    text = _cut(nh3.clean(markup, tags=set()), MAX_TEXT_CHARS) if isinstance(markup, str) else ""
    return kept, unescape(text)


def _first(meta: dict[str, str], *names: str) -> str:
    return next((meta[name] for name in names if meta.get(name)), "")


def _url(value: str, base: str) -> str:
    """An http(s) address (relative ones resolved against the page), or "" for anything else."""
    value = value.strip()
    if not value:
        return ""
    absolute = urljoin(base, value)
    return absolute[:2000] if absolute.lower().startswith(("http://", "https://")) else ""


def _cut(value: str, limit: int = MAX_FIELD_CHARS) -> str:
    return " ".join(_CONTROL.sub("", value).split())[:limit]
