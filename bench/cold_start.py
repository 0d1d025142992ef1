"""`make run` from a fresh clone to a serving desk, in seconds (docs/benchmarks.md, "Cold start").

Copies the repository's tracked files into a temporary folder (a fresh clone: no data/), then runs `make run` there
in a clean environment (a PATH and a HOME, as a newcomer's shell) on a free port, and times it until the desk's
sign-in page answers 200; then stops it, and starts it once more on the same data (the second start). By default
the copy links to this checkout's virtualenv, so the figure leaves out its creation (`make venv`); with
--with-venv the copy builds its own, as a fresh clone does on its first `make run`.

    .venv/bin/python bench/cold_start.py [--with-venv]
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/desk/login/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start(project: Path, env: dict, timeout: float, make_args: list[str]) -> float:
    port = free_port()
    began = time.monotonic()
    with open(project / f"make-run-{port}.log", "w") as log:
        proc = subprocess.Popen(
            ["make", *make_args, "run", f"PORT={port}"],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        while not serving(port):
            if proc.poll() is not None or time.monotonic() - began > timeout:
                raise SystemExit(f"make run did not serve: see {project / f'make-run-{port}.log'}")
            time.sleep(0.1)
        return time.monotonic() - began
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-venv", action="store_true", help="build the copy's own virtualenv as well")
    parser.add_argument("--keep", action="store_true", help="keep the copy (its logs) after the run")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    project = Path(tempfile.mkdtemp(prefix="cold-start-"))
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, project / name)
    if not args.with_venv:
        (project / ".venv").symlink_to((ROOT / ".venv").resolve())
    # The newcomer's shell finds a Python 3.12 or newer: the one this virtualenv was made from.
    python_dir = Path(os.path.realpath(sys._base_executable)).parent
    env = {"PATH": f"{python_dir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(project)}
    load = os.getloadavg()[0]
    # -o: a linked virtualenv counts as built although the copied requirements files are newer than its stamp (on
    # make's command line: make does not read -o from MAKEFLAGS).
    make_args = [] if args.with_venv else ["-o", ".venv/bin/.installed"]
    first = start(project, env, args.timeout, make_args)
    second = start(project, env, args.timeout, make_args)
    print(f"load average before: {load:.2f}")
    print(f"make run, fresh clone ({'with' if args.with_venv else 'without'} the virtualenv's creation): {first:.1f} s")
    print(f"make run, second start: {second:.1f} s")
    if args.keep:
        print(f"kept: {project}")
    else:
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
