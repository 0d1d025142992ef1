"""Settings for the fact-claim tracker, every knob read from the environment (12-factor).

Defaults run a whole desk on one machine with nothing installed: SQLite and a filesystem Celery broker under
``data/``. Set ``DATABASE_URL`` and ``REDIS_URL`` to run on PostgreSQL and Redis with any number of web and worker
processes. Each variable is documented in README.md; a malformed value stops start-up with its name.
"""

import ipaddress
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from claims.fetching.safety import parse_allowed_ports

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _networks(name: str) -> tuple:
    """Parse a comma-separated list of CIDRs, failing loudly with the variable's name."""
    try:
        return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in env.list(name, default=[]) if cidr)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


def _ports(name: str) -> tuple:
    """Parse a comma-separated list of ports and ranges ("8080, 9000-9099"), failing loudly with the variable's
    name."""
    try:
        return parse_allowed_ports(env.str(name, default=""))
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


def _local_secret_key(path: Path) -> str:
    """The key kept in ``path`` (mode 600), made on first use. Web, worker and beat start at once: the file is
    linked into place whole, so the one that loses the race reads the winner's key."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(get_random_secret_key())
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))


class _EnvFile(environ.Env):
    """The variables of data/.env, read into a dict of their own: never copied into os.environ, where every
    subprocess (a test's production probe, say) would inherit them."""

    ENVIRON: dict = {}


# `make run` writes data/.env (LOCAL_DEPLOYMENT=1), so a manage.py command typed in a new shell runs against the
# same desk; variables set in the environment win over the file.
if (DATA_DIR / ".env").is_file():
    _EnvFile.read_env(DATA_DIR / ".env")
    env.ENVIRON = {**_EnvFile.ENVIRON, **os.environ}

DEBUG = env.bool("DEBUG", default=False)
# One machine over plain HTTP on 127.0.0.1 (`make run`): DEBUG stays off, but the key is generated and kept under
# data/, and the HTTPS-only defaults below are relaxed. Production never sets it and keeps every strict default.
LOCAL_DEPLOYMENT = env.bool("LOCAL_DEPLOYMENT", default=False)
_STRICT = not DEBUG and not LOCAL_DEPLOYMENT

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
elif env.str("SECRET_KEY", default=""):
    SECRET_KEY = env.str("SECRET_KEY")
elif LOCAL_DEPLOYMENT:
    SECRET_KEY = _local_secret_key(DATA_DIR / "secret_key")
else:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (DEBUG=1 allows a development key; LOCAL_DEPLOYMENT=1, which "
        "`make run` writes to data/.env, keeps a generated one in data/secret_key)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if not _STRICT else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Fact Desk")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "claims",
]

MIDDLEWARE = [
    "claims.middleware.RequestIdMiddleware",
    # Health checks answer before the host check and the HTTPS redirect (load balancers probe by address).
    "claims.middleware.HealthCheckMiddleware",
    # The replay origin (REPLAY_ORIGIN) is answered whole here: none of its requests reaches a session or a view.
    "claims.replay_http.ReplayOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Right after the CSRF middleware's cookie is read, before its token check reads the body.
    "claims.middleware.RequestTooLargeMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The desk speaks each person's interface language (their profile, else the cookie, else Accept-Language);
    # LocaleMiddleware above keeps the public site's language in its URL.
    "claims.middleware.DeskLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.site",
                "claims.context_processors.notifications",
            ],
        },
    },
]

