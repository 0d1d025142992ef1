"""Bot walls and challenge pages are recognised, and real articles are not mistaken for them."""

import pytest

from claims.fetching.extract import detect_challenge, visible_text

ARTICLE = "<html><body><article>" + "<p>The minister said the budget would rise next year.</p>" * 40


@pytest.mark.parametrize(
    ("status", "html", "words"),
    [
        (503, "<title>Just a moment...</title><script src='/cdn-cgi/challenge-platform/x.js'></script>", "Cloudflare"),
        (403, "<p>Please enable JS</p><script src='https://ct.captcha-delivery.com/c.js'></script>", "DataDome"),
        (403, "<div id='px-captcha'></div>", "PerimeterX"),
        (200, "<h1>Checking your browser before accessing example.com</h1>", "checking your browser"),
        (200, "<p>Please enable JavaScript and cookies to continue</p>", "JavaScript and cookies"),
        (403, "<h1>Access Denied</h1><p>You don't have permission to access this server.</p>", "denied access"),
        (200, "<form><div class='g-recaptcha'></div></form>", "CAPTCHA"),
    ],
)
def test_challenge_pages_are_recognised(status, html, words):
    reason = detect_challenge(status, html, visible_text(html))
    assert reason and words in reason


def test_empty_script_shell_is_recognised():
    html = "<html><body><div id=app></div><script>" + "var a=1;" * 500 + "</script></body></html>"
    assert "empty shell" in detect_challenge(200, html, "")


def test_article_with_a_captcha_in_its_comment_form_is_not_a_challenge():
    html = ARTICLE + "<form class='comments'><div class='g-recaptcha'></div></form></article></body></html>"
    assert detect_challenge(200, html, visible_text(html)) is None


def test_ordinary_not_found_page_is_not_a_challenge():
    html = "<h1>Not found</h1><p>The page you asked for does not exist.</p>"
    assert detect_challenge(404, html, visible_text(html)) is None


def test_a_page_of_unclosed_script_tags_is_judged_in_one_pass():
    # A regex with a lazy .*? rescanned to the end of the page for every unclosed tag: 300,000 of them hung a worker.
    hostile = "<html><body>" + "<script>" * 300_000 + "</body></html>"
    assert detect_challenge(200, hostile, "") is None
    shell = "<html><body><div id=app></div>" + "<script>var a=1;</script>" * 200 + "</body></html>"
    assert "empty shell" in detect_challenge(200, shell, "")
