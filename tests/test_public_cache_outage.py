"""A retracted claim never comes back from a cache: not while Redis is down, not after it restarts empty. And the
public pages leave Redis (the Celery broker too) no key without an expiry and no key for a claim that does not
exist, however many ids a client makes up."""

import subprocess

import pytest
import redis

from claims import page_cache as generations
from claims.models import Claim
from claims.page_cache import forget_local_pages
from claims.services.workflow import transition_claim
from tests.factories import EvidenceFactory, UserFactory
from tests.public_helpers import fresh_cache, make_claim, redis_cache, url  # noqa: F401 (fresh_cache is autouse)
from tests.scale.cluster import connects, wait_until

pytestmark = pytest.mark.django_db
LIST = "/api/v1/public/claims/"
RETRACTED = 'class="status-badge status-retracted"'


@pytest.fixture
def cache_on(private_redis, settings):
    """The cache on the test's own redis-server, as production configures it (short timeouts)."""
    settings.CACHES = redis_cache(private_redis, "outage")
    forget_local_pages()
    yield private_redis
    generations.stop_tracking()
    forget_local_pages()


def restart_empty(server) -> None:
    server.stop()
    server.start()  # --save "": nothing on disk, so it comes back with no keys at all


def retract(claim, reviewer, on_commit):
    with on_commit(execute=True):
        transition_claim(claim=claim, to="retracted", by=reviewer, public_note="The source was fabricated.")
        # Four eyes: the retraction is proposed, and made when another reviewer approves it.
        transition_claim(claim=claim, to="retracted", by=UserFactory(username="rev2", role="reviewer"))


def shown(client, claim) -> tuple[bool, str]:
    """Whether the claim page says "Retracted", and the status the public API lists it with."""
    page = client.get(url(claim))
    assert page.status_code == 200
    listed = client.get(LIST).json()["results"]
    return RETRACTED in page.content.decode(), next(c["status"] for c in listed if c["id"] == claim.pk)


def warm(client, claim) -> None:
    for _ in range(2):  # rendered, then served from the caches (shared and this process's memory)
        assert RETRACTED not in client.get(url(claim)).content.decode()
        assert client.get(LIST).json()["results"][0]["status"] == "published"


def test_a_retracted_claim_stays_retracted_while_redis_is_down(
    client, cache_on, reviewer, django_capture_on_commit_callbacks
):
    claim = make_claim(statement="Two thousand fighters")
    warm(client, claim)
    retract(claim, reviewer, django_capture_on_commit_callbacks)
    assert shown(client, claim) == (True, "retracted")
    cache_on.stop()
    assert shown(client, claim) == (True, "retracted")
    assert shown(client, claim) == (True, "retracted")


def test_a_retracted_claim_stays_retracted_after_redis_restarts_empty(
    client, cache_on, reviewer, django_capture_on_commit_callbacks
):
    claim = make_claim(statement="Two thousand fighters")
    warm(client, claim)
    retract(claim, reviewer, django_capture_on_commit_callbacks)
    assert shown(client, claim) == (True, "retracted")
    restart_empty(cache_on)
    assert shown(client, claim) == (True, "retracted")
    assert shown(client, claim) == (True, "retracted")


def test_pages_are_cached_again_once_redis_is_back(client, cache_on, django_assert_max_num_queries):
    claim = make_claim()
    address = url(claim)
    client.get(address), client.get(LIST)
    cache_on.stop()
    cache_on.start()
    for _ in range(2):  # rendered once under generations the restarted Redis never saw, then cached
        client.get(address), client.get(LIST), client.get("/")
    with django_assert_max_num_queries(0):
        assert client.get(address).status_code == 200
        assert client.get(LIST).status_code == 200
        assert client.get("/").status_code == 200


def test_a_claim_page_rendered_while_redis_is_down_keeps_its_etag(client, cache_on):
    claim = make_claim()
    first = client.get(url(claim))
    cache_on.stop()
    # Rendered from the database: the same bytes, so the same ETag, and a 304 is still a truthful answer.
    assert client.get(url(claim), headers={"if-none-match": first["ETag"]}).status_code == 304


def test_lists_promise_nothing_they_cannot_validate_while_redis_is_down(client, cache_on):
    make_claim()
    first = client.get("/")
    cache_on.stop()
    again = client.get("/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and "ETag" not in again
    listed = client.get(LIST)
    assert listed.status_code == 200 and "ETag" not in listed


class PersistentRedis:
    """A redis-server that saves its data when stopped and loads it when started, as a broker usually runs."""

    def __init__(self, server, folder):
        self.server, self.folder = server, folder

    def start(self):
        self.server.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.server.port),
                "--dir",
                str(self.folder),
                "--save",
                "3600 1",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: connects(self.server.port), 10, "redis-server did not start")

    def stop(self):
        self.server.stop()  # SIGTERM: with a save point configured, it writes its data to disk first


