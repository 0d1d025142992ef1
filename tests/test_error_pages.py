"""Error pages with DEBUG off: plain words in the reader's interface language, never settings, paths or a
traceback, and the 500 page renders even when the database is down."""

from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.utils import translation

DEBUG_DETAIL = ("Traceback", "SECRET_KEY", "settings.py", "site-packages", "DEBUG = True", "Request Method")


def _no_debug_detail(html: str):
    for leak in DEBUG_DETAIL:
        assert leak not in html


@pytest.fixture
def database_down(db):
    def refuse():
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    # Undone before the test database is torn down (which needs the connection).
    with mock.patch.object(connections["default"], "ensure_connection", refuse):
        yield


@pytest.fixture
def client500():
    return Client(raise_request_exception=False)


def test_404_in_english(client, db):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "Page not found" in html and 'lang="en"' in html
    _no_debug_detail(html)


def test_404_in_arabic(client, db):
    response = client.get("/ar/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "الصفحة غير موجودة" in html and 'dir="rtl"' in html
    _no_debug_detail(html)


def test_500_renders_with_the_database_down(client500, database_down):
    response = client500.get("/")
    html = response.content.decode()
    assert response.status_code == 500 and "Something went wrong on our side" in html
    _no_debug_detail(html)
    assert "OperationalError" not in html and "5432" not in html


def test_500_in_arabic_with_the_database_down(client500, database_down):
    response = client500.get("/ar/")
    html = response.content.decode()
    assert response.status_code == 500 and "حدث خطأ من جهتنا" in html and 'lang="ar"' in html
    _no_debug_detail(html)


def test_400_for_an_unknown_host(client, db):
    response = client.get("/", headers={"host": "desk.attacker.example"})
    html = response.content.decode()
    assert response.status_code == 400 and "The request could not be understood" in html
    _no_debug_detail(html)
    assert "ALLOWED_HOSTS" not in html and "attacker" not in html


def test_403_for_an_account_without_a_desk_role(client, outsider):
    client.force_login(outsider)
    response = client.get("/desk/articles/")
    html = response.content.decode()
    assert response.status_code == 403 and "You are not allowed to do this" in html
    _no_debug_detail(html)


def test_csrf_failure_says_what_to_do_and_that_the_text_is_still_there(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/desk/articles/new/", {"title": "T", "text": "Some text."})
    html = response.content.decode()
    assert response.status_code == 403 and "The form expired before it was sent" in html
    assert "what you typed is still in the form" in html
    _no_debug_detail(html)
    assert "CSRF" not in html


def test_csrf_failure_in_arabic(rf):
    # Only public pages carry the language in their path (/ar/) and none posts a form: render the failure view
    # as Django calls it, in the Arabic interface.
    from django.views.csrf import csrf_failure

    with translation.override("ar"):
        response = csrf_failure(rf.post("/ar/"), reason="CSRF token missing.")
    html = response.content.decode()
    assert response.status_code == 403 and "انتهت صلاحية النموذج" in html and 'dir="rtl"' in html
    assert "CSRF token missing" not in html
