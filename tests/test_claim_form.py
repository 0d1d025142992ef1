"""The desk's claim form: creating claims from a selection, suggestions, validation beside fields, editing in
place with version checks, attendees, deleting, and the entity autocomplete."""

import pytest
from django.urls import reverse

from claims.models import Claim, Entity
from tests.factories import ArticleFactory, ClaimFactory, EntityFactory

QUOTE = "ويقدر عددهم بحوالي ألفين"


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def article(db):
    return ArticleFactory(published_at="2020-01-11")


def new_claim(desk, article, **fields):
    data = {"kind": "other", "statement": "A neutral statement.", "exact": "", "start": "", "end": ""} | fields
    return desk.post(reverse("desk:claim-new", args=[article.pk]), data)


def test_reading_view_offers_the_claim_form_and_the_script(desk, article):
    page = desk.get(article.get_absolute_url()).content.decode()
    assert 'id="claim-form-panel"' in page
    assert "claims/reading.js" in page
    assert 'name="quantity-value"' in page


def test_claim_from_positions_and_quote_is_saved_with_its_selector(desk, article):
    start = article.text.index(QUOTE)
    response = new_claim(
        desk,
        article,
        kind="quantity",
        exact=QUOTE,
        start=start,
        end=start + len(QUOTE),
        **{"quantity-value": "2000", "quantity-approximate": "on", "quantity-unit": "fighters"},
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#claim-{claim.pk}")
    assert (claim.exact, claim.start, claim.end) == (QUOTE, start, start + len(QUOTE))
    assert claim.details == {"value": 2000, "approximate": True, "unit": "fighters"}


def test_claim_from_quote_alone_finds_its_positions(desk, article):
    new_claim(desk, article, exact=QUOTE)
    assert Claim.objects.get().start == article.text.index(QUOTE)


def test_only_the_chosen_kinds_fields_are_kept(desk, article):
    new_claim(desk, article, kind="event", exact=QUOTE, **{"quantity-value": "5", "event-what": "a count"})
    assert Claim.objects.get().details == {"what": "a count"}


def test_quote_missing_from_the_article_is_shown_beside_the_quote_not_a_500(desk, article):
    response = new_claim(desk, article, exact="نص غير موجود في المقال")
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert "not in the article" in response.content.decode() or "copy it again" in response.content.decode()
    assert not Claim.objects.exists()


def test_bad_detail_value_is_shown_next_to_its_field(desk, article):
    response = new_claim(desk, article, kind="quantity", exact=QUOTE, **{"quantity-value": "about two"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'name="quantity-value" id="id_quantity-value" value="about two"' in page
    assert "Enter a number" in page


def test_failed_save_from_the_reading_panel_reopens_the_panel_with_the_errors(desk, article):
    start = article.text.index(QUOTE)
    response = new_claim(
        desk,
        article,
        kind="quantity",
        exact=QUOTE,
        start=start,
        end=start + len(QUOTE),
        statement="Some two thousand fighters.",
        **{"from": "reading", "quantity-value": "about two"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="article-text"' in page  # the reading view, not the standalone form page
    assert 'id="claim-form-panel" aria-labelledby' in page  # open: not hidden
    assert 'name="quantity-value" id="id_quantity-value" value="about two"' in page and "Enter a number" in page
    assert "Some two thousand fighters." in page and f'name="start" id="id_start" value="{start}"' in page
    assert not Claim.objects.exists()


def test_empty_statement_is_refused_beside_the_statement(desk, article):
    response = new_claim(desk, article, exact=QUOTE, statement="  ")
    assert response.status_code == 400
    assert "Write the claim as a neutral statement." in response.content.decode()


def test_form_page_suggests_the_quantity_of_the_selection(desk, article):
    start = article.text.index(QUOTE)
    page = desk.get(
        reverse("desk:claim-new", args=[article.pk]), {"start": start, "end": start + len(QUOTE)}
    ).content.decode()
    assert 'name="quantity-value" id="id_quantity-value" value="2000"' in page
    assert 'name="quantity-approximate" id="id_quantity-approximate" value="on" checked' in page


def test_suggestion_endpoint_parses_quantity_and_resolves_relative_dates(desk):
    article = ArticleFactory(text="قال المتحدث الأربعاء إن نحو ثلاثة آلاف شخص حضروا.", published_at="2020-01-11")
    response = desk.get(reverse("desk:suggest", args=[article.pk]), {"exact": "الأربعاء إن نحو ثلاثة آلاف شخص"})
    data = response.json()
    assert data["quantity"]["value"] == 3000 and data["quantity"]["approximate"] is True
    assert data["date"] == {
        "value": "2020-01-08",
        "precision": "day",
        "matched": "الأربعاء",
        "relative": True,
        "reference": "2020-01-11",
        "reference_is_publication": True,
    }


def test_meeting_attendees_by_id_and_by_name_created_on_the_spot(desk, article):
    haftar = EntityFactory(name="Khalifa Haftar", names={"ar": "خليفة حفتر"}, aliases=["حفتر"])
    response = new_claim(
        desk,
        article,
        kind="meeting",
        exact=QUOTE,
        attendee_entity=[str(haftar.pk), ""],
        attendee_label=["Khalifa Haftar", ""],
        attendee_name=["", "سيرغي شويغو"],
        attendee_role=["commander", "minister"],
        attendee_status=["confirmed", "disputed"],
    )
    assert response.status_code == 302
    rows = list(Claim.objects.get().attendees.order_by("order").values_list("entity__name", "role", "status"))
    assert rows == [("Khalifa Haftar", "commander", "confirmed"), ("سيرغي شويغو", "minister", "disputed")]


def test_attendee_typed_by_alias_reuses_the_entity(desk, article):
    haftar = EntityFactory(name="Khalifa Haftar", aliases=["حفتر"])
    new_claim(
        desk,
        article,
        kind="meeting",
        exact=QUOTE,
        attendee_entity=[""],
        attendee_name=["حَفتر"],
        attendee_role=[""],
        attendee_status=["unverified"],
    )
    assert list(Claim.objects.get().attendees.values_list("entity", flat=True)) == [haftar.pk]
    assert Entity.objects.count() == 1


def test_failed_claim_does_not_leave_new_entities_behind(desk, article):
    new_claim(
        desk,
        article,
        kind="meeting",
        exact="غير موجود",
        attendee_entity=[""],
        attendee_name=["Somebody"],
        attendee_role=[""],
        attendee_status=["unverified"],
    )
    assert not Entity.objects.exists()


def test_entity_autocomplete_matches_arabic_without_diacritics_and_english(desk):
    putin = EntityFactory(name="Vladimir Putin", names={"ar": "فلاديمير بوتين", "en": "Vladimir Putin"})
    EntityFactory(name="Sergei Lavrov")
    for query in ("بوتين", "بُوتين", "putin"):
        results = desk.get(reverse("desk:entity-search"), {"q": query}).json()["results"]
        assert [r["id"] for r in results] == [putin.pk]


def test_entity_create_returns_the_new_entity_or_the_existing_one(desk):
    first = desk.post(reverse("desk:entity-create"), {"name": "يفغيني بريغوجين"})
    again = desk.post(reverse("desk:entity-create"), {"name": "يفغيني بريغوجين"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_entity_create_without_a_name_is_a_clear_400(desk):
    response = desk.post(reverse("desk:entity-create"), {"name": " "})
    assert response.status_code == 400 and response.json() == {"name": "Give the entity's name."}


def test_json_endpoints_need_a_desk_member(client, outsider, article):
    client.force_login(outsider)
    assert client.get(reverse("desk:entity-search"), {"q": "x"}).status_code == 403
    assert client.get(reverse("desk:suggest", args=[article.pk])).status_code == 403


def test_entity_create_is_csrf_protected(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(reverse("desk:entity-create"), {"name": "X"}).status_code == 403


def test_claim_page_edits_in_place_and_bumps_the_version(desk, article):
    claim = ClaimFactory(article=article, quote=QUOTE)
    response = desk.post(
        reverse("desk:claim-edit", args=[claim.pk]),
        {
            "version": claim.version,
            "kind": "quantity",
            "statement": "About two thousand.",
            "quantity-value": "2000",
            "quantity-approximate": "on",
        },
    )
    claim.refresh_from_db()
    assert response.status_code == 302
    assert (claim.version, claim.kind, claim.details) == (2, "quantity", {"value": 2000, "approximate": True})


def test_claim_page_shows_the_edit_form_with_the_current_values(desk, article):
    claim = ClaimFactory(article=article, quote=QUOTE, kind="quantity", details={"value": 2000})
    page = desk.get(reverse("desk:claim", args=[claim.pk])).content.decode()
    assert f'name="version" value="{claim.version}"' in page
    assert 'name="quantity-value" id="id_quantity-value" value="2000"' in page


def test_stale_edit_shows_both_versions_and_can_be_reapplied(desk, article, second_editor):
    from claims.services.claims import update_claim

    claim = ClaimFactory(article=article, quote=QUOTE)
    update_claim(claim_id=claim.pk, by=second_editor, version=1, statement="Their statement.")
    data = {"version": 1, "kind": "other", "statement": "My statement."}
    response = desk.post(reverse("desk:claim-edit", args=[claim.pk]), data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "My statement." in page and "Their statement." in page
    assert 'name="version" value="2"' in page
    desk.post(reverse("desk:claim-edit", args=[claim.pk]), data | {"version": 2})
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == ("My statement.", 3)


def test_invalid_edit_is_shown_beside_the_field(desk, article):
    claim = ClaimFactory(article=article, quote=QUOTE)
    response = desk.post(
        reverse("desk:claim-edit", args=[claim.pk]),
        {"version": 1, "kind": "quantity", "statement": "x", "quantity-lower": "10", "quantity-upper": "5"},
    )
    assert response.status_code == 400
    assert "The upper bound is below the lower bound." in response.content.decode()


def test_attendees_panel_replaces_the_attendees(desk, article):
    claim = ClaimFactory(article=article, quote=QUOTE, kind="meeting")
    shoigu = EntityFactory(name="Sergei Shoigu")
    desk.post(
        reverse("desk:claim-attendees", args=[claim.pk]),
        {
            "version": 1,
            "attendee_entity": [shoigu.pk],
            "attendee_label": ["Sergei Shoigu"],
            "attendee_name": [""],
            "attendee_role": ["Defence Minister"],
            "attendee_status": ["confirmed"],
        },
    )
    claim.refresh_from_db()
    assert list(claim.attendees.values_list("entity", "role")) == [(shoigu.pk, "Defence Minister")]
    assert claim.version == 2


def test_delete_needs_the_current_version(desk, article, second_editor):
    from claims.services.claims import update_claim

    claim = ClaimFactory(article=article, quote=QUOTE)
    update_claim(claim_id=claim.pk, by=second_editor, version=1, statement="Changed.")
    assert desk.post(reverse("desk:claim-delete", args=[claim.pk]), {"version": 1}).status_code == 409
    assert desk.post(reverse("desk:claim-delete", args=[claim.pk]), {"version": 2}).status_code == 302
    assert not Claim.objects.exists()


def test_stale_attendees_edit_compares_the_attendees(desk, article, second_editor):
    from claims.services.claims import update_claim

    claim = ClaimFactory(article=article, quote=QUOTE, kind="meeting")
    lavrov = EntityFactory(name="Sergei Lavrov")
    update_claim(claim_id=claim.pk, by=second_editor, version=1, attendees=[{"entity": lavrov.pk}])
    response = desk.post(
        reverse("desk:claim-attendees", args=[claim.pk]),
        {
            "version": 1,
            "attendee_entity": [""],
            "attendee_label": [""],
            "attendee_name": ["Sergei Shoigu"],
            "attendee_role": [""],
            "attendee_status": ["unverified"],
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Sergei Shoigu" in page and "Sergei Lavrov" in page and ">kind<" not in page


def test_form_page_shows_a_relative_weekday_resolved_against_the_article_date(desk):
    article = ArticleFactory(text="رحب النواب، الأربعاء، بدعوة وقف إطلاق النار.", published_at="2020-01-11")
    page = desk.get(reverse("desk:claim-new", args=[article.pk]), {"exact": "رحب النواب، الأربعاء"}).content.decode()
    assert 'name="event-date" id="id_event-date" value="2020-01-08"' in page
    assert 'name="event-date_text" id="id_event-date_text" value="الأربعاء"' in page
    assert "→ 2020-01-08 (resolved against 2020-01-11)" in page


def test_orphaned_claim_is_fixed_by_pointing_it_at_new_words(desk, article):
    claim = ClaimFactory(article=article, quote=QUOTE, anchor="orphaned")
    page = desk.get(reverse("desk:claim", args=[claim.pk])).content.decode()
    assert '<details class="move-claim" open>' in page
    desk.post(
        reverse("desk:claim-edit", args=[claim.pk]),
        {"version": 1, "kind": "other", "statement": claim.statement, "exact": "سيرغي شويغو"},
    )
    claim.refresh_from_db()
    assert (claim.anchor, claim.exact, claim.start) == ("exact", "سيرغي شويغو", article.text.index("سيرغي شويغو"))


def test_moving_a_claim_to_words_not_in_the_text_is_shown_beside_the_quote(desk, article):
    claim = ClaimFactory(article=article, quote=QUOTE)
    response = desk.post(
        reverse("desk:claim-edit", args=[claim.pk]),
        {"version": 1, "kind": "other", "statement": "x", "exact": "كلمات غير موجودة"},
    )
    assert response.status_code == 400
    assert "copy it again" in response.content.decode()
