"""The fetch-core tests' fixtures: the local servers (tests/httpserver.py) and a fetch policy allowed to reach
127.0.0.1 only, on the ports test servers get."""

from __future__ import annotations

import ipaddress

import pytest

from claims.fetching.client import FetchPolicy
from tests.httpserver import (  # noqa: F401 (fixtures and helpers)
    SERVER_PORTS,
    LocalServer,
    Route,
    internal_server,
    server,
)


@pytest.fixture
def policy() -> FetchPolicy:
    return FetchPolicy(
        user_agent="FactDesk-Capture/1.0 (+https://example.org/bot)",
        connect_timeout=2.0,
        read_timeout=2.0,
        total_timeout=10.0,
        max_bytes=1_000_000,
        max_redirects=5,
        allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),),
        allowed_ports=(SERVER_PORTS,),
    )
