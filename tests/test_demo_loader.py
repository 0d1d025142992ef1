"""The demo desk: the Arabic article, its 13 claims with exact selectors, statuses across the range, accounts."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims.demo.desk import CLAIMS
from claims.models import Article, Attendee, Claim, ClaimEvent, Entity, Evidence, Series, SeriesMember, Source


def test_demo_loads_the_article_right_to_left(demo):
    assert demo.language == "ar" and demo.direction == "rtl"
    assert len(demo.text) == 3890
    assert demo.text.startswith("بدعمه لـ “حفتر”")


def test_every_demo_selector_matches_the_text_in_code_points(demo):
    claims = Claim.objects.filter(article=demo)
    assert claims.count() == len(CLAIMS) == 13
    for claim in claims:
        assert demo.text[claim.start : claim.end] == claim.exact
        assert claim.anchor == "exact"


def test_troop_estimate_is_about_two_thousand(demo):
    claim = Claim.objects.get(kind="quantity")
    assert claim.details["value"] == 2000
    assert claim.details["approximate"] is True
    estimates = {e.source.publisher: e for e in claim.evidence.select_related("source")}
    assert len(estimates) == 2, "several sources give several estimates"


def test_2018_meeting_lists_haftar_shoigu_and_gerasimov(demo):
    claim = Claim.objects.get(exact__startswith="عام 2018 زار حفتر")
    names = set(claim.attendees.values_list("entity__names__en", flat=True))
    assert names == {"Khalifa Haftar", "Sergei Shoigu", "Valery Gerasimov"}


def test_prigozhin_attendance_is_disputed(demo):
    attendee = Attendee.objects.get(entity__names__en="Yevgeny Prigozhin")
    assert attendee.status == "disputed"
    assert "organise" in attendee.evidence_note


def test_statuses_cover_the_range_and_published_ones_have_verdicts(demo):
    statuses = set(Claim.objects.values_list("status", flat=True))
    assert {"draft", "researching", "in_review", "published"} <= statuses
    for claim in Claim.objects.published():
        assert claim.verdict and claim.rationale and claim.evidence.exists()
        assert claim.last_editor.username == "editor"
        assert claim.events.filter(to_status="published", actor__username="reviewer").exists()


def test_entities_have_arabic_and_english_names(demo):
    haftar = Entity.objects.get(wikidata="Q1740441")
    assert haftar.names == {"ar": "خليفة حفتر", "en": "Khalifa Haftar"}
    assert "حفتر" in haftar.aliases


def test_demo_accounts_exist_with_their_roles(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) >= {"editor", "reviewer", "admin"}
    assert users["editor"].groups.filter(name="editor").exists()
    assert users["reviewer"].groups.filter(name="reviewer").exists()
    assert users["admin"].is_superuser
    assert users["editor"].check_password("demo-pass-123")


def test_loading_twice_changes_nothing(demo):
    def counts():
        models = (Article, Claim, Entity, Source, Evidence, Attendee, ClaimEvent, Series, SeriesMember)
        return [m.objects.count() for m in models]

    before = counts()
    call_command("load_demo", password="demo-pass-123", verbosity=0)
    assert counts() == before


def test_wagner_estimates_form_a_series(demo, client):
    from claims.models import Series

    series = Series.objects.get(slug="wagner-personnel-libya")
    assert series.entity.wikidata == "Q30920097" and series.names["ar"] == "عناصر مجموعة فاغنر في ليبيا"
    (member,) = series.members.all()
    assert member.state == "accepted" and member.claim.exact.endswith("بحوالي ألفين")
    streamed = client.get("/series/wagner-personnel-libya/estimates.csv").streaming_content
    rows = b"".join(streamed).decode().splitlines()[1:]
    given = sorted((row.split(",")[2], row.split(",")[8:11]) for row in rows)
    assert given == [
        ("UN Security Council", ["", "800", "1200"]),
        ("US Africa Command", ["2000", "", ""]),
        ("تقارير موثوقة (reliable reports)", ["2000", "", ""]),
    ]


def test_haftars_meetings_give_a_timeline_and_a_who_met_whom_view(client, demo):
    """Shoigu, Gerasimov and Lavrov on the desk, Prigozhin disputed with the video that shows him; in public only
    the published 2018 meeting, its attendances shown by the Ministry of Defence's account."""
    haftar = Entity.objects.get(wikidata="Q1740441")
    prigozhin = Attendee.objects.get(entity__names__en="Yevgeny Prigozhin")
    assert prigozhin.evidence.source.publisher == "Novaya Gazeta" and prigozhin.evidence.claim_id == prigozhin.claim_id
    public = client.get(f"/entities/{haftar.pk}/").content.decode()
    assert "Sergei Shoigu" in public and "Valery Gerasimov" in public and "Russian Ministry of Defence" in public
    graph = client.get(f"/entities/{haftar.pk}/meetings/graph/").content.decode()
    assert graph.count('<g class="meeting-node">') == 2
    client.force_login(get_user_model().objects.get(username="editor"))
    desk_graph = client.get(f"/desk/entities/{haftar.pk}/meetings/graph/").content.decode()
    names = ("Sergei Shoigu", "Valery Gerasimov", "Sergei Lavrov", "Yevgeny Prigozhin")
    assert all(name in desk_graph for name in names) and "edge-disputed" in desk_graph
