"""The desk speaks each person's interface language: their profile choice, else the cookie, else Accept-Language.

The public site keeps its language in the URL (/ English, /ar/ Arabic) whatever the cookie says.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import DeskProfile
from claims.services.profiles import interface_language, set_interface_language

pytestmark = pytest.mark.django_db

ARABIC_HTML = '<html lang="ar" dir="rtl">'
ENGLISH_HTML = '<html lang="en" dir="ltr">'


def _desk(client, user, **headers):
    client.force_login(user)
    return client.get(reverse("desk:home"), headers=headers)


def test_the_login_page_follows_accept_language(client):
    response = client.get(reverse("desk:login"), headers={"accept-language": "ar,en;q=0.5"})
    html = response.content.decode()
    assert ARABIC_HTML in html
    assert "تسجيل الدخول" in html
    assert response["Content-Language"] == "ar"
    assert "Accept-Language" in response["Vary"]


def test_the_dashboard_follows_accept_language(client, editor):
    assert ARABIC_HTML in _desk(client, editor, accept_language="ar").content.decode()
    assert ENGLISH_HTML in _desk(client, editor, accept_language="en-GB").content.decode()


def test_the_language_cookie_wins_over_accept_language(client, editor):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert ARABIC_HTML in _desk(client, editor, accept_language="en").content.decode()


def test_the_profile_setting_wins_over_cookie_and_browser(client, editor):
    set_interface_language(user=editor, language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert ENGLISH_HTML in _desk(client, editor, accept_language="ar").content.decode()
    set_interface_language(user=editor, language="ar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert ARABIC_HTML in _desk(client, editor, accept_language="en").content.decode()


def test_ar_desk_redirects_to_the_desk_in_arabic(client, editor):
    response = client.get("/ar/desk/claims/?status=draft")
    assert response.status_code == 302
    assert response["Location"] == "/desk/claims/?status=draft"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    client.force_login(editor)
    followed = client.get("/ar/desk/", follow=True)
    assert followed.redirect_chain == [("/desk/", 302)]
    assert ARABIC_HTML in followed.content.decode()


def test_the_public_site_keeps_its_language_in_the_url(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert ENGLISH_HTML in client.get("/", headers={"accept-language": "ar"}).content.decode()
    assert ARABIC_HTML in client.get("/ar/").content.decode()


def test_choosing_a_language_on_the_profile_page(client, editor):
    client.force_login(editor)
    page = client.get(reverse("desk:profile"))
    assert "Interface language" in page.content.decode()
    response = client.post(reverse("desk:profile"), {"language": "ar"}, follow=True)
    assert ARABIC_HTML in response.content.decode()
    assert "حُفظت إعداداتك" in response.content.decode()
    assert DeskProfile.objects.get(user=editor).language == "ar"
    client.post(reverse("desk:profile"), {"language": ""})
    assert DeskProfile.objects.get(user=editor).language == ""


def test_an_unknown_language_is_refused_on_the_profile_page(client, editor):
    client.force_login(editor)
    response = client.post(reverse("desk:profile"), {"language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not DeskProfile.objects.filter(user=editor, language="xx").exists()


def test_the_desk_language_switch_saves_the_choice(client, editor):
    set_interface_language(user=editor, language="en")
    client.force_login(editor)
    response = client.post(reverse("desk:language"), {"language": "ar", "next": "/desk/claims/"})
    assert response.status_code == 302 and response["Location"] == "/desk/claims/"
    assert DeskProfile.objects.get(user=editor).language == "ar"
    outside = client.post(reverse("desk:language"), {"language": "ar", "next": "https://elsewhere.example/"})
    assert outside["Location"] == "/desk/"


def test_the_api_reads_and_sets_my_language(api, editor):
    me = api.get("/api/v1/me/").json()
    assert me["username"] == editor.username and me["language"] == "" and me["interface_language"] == "en"
    assert me["roles"] == ["editor"]
    changed = api.patch("/api/v1/me/", {"language": "ar"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["language"] == "ar" and changed.json()["interface_language"] == "ar"
    assert interface_language(editor) == "ar"
    refused = api.patch("/api/v1/me/", {"language": "fr"}, format="json")
    assert refused.status_code == 400 and "language" in refused.json()


def test_mail_language_follows_the_browser_last_seen(client, editor):
    assert interface_language(editor) == "en"
    _desk(client, editor, accept_language="ar")
    editor.refresh_from_db()
    assert interface_language(DeskProfile.objects.get(user=editor).user) == "ar"


def test_the_profile_costs_no_query_on_a_desk_page(client, editor):
    client.force_login(editor)
    client.get(reverse("desk:home"))
    with CaptureQueriesContext(connection) as without_profile:
        client.get(reverse("desk:home"))
    set_interface_language(user=editor, language="ar")
    with CaptureQueriesContext(connection) as with_profile:
        client.get(reverse("desk:home"))
    assert len(with_profile) == len(without_profile)
