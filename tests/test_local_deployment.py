"""`make run` is a small real deployment: DEBUG off, a secret key made once under data/, plain HTTP on
127.0.0.1; and every manage.py command the README shows works as written in a new shell after it."""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from tests.test_settings import probe

ROOT = Path(__file__).resolve().parent.parent
LOCAL_PROBE = (
    "import json, os, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'key': settings.SECRET_KEY, 'hosts': settings.ALLOWED_HOSTS,"
    " 'ssl_redirect': settings.SECURE_SSL_REDIRECT, 'secure_cookies': settings.SESSION_COOKIE_SECURE,"
    " 'csrf_secure': settings.CSRF_COOKIE_SECURE, 'hsts': settings.SECURE_HSTS_SECONDS,"
    " 'leaked': 'LOCAL_DEPLOYMENT' in os.environ}))"
)


def local_probe(data_dir: Path, **env):
    base = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "project.settings",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", LOCAL_PROBE], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_local_deployment_keeps_one_generated_key_in_the_data_directory(tmp_path):
    first = local_probe(tmp_path, LOCAL_DEPLOYMENT="1")
    second = local_probe(tmp_path, LOCAL_DEPLOYMENT="1")
    key_file = tmp_path / "secret_key"
    assert first["debug"] is False
    assert len(first["key"]) >= 50 and first["key"] == second["key"] == key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_local_deployment_serves_plain_http_on_the_loopback(tmp_path):
    got = local_probe(tmp_path, LOCAL_DEPLOYMENT="1")
    assert got["ssl_redirect"] is False and got["secure_cookies"] is False and got["csrf_secure"] is False
    assert got["hsts"] == 0
    assert got["hosts"] == ["127.0.0.1", "localhost", "[::1]"]


def test_the_data_directory_env_file_turns_it_on_without_leaking_into_subprocesses(tmp_path):
    (tmp_path / ".env").write_text("# written by make run\nLOCAL_DEPLOYMENT=1\n")
    got = local_probe(tmp_path)
    assert got["debug"] is False and got["key"] == (tmp_path / "secret_key").read_text().strip()
    assert got["leaked"] is False


def test_production_without_the_local_flag_still_refuses_to_start(tmp_path):
    result = probe(tmp_path, DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_keeps_strict_defaults_when_a_key_is_set(tmp_path):
    got = local_probe(tmp_path, SECRET_KEY="p" * 60, ALLOWED_HOSTS="desk.example.org")
    assert got["ssl_redirect"] is True and got["secure_cookies"] is True and got["hsts"] == 31536000
    assert not (tmp_path / "secret_key").exists()


def readme_manage_commands() -> list[str]:
    """Every manage.py command README.md shows, in inline code or in a code block, as written."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```[a-z]*\n(.*?)```", readme, flags=re.S)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", readme, flags=re.S))
    lines = [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines()] + inline
    return [line for line in dict.fromkeys(lines) if re.search(r"\bmanage\.py\s+\w", line)]


def _copy_of_the_project(target: Path) -> Path:
    """The tracked files of the project (its own data/ would be a clean one), with the virtualenv beside it."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, files.split("\0")):
        source = ROOT / name
        if source.is_file() and not name.startswith(".venv"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    venv = (ROOT / ".venv").resolve() if (ROOT / ".venv").exists() else Path(sys.prefix)
    (target / ".venv").symlink_to(venv)
    return target


def test_every_manage_py_command_in_the_readme_works_in_a_new_shell_after_make_run(tmp_path):
    commands = readme_manage_commands()
    assert any("drf_create_token editor" in command for command in commands)
    project = _copy_of_the_project(tmp_path / "desk")
    # A new shell: none of the variables a developer or this test run may have set (DEBUG, SECRET_KEY,
    # DATABASE_URL, REDIS_URL), only a PATH and a HOME.
    clean = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)}
    # `make run` is its set-up steps followed by starting the processes, which would not return; the virtualenv
    # is there already (-o: not rebuilt because the copied requirements look newer).
    setup = subprocess.run(
        ["make", "-o", ".venv/bin/.installed", "setup"],
        cwd=project,
        env=clean,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    for command in commands:
        result = subprocess.run(
            ["bash", "-c", command], cwd=project, env=clean, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
        if "drf_create_token" in command:
            assert re.search(r"\b[0-9a-f]{40}\b", result.stdout), result.stdout
