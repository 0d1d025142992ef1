"""A web process as docs/deploy.md deploys it: production settings behind a TLS-terminating proxy, the release
steps (migrate, collectstatic) run first, gunicorn started as the Procfile starts it."""

import json
import subprocess
import sys

import pytest
import requests

from tests.factories import UserFactory
from tests.scale.cluster import ROOT, connects, free_port, wait_until

pytestmark = [pytest.mark.slow]

HOST = "desk.example.org"


@pytest.fixture
def web(start_cluster, tmp_path):
    cluster = start_cluster(
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        SITE_URL=f"https://{HOST}",
        BEHIND_TLS_PROXY="1",
        LOG_FORMAT="json",
    )
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *step],
            cwd=ROOT,
            env=cluster.env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    port = free_port()
    cluster.spawn(
        "web",
        sys.executable,
        "-m",
        "gunicorn",
        "project.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "4",
        "--graceful-timeout",
        "30",
    )
    wait_until(lambda: connects(port), 30, lambda: cluster.log("web"))
    return f"http://127.0.0.1:{port}", cluster, tmp_path


def get(base, path, *, https=True, host=HOST, **kwargs):
    headers = {"Host": host, **({"X-Forwarded-Proto": "https"} if https else {}), **kwargs.pop("headers", {})}
    return requests.get(base + path, headers=headers, allow_redirects=False, timeout=10, **kwargs)


def test_production_web_behind_a_tls_proxy(web):
    base, cluster, data = web
    UserFactory(username="prod-editor", role="editor")

    # Plain HTTP from the outside is sent to HTTPS; through the proxy the page is served with HSTS.
    plain = get(base, "/", https=False)
    assert plain.status_code == 301 and plain.headers["Location"] == f"https://{HOST}/"
    home = get(base, "/")
    assert home.status_code == 200 and "max-age=31536000" in home.headers["Strict-Transport-Security"]
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    # A host the deployment does not serve is refused.
    assert get(base, "/", host="evil.example").status_code == 400

    # Cookies only travel over HTTPS.
    login = get(base, "/desk/login/")
    assert login.status_code == 200
    assert "secure" in login.headers["Set-Cookie"].lower() and "csrftoken" in login.headers["Set-Cookie"]

    # collectstatic's hashed files, served by WhiteNoise from every web process, cached for good.
    manifest = json.loads((data / "static" / "staticfiles.json").read_text())
    css = get(base, "/static/" + manifest["paths"]["claims/site.css"])
    assert css.status_code == 200 and "immutable" in css.headers["Cache-Control"]

    # The load balancer probes each process by its address over plain HTTP: health, not a redirect or a 400.
    for path in ("/healthz", "/readyz"):
        probe = get(base, path, https=False, host="10.0.0.7:8000")
        assert probe.status_code == 200, (path, probe.status_code, probe.text[:200])
        assert probe.json()["status"] == "ok"

    # One JSON object per logged line, each with its request id.
    get(base, "/no-such-page/", headers={"X-Request-ID": "prod-req-1"})
    wait_until(lambda: "prod-req-1" in cluster.log("web"), 10, lambda: cluster.log("web"))
    logged = [json.loads(line) for line in cluster.log("web").splitlines() if line.startswith("{")]
    assert any(line["request_id"] == "prod-req-1" and "Not Found" in line["message"] for line in logged)
