"""Settings come from the environment, with embedded defaults and loud failures on bad values."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'], 'name': str(settings.DATABASES['default']['NAME']),"
    " 'broker': settings.CELERY_BROKER_URL, 'cache': settings.CACHES['default']['BACKEND'],"
    " 'ssl_redirect': settings.SECURE_SSL_REDIRECT, 'secure_cookies': settings.SESSION_COOKIE_SECURE,"
    " 'networks': [str(n) for n in settings.FETCH_ALLOWED_NETWORKS],"
    " 'ports': [[r.start, r.stop - 1] for r in settings.FETCH_ALLOWED_PORTS]}))"
)


def probe(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    base.update({"DJANGO_SETTINGS_MODULE": "project.settings", "DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


def test_defaults_need_no_services(tmp_path):
    result = probe(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["db"] == "django.db.backends.sqlite3"
    assert got["name"] == str(tmp_path / "db.sqlite3")
    assert got["broker"] == "filesystem://localhost//"
    assert got["cache"].endswith("LocMemCache")


def test_database_and_redis_urls_switch_backends(tmp_path):
    result = probe(
        tmp_path, DEBUG="1", DATABASE_URL="postgres://u@db.example:5432/desk", REDIS_URL="redis://cache.example:6379/2"
    )
    got = json.loads(result.stdout)
    assert got["db"] == "django.db.backends.postgresql"
    assert got["broker"] == "redis://cache.example:6379/2"
    assert got["cache"] == "claims.page_cache.ResilientRedisCache"


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = probe(tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_defaults_are_secure(tmp_path):
    result = probe(tmp_path, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="desk.example.org")
    got = json.loads(result.stdout)
    assert got["ssl_redirect"] is True and got["secure_cookies"] is True


def test_bad_network_list_names_the_variable(tmp_path):
    result = probe(tmp_path, DEBUG="1", FETCH_ALLOWED_NETWORKS="10.0.0.0/8,not-a-network")
    assert result.returncode != 0
    assert "FETCH_ALLOWED_NETWORKS" in result.stderr
    assert "not-a-network" in result.stderr


def test_allowed_networks_are_parsed(tmp_path):
    result = probe(tmp_path, DEBUG="1", FETCH_ALLOWED_NETWORKS=" 127.0.0.1/32, 10.1.0.0/16 ,")
    assert json.loads(result.stdout)["networks"] == ["127.0.0.1/32", "10.1.0.0/16"]


def test_no_allowed_networks_by_default(tmp_path):
    result = probe(tmp_path, DEBUG="1", FETCH_ALLOWED_NETWORKS="")
    assert json.loads(result.stdout)["networks"] == []


def test_an_unknown_way_of_sending_files_names_the_variable(tmp_path):
    result = probe(tmp_path, DEBUG="1", FILES_SENDFILE="x-lighttpd-send-file")
    assert result.returncode != 0 and "FILES_SENDFILE" in result.stderr


def test_an_accel_prefix_without_slashes_names_the_variable(tmp_path):
    result = probe(tmp_path, DEBUG="1", FILES_SENDFILE="x-accel-redirect", FILES_ACCEL_PREFIX="protected")
    assert result.returncode != 0 and "FILES_ACCEL_PREFIX" in result.stderr


def test_bad_port_list_names_the_variable(tmp_path):
    result = probe(tmp_path, DEBUG="1", FETCH_ALLOWED_PORTS="8080,redis")
    assert result.returncode != 0
    assert "FETCH_ALLOWED_PORTS: 'redis'" in result.stderr


def test_allowed_ports_are_parsed(tmp_path):
    result = probe(tmp_path, DEBUG="1", FETCH_ALLOWED_PORTS="8080, 9000-9099")
    assert json.loads(result.stdout)["ports"] == [[8080, 8080], [9000, 9099]]


def test_deployed_settings_hash_passwords_with_a_slow_hasher(tmp_path):
    """The suite swaps in a fast hasher (tests/conftest.py); a deployment must not inherit it."""
    code = "import django; from django.conf import settings; django.setup(); print(settings.PASSWORD_HASHERS[0])"
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    base.update({"DJANGO_SETTINGS_MODULE": "project.settings", "DATA_DIR": str(tmp_path), "DEBUG": "1"})
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in {
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    }


def test_the_suite_hashes_with_the_fast_hasher():
    from django.contrib.auth.hashers import get_hasher

    assert get_hasher().algorithm == "md5"


def test_property_tests_assert_no_wall_clock_time():
    """Hypothesis's deadline and too_slow health check time the machine, not the code (tests/conftest.py)."""
    import hypothesis

    assert hypothesis.settings.default.deadline is None
    assert hypothesis.HealthCheck.too_slow in hypothesis.settings.default.suppress_health_check


MAIL_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.MAILERS['default']))"
)


def mail_probe(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEBUG", "LOCAL_DEPLOYMENT"))}
    base.update({"DJANGO_SETTINGS_MODULE": "project.settings", "DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [sys.executable, "-c", MAIL_PROBE], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


def test_mail_goes_to_the_smtp_server_the_environment_names(tmp_path):
    result = mail_probe(
        tmp_path,
        SECRET_KEY="x" * 50,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="desk",
        EMAIL_HOST_PASSWORD="pw",
    )
    assert result.returncode == 0, result.stderr
    mailer = json.loads(result.stdout)
    assert mailer["BACKEND"].endswith("smtp.EmailBackend")
    assert mailer["OPTIONS"] | {"timeout": None} == {
        "host": "smtp.example.org",
        "port": 2525,
        "username": "desk",
        "password": "pw",
        "use_tls": True,
        "use_ssl": False,
        "timeout": None,
    }


def test_make_run_prints_mail_on_the_console_without_an_smtp_server(tmp_path):
    result = mail_probe(tmp_path, LOCAL_DEPLOYMENT="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["BACKEND"].endswith("console.EmailBackend")


def test_starttls_and_implicit_tls_at_once_name_the_variables(tmp_path):
    result = mail_probe(tmp_path, DEBUG="1", EMAIL_HOST="smtp.example.org", EMAIL_USE_SSL="1")
    assert result.returncode != 0 and "EMAIL_USE_TLS and EMAIL_USE_SSL" in result.stderr
