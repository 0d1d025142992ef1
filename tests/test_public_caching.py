"""Claim pages are cached, answer conditional requests with 304, tell a CDN how long to keep them, show a change
as soon as a service makes it, and cost the same few queries whatever the number of evidence rows or attendees."""

import pytest
from django.utils import timezone

from claims.models import Attendee, Capture
from claims.services.sources import update_evidence
from claims.services.workflow import decide_correction
from tests.factories import EntityFactory, EvidenceFactory, SourceFactory, UserFactory
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db


def test_claim_page_tells_a_cdn_it_may_cache_and_serve_stale_while_revalidating(client):
    response = client.get(url(make_claim()))
    control = response["Cache-Control"]
    assert "public" in control and "max-age=300" in control and "stale-while-revalidate" in control
    assert response["ETag"] and response["Last-Modified"]


def test_claim_page_answers_304_to_a_matching_etag_or_date(client):
    address = url(make_claim())
    first = client.get(address)
    assert client.get(address, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(address, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304


def test_each_language_has_its_own_etag(client):
    claim = make_claim()
    assert client.get(url(claim))["ETag"] != client.get(url(claim, "ar"))["ETag"]


def test_an_evidence_correction_shows_at_once_and_changes_the_etag(
    client, reviewer, django_capture_on_commit_callbacks
):
    claim = make_claim()
    evidence = EvidenceFactory(claim=claim, passage="first passage")
    address = url(claim)
    before = client.get(address)
    assert "first passage" in before.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        update_evidence(evidence=evidence, by=reviewer, correction="Quoted the right line.", passage="second passage")
        # Four eyes: the correction is proposed, and shows once another reviewer approves it.
        decide_correction(claim=claim, by=UserFactory(username="rev2", role="reviewer"), decision="approve")
    after = client.get(address, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "second passage" in after.content.decode()
    assert "Quoted the right line." in after.content.decode()


def test_pages_come_from_the_cache_until_a_service_invalidates_them(client):
    claim = make_claim()
    address = url(claim)
    client.get(address)
    # Written behind the services' back: the cached page stays until its generation moves or it expires.
    type(claim).objects.filter(pk=claim.pk).update(rationale="Silently changed.")
    assert "Silently changed." not in client.get(address).content.decode()


def test_home_answers_304_until_something_is_published(client):
    make_claim()
    first = client.get("/")
    assert client.get("/", headers={"if-none-match": first["ETag"]}).status_code == 304
    from claims.page_cache import invalidate_claim

    invalidate_claim(make_claim().pk)
    assert client.get("/", headers={"if-none-match": first["ETag"]}).status_code == 200


def _rich_claim(rows: int):
    claim = make_claim(kind="meeting")
    for index in range(rows):
        source = SourceFactory()
        Capture.objects.create(
            source=source, requested_url=source.url, state="done", fetched_at=timezone.now(), text="archived text"
        )
        EvidenceFactory(claim=claim, source=source, passage=f"passage {index}")
        entity = EntityFactory()
        Attendee.objects.create(claim=claim, entity=entity, status="confirmed", order=index)
        claim.entities.add(entity)
    return claim


@pytest.mark.parametrize("rows", [1, 25])
def test_claim_page_costs_the_same_queries_whatever_its_evidence_and_attendees(
    client, rows, django_assert_max_num_queries
):
    address = url(_rich_claim(rows))
    # 1 the claim with article, revision and claimant; 2 attendees with entities; 3 evidence with sources;
    # 4 the sources' done captures; 5 the claim's entities; 6 its topics (tags); 7 the public timeline;
    # 8 related claims; 9 the series it belongs to.
    with django_assert_max_num_queries(9):
        response = client.get(address)
    assert response.content.decode().count('class="archived"') == rows
    # Served from the cache: no query at all.
    with django_assert_max_num_queries(0):
        client.get(address)


def test_evidence_links_are_robust_links_to_the_archived_copy(client):
    claim = _rich_claim(1)
    evidence = claim.evidence.get()
    body = client.get(url(claim)).content.decode()
    archive = f"/claims/{claim.pk}/sources/{evidence.source_id}/archive/"
    assert f'data-originalurl="{evidence.source.url}"' in body
    assert f'data-versionurl="http://127.0.0.1:8000{archive}"' in body
    assert f'data-versiondate="{timezone.now():%Y-%m-%d}"' in body
    copy = client.get(archive)
    assert copy.status_code == 200 and "archived text" in copy.content.decode()


@pytest.mark.parametrize("path", ["/", "/articles/{article}/", "/entities/{entity}/"])
def test_list_pages_cost_a_constant_number_of_queries(client, path, django_assert_max_num_queries):
    claim = _rich_claim(3)
    for _ in range(10):
        make_claim(article=claim.article).entities.add(claim.entities.first())
    address = path.format(article=claim.article_id, entity=claim.entities.first().pk)
    # home: 1 claims with articles; article: 1 article, 2 its claims; entity: its dossier, each query named in
    # tests/test_entity_meetings_budget.py (the record, the meetings timeline, the series about it).
    with django_assert_max_num_queries(11 if path.startswith("/entities/") else 2):
        assert client.get(address).status_code == 200


def test_home_is_rendered_once_per_lists_generation(client, django_assert_num_queries):
    from claims.page_cache import invalidate_claim

    first_claim = make_claim()
    client.get("/")
    with django_assert_num_queries(0):  # served from the page cache
        assert first_claim.statement in client.get("/").content.decode()
    second = make_claim()
    invalidate_claim(second.pk)  # what the workflow service does on publication
    assert second.statement in client.get("/").content.decode()


def test_a_cached_home_asks_the_shared_cache_for_the_generation_once(client, monkeypatch):
    from claims import page_cache as generations

    make_claim()
    client.get("/")
    asked = []
    real = generations.lists_generation
    monkeypatch.setattr(generations, "lists_generation", lambda: asked.append(1) or real())
    assert client.get("/").status_code == 200
    assert len(asked) == 1


def test_public_pages_never_carry_a_desk_users_messages(client, editor):
    """A cached public page is shared by every reader: one editor's pending message must not be baked in."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    client.force_login(editor)
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Private note for the editor")
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    make_claim()
    assert "Private note" not in client.get("/").content.decode()
    assert "Private note" in client.get("/desk/").content.decode()  # it was pending all along


def test_an_article_edit_shows_on_the_claim_page_once_a_reviewer_accepts_it(
    client, editor, reviewer, django_capture_on_commit_callbacks
):
    from claims.services.articles import accept_revision, add_revision

    claim = make_claim()
    address = url(claim)
    before = client.get(address)
    assert "freshly added words" not in before.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        add_revision(article=claim.article, text="Some freshly added words. " + claim.article.text, by=editor)
    assert "freshly added words" not in client.get(address).content.decode()  # not reviewed yet
    with django_capture_on_commit_callbacks(execute=True):
        accept_revision(article=claim.article, number=2, by=reviewer)
    after = client.get(address)
    assert "freshly added words" in after.content.decode()  # the quote's context, from the accepted revision
    assert after["ETag"] != before["ETag"]
