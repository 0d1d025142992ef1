"""The "check this" form works in a browser with JavaScript off: a reader's Arabic request is answered with the
published fact-check, and the honeypot stays out of sight."""

import pytest

from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)


@pytest.fixture
def no_script_page(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="ar", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_reader_without_javascript_gets_the_fact_check(no_script_page, transactional_db):
    claim = make_claim(statement="زار حفتر عام 2017 حاملة الطائرات الروسية الأميرال كوزنتسوف")
    page = no_script_page
    page.goto("/ar/check/")
    assert not page.locator("#id_website").is_visible()
    page.fill("#id_text", "هل زار حفتر حاملة طائرات روسية سنة 2017؟")
    page.click("form.check-form button[type=submit]")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "لقد تحققنا من هذا"
    assert page.locator(f'.check-answer a[href="{url(claim, "ar")}"]').count() == 1
