"""Fixtures shared by the whole suite: users by role, API clients, the demo desk, a real Celery worker."""

import hypothesis
import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

# Local HTTP servers and fetch settings for the capture tests; a local SMTP server for the mail tests; a second
# publisher's server for the feed tests; a database, a Redis and a data directory for each xdist worker.
pytest_plugins = ["tests.parallel", "tests.capturing", "tests.mail", "tests.feedsupport"]

# PBKDF2 costs about 0.3 s a password on these machines, and most tests make users and sign them in. No test
# starts a process that checks a password the suite set, so the suite hashes with a fast hasher; the deployed
# settings keep Django's default (tests/test_settings.py checks both).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


# Hypothesis times each example (a 200 ms deadline) and the generation of data (the too_slow health check): both
# are wall-clock assertions, which fail on a shared machine under load with nothing wrong in the code. The
# properties themselves stay as strict as they are; only the clock is taken out.
hypothesis.settings.register_profile(
    "suite", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow], print_blob=True
)
hypothesis.settings.load_profile("suite")


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request through the desk activates its reader's language in the thread (DeskLanguageMiddleware, as
    Django's LocaleMiddleware does) and nothing resets it, since the next request activates its own; tests also
    call services with no request, so each test ends in the default language rather than lend the next its own."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _new_public_lists_generation():
    """Public API list pages are cached under the lists generation, desk lists under the desk's, and claim ids
    repeat across test databases: each test starts on generations no earlier test cached a page under."""
    from claims.page_cache import forget_local_pages, invalidate_lists
    from claims.write_generation import writes_happened

    forget_local_pages()
    invalidate_lists()
    writes_happened()  # the desk's API lists and token look-ups too (claims/write_generation.py)


@pytest.fixture
def editor(db):
    return UserFactory(username="ed", role="editor")


@pytest.fixture
def second_editor(db):
    return UserFactory(username="ed2", role="editor")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rev", role="reviewer")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="boss", role="admin")


@pytest.fixture
def outsider(db):
    """Signed in, but in no desk group."""
    return UserFactory(username="nobody")


def _api_client(user):
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(editor):
    return _api_client(editor)


@pytest.fixture
def api_as():
    return _api_client


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo", password="demo-pass-123", verbosity=0)
    from claims.models import Article

    return Article.objects.get()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming from the configured broker (Redis in CI); its tasks have ended and
    its queues are empty when the test is over (tests/workers.py)."""
    from tests.workers import running_worker

    with running_worker() as worker:
        yield worker


@pytest.fixture
def private_redis():
    """A running redis-server of this test's own, to stop and restart empty (``--save ""``); stopped after."""
    import shutil

    from tests.scale.cluster import Redis

    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    redis = Redis()
    redis.start()
    yield redis
    if redis.proc.poll() is None:
        redis.stop()
