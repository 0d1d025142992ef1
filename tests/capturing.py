"""Helpers for the capture job tests: settings that let the fetcher reach only 127.0.0.1 on the test servers'
ports, and queued captures."""

from __future__ import annotations

import gzip
from datetime import datetime
from ipaddress import ip_network

import pytest
from django.utils import timezone

from claims.fetching.archive import write_warc
from claims.fetching.client import Exchange, FetchResult
from claims.models import Capture, Source
from tests.httpserver import (  # noqa: F401 (fixtures and helpers)
    SERVER_PORTS,
    SERVER_PORTS_SETTING,
    LocalServer,
    Route,
    internal_server,
    server,
)

ARABIC = "كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا ويقدر عددهم بحوالي ألفين"
HEADLINE = "بوتين يستنسخ في ليبيا بشار أسد جديد"


@pytest.fixture
def fetch_settings(settings, tmp_path):
    settings.FETCH_ALLOWED_NETWORKS = (ip_network("127.0.0.1/32"),)
    settings.FETCH_ALLOWED_PORTS = (SERVER_PORTS,)
    settings.FETCH_POLITENESS_DELAY = 0.0
    settings.FETCH_PER_HOST_CONCURRENCY = 8
    settings.FETCH_CONNECT_TIMEOUT = 2.0
    settings.FETCH_READ_TIMEOUT = 1.0
    settings.FETCH_TOTAL_TIMEOUT = 5.0
    settings.FETCH_MAX_BYTES = 200_000
    settings.FETCH_MAX_ATTEMPTS = 3
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def arabic_page(extra: str = "", title: str = HEADLINE) -> str:
    paragraphs = "".join(f"<p>{ARABIC}، وهذا ما قاله المراسل في الفقرة رقم {n}.</p>" for n in range(8))
    return (
        f'<html lang="ar" dir="rtl"><head><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}{extra}</article></body></html>"
    )


def english_page(body: str, title: str = "Report on Libya") -> bytes:
    paragraphs = "".join(f"<p>{body} Paragraph {n} of the report adds some more words about it.</p>" for n in range(6))
    return (
        f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}"
        f"</article></body></html>".encode()
    )


def queued_capture(url: str, **source_fields) -> Capture:
    source = Source.objects.create(url=url, original_url=url, **source_fields)
    return Capture.objects.create(source=source, requested_url=url)


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"<p>" + b"a" * size + b"</p>", compresslevel=9)


def html_warc(url: str, fetched_at: datetime | None = None) -> bytes:
    """The WARC of one small HTML answer from ``url``, as a capture stores it, without a server."""
    body = b"<html><body><p>Archived.</p></body></html>"
    exchange = Exchange(
        url=url,
        method="GET",
        request_headers=[],
        status=200,
        reason="OK",
        http_version="1.1",
        response_headers=[("Content-Type", "text/html")],
        raw_body=body,
        peer_address="127.0.0.1",
        fetched_at=fetched_at or timezone.now(),
    )
    return write_warc(
        FetchResult(
            requested_url=url,
            final_url=url,
            redirect_chain=[],
            status=200,
            headers={},
            content_type="text/html",
            body=body,
            elapsed_ms=1,
            peer_address="127.0.0.1",
            exchanges=[exchange],
        )
    )
