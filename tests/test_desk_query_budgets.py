"""Query budgets of the desk's busiest pages: each page costs the same number of queries with few or many claims,
evidence rows, attendees and captures (measured at two sizes against one bound)."""

import pytest
from django.urls import reverse

from claims.models import Attendee, Capture, Tag
from claims.services.comments import add_comment
from tests.factories import ArticleFactory, ClaimFactory, EntityFactory, EvidenceFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db
SIZES = (2, 12)


def _captured(source, n_done: int = 1, in_flight: bool = False) -> None:
    for i in range(n_done):
        capture = Capture.objects.create(
            source=source, requested_url=source.url, state="done", text=f"v{i}", changed=i > 0
        )
        source.latest_capture = capture
    source.save(update_fields=["latest_capture"])
    if in_flight:
        Capture.objects.create(source=source, requested_url=source.url, state="queued")


def claim_with(n: int):
    claim = ClaimFactory(kind="meeting")
    author = UserFactory(username="commenter", role="editor")
    UserFactory(username="mentioned", role="reviewer")
    for i in range(n):
        thread = add_comment(by=author, claim=claim, body=f"Comment {i} for @mentioned")
        add_comment(by=author, claim=claim, parent=thread, body=f"Reply {i}")
        Attendee.objects.create(claim=claim, entity=EntityFactory(), role=f"role {i}", order=i)
        source = SourceFactory(publisher=f"Publisher {i}")
        _captured(source, in_flight=i % 2 == 0)
        EvidenceFactory(claim=claim, source=source, passage=f"passage {i}", estimate_value=i + 1)
        claim.entities.add(EntityFactory())
    return claim


def article_with(n: int):
    article = ArticleFactory()
    author = UserFactory(username="commenter", role="editor")
    for i in range(n):
        ClaimFactory(article=article, kind="quantity" if i % 2 else "meeting")
        add_comment(
            by=author, article=article, selector={"start": i, "end": i + 5}, body=f"On the words @commenter {i}"
        )
    return article


def source_with(n: int):
    source = SourceFactory()
    _captured(source, n_done=n, in_flight=True)
    for _ in range(n):
        EvidenceFactory(source=source)
    return source


def claims_list_with(n: int):
    for _ in range(n):
        ClaimFactory()
    return None


def assigned_claims_with(n: int):
    for i in range(n):
        claim = ClaimFactory(assignee=UserFactory(role="editor"), reviewer=UserFactory(role="reviewer"))
        claim.tags.add(Tag.objects.create(name=f"topic {n}-{i}"), Tag.objects.create(name=f"موضوع {n}-{i}"))
    return None


def assigned_articles_with(n: int):
    for i in range(n):
        article = ArticleFactory(assignee=UserFactory(role="editor"))
        article.tags.add(Tag.objects.create(name=f"article topic {n}-{i}"))
        ClaimFactory(article=article)
    return None


#: Each page: (build data of a size, its URL, the bound, the queries it makes). Every desk request starts with the
#: same three: the session, the signed-in user, and the user's roles (their groups); every page with the desk
#: header ends with one more, the header's unread-notifications count.
PAGES = {
    "reading view": (
        article_with,
        lambda a: reverse("desk:article", args=[a.pk]),
        10,
        "session, user, roles, the article with its current revision, the claims on that revision, the orphaned claims, "
        "the comments on the article with their authors, and their mentions, the pending proposals, the unread count",
    ),
    "claim page": (
        claim_with,
        lambda c: reverse("desk:claim", args=[c.pk]),
        21,
        "session, user, roles, the claim with its article, revision, editors, claimant, assignee and reviewer, "
        "its entities, its tags, its attendees with their entities, its evidence with sources and latest captures, "
        "the captures in flight for those sources, the similar-claim links, the desk members to assign, the comment "
        "threads and their mentions, the activity timeline: three counts for its pager, then its events, comments "
        "(and their mentions) and captures, and the unread count",
    ),
    "claims list": (
        claims_list_with,
        lambda _: reverse("desk:claims"),
        9,
        "session, user, roles, the count for the pager, one page of claims with their articles, assignees and "
        "reviewers, their tags, the desk members (assignee filter and bulk form), the tags (filter), the unread count",
    ),
    "claims list with assignees and tags": (
        assigned_claims_with,
        lambda _: reverse("desk:claims"),
        9,
        "the same as the claims list: assignees come with their claims, tags in one query",
    ),
    "articles list": (
        assigned_articles_with,
        lambda _: reverse("desk:articles"),
        9,
        "session, user, roles, the count for the pager, one page of articles with revisions and assignees, their "
        "tags, the desk members (assignee filter and bulk form), the tags (filter), the unread count",
    ),
    "source page": (
        source_with,
        lambda s: reverse("desk:source", args=[s.pk]),
        7,
        "session, user, roles, the source with its latest capture, its captures, the evidence citing it "
        "with the claims, the unread count",
    ),
    "sources status": (
        claim_with,
        lambda c: reverse("desk:claim_sources_status", args=[c.pk]),
        6,
        "session, user, roles, the claim, the captures in flight for its sources, its evidence "
        "with sources and latest captures",
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_desk_page_costs_the_same_queries_with_few_or_many_rows(name, client, editor, django_assert_max_num_queries):
    client.force_login(editor)
    build, url, bound, _queries = PAGES[name]
    counts = []
    for size in SIZES:
        path = url(build(size))
        with django_assert_max_num_queries(bound) as captured:
            assert client.get(path).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries at {SIZES[0]} rows, {counts[1]} at {SIZES[1]}"