def test_a_retraction_made_while_redis_is_down_shows_once_it_is_back_with_its_data(
    client, cache_on, reviewer, django_capture_on_commit_callbacks, tmp_path, monkeypatch
):
    monkeypatch.setattr(generations, "RETRY_SECONDS", 0.2)
    cache_on.stop()
    persistent = PersistentRedis(cache_on, tmp_path)
    persistent.start()
    claim = make_claim()
    warm(client, claim)
    persistent.stop()
    retract(claim, reviewer, django_capture_on_commit_callbacks)  # its new generations cannot be written
    assert shown(client, claim) == (True, "retracted")
    persistent.start()
    assert all_keys(cache_on)  # back with the generations and pages of before the retraction
    wait_until(lambda: shown(client, claim) == (True, "retracted"), 5, "the retraction stayed hidden")


def keys_without_expiry(server) -> list[str]:
    client = redis.Redis.from_url(server.url)
    return sorted(key.decode() for key in client.scan_iter() if client.ttl(key) < 0)


def all_keys(server) -> list[str]:
    return sorted(key.decode() for key in redis.Redis.from_url(server.url).scan_iter())


def test_every_key_the_public_pages_write_expires(client, cache_on, reviewer, django_capture_on_commit_callbacks):
    claim = make_claim()
    EvidenceFactory(claim=claim)
    for _ in range(2):
        client.get(url(claim)), client.get(url(claim, "ar")), client.get("/"), client.get(LIST)
        client.get(f"/entities/{claim.claimant_entity_id or 0}/"), client.get(f"/articles/{claim.article_id}/")
        client.get(f"{LIST}{claim.pk}/")
    retract(claim, reviewer, django_capture_on_commit_callbacks)
    client.get(url(claim)), client.get(LIST)
    assert all_keys(cache_on)  # the run did write: pages, generations, throttles
    assert keys_without_expiry(cache_on) == []


def test_no_key_is_written_for_a_claim_that_does_not_exist_or_is_not_public(client, cache_on):
    draft = make_claim(status="draft", verdict="")
    missing = Claim.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    for pk in [draft.pk, missing, missing + 1, missing + 2]:
        assert client.get(f"/claims/{pk}/").status_code == 404
        assert client.get(f"/claims/{pk}/slug/").status_code == 404
    written = all_keys(cache_on)
    assert [
        key for key in written if any(f":{pk}" in key for pk in [draft.pk, missing, missing + 1, missing + 2])
    ] == []
    assert keys_without_expiry(cache_on) == []


def test_a_change_committed_while_a_claim_page_first_renders_is_not_hidden_by_it(client, monkeypatch):
    """The first view of a claim starts its generation only after rendering (a made-up id must leave no key): a
    change a service commits during that render still shows at the next view."""
    from claims.page_cache import invalidate_claim
    from claims.public import views

    claim = make_claim(rationale="First reading.")
    render = views._render_claim

    def render_then_change(request, pk):
        rendered = render(request, pk)
        Claim.objects.filter(pk=pk).update(rationale="Second reading.")
        invalidate_claim(pk)  # what the services run once the change is committed
        return rendered

    monkeypatch.setattr(views, "_render_claim", render_then_change)
    assert "First reading." in client.get(url(claim)).content.decode()
    monkeypatch.setattr(views, "_render_claim", render)
    assert "Second reading." in client.get(url(claim)).content.decode()


def commands_run(server) -> int:
    stats = redis.Redis.from_url(server.url).info("commandstats")
    # Not counted: this INFO and the handshake (HELLO, CLIENT SETINFO) of the connection that sends it, and the
    # tracking connection's heartbeat (PING) and set-up (CLIENT, SUBSCRIBE).
    handshake = ("cmdstat_info", "cmdstat_hello", "cmdstat_client", "cmdstat_ping", "cmdstat_subscribe")
    return sum(row["calls"] for name, row in stats.items() if not name.startswith(handshake))


def tracking_trusted() -> bool:
    tracker = generations.cache.tracker  # type: ignore[attr-defined]
    return tracker is not None and tracker.trusted()


@pytest.mark.parametrize("path", ["claim", "/"])
def test_a_cached_page_costs_no_redis_command_while_redis_tracks_its_generations(client, cache_on, path):
    address = url(make_claim()) if path == "claim" else path
    client.get(address)
    wait_until(tracking_trusted, timeout=10, message="Redis never confirmed the tracking connection")
    client.get(address)  # the generations are now in this process's memory
    before = commands_run(cache_on)
    assert client.get(address).status_code == 200
    assert client.get(address).status_code == 200
    assert commands_run(cache_on) - before == 0


@pytest.mark.parametrize("path", ["claim", "/"])
def test_a_cached_page_costs_one_redis_command_without_tracking(client, cache_on, settings, path):
    settings.CACHE_TRACKING = False
    settings.CACHES = {"default": {**settings.CACHES["default"]}}  # a new backend, which reads the setting
    address = url(make_claim()) if path == "claim" else path
    client.get(address), client.get(address)
    before = commands_run(cache_on)
    assert client.get(address).status_code == 200
    assert commands_run(cache_on) - before == 1  # the generations (MGET or GET); the page is in this process