# Database: SQLite under data/ unless DATABASE_URL says otherwise. TEST_DATABASE_NAME lets parallel test runs
# on one PostgreSQL server keep apart.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker write the same file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when REDIS_URL is set, is the Celery broker and result store and the cache. Without it: kombu's
# filesystem transport under data/ and a per-process memory cache.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_DIR = DATA_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
    CACHES = {
        "default": {
            "BACKEND": "claims.page_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="factdesk"),
            # Fail fast while Redis restarts: the resilient backend then answers as if the cache were empty.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host names nothing; without it kombu warns on every connect
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The API's desk lists and token look-ups are cached in the shared cache under the desk's write generations
# (claims/write_generation.py): on by default with Redis; without it each process's memory is its own, and a
# worker's write could not reach the web's entries, so the default is off.
DESK_API_CACHE = env.bool("DESK_API_CACHE", default=bool(REDIS_URL))
# Each web process keeps the cache generations in memory and Redis tells it when one changes (client-side caching,
# claims/cache_tracking.py): a cached page then costs no round trip to Redis. Off: every request asks Redis.
CACHE_TRACKING = env.bool("CACHE_TRACKING", default=True)

CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ALWAYS_EAGER = False
# No result store: job state lives in the database (Capture.state and friends), so nothing waits on a result,
# and a Redis outage cannot stall the web in the result backend's reconnect loop.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = False  # opted into per task, only where a task is safe to run twice
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# When the broker connection drops, acks_late tasks still running are stopped and run again later (they are safe
# to run twice; a capture's lease and the sweeper bring it back). Letting them finish was worse: with kombu 5.7 the
# acknowledgement of a task that ends after the reconnect goes to the dead connection's channel and raises
# AttributeError, which stops the worker ("Unrecoverable error"; tests/scale/test_broker_outages.py). Celery 6's default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Celery's prefork pool, with a fault mended that left a worker unable to consume after a broker outage
# (project/worker_pool.py; docs/deploy.md, "Broker outages").
CELERY_WORKER_POOL = "project.worker_pool:TaskPool"
# Celery's consumer, reconnecting even when closing the lost connection fails (project/worker_consumer.py).
CELERY_WORKER_CONSUMER = "project.worker_consumer:Consumer"
# Worker liveness (project/liveness.py, docs/deploy.md): each worker touches WORKER_LIVENESS_DIR/<node name>.alive
# every WORKER_LIVENESS_SECONDS while it makes progress; `manage.py check_worker` is the orchestrator's probe. A
# worker with room for work stalls when messages wait WORKER_STALL_SECONDS untaken.
WORKER_LIVENESS_DIR = Path(env.str("WORKER_LIVENESS_DIR", default=str(DATA_DIR / "workers")))
WORKER_LIVENESS_SECONDS = env.float("WORKER_LIVENESS_SECONDS", default=10.0)
WORKER_STALL_SECONDS = env.float("WORKER_STALL_SECONDS", default=60.0)
# Workers log through LOGGING below like the web does (JSON when asked, with the task id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TASK_ROUTES = {
    "claims.tasks.capture_source": {"queue": "captures"},
    # Browser captures run Chromium: their own queue and workers (Procfile "browser", one capture at a time).
    "claims.tasks.capture_in_browser": {"queue": "browser"},
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# Reader requests ("check this", docs/requests.md): submissions of the public form one address may make per hour.
READER_REQUESTS_PER_HOUR = env.int("READER_REQUESTS_PER_HOUR", default=10)

# Fetching sources (see docs/fetching.md).
FETCH_ALLOWED_NETWORKS = _networks("FETCH_ALLOWED_NETWORKS")
# Ports fetched besides 80 and 443 (a Redis or SMTP port must not receive our GETs); tests allow their servers'.
FETCH_ALLOWED_PORTS = _ports("FETCH_ALLOWED_PORTS")
FETCH_USER_AGENT = env.str("FETCH_USER_AGENT", default=f"FactDesk-Capture/1.0 (+{SITE_URL}/about/)")
FETCH_CONNECT_TIMEOUT = env.float("FETCH_CONNECT_TIMEOUT", default=5.0)
FETCH_READ_TIMEOUT = env.float("FETCH_READ_TIMEOUT", default=15.0)
FETCH_TOTAL_TIMEOUT = env.float("FETCH_TOTAL_TIMEOUT", default=45.0)
FETCH_MAX_BYTES = env.int("FETCH_MAX_BYTES", default=15 * 1024 * 1024)
# Characters of HTML read for a capture's text and metadata; longer pages are slimmed, then cut (the WARC keeps all).
FETCH_EXTRACT_MAX_CHARS = env.int("FETCH_EXTRACT_MAX_CHARS", default=2_000_000)
FETCH_MAX_REDIRECTS = env.int("FETCH_MAX_REDIRECTS", default=8)
# Pixels an image source may have (claims/fetching/images.py): checked from its header before decoding, so a small
# file that unpacks into a huge picture (a decompression bomb) is refused; the file's bytes are under FETCH_MAX_BYTES.
FETCH_IMAGE_MAX_PIXELS = env.int("FETCH_IMAGE_MAX_PIXELS", default=40_000_000)
FETCH_MAX_ATTEMPTS = env.int("FETCH_MAX_ATTEMPTS", default=4)
FETCH_PER_HOST_CONCURRENCY = env.int("FETCH_PER_HOST_CONCURRENCY", default=2)
FETCH_POLITENESS_DELAY = env.float("FETCH_POLITENESS_DELAY", default=1.0)
# Browser captures (claims/fetching/browser.py, docs/captures.md): Chromium's whole render (page, its files,
# screenshot and PDF) has BROWSER_TOTAL_TIMEOUT seconds, waits BROWSER_LOAD_TIMEOUT for the load event, loads at
# most BROWSER_MAX_REQUESTS files and BROWSER_MAX_BYTES in all (each file also under FETCH_MAX_BYTES).
BROWSER_EXECUTABLE = env.str("BROWSER_EXECUTABLE", default="/usr/bin/chromium")
BROWSER_TOTAL_TIMEOUT = env.float("BROWSER_TOTAL_TIMEOUT", default=90.0)
BROWSER_LOAD_TIMEOUT = env.float("BROWSER_LOAD_TIMEOUT", default=30.0)
BROWSER_SETTLE_MS = env.int("BROWSER_SETTLE_MS", default=1500)
BROWSER_MAX_REQUESTS = env.int("BROWSER_MAX_REQUESTS", default=300)
BROWSER_MAX_BYTES = env.int("BROWSER_MAX_BYTES", default=50 * 1024 * 1024)
BROWSER_MAX_SCREENSHOT_HEIGHT = env.int("BROWSER_MAX_SCREENSHOT_HEIGHT", default=15000)
# Chromium's processes in all (PSS, read from /proc), past which the browser is killed and the capture fails with
# the reason; 0 turns the watch off. The 19 real pages peaked at 905 MiB of the whole worker (docs/benchmarks.md).
BROWSER_MAX_MEMORY_MB = env.int("BROWSER_MAX_MEMORY_MB", default=1536)
# "auto" sources get a browser capture when the plain capture's text is shorter than this (or the page is a
# script shell).
BROWSER_AUTO_BELOW_CHARS = env.int("BROWSER_AUTO_BELOW_CHARS", default=200)
RECAPTURE_RECENT_HOURS = env.int("RECAPTURE_RECENT_HOURS", default=6)
RECAPTURE_HOURS = env.int("RECAPTURE_HOURS", default=72)

# Beat: re-send lost capture jobs every minute, queue due re-captures every five (claims/services/captures.py).
# The sweeper re-sends a capture still queued after this long (its message was lost, e.g. Redis restarted).
SWEEP_QUEUED_GRACE_SECONDS = env.float("SWEEP_QUEUED_GRACE_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-captures": {
        "task": "claims.tasks.sweep_captures",
        "schedule": env.float("SWEEP_SECONDS", default=60.0),
    },
    "schedule-recaptures": {
        "task": "claims.tasks.schedule_recaptures",
        "schedule": env.float("RECAPTURE_SCHEDULE_SECONDS", default=300.0),
    },
    # The daily digest of notifications, at NOTIFICATION_DIGEST_HOUR (UTC).
    "send-notification-digests": {
        "task": "claims.tasks.send_digests",
        "schedule": crontab(minute=0, hour=env.int("NOTIFICATION_DIGEST_HOUR", default=7)),
    },
    # Once a day, at this hour (UTC): claims due tomorrow, overdue, or sat too long in a status
    # (claims/services/assignments.py; the age limits are the desk settings, edited by admins in the desk).
    "send-reminders": {
        "task": "claims.tasks.send_reminders",
        "schedule": crontab(hour=env.int("REMINDERS_HOUR_UTC", default=6), minute=0),
    },
    # Queue the ClaimReview harvests that are due (each source has its own interval; claims/services/harvest.py).
    "sweep-harvest-sources": {
        "task": "claims.tasks.sweep_harvest_sources",
        "schedule": env.float("HARVEST_SWEEP_SECONDS", default=300.0),
    },
    # Queue the polls of monitored feeds that are due (each feed has its own interval; claims/services/feeds.py).
    "sweep-feeds": {
        "task": "claims.tasks.sweep_feeds",
        "schedule": env.float("FEED_SWEEP_SECONDS", default=60.0),
    },
}
# Claim matching (docs/matching.md): "auto" uses the sentence embeddings of the optional extra (make embeddings)
# when installed, and the lexical scorer otherwise; "lexical" always uses the lexical scorer.
MATCHING_METHOD = env.str("MATCHING_METHOD", default="auto")
if MATCHING_METHOD not in ("auto", "lexical"):
    raise ImproperlyConfigured('MATCHING_METHOD must be "auto" or "lexical".')
# A feed harvest reads at most this many of its newest fact-check pages per run (the rest wait for the next).
HARVEST_MAX_PAGES_PER_RUN = env.int("HARVEST_MAX_PAGES_PER_RUN", default=20)

# Monitored feeds (docs/feeds.md): a poll reads at most FEED_MAX_ITEMS_PER_POLL items (the newest; the rest are
# older and were read before, or wait for the next poll) and at most FEED_MAX_SITEMAPS_PER_POLL sitemaps of a
# sitemap index. A new story is compared with the inbox items of the last FEED_DEDUP_DAYS days.
FEED_MAX_ITEMS_PER_POLL = env.int("FEED_MAX_ITEMS_PER_POLL", default=50)
FEED_MAX_SITEMAPS_PER_POLL = env.int("FEED_MAX_SITEMAPS_PER_POLL", default=3)
FEED_DEDUP_DAYS = env.int("FEED_DEDUP_DAYS", default=7)
# Addresses per page of /sitemap.xml's sections: the sitemap protocol's limit (sitemaps.org) unless lowered.
SITEMAP_ADDRESSES_PER_PAGE = env.int("SITEMAP_ADDRESSES_PER_PAGE", default=50_000)

# A third-party copy of each captured page (docs/captures.md), when the desk turns it on in its settings: a
# Save Page Now 2 service (the Internet Archive by default), with the desk's keys if it has some, at most
# THIRD_PARTY_ARCHIVE_PER_MINUTE requests a minute, its job checked every THIRD_PARTY_ARCHIVE_CHECK_SECONDS, given
# up after THIRD_PARTY_ARCHIVE_MAX_TRIES calls.
THIRD_PARTY_ARCHIVE_URL = env.str("THIRD_PARTY_ARCHIVE_URL", default="https://web.archive.org")
THIRD_PARTY_ARCHIVE_ACCESS_KEY = env.str("THIRD_PARTY_ARCHIVE_ACCESS_KEY", default="")
THIRD_PARTY_ARCHIVE_SECRET_KEY = env.str("THIRD_PARTY_ARCHIVE_SECRET_KEY", default="")
THIRD_PARTY_ARCHIVE_PER_MINUTE = env.int("THIRD_PARTY_ARCHIVE_PER_MINUTE", default=6)
THIRD_PARTY_ARCHIVE_CHECK_SECONDS = env.int("THIRD_PARTY_ARCHIVE_CHECK_SECONDS", default=20)
THIRD_PARTY_ARCHIVE_MAX_TRIES = env.int("THIRD_PARTY_ARCHIVE_MAX_TRIES", default=30)

# E-mail (docs/notifications.md), through Django's mailers: SMTP to EMAIL_HOST. Without it, `make run`
# (LOCAL_DEPLOYMENT) and DEBUG print mail on the console, and production uses Django's own default, an SMTP server on
# the machine itself (localhost:25). The variables keep Django's classic names.
_EMAIL_HOST = env.str("EMAIL_HOST", default="")
_EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=bool(_EMAIL_HOST))
_EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
if _EMAIL_USE_TLS and _EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on (STARTTLS or implicit TLS: one).")
if _EMAIL_HOST or _STRICT:
    _MAILER = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _EMAIL_HOST or "localhost",
            "port": env.int("EMAIL_PORT", default=587 if _EMAIL_HOST else 25),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": _EMAIL_USE_TLS,
            "use_ssl": _EMAIL_USE_SSL,
            "timeout": env.int("EMAIL_TIMEOUT", default=20),
        },
    }
