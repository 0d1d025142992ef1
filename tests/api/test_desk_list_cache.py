"""The token API's desk lists (claims, articles, sources, evidence, entities) are cached rendered under the desk's
write generation: a repeated page costs no query and is the same bytes as the uncached one, and any write to the
desk's tables (ORM, API, bulk update, raw SQL, admin, another connection) shows at once. The token look-up is
cached too, and a revoked token, a deactivated user or a changed role takes effect at once.

These tests commit (``transaction=True``): inside a transaction that has written, as in pytest-django's ``db``,
nothing is cached (claims/write_generation.py)."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from claims.api.auth import CachedTokenAuthentication
from claims.models import Claim, Entity, Evidence, Source
from claims.write_generation import AUTH_KEY, DESK_KEY, written_keys
from tests.factories import ArticleFactory, ClaimFactory, EntityFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = ["claims", "articles", "sources", "evidence", "entities"]
#: Per list: pages, a filter, reordered parameters, an ordering, the format parameter.
QUERIES = {
    "claims": ["", "?page=2&page_size=3", "?page_size=3&page=2", "?status=draft", "?search=رقم&ordering=-created_at"],
    "articles": ["", "?page_size=2&page=2", "?search=مقال", "?ordering=title&format=json"],
    "sources": ["", "?page=2&page_size=2", "?kind=news", "?ordering=-created_at"],
    "evidence": ["", "?page=3&page_size=2", "?stance=supports", "?format=json&page_size=4"],
    "entities": ["", "?page=2&page_size=2", "?search=person", "?ordering=-name"],
}
CASES = [(name, query) for name in LISTS for query in QUERIES[name]]
ACCEPTS = ["application/json", "application/json; indent=2"]


@pytest.fixture
def desk(editor):
    for n in range(8):
        claim = ClaimFactory(statement=f"ادعاء رقم {n}", status="draft" if n % 2 else "researching")
        entity = EntityFactory()
        claim.entities.add(entity)
        EvidenceFactory(claim=claim, source=SourceFactory(), stance="supports" if n % 3 else "contradicts")
    return editor


def url(name: str, query: str = "") -> str:
    return f"/api/v1/{name}/{query}"


def warm(client, address: str, assert_queries):
    """Ask twice: the second answer comes from the cache, with no query."""
    first = client.get(address)
    assert first.status_code == 200, first.content
    with assert_queries(0):
        again = client.get(address)
    assert again.content == first.content
    return again


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize(("name", "query"), CASES)
def test_a_cached_page_is_the_bytes_the_uncached_list_gives(
    api, desk, settings, name, query, accept, django_assert_num_queries
):
    settings.DESK_API_CACHE = False
    uncached = api.get(url(name, query), HTTP_ACCEPT=accept)
    assert uncached.status_code == 200, uncached.content
    settings.DESK_API_CACHE = True
    stored = api.get(url(name, query), HTTP_ACCEPT=accept)
    with django_assert_num_queries(0):
        cached = api.get(url(name, query), HTTP_ACCEPT=accept)
    assert stored.content == cached.content == uncached.content
    assert stored["Content-Type"] == cached["Content-Type"] == uncached["Content-Type"]
    assert cached["Vary"] == uncached["Vary"] and cached["Allow"] == uncached["Allow"]


def test_reordered_parameters_share_an_entry_and_other_queries_do_not(api, desk, django_assert_num_queries):
    warm(api, url("claims", "?page=2&page_size=3"), django_assert_num_queries)
    with django_assert_num_queries(0):
        assert api.get(url("claims", "?page_size=3&page=2")).status_code == 200
    other = api.get(url("claims", "?page=1&page_size=3"))
    assert other.json()["results"] != api.get(url("claims", "?page=2&page_size=3")).json()["results"]


def test_the_browsable_api_is_never_cached(api, desk, django_assert_max_num_queries):
    api.get(url("claims"), HTTP_ACCEPT="text/html")
    page = api.get(url("claims"), HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "ETag" not in page
    assert b"<html" in page.content


def test_an_orm_save_shows_at_once(api, desk, django_assert_num_queries):
    warm(api, url("claims"), django_assert_num_queries)
    claim = Claim.objects.order_by("pk").first()
    claim.statement = "Saved through the ORM"
    claim.save()
    assert "Saved through the ORM" in [c["statement"] for c in api.get(url("claims")).json()["results"]]


def test_a_write_through_the_api_shows_at_once(api, desk, django_assert_num_queries):
    warm(api, url("entities", "?page_size=100"), django_assert_num_queries)
    assert api.post(url("entities"), {"kind": "person", "name": "Added by API"}, format="json").status_code == 201
    names = [e["name"] for e in api.get(url("entities", "?page_size=100")).json()["results"]]
    assert "Added by API" in names


def test_a_bulk_update_shows_at_once(api, desk, django_assert_num_queries):
    warm(api, url("claims"), django_assert_num_queries)
    Claim.objects.update(claimant="Bulk claimant")
    assert {c["claimant"] for c in api.get(url("claims")).json()["results"]} == {"Bulk claimant"}


def test_raw_sql_shows_at_once(api, desk, django_assert_num_queries):
    warm(api, url("sources"), django_assert_num_queries)
    with connection.cursor() as cursor:
        cursor.execute("  update claims_source set title = %s", ["Written in raw SQL"])
    assert {s["title"] for s in api.get(url("sources")).json()["results"]} == {"Written in raw SQL"}


def test_an_admin_deletion_shows_at_once(api, client, desk, django_assert_num_queries):
    warm(api, url("entities"), django_assert_num_queries)
    gone = Entity.objects.order_by("pk").first()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pass-word-123"))
    response = client.post(
        "/admin/claims/entity/", {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"}
    )
    assert response.status_code == 302 and not Entity.objects.filter(pk=gone.pk).exists()
    assert gone.pk not in [e["id"] for e in api.get(url("entities")).json()["results"]]


def test_a_write_on_another_connection_shows_at_once(api, desk, django_assert_num_queries):
    """As a Celery worker's or another web process's write would."""
    warm(api, url("evidence"), django_assert_num_queries)

    def elsewhere():
        try:
            Evidence.objects.update(passage="Changed by a worker")
        finally:
            connection.close()

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert {e["passage"] for e in api.get(url("evidence")).json()["results"]} == {"Changed by a worker"}


def test_inside_a_transaction_that_wrote_the_list_is_read_from_the_database(api, desk, django_assert_num_queries):
    """Its own uncommitted rows are visible to it and go into no cache: a rollback leaves nothing behind."""
    warm(api, url("sources"), django_assert_num_queries)
    with pytest.raises(RuntimeError), transaction.atomic():
        Source.objects.update(title="Never committed")
        assert {s["title"] for s in api.get(url("sources")).json()["results"]} == {"Never committed"}
        raise RuntimeError("roll back")
    assert "Never committed" not in {s["title"] for s in api.get(url("sources")).json()["results"]}
    with transaction.atomic():
        Source.objects.update(title="Committed")
    assert {s["title"] for s in api.get(url("sources")).json()["results"]} == {"Committed"}


def test_a_matching_etag_gets_304_until_a_write(api, desk, django_assert_num_queries):
    first = warm(api, url("articles"), django_assert_num_queries)
    with django_assert_num_queries(0):
        again = api.get(url("articles"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    ArticleFactory(title="A new article")
    changed = api.get(url("articles"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_each_role_has_its_own_entries(api, api_as, desk, reviewer, django_assert_num_queries):
    mine = warm(api, url("claims"), django_assert_num_queries)
    as_reviewer = api_as(reviewer)
    with django_assert_num_queries(8):  # a miss: the reviewer's page is not the editor's entry
        theirs = as_reviewer.get(url("claims"))
    assert theirs.status_code == 200 and theirs["ETag"] != mine["ETag"]
    assert theirs.content == mine.content  # today the lists show every role the same


def test_a_revoked_token_is_refused_at_once(api, desk, django_assert_num_queries):
    warm(api, url("claims"), django_assert_num_queries)
    Token.objects.filter(user=desk).delete()
    assert api.get(url("claims")).status_code == 401


def test_a_deactivated_user_is_refused_at_once(api, desk, django_assert_num_queries):
    warm(api, url("sources"), django_assert_num_queries)
    User.objects.filter(pk=desk.pk).update(is_active=False)
    assert api.get(url("sources")).status_code == 401


def test_a_role_taken_away_is_refused_at_once(api, desk, django_assert_num_queries):
    warm(api, url("entities"), django_assert_num_queries)
    desk.groups.clear()
    assert api.get(url("entities")).status_code == 403


def test_a_cached_token_writes_as_its_user(api, desk, django_assert_num_queries):
    warm(api, url("sources"), django_assert_num_queries)
    created = api.post(url("sources"), {"url": "https://example.org/report"}, format="json")
    assert created.status_code == 201
    assert Source.objects.get(pk=created.json()["id"]).created_by == desk


def test_a_user_rebuilt_from_the_cache_keeps_its_password_when_saved(desk):
    key = Token.objects.create(user=desk).key
    authentication = CachedTokenAuthentication()
    authentication.request = type("Request", (), {})()  # a request object to memo the generations on
    authentication.authenticate_credentials(key)  # stored
    user, token = authentication.authenticate_credentials(key)  # rebuilt from the entry
    assert token.key == key and token.user is user and user.pk == desk.pk
    user.first_name = "Renamed"
    user.save()
    saved = User.objects.get(pk=desk.pk)
    assert saved.first_name == "Renamed" and saved.check_password("pass-word-123")


@pytest.mark.parametrize("name", LISTS)
def test_a_miss_costs_the_same_queries_whatever_the_page_and_table_size(api, desk, name, django_assert_num_queries):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    def miss(query):
        with CaptureQueriesContext(db) as queries:
            assert api.get(url(name, query)).status_code == 200
        return len(queries)

    api.get(url(name, "?page_size=1"))  # the token's look-up is cached from here on
    small = miss("?page_size=2")
    assert miss("?page_size=50") == small
    for n in range(12):
        EvidenceFactory(claim=ClaimFactory(statement=f"More {n}"), source=SourceFactory())
        EntityFactory()
        ArticleFactory()
    assert miss("?page_size=50") == small  # after the writes: a miss again, on a larger table
    with django_assert_num_queries(0):
        api.get(url(name, "?page_size=50"))


def test_without_the_setting_every_page_is_read_from_the_database(api, desk, settings, django_assert_num_queries):
    settings.DESK_API_CACHE = False
    api.get(url("claims"))
    with django_assert_num_queries(8):  # token and user, roles, count, page, four prefetches
        response = api.get(url("claims"))
    assert "ETag" not in response


@pytest.mark.parametrize(
    ("sql", "keys"),
    [
        ('SELECT "claims_claim"."id" FROM "claims_claim"', []),
        ('UPDATE "claims_claim" SET "statement" = %s', [DESK_KEY]),
        ("  /* a note */ insert into claims_tag (name) values (%s)", [DESK_KEY]),
        ('DELETE FROM "authtoken_token" WHERE "key" = %s', [DESK_KEY, AUTH_KEY]),
        ("update auth_user set is_active = false", [DESK_KEY, AUTH_KEY]),
        ('TRUNCATE "claims_claim", "auth_user_groups"', [DESK_KEY, AUTH_KEY]),
        (
            "WITH moved AS (UPDATE claims_claim SET status = 'draft' RETURNING id) SELECT count(*) FROM moved",
            [DESK_KEY],
        ),
        ("WITH recent AS (SELECT id FROM claims_claim) SELECT * FROM recent", []),
        ('ALTER TABLE "claims_claim" ADD COLUMN "x" integer', [DESK_KEY]),
        ('UPDATE "django_session" SET "session_data" = %s', []),
    ],
)
def test_which_statements_move_which_generations(sql, keys):
    assert written_keys(sql) == keys


def test_a_reconnected_connection_is_watched_once(desk):
    from claims.write_generation import install, watch_writes

    install(connection)
    install(connection)
    assert connection.execute_wrappers.count(watch_writes) == 1
