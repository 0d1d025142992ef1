"""Builders shared by the public-site tests: claims in a given status, with search text as the services set it."""

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from claims.arabic import normalize
from claims.page_cache import forget_local_pages
from tests.factories import ClaimFactory


def make_claim(status="published", verdict="false", statement="Claim", **fields):
    public = status in ("published", "corrected", "retracted")
    claim = ClaimFactory(
        status=status,
        verdict=verdict if (public or verdict) else "",
        statement=statement,
        rationale=fields.pop("rationale", "Because the record says otherwise."),
        published_at=timezone.now() if public else None,
        **fields,
    )
    claim.search_text = normalize(" ".join([claim.statement, claim.statement_en, claim.exact, claim.claimant]))
    claim.save(update_fields=["search_text"])
    return claim


def redis_cache(server, prefix: str) -> dict:
    """CACHES for a test's own redis-server, as production configures it (short timeouts)."""
    return {
        "default": {
            "BACKEND": "claims.page_cache.ResilientRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }


def url(claim, language="en") -> str:
    with translation.override(language):
        return claim.public_url or f"/claims/{claim.pk}/"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rendered pages are cached by claim id and ids repeat across test databases: start every test empty."""
    cache.clear()
    forget_local_pages()
    yield
    cache.clear()
    forget_local_pages()
