"""The worker path through a real broker: a task queued by the web side runs in a worker and changes the data."""

import pytest

from claims.models import Claim
from claims.services.articles import add_revision
from tests.factories import ArticleFactory, ClaimFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.worker


def test_reanchoring_runs_in_a_worker_through_the_broker(celery_worker, settings, monkeypatch):
    monkeypatch.setattr("claims.services.articles.REANCHOR_INLINE_MAX_CLAIMS", 0)
    article = ArticleFactory()
    claim = ClaimFactory(article=article, quote="ويقدر عددهم بحوالي ألفين")
    new_text = "سطر جديد في أول المقال.\n" + article.text
    revision = add_revision(article=article, text=new_text)
    assert wait_for(lambda: Claim.objects.get(pk=claim.pk).revision_id == revision.pk)
    claim.refresh_from_db()
    assert claim.anchor == "exact"
    assert new_text[claim.start : claim.end] == "ويقدر عددهم بحوالي ألفين"
    assert claim.events.filter(action="reanchored").exists()
