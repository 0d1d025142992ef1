"""A bound on the memory of the Chromium a browser capture drives (claims.fetching.browser).

A thread reads, every ``interval`` seconds, the proportional set size (PSS: each shared page counted once, shared
between the processes that map it) of every Chromium process this process started, through Playwright's driver.
Past the limit it kills those processes, so that the capture stops with a reason instead of the machine swapping
and the worker being killed from outside. The peak it saw is kept for the logs and the benchmark.

Linux only: it reads /proc. Where there is no /proc it watches nothing, and the time and request limits remain.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import defaultdict
from types import TracebackType

PROC = "/proc"
#: The names Chromium's processes go by (browser, renderers, GPU, utility and zygote processes alike).
BROWSER_NAMES = ("chromium", "chrome", "headless_shell")


def _children() -> dict[int, list[int]]:
    """Each process's children, read from /proc/<pid>/stat (its fourth field is the parent's pid)."""
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{PROC}/{entry.name}/stat", "rb") as stat:
                line = stat.read()
        except OSError:  # gone since the listing
            continue
        # The command name is in parentheses and may hold spaces or parentheses: the fields follow the last one.
        fields = line[line.rindex(b")") + 2 :].split()
        tree[int(fields[1])].append(int(entry.name))
    return tree


def _name(pid: int) -> str:
    try:
        with open(f"{PROC}/{pid}/comm", encoding="utf-8", errors="replace") as comm:
            return comm.read().strip()
    except OSError:
        return ""


def browser_processes(root: int) -> list[int]:
    """The Chromium processes among ``root``'s descendants."""
    tree = _children()
    found, todo = [], list(tree.get(root, []))
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        if _name(pid).startswith(BROWSER_NAMES):
            found.append(pid)
    return found


def pss_bytes(pid: int) -> int:
    """``pid``'s proportional set size in bytes (0 once it is gone)."""
    try:
        with open(f"{PROC}/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class MemoryWatch:
    """``with MemoryWatch(limit):`` around a render; ``exceeded`` says whether the browser was killed for it."""

    def __init__(self, limit_bytes: int, *, interval: float = 0.2, root: int | None = None) -> None:
        self.limit_bytes = limit_bytes
        self.interval = interval
        self.root = os.getpid() if root is None else root
        self.peak_bytes = 0
        self.exceeded = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> MemoryWatch:
        if self.limit_bytes > 0 and os.path.isdir(f"{PROC}/self"):
            self._thread = threading.Thread(target=self._watch, name="browser-memory-watch", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def sample(self) -> int:
        """The browser's PSS now; past the limit, its processes are killed."""
        pids = browser_processes(self.root)
        used = sum(pss_bytes(pid) for pid in pids)
        self.peak_bytes = max(self.peak_bytes, used)
        if used > self.limit_bytes:
            self.exceeded = True
            for pid in pids:
                with contextlib.suppress(OSError):  # gone already
                    os.kill(pid, signal.SIGKILL)
        return used

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()
            if self.exceeded:
                return
