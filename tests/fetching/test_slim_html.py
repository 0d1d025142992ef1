"""Pages too long to parse whole: scripts, styles and inline images go first, then the page is cut at a tag; a
news article never loses its text or its JSON-LD metadata to this."""

from hypothesis import given
from hypothesis import strategies as st

from claims.fetching.extract import extract, slim_html

ARTICLE = "".join(
    f"<p>Paragraph {n}: Haftar met the Russian defence minister in Moscow on the 7th.</p>" for n in range(12)
)
LD_JSON = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
    '"headline": "Haftar in Moscow", "author": {"@type": "Person", "name": "Samia Haddad"}, '
    '"datePublished": "2026-11-02"}</script>'
)


def bloated_page(bulk_chars: int) -> str:
    script = "<script>var tracking = '" + "x" * bulk_chars + "';</script>"
    style = "<style>" + ".a{color:red}" * (bulk_chars // 13) + "</style>"
    image = '<img src="data:image/png;base64,' + "A" * bulk_chars + '">'
    return (
        f"<html lang='en'><head><title>Haftar in Moscow</title>{LD_JSON}{style}{script}</head>"
        f"<body>{script}<article><h1>Haftar in Moscow</h1>{image}{ARTICLE}</article>{script}</body></html>"
    )


def test_a_short_page_is_read_as_it_is():
    page = bloated_page(1_000)
    assert slim_html(page, 100_000) == (page, False)


def test_a_bloated_article_keeps_its_text_and_metadata():
    page = bloated_page(400_000)
    assert len(page) > 1_500_000
    slim, cut = slim_html(page, 200_000)
    assert not cut and len(slim) < 10_000
    assert LD_JSON in slim and "Paragraph 11:" in slim
    extracted = extract(page, "https://news.example.org/haftar", max_chars=200_000)
    assert not extracted.truncated
    assert "Paragraph 0:" in extracted.text and "Paragraph 11:" in extracted.text
    assert extracted.author == "Samia Haddad" and extracted.published.isoformat() == "2026-11-02"


def test_a_page_of_text_too_long_is_cut_at_a_tag_and_says_so():
    page = "<html><head><title>Long</title></head><body><article>" + ARTICLE * 200 + "</article></body></html>"
    slim, cut = slim_html(page, 50_000)
    assert cut and len(slim) <= 50_000 and slim.endswith("</p>")
    extracted = extract(page, "https://news.example.org/long", max_chars=50_000)
    assert extracted.truncated and "Paragraph 0:" in extracted.text and len(extracted.text) < 50_000


@given(st.text(alphabet="<>/ab scriptyle=\"'data:x", max_size=400), st.integers(min_value=1, max_value=300))
def test_what_is_read_never_exceeds_the_limit(html, limit):
    slim, cut = slim_html(html, limit)
    assert len(slim) <= limit or (slim == html and not cut)
    assert len(slim) <= max(limit, len(html))


def test_an_element_left_open_is_kept_with_what_follows_it():
    page = "<p>Before.</p><svg><p>Paragraph after an unclosed svg.</p>" + "<style>a{}</style>" * 10
    slim, cut = slim_html(page, 60)
    assert not cut and slim == "<p>Before.</p><svg><p>Paragraph after an unclosed svg.</p>"


def test_a_hostile_page_of_unclosed_tags_is_slimmed_in_one_pass():
    # Each missing closing tag is looked for once: 200,000 of them used to mean 200,000 scans to the page's end.
    page = "<title>Trap</title>" + "<style>" * 100_000 + "<script " * 100_000 + "<p>The text.</p>"
    slim, cut = slim_html(page, 1_000)
    assert cut and len(slim) <= 1_000 and slim.startswith("<title>Trap</title>")
