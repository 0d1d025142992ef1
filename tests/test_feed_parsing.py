"""Reading feeds as publishers write them (claims.feeds): RSS 2.0, RSS 1.0, Atom, news sitemaps and sitemap
indexes, their encodings, and clear refusals for what is not a feed; never an entity expanded or a file read."""

from datetime import UTC, datetime

import pytest

from claims.feeds import NotAFeed, parse_feed
from tests.feedsupport import STORY, atom, news_sitemap, rss, rss_item

BASE = "https://site.example/feed.xml"


def test_rss_items_with_text_summary_author_and_date():
    body = rss(
        rss_item(
            "/2026/1",
            "حفتر",
            text=STORY,
            summary="<b>ملخص</b> قصير",
            author="مراسل",
            date="Mon, 30 Nov 2026 08:00:00 +0200",
        ),
        rss_item("https://site.example/2", "ثان", guid="id-2"),
    )
    feed = parse_feed(body, BASE)
    first, second = feed.items
    assert feed.kind == "rss" and feed.title == "أخبار"
    assert first.url == "https://site.example/2026/1" and first.guid == "https://site.example/2026/1"
    assert first.summary == "ملخص قصير" and first.author == "مراسل"
    assert first.published == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    assert first.text.startswith("طرابلس (رويترز)") and "\n\n" in first.text  # paragraphs kept
    assert second.guid == "id-2" and second.key == "id-2"


def test_rss_1_0_rdf():
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://site.example/"><title>RDF</title></channel>
  <item rdf:about="https://site.example/r/1"><title>One</title><dc:date>2026-11-29T10:00:00Z</dc:date>
    <dc:creator>Ali</dc:creator></item>
</rdf:RDF>"""
    item = parse_feed(body, BASE).items[0]
    assert (item.url, item.title, item.author) == ("https://site.example/r/1", "One", "Ali")
    assert item.published == datetime(2026, 11, 29, 10, tzinfo=UTC)


def test_atom_entries():
    feed = parse_feed(atom(("/e/1", "عنوان", "<p>نص</p>")), BASE)
    item = feed.items[0]
    assert feed.kind == "atom" and item.url == "https://site.example/e/1" and item.guid == "tag:site.example,2026:0"
    assert item.text == "نص" and item.author == "مراسلنا" and item.published.year == 2026


def test_a_news_sitemap_newest_first_and_a_sitemap_index():
    body = news_sitemap(
        ("https://site.example/old", "قديم", "2026-11-01"), ("https://site.example/new", "جديد", "2026-11-30T10:00:00Z")
    )
    feed = parse_feed(body, BASE, max_items=1)
    assert feed.kind == "sitemap" and [item.title for item in feed.items] == ["جديد"]
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/news-1.xml</loc></sitemap><sitemap><loc>javascript:x</loc></sitemap></sitemapindex>"
    )
    assert parse_feed(index, BASE).sitemaps == ["https://site.example/news-1.xml"]


def test_the_xml_declaration_names_the_encoding():
    body = rss(rss_item("/1", "فاغنر في ليبيا"), encoding="windows-1256")
    assert parse_feed(body, BASE, content_type="text/xml; charset=utf-8").items[0].title == "فاغنر في ليبيا"


def test_without_a_declaration_the_http_charset_does():
    body = rss(rss_item("/1", "فاغنر"), encoding="windows-1256").replace(b' encoding="windows-1256"', b"")
    assert parse_feed(body, BASE, content_type="text/xml; charset=windows-1256").items[0].title == "فاغنر"


def test_an_unknown_charset_does_not_break_the_parse():
    body = rss(rss_item("/1", "x")).replace(b' encoding="utf-8"', b"")
    assert parse_feed(body, BASE, content_type="text/xml; charset=no-such-codec").items[0].title == "x"


def test_items_without_a_link_or_id_are_left_out_and_duplicates_once():
    body = rss(rss_item("", "no link"), rss_item("/a", "a"), rss_item("/a", "a again"))
    assert [item.title for item in parse_feed(body, BASE).items] == ["a"]


def test_the_item_limit():
    body = rss(*(rss_item(f"/{n}", str(n)) for n in range(10)))
    assert len(parse_feed(body, BASE, max_items=3).items) == 3


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (b"<!DOCTYPE html><html><body>Home</body></html>", "web page (HTML)"),
        (b"<html><head></head></html>", "web page (HTML)"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "JSON data"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "cannot be read as XML"),
        (b"<rss><channel><item>", "cannot be read as XML"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "XML document (svg)"),
        (b'<feed xmlns="urn:other"/>', "XML document (feed)"),
    ],
)
def test_what_is_not_a_feed_says_why(body, reason):
    with pytest.raises(NotAFeed, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_feed(body, BASE)


def test_entities_are_never_expanded_nor_files_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rss><channel><item><title>&x;</title><link>https://site.example/1</link></item></channel></rss>"
    ).encode()
    try:
        feed = parse_feed(xxe, BASE)
    except NotAFeed:
        return  # refused outright is as good
    assert "TOP-SECRET" not in feed.items[0].title


def test_a_billion_laughs_is_not_expanded():
    laughs = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{laughs}]>'
        "<rss><channel><item><title>&i;</title><link>https://site.example/1</link></item></channel></rss>"
    ).encode()
    try:
        feed = parse_feed(body, BASE)
    except NotAFeed:
        return
    assert len(feed.items[0].title) < 1000
