"""Proposed claims in the reading view and the API: shown apart from the claims, ranked, highlighted in their own
style; accepted as they are, edited in the claim form first, or dismissed; in English and Arabic; by role."""

import datetime as dt

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimProposal
from claims.services import articles as article_services
from claims.services.profiles import set_interface_language
from tests.factories import EntityFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "عام 2018 زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو.\n\n"
    "وعقب هذه الزيارة، كشفت تقارير عن وجود جنود مرتزقة في ليبيا ويقدر عددهم بحوالي ألفين.\n\n"
    "وفي المقابل، رفضت مليشيات خليفة حفتر، الجمعة، المبادرة التركية الروسية.\n"
)


@pytest.fixture
def article(editor):
    EntityFactory(name="Khalifa Haftar", names={"ar": "خليفة حفتر"}, aliases=["حفتر"])
    EntityFactory(name="Sergei Shoigu", names={"ar": "سيرغي شويغو"}, aliases=["شويغو"])
    EntityFactory(kind="place", name="Moscow", names={"ar": "موسكو"})
    return article_services.create_article(
        title="حفتر", text=TEXT, published_at=dt.date(2020, 1, 11), language="ar", by=editor
    )


def pending(article, kind):
    return ClaimProposal.objects.get(article=article, kind=kind, state="pending")


def test_the_reading_view_lists_proposals_apart_from_claims_ranked_and_highlighted(
    client, editor, article, django_assert_max_num_queries
):
    client.force_login(editor)
    # As tests/test_desk_query_budgets.py counts the reading view: the pending proposals are one query of the ten.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("desk:article", args=[article.pk])).content.decode()
    panel = page[page.index('id="proposals"') :]
    ranked = sorted(ClaimProposal.objects.filter(article=article), key=lambda p: -p.score)
    positions = [panel.index(f'id="proposal-{p.pk}"') for p in ranked]
    assert positions == sorted(positions)  # best score first
    meeting = pending(article, "meeting")
    assert f'data-proposals="{meeting.pk}"' in page and "proposal-span" in page
    assert "Proposed claims (3)" in panel and "No claims yet." in page
    assert "Khalifa Haftar" in panel and "Sergei Shoigu" in panel and "Moscow" in panel
    assert "2,000" in panel and "10 January 2020" in panel


def test_the_panel_costs_the_same_queries_with_many_proposals(client, editor, article, django_assert_max_num_queries):
    client.force_login(editor)
    url = reverse("desk:article", args=[article.pk])
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    article_services.add_revision(article=article, text=TEXT * 1 + TEXT.replace("2018", "2017") * 3, by=editor)
    assert ClaimProposal.objects.filter(article=article, state="pending").count() > 3
    with django_assert_max_num_queries(10) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_arabic_panel_is_translated_and_right_to_left(client, editor, article):
    set_interface_language(user=editor, language="ar")
    client.force_login(editor)
    page = client.get(reverse("desk:article", args=[article.pk])).content.decode()
    panel = page[page.index('id="proposals"') : page.index("</section>", page.index('id="proposals"'))]
    assert "المطالبات المقترحة" in panel  # "Proposed claims"
    assert "قبول" in panel and "تجاهل" in panel and "عدّل" in panel  # Accept, Dismiss, Edit
    assert 'dir="rtl"' in panel
    assert "الدرجة" in panel  # "score"
    for english in ("Proposed claims", ">Accept", ">Dismiss", ">score", "Attendees"):
        assert english not in panel


def test_accepting_in_the_reading_view_makes_the_claim(client, editor, article):
    client.force_login(editor)
    meeting = pending(article, "meeting")
    response = client.post(reverse("desk:proposal-accept", args=[article.pk, meeting.pk]))
    claim = Claim.objects.get(article=article)
    assert response.status_code == 302 and response["Location"].endswith(f"#claim-{claim.pk}")
    assert list(claim.attendees.values_list("entity__name", flat=True)) == ["Khalifa Haftar", "Sergei Shoigu"]
    page = client.get(reverse("desk:article", args=[article.pk])).content.decode()
    assert f'id="proposal-{meeting.pk}"' not in page and f'id="claim-{claim.pk}"' in page
    again = client.post(reverse("desk:proposal-accept", args=[article.pk, meeting.pk]), follow=True)
    assert "already accepted" in again.content.decode() and Claim.objects.count() == 1


