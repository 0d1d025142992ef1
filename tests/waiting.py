"""Waiting for what a worker does in another thread or process: poll the database, never sleep a fixed time."""

import time


def wait_for(predicate, timeout: float = 40) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
