"""Playwright driving Debian's Chromium against pytest-django's live server, signed in as a desk member."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run under one unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "demo-pass-123"  # the password the shared `demo` fixture gives the demo accounts


# One Playwright a module, not a session: its sync API runs an event loop in this thread while it lives, and the
# browser captures (claims/fetching/browser.py) that other modules run in-process start a Playwright of their own,
# which cannot start beside a live one.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, username, password=DEMO_PASSWORD):
    page.goto("/desk/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/desk/")


@pytest.fixture
def editor_page(page, transactional_db, demo):
    log_in(page, "editor")
    return page


DRAG_POINTS = """(phrase) => {
  const text = document.getElementById("article-text");
  const at = text.textContent.indexOf(phrase);
  if (at < 0) throw new Error("phrase not in the article text");
  const locate = (offset, after) => {
    let seen = 0;
    for (const segment of text.childNodes) {
      const size = segment.textContent.length;
      if (after ? offset < seen + size : offset <= seen + size) return [segment.firstChild, offset - seen];
      seen += size;
    }
  };
  const charRect = (offset) => {
    const range = document.createRange();
    const [node, index] = locate(offset, true);
    range.setStart(node, index);
    range.setEnd(node, index + 1);
    return range.getBoundingClientRect();
  };
  locate(at, true)[0].parentElement.scrollIntoView({block: "center"});
  const first = charRect(at), last = charRect(at + phrase.length - 1);
  const rtl = getComputedStyle(text).direction === "rtl";
  return {sx: rtl ? first.right - 1 : first.left + 1, sy: first.top + first.height / 2,
          ex: rtl ? last.left + 1 : last.right - 1, ey: last.top + last.height / 2};
}"""


def drag_select(page, phrase):
    """Select ``phrase`` in the reading view the way a user does: press at its first letter, drag to its last."""
    points = page.evaluate(DRAG_POINTS, phrase)
    page.mouse.move(points["sx"], points["sy"])
    page.mouse.down()
    page.mouse.move(points["ex"], points["ey"], steps=12)
    page.mouse.up()