def test_dismissing_in_the_reading_view_hides_it(client, editor, article):
    client.force_login(editor)
    event = pending(article, "event")
    response = client.post(reverse("desk:proposal-dismiss", args=[article.pk, event.pk]), follow=True)
    assert "Proposal dismissed" in response.content.decode()
    assert f'id="proposal-{event.pk}"' not in response.content.decode()
    event.refresh_from_db()
    assert event.state == "dismissed" and event.decided_by == editor


def test_edit_opens_the_claim_form_pre_filled_and_saving_it_accepts(client, editor, article):
    client.force_login(editor)
    quantity = pending(article, "quantity")
    url = reverse("desk:proposal-edit", args=[article.pk, quantity.pk])
    form = client.get(url).content.decode()
    assert f'action="{url}"' in form
    assert quantity.exact in form and 'id="id_quantity-value" value="2000"' in form
    response = client.post(
        url,
        {
            "kind": "quantity",
            "statement": "يوجد في ليبيا نحو ألفي مرتزق.",
            "exact": quantity.exact,
            "quantity-value": "2000",
            "quantity-approximate": "on",
            "quantity-unit": "fighters",
        },
    )
    claim = Claim.objects.get(article=article)
    assert response.status_code == 302
    assert claim.statement == "يوجد في ليبيا نحو ألفي مرتزق." and claim.details["unit"] == "fighters"
    assert claim.details["value"] == 2000 and claim.details["approximate"] is True
    quantity.refresh_from_db()
    assert quantity.state == "accepted" and quantity.claim == claim


def test_an_invalid_edit_keeps_what_was_typed_and_says_why(client, editor, article):
    client.force_login(editor)
    quantity = pending(article, "quantity")
    url = reverse("desk:proposal-edit", args=[article.pk, quantity.pk])
    response = client.post(
        url, {"kind": "quantity", "statement": "نص", "exact": quantity.exact, "quantity-value": "x1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="x1"' in page and 'role="alert"' in page
    assert ClaimProposal.objects.get(pk=quantity.pk).state == "pending" and not Claim.objects.exists()


def test_the_api_lists_an_articles_proposals_best_first(api, article, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = api.get(reverse("api:proposal-list"), {"article": article.pk}).json()
    rows = body["results"]
    assert [r["kind"] for r in rows] and [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    meeting = next(r for r in rows if r["kind"] == "meeting")
    assert set(meeting) >= {"id", "article", "selector", "kind", "details", "score", "state"}
    assert meeting["state"] == "pending" and meeting["selector"]["exact"] in TEXT
    assert [a["name"] for a in meeting["details"]["attendees"]] == ["Khalifa Haftar", "Sergei Shoigu"]


def test_the_api_accepts_with_edits_and_answers_with_the_claim(api, article):
    quantity = pending(article, "quantity")
    url = reverse("api:proposal-accept", args=[quantity.pk])
    refused = api.post(url, {"details": {"value": "lots"}}, format="json")
    assert refused.status_code == 400 and "details.value" in refused.json()
    response = api.post(url, {"details": {"value": 1800, "approximate": True}, "kind": "quantity"}, format="json")
    assert response.status_code == 201
    claim = Claim.objects.get(pk=response.json()["claim"])
    assert claim.details == {"value": 1800, "approximate": True}
    assert response.json()["proposal"]["state"] == "accepted"
    assert api.post(url, {}, format="json").status_code == 409


def test_the_api_dismisses(api, article):
    event = pending(article, "event")
    response = api.post(reverse("api:proposal-dismiss", args=[event.pk]))
    assert response.status_code == 200 and response.json()["state"] == "dismissed"
    assert api.post(reverse("api:proposal-dismiss", args=[event.pk])).status_code == 409


def test_only_desk_members_see_or_decide_proposals(api_as, article, outsider, reviewer):
    event = pending(article, "event")
    assert api_as(None).get(reverse("api:proposal-list")).status_code == 401
    assert api_as(outsider).get(reverse("api:proposal-list")).status_code == 403
    assert api_as(outsider).post(reverse("api:proposal-dismiss", args=[event.pk])).status_code == 403
    assert api_as(reviewer).post(reverse("api:proposal-dismiss", args=[event.pk])).status_code == 200