else:
    _MAILER = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _MAILER}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Webhooks (docs/notifications.md): delivered through the fetch client, under FETCH_ALLOWED_NETWORKS/PORTS.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3600.0)
# An endpoint is switched off after this many failed attempts in a row, or failing for this long.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=10)
WEBHOOK_DISABLE_AFTER_HOURS = env.float("WEBHOOK_DISABLE_AFTER_HOURS", default=24.0)

# Auth and the desk.
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "desk:login"
#: Minutes during which the author of a desk comment may still edit it (claims.services.comments).
COMMENT_EDIT_WINDOW = env.int("COMMENT_EDIT_WINDOW", default=15)
# Django's model backend, loading the desk profile (interface language) with the user in one query.
AUTHENTICATION_BACKENDS = ["claims.auth.DeskBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Request limits (docs/limits.md lists every limit). An uploaded article file: HTML carries markup around its text.
ARTICLE_UPLOAD_MAX_BYTES = env.int("ARTICLE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A request body without its files, forms and JSON alike. An article at its limit (claims.limits, 2,000,000
# characters) fits however it is encoded: Arabic form-urlencoded, or JSON with \uXXXX escapes, takes 6 bytes a
# character. Over it, claims.middleware.RequestTooLargeMiddleware answers 413 saying so.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=12 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "claims" / "locale"]
# Number formats per language over Django's own (project/formats/ar: Arabic groups thousands too).
FORMAT_MODULE_PATH = ["project.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
# Stored files (WARCs, original PDFs, uploaded documents) are reached only through claims.files.stored_file,
# which checks who may see each one: MEDIA_URL is that view's prefix, so a FileField's .url links to it.
MEDIA_URL = "/files/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
#: Who sends a stored file's bytes once the view allowed it: Django itself (empty), or the web server, told by an
#: X-Accel-Redirect header (nginx) to FILES_ACCEL_PREFIX + the file's name, or by X-Sendfile (Apache, lighttpd)
#: to the file's path.
FILES_SENDFILE = env.str("FILES_SENDFILE", default="").lower()
if FILES_SENDFILE not in {"", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured("FILES_SENDFILE must be empty, 'x-accel-redirect' or 'x-sendfile'.")
FILES_ACCEL_PREFIX = env.str("FILES_ACCEL_PREFIX", default="/protected-files/")
if not (FILES_ACCEL_PREFIX.startswith("/") and FILES_ACCEL_PREFIX.endswith("/")):
    raise ImproperlyConfigured("FILES_ACCEL_PREFIX must start and end with '/', e.g. /protected-files/.")
# Each WACZ's datapackage digest is signed (ECDSA P-384, the WACZ signing spec's anonymous signature) with this
# desk's key: WACZ_SIGNING_KEY (a PEM private key), else the file WACZ_SIGNING_KEY_FILE, created on first use with
# mode 0600. Its public half is served at /archive-key.pem.
WACZ_SIGNING_KEY = env.str("WACZ_SIGNING_KEY", default="", multiline=True)
WACZ_SIGNING_KEY_FILE = Path(env.str("WACZ_SIGNING_KEY_FILE", default=str(DATA_DIR / "wacz_signing_key.pem")))
# ReplayWeb.page (vendored in claims/vendor/replaywebpage) replays the WACZ files from an origin of its own, so
# that an archived page's scripts never run where the desk's session lives: REPLAY_ORIGIN, e.g.
# https://replay.desk.example.org (claims/replay_http.py answers every request for that host; the app never sees
# them). Empty: no replay, the archived copy is shown as text. A desk member's token to fetch a WACZ there lasts
# REPLAY_TOKEN_SECONDS; a public one (checked again against what is public at each fetch) lasts
# REPLAY_PUBLIC_TOKEN_SECONDS, longer than a CDN may serve a stale public page (claims/public/views.py).
REPLAY_ORIGIN = env.str("REPLAY_ORIGIN", default="").rstrip("/")
REPLAY_TOKEN_SECONDS = env.int("REPLAY_TOKEN_SECONDS", default=3600)
REPLAY_PUBLIC_TOKEN_SECONDS = env.int("REPLAY_PUBLIC_TOKEN_SECONDS", default=2 * 86400)
if REPLAY_ORIGIN:
    _replay = urlsplit(REPLAY_ORIGIN)
    if _replay.scheme not in {"http", "https"} or not _replay.hostname or _replay.path:
        raise ImproperlyConfigured("REPLAY_ORIGIN must be an origin alone, e.g. https://replay.desk.example.org.")
    if f"{_replay.scheme}://{_replay.netloc}" == SITE_URL:
        raise ImproperlyConfigured("REPLAY_ORIGIN must not be the desk's own origin (SITE_URL): replay is sandboxed.")
DOCUMENT_UPLOAD_MAX_BYTES = env.int("DOCUMENT_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Spreadsheets (docs/spreadsheets.md): an export holds at most this many claims (the rows are built in memory);
# an import reads at most this many bytes and data rows, and keeps its preview this many seconds for the confirm.
SPREADSHEET_EXPORT_MAX_ROWS = env.int("SPREADSHEET_EXPORT_MAX_ROWS", default=5000)
SPREADSHEET_IMPORT_MAX_BYTES = env.int("SPREADSHEET_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
SPREADSHEET_IMPORT_MAX_ROWS = env.int("SPREADSHEET_IMPORT_MAX_ROWS", default=1000)
SPREADSHEET_PREVIEW_SECONDS = env.int("SPREADSHEET_PREVIEW_SECONDS", default=3600)
# Stored files go to MEDIA_ROOT on the local disk, or, with S3_BUCKET set, to S3-compatible object storage
# (AWS S3, MinIO, Ceph, Garage...) through django-storages, so that web and worker machines share them
# (docs/deploy.md). Keys: S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY, else boto3's own chain (AWS_* variables, a role).
S3_BUCKET = env.str("S3_BUCKET", default="")
STORAGE_DEFAULT: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if S3_BUCKET:
    if FILES_SENDFILE:
        raise ImproperlyConfigured(
            "FILES_SENDFILE hands the web server a file on its disk; with S3_BUCKET set the files are in object "
            "storage: leave FILES_SENDFILE empty."
        )
    STORAGE_DEFAULT = {
        "BACKEND": "project.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="") or None,
            # Private objects, never overwritten (a second file of a name gets a suffix, as on disk); readers get
            # them through claims.files.stored_file, which checks who may see each, never from the bucket.
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
STORAGES = {
    "default": STORAGE_DEFAULT,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication, its answer cached per token (claims/api/auth.py).
        "claims.api.auth.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.permissions.IsDeskMember"],
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.PagePagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_FILTER_BACKENDS": [
        "claims.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # DRF's own, with a nesting limit on JSON bodies.
    "DEFAULT_PARSER_CLASSES": [
        "claims.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "claims.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "claims.api.throttling.AnonRateThrottle",
        "claims.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/minute"),
        "user": env.str("API_USER_RATE", default="2000/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact Desk API",
    "DESCRIPTION": "Articles, claims, sources, evidence and the verification workflow of a fact-checking desk.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies documented as JSON only: a form encoding cannot carry the nested selector, details or names, so a
    # client generated for it would fail (the API still reads forms, for the browsable API's HTML forms).
    "PARSER_WHITELIST": ["claims.api.parsers.JSONParser"],
    # One named enum for each set of ids that several components share: a claim's status and a transition's
    # target; the claim kinds of Claim and PublicClaim (the same claim, as readers see it).
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "claims.models.Claim.Status",
        "ClaimKindEnum": "claims.models.Claim.Kind",
        "NotificationEventEnum": "claims.models.Notification.Event",
        "WebhookEventEnum": "claims.models.Webhook.Event",
        "HarvestSourceKindEnum": "claims.models.HarvestSource.Kind",
        "FeedKindEnum": "claims.models.Feed.Kind",
        "InboxItemStateEnum": "claims.models.InboxItem.State",
    },
    # The request schemas state what the API accepts (cross-field rules, NUL-free texts, closed bodies): see
    # claims/api/schema.py. The default hook (shared enums) runs first.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "claims.api.schema.state_the_rules"],
    # Swagger UI served from this server (no CDN): the desk works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security: safe by default once DEBUG is off; the TLS-related ones can be relaxed behind a terminating proxy, and
# are off in the local deployment, which has no TLS (cookies marked Secure would never come back over plain HTTP).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_STRICT)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_STRICT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_STRICT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _STRICT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _STRICT
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Host-only cookies (no Domain attribute): the replay origin, a sibling host, never receives the desk's session or
# CSRF cookie. Not read from the environment on purpose.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
# HSTS preload is a one-way door (browsers hard-code the host); it is the operator's explicit choice, so its
# reminder is silenced unless they opted in.
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[] if SECURE_HSTS_PRELOAD else ["security.W021"])

LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "claims.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would write every django.* line a second time, as plain text.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
