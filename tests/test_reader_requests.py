"""A reader's "check this": the public form at /check/ answers with a published fact-check when one matches and
files the rest for the desk, grouped and counted; abuse limits; the desk's list and decisions; the API intake."""

import pytest
from django.urls import reverse

from claims import limits
from claims.models import Article, Claim, ReaderRequest
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

WAGNER = "يوجد في ليبيا نحو ألفي مرتزق روسي من مجموعة فاغنر."


def ask(client, prefix="", **fields):
    return client.post(f"{prefix}/check/", {"text": "", "url": "", "contact_email": "", "website": "", **fields})


def test_a_reworded_arabic_request_finds_the_demo_fact_check_and_an_unmatched_one_is_filed(client, demo, editor):
    published = Claim.objects.published().get(statement=WAGNER)
    response = ask(client, "/ar", text="سمعت أن مرتزقة فاغنر الروس في ليبيا عددهم ألفان تقريبا، هل هذا صحيح؟")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page
    assert "لقد تحققنا من هذا" in page  # "We have checked this"
    assert published.public_url in page and published.statement in page
    assert published.verdict_info.label_ar in page

    response = ask(client, "/ar", text="ارتفع سعر الخبز في بنغازي ثلاث مرات هذا الشهر")
    assert response.status_code == 200
    assert "تلقينا طلبك" in response.content.decode()  # "We received your request"
    filed = ReaderRequest.objects.get(state="open")
    assert filed.language == "ar" and filed.matched_claim is None
    client.force_login(editor)
    desk = client.get(reverse("desk:requests")).content.decode()
    assert "ارتفع سعر الخبز في بنغازي" in desk
    assert "مرتزقة فاغنر" not in desk  # answered at once: not in the open list
    assert "مرتزقة فاغنر" in client.get(reverse("desk:requests") + "?state=answered").content.decode()


def test_a_draft_claim_is_never_shown_to_a_reader(client):
    make_claim(status="draft", verdict="", statement="زار حفتر موسكو عام 2018 والتقى وزير الدفاع شويغو")
    response = ask(client, text="حفتر زار موسكو في 2018 وقابل شويغو")
    assert "We received your request" in response.content.decode()
    assert ReaderRequest.objects.get().state == "open"


def test_a_request_for_a_page_we_checked_is_answered_by_its_claim(client):
    claim = make_claim(statement="Haftar visited Moscow", statement_language="en")
    claim.article.url = "https://news.example.org/haftar"
    claim.article.save(update_fields=["url"])
    response = ask(client, url="HTTPS://news.example.org/haftar?utm_source=x")
    assert claim.public_url in response.content.decode()


def test_requests_for_the_same_thing_are_grouped_and_counted(client):
    ask(client, text="الكهرباء انقطعت عن طرابلس كلها يوم الجمعة", contact_email="a@example.org")
    ask(client, text="الكهرباءُ انقطعت عن طرابلس كلها يوم الجمعة", contact_email="b@example.org")  # diacritic
    ask(client, text="يقولون إن الكهرباء انقطعت عن كل طرابلس يوم الجمعة")  # reworded
    ask(client, url="https://news.example.org/a?utm_campaign=1")
    response = ask(client, url="https://NEWS.example.org/a")
    assert "Other readers have asked about the same thing" in response.content.decode()
    by_text, by_url = ReaderRequest.objects.order_by("id")
    assert (by_text.count, by_url.count) == (3, 2)
    assert by_text.contact_emails == ["a@example.org", "b@example.org"]


def test_the_rate_limit_refuses_in_the_readers_language_and_keeps_the_text(client, settings):
    settings.READER_REQUESTS_PER_HOUR = 2
    ask(client, text="طلب أول")
    ask(client, text="طلب ثان")
    response = ask(client, "/ar", text="طلب ثالث عن الكهرباء")
    page = response.content.decode()
    assert response.status_code == 429
    assert "أرسلت طلبات كثيرة" in page and "طلب ثالث عن الكهرباء" in page
    assert ReaderRequest.objects.count() == 2


