"""Each proposal is matched against the fact-check memory once its article arrives: a sentence the desk (or another
desk, imported) checked already says so in the reading view and the API; a sentence nobody checked says nothing."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimProposal
from claims.services import proposal_memory
from claims.services.articles import create_article
from claims.services.proposal_memory import match_proposals

pytestmark = pytest.mark.django_db

WAGNER = "كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا ويقدر عددهم بحوالي ألفين"
NEW = "وأعلنت وزارة الصحة في بنغازي افتتاح ثلاثة مستشفيات ميدانية جديدة يوم الخميس الماضي بكلفة مليون دينار"


@pytest.fixture
def queued(monkeypatch):
    jobs: list[int] = []
    monkeypatch.setattr(proposal_memory, "enqueue_after_commit", lambda task, pk: jobs.append(pk))
    return jobs


def test_a_proposal_the_desk_checked_already_says_so_and_a_new_one_does_not(
    demo, queued, client, api, editor, django_capture_on_commit_callbacks
):
    checked = Claim.objects.get(article=demo, exact=WAGNER)
    with django_capture_on_commit_callbacks(execute=True):
        article = create_article(title="Agency copy", text=f"{WAGNER}.\n\n{NEW}.", language="ar", by=editor)
    assert queued == [article.pk]  # matched by a task after the commit, never inline

    assert match_proposals(article_id=article.pk) == ClaimProposal.objects.filter(article=article).count()
    wagner = ClaimProposal.objects.get(article=article, exact__contains="فاغنر")
    fresh = ClaimProposal.objects.get(article=article, exact__contains="مستشفيات")
    assert (wagner.memory_claim, wagner.memory_same) == (checked, True)
    assert wagner.memory_score is not None and wagner.memory_checked_at is not None
    assert not fresh.memory_same and fresh.memory_claim != checked
    assert match_proposals(article_id=article.pk) == 0  # each proposal is checked once

    client.force_login(editor)
    page = client.get(reverse("desk:article", args=[article.pk])).content.decode()
    assert page.count("Already in the fact-check memory:") == 1
    assert f'href="{checked.get_absolute_url()}"' in page
    rows = {row["id"]: row for row in api.get(f"/api/v1/proposals/?article={article.pk}").json()["results"]}
    assert rows[wagner.pk]["memory_claim"] == checked.pk and rows[wagner.pk]["memory_same"] is True
    assert rows[fresh.pk]["memory_same"] is False


def test_the_claims_of_the_proposals_own_article_are_not_its_memory(demo, queued):
    match_proposals(article_id=demo.pk)
    own = set(Claim.objects.filter(article=demo).values_list("pk", flat=True))
    assert not ClaimProposal.objects.filter(article=demo, memory_claim__in=own).exists()