def test_the_honeypot_files_nothing_and_tells_the_robot_nothing(client):
    response = ask(client, text="Buy cheap watches", website="https://spam.example")
    assert response.status_code == 200 and "We received your request" in response.content.decode()
    assert not ReaderRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "ا" * (limits.READER_REQUEST_TEXT_MAX_CHARS + 1)}, f"{limits.READER_REQUEST_TEXT_MAX_CHARS} حرفًا"),
        ({"url": "javascript:alert(1)", "text": "نص يبقى"}, "نص يبقى"),
        ({"text": "نص يبقى", "contact_email": "not-an-address"}, "نص يبقى"),
        ({}, "اكتب الادعاء"),
        ({"text": "\x00", "url": "http://[::1"}, ""),
    ],
)
def test_bad_input_comes_back_in_arabic_with_what_was_typed(client, fields, message):
    response = ask(client, "/ar", **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'class="field-errors"' in page
    assert not ReaderRequest.objects.exists()


def test_the_arabic_form_renders_with_lang_and_dir_and_no_script(client):
    page = client.get("/ar/check/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "اطلب منا التحقق من ادعاء" in page
    assert 'name="website"' in page and 'aria-hidden="true"' in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert 'href="/ar/check/"' in client.get("/ar/").content.decode()  # the public nav links to it


# --- the desk ---------------------------------------------------------------------------------------------------


@pytest.fixture
def filed(client):
    ask(client, text="ارتفع سعر الخبز في بنغازي", contact_email="reader@example.org")
    return ReaderRequest.objects.get()


def test_the_desk_answers_a_request_with_a_claim(client, editor, filed):
    claim = make_claim(statement="سعر الخبز")
    client.force_login(editor)
    page = client.get(reverse("desk:request", args=[filed.pk])).content.decode()
    assert "reader@example.org" in page  # the desk sees whom to answer
    response = client.post(reverse("desk:request", args=[filed.pk]), {"action": "answer", "claim": claim.pk})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.state, filed.matched_claim, filed.decided_by) == ("answered", claim, editor)


def test_answering_without_a_claim_is_refused_with_the_note_kept(client, editor, filed):
    client.force_login(editor)
    response = client.post(reverse("desk:request", args=[filed.pk]), {"action": "answer", "note": "ملاحظة داخلية"})
    assert response.status_code == 400
    assert "ملاحظة داخلية" in response.content.decode()
    filed.refresh_from_db()
    assert filed.state == "open"


def test_the_desk_dismisses_or_takes_on_a_request(client, editor, filed):
    client.force_login(editor)
    client.post(reverse("desk:request", args=[filed.pk]), {"action": "take_on"})
    filed.refresh_from_db()
    article = Article.objects.get()
    assert filed.state == "claimed" and filed.article == article
    assert article.revisions.get().text == "ارتفع سعر الخبز في بنغازي"
    ask(client, text="طلب آخر")
    other = ReaderRequest.objects.get(state="open")
    client.post(reverse("desk:request", args=[other.pk]), {"action": "dismiss"})
    other.refresh_from_db()
    assert other.state == "dismissed"


def test_the_desk_list_costs_the_same_queries_with_few_or_many_rows(client, editor, django_assert_max_num_queries):
    client.force_login(editor)
    claim = make_claim(statement="Checked")
    counts = []
    for size in (2, 12):
        for n in range(size):
            ReaderRequest.objects.create(text=f"request {size}-{n}", key=f"{size}-{n}", matched_claim=claim)
        # session, user, roles, the pager's count, the page with matched claims, the unread count
        with django_assert_max_num_queries(6) as captured:
            assert client.get(reverse("desk:requests") + "?state=all").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_an_outsider_never_sees_a_request(client, outsider, filed):
    client.force_login(outsider)
    assert client.get(reverse("desk:request", args=[filed.pk])).status_code == 403


# --- the API ------------------------------------------------------------------------------------------------------


def test_a_bot_files_a_request_and_gets_the_match_through_the_api(api):
    claim = make_claim(statement="زار حفتر عام 2017 حاملة الطائرات الروسية الأميرال كوزنتسوف")
    answer = api.post("/api/v1/requests/", {"text": "هل زار حفتر حاملة طائرات روسية سنة 2017"}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["matched"] and answer.json()["claim"]["public_url"] == claim.public_url
    filed = api.post("/api/v1/requests/", {"text": "سعر الخبز في بنغازي", "language": "ar"}, format="json")
    assert filed.status_code == 201 and filed.json()["request"]["state"] == "open"
    again = api.post("/api/v1/requests/", {"text": "سعر الخبز في بنغازي"}, format="json").json()
    assert again["grouped"] and again["request"]["count"] == 2
    assert api.post("/api/v1/requests/", {"url": "ftp://x"}, format="json").json()["url"]
    pk = filed.json()["request"]["id"]
    done = api.patch(f"/api/v1/requests/{pk}/", {"state": "answered", "matched_claim": claim.pk}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "answered"
    assert api.patch(f"/api/v1/requests/{pk}/", {"state": "open"}, format="json").status_code == 400
    other = api.post("/api/v1/requests/", {"text": "طلب لم يُبتّ فيه"}, format="json").json()["request"]["id"]
    undecided = api.patch(f"/api/v1/requests/{other}/", {"note": "later"}, format="json").json()
    assert undecided["decided_by"] is None  # present, null: a PATCH answers with every field
    noted = api.patch(f"/api/v1/requests/{pk}/", {"note": "answered by mail"}, format="json").json()
    assert noted["note"] == "answered by mail" and noted["decided_by"] == "ed" and noted["matched_claim"] == claim.pk
    fresh = api.post("/api/v1/requests/", {"text": "طلب جديد تماما"}, format="json").json()["request"]
    assert fresh["matched_claim"] is None and fresh["decided_by"] is None


def test_the_api_list_costs_the_same_queries_at_5_and_50_rows(api, django_assert_max_num_queries):
    claim = make_claim(statement="Checked")
    for n in range(60):
        ReaderRequest.objects.create(text=f"request {n}", key=str(n), matched_claim=claim, state="answered")
    for size in (5, 50):
        # token, roles, count, page (with who decided)
        with django_assert_max_num_queries(4):
            response = api.get(f"/api/v1/requests/?page_size={size}&state=answered")
        assert response.status_code == 200 and len(response.json()["results"]) == size


def test_every_desk_page_links_to_the_reader_requests(client, editor):
    client.force_login(editor)
    for page in (reverse("desk:home"), reverse("desk:claims")):
        assert f'href="{reverse("desk:requests")}"' in client.get(page).content.decode()
