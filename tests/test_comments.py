"""Desk comments: on a claim and on a span of an article, threads, @mentions, the edit window, tombstones, and
span comments re-anchored on a new revision as claims are; through the service, the API and the desk pages."""

from datetime import timedelta

import pytest
from django.urls import reverse

from claims.models import Comment
from claims.services import comments as comment_services
from claims.services import events
from claims.services.articles import add_revision
from claims.services.errors import CommentInvalid, CommentRefused
from tests.factories import DEFAULT_TEXT, ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

QUOTE = "زار حفتر موسكو"


@pytest.fixture
def told():
    """Every ``mentioned`` signal sent: (comment id, usernames told, actor's username)."""
    calls = []

    def receiver(sender, comment, users, actor, **kwargs):
        calls.append((comment.pk, sorted(u.username for u in users), actor.username))

    events.mentioned.connect(receiver, dispatch_uid="test-comments")
    yield calls
    events.mentioned.disconnect(dispatch_uid="test-comments")


@pytest.fixture
def claim():
    return ClaimFactory()


def _age(comment, minutes):
    Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at - timedelta(minutes=minutes))
    comment.refresh_from_db()


# --- the service ----------------------------------------------------------------------------------------------


def test_a_mention_of_a_desk_member_is_stored_and_they_are_told(claim, editor, reviewer, told):
    comment = comment_services.add_comment(by=editor, claim=claim, body="@REV can you check the figure?")
    assert [u.username for u in comment.mentions.all()] == ["rev"]
    assert told == [(comment.pk, ["rev"], "ed")]


def test_names_of_nobody_on_the_desk_and_e_mail_addresses_stay_text(claim, editor, outsider, told):
    comment = comment_services.add_comment(by=editor, claim=claim, body="@nobody @ghost write to x@ed.org, @ed")
    assert list(comment.mentions.all()) == [editor]  # the outsider has no desk role; "x@ed.org" is an address
    assert told == []  # nobody is told of their own mention


def test_an_edit_tells_only_the_newly_mentioned(claim, editor, reviewer, second_editor, told):
    comment = comment_services.add_comment(by=editor, claim=claim, body="@rev look")
    comment = comment_services.edit_comment(comment=comment, by=editor, body="@rev and @ed2 look")
    assert told[-1] == (comment.pk, ["ed2"], "ed")
    assert sorted(u.username for u in comment.mentions.all()) == ["ed2", "rev"]
    assert comment.edited_at is not None


def test_only_the_author_edits_and_only_within_the_window(claim, editor, reviewer, settings):
    settings.COMMENT_EDIT_WINDOW = 15
    comment = comment_services.add_comment(by=editor, claim=claim, body="first words")
    with pytest.raises(CommentRefused, match="author"):
        comment_services.edit_comment(comment=comment, by=reviewer, body="not mine")
    _age(comment, 16)
    with pytest.raises(CommentRefused, match="15 minutes"):
        comment_services.edit_comment(comment=comment, by=editor, body="too late")
    settings.COMMENT_EDIT_WINDOW = 30
    comment_services.edit_comment(comment=comment, by=editor, body="a longer window")
    assert Comment.objects.get(pk=comment.pk).body == "a longer window"


def test_deleting_leaves_a_tombstone_without_the_body_and_the_replies_stay(claim, editor, reviewer):
    comment = comment_services.add_comment(by=editor, claim=claim, body="secret words @rev")
    reply = comment_services.add_comment(by=reviewer, claim=claim, parent=comment, body="an answer")
    comment_services.delete_comment(comment=comment, by=editor)
    row = Comment.objects.get(pk=comment.pk)
    assert (row.body, row.deleted_by, row.is_deleted, row.mentions.count()) == ("", editor, True, 0)
    assert Comment.objects.filter(body__contains="secret").count() == 0
    assert Comment.objects.get(pk=reply.pk).parent_id == comment.pk
    with pytest.raises(CommentRefused, match="deleted"):
        comment_services.edit_comment(comment=row, by=editor, body="back again")


def test_only_the_author_or_an_admin_deletes(claim, editor, reviewer, admin_user):
    comment = comment_services.add_comment(by=editor, claim=claim, body="mine")
    with pytest.raises(CommentRefused, match="author or a desk admin"):
        comment_services.delete_comment(comment=comment, by=reviewer)
    comment_services.delete_comment(comment=comment, by=admin_user)
    assert Comment.objects.get(pk=comment.pk).deleted_by == admin_user


def test_a_reply_to_a_reply_joins_the_thread_of_its_top_comment(claim, editor, reviewer):
    top = comment_services.add_comment(by=editor, claim=claim, body="top")
    reply = comment_services.add_comment(by=reviewer, claim=claim, parent=top, body="reply")
    again = comment_services.add_comment(by=editor, parent=reply, body="reply to the reply")
    assert (again.parent_id, again.claim_id) == (top.pk, claim.pk)


def test_a_reply_on_another_claims_thread_and_an_empty_body_are_refused(claim, editor):
    top = comment_services.add_comment(by=editor, claim=claim, body="top")
    with pytest.raises(CommentInvalid, match="another claim"):
        comment_services.add_comment(by=editor, claim=ClaimFactory(), parent=top, body="lost")
    with pytest.raises(CommentInvalid, match="Write the comment"):
        comment_services.add_comment(by=editor, claim=claim, body="   ")


def test_someone_without_a_desk_role_cannot_comment(claim, outsider):
    with pytest.raises(CommentRefused):
        comment_services.add_comment(by=outsider, claim=claim, body="hello")


def test_a_span_comment_finds_its_words_like_a_claim(editor):
    article = ArticleFactory()
    comment = comment_services.add_comment(by=editor, article=article, selector={"exact": QUOTE}, body="Which year?")
    start = DEFAULT_TEXT.index(QUOTE)
    assert (comment.start, comment.end, comment.revision, comment.anchor) == (
        start,
        start + len(QUOTE),
        article.current_revision,
        "exact",
    )
    with pytest.raises(CommentInvalid) as refused:
        comment_services.add_comment(by=editor, article=article, selector={"exact": "not in the text"}, body="?")
    assert "selector" in refused.value.errors
    with pytest.raises(CommentInvalid, match="Select the words"):
        comment_services.add_comment(by=editor, article=article, body="no span")


def test_span_comments_are_reanchored_on_a_new_revision_exactly_fuzzily_or_orphaned(editor):
    article = ArticleFactory()
    exact = comment_services.add_comment(by=editor, article=article, selector={"exact": QUOTE}, body="a")
    fuzzy = comment_services.add_comment(by=editor, article=article, selector={"exact": "جنود مرتزقة روس"}, body="b")
    gone = comment_services.add_comment(by=editor, article=article, selector={"exact": "سيرغي شويغو"}, body="c")
    new_text = "مقدمة جديدة. " + DEFAULT_TEXT.replace("جنود مرتزقة روس", "جنود مرتزقه روس").replace(
        "وزير الدفاع سيرغي شويغو ورئيس الأركان", "مسؤولين"
    )
    revision = add_revision(article=article, text=new_text, by=editor)
    for comment in (exact, fuzzy, gone):
        comment.refresh_from_db()
    assert (exact.anchor, exact.revision, exact.start) == ("exact", revision, new_text.index(QUOTE))
    assert (fuzzy.anchor, fuzzy.revision) == ("fuzzy", revision)
    assert new_text[fuzzy.start : fuzzy.end] == "جنود مرتزقه روس"
    assert (gone.anchor, gone.revision.number) == ("orphaned", 1)


def test_members_are_found_by_arabic_names_in_any_spelling_and_latin_names_in_any_case(client, editor):
    UserFactory(username="ahmad", first_name="أحمد", last_name="الزهراء", role="reviewer")
    UserFactory(username="Rania", first_name="Rania", role="editor")
    UserFactory(username="stranger", first_name="أحمد")  # no desk role
    client.force_login(editor)

    def found(query):
        answer = client.get(reverse("desk:member-search"), {"q": query})
        return [row["username"] for row in answer.json()["results"]]

    assert found("احمد") == ["ahmad"]  # alef with hamza
    assert found("الزهراء") == found("الزهـراء") == ["ahmad"]  # tatweel
    assert found("@RAN") == ["Rania"]
    assert found("") == []


# --- the API --------------------------------------------------------------------------------------------------


def test_api_comments_on_claims_and_articles_are_listed_by_claim_and_by_article(api, claim, reviewer):
    made = api.post("/api/v1/comments/", {"claim": claim.pk, "body": "Ask @rev"}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["mentions"] == ["rev"] and made.json()["author"] == "ed"
    span = api.post(
        "/api/v1/comments/",
        {"article": claim.article_id, "selector": {"exact": QUOTE}, "body": "On these words"},
        format="json",
    )
    assert span.status_code == 201, span.json()
    assert span.json()["selector"]["start"] == DEFAULT_TEXT.index(QUOTE)
    reply = api.post("/api/v1/comments/", {"parent": made.json()["id"], "body": "Yes"}, format="json")
    assert reply.json()["claim"] == claim.pk
    on_claim = api.get("/api/v1/comments/", {"claim": claim.pk}).json()["results"]
    assert [c["body"] for c in on_claim] == ["Ask @rev", "Yes"]
    on_article = api.get("/api/v1/comments/", {"article": claim.article_id}).json()["results"]
    assert [c["body"] for c in on_article] == ["On these words"]


def test_api_refuses_words_not_in_the_text_in_plain_words(api, claim):
    answer = api.post(
        "/api/v1/comments/", {"article": claim.article_id, "selector": {"exact": "nowhere"}, "body": "x"}, format="json"
    )
    assert answer.status_code == 400 and "selector" in answer.json()


def test_api_edit_is_the_authors_within_the_window_and_delete_leaves_a_tombstone(api, api_as, claim, reviewer):
    comment = api.post("/api/v1/comments/", {"claim": claim.pk, "body": "draft"}, format="json").json()
    address = f"/api/v1/comments/{comment['id']}/"
    assert api_as(reviewer).patch(address, {"body": "hijack"}, format="json").status_code == 403
    edited = api.patch(address, {"body": "final @rev"}, format="json")
    assert edited.status_code == 200 and edited.json()["mentions"] == ["rev"] and edited.json()["edited_at"]
    _age(Comment.objects.get(pk=comment["id"]), 60)
    assert api.patch(address, {"body": "late"}, format="json").status_code == 403
    assert api_as(reviewer).delete(address).status_code == 403
    assert api.delete(address).status_code == 204
    tombstone = api.get(address).json()
    assert (tombstone["deleted"], tombstone["body"], tombstone["deleted_by"]) == (True, "", "ed")


def test_api_comment_list_costs_the_same_queries_for_5_or_50(api, claim, editor, django_assert_max_num_queries):
    counts = []
    for n in (5, 50):
        Comment.objects.all().delete()
        for i in range(n):
            comment_services.add_comment(by=editor, claim=claim, body=f"note {i} @ed")
        # token, user, roles, count, the page with authors, its mentions
        with django_assert_max_num_queries(6) as captured:
            assert api.get("/api/v1/comments/", {"claim": claim.pk}).json()["count"] == n
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- the desk -------------------------------------------------------------------------------------------------


def test_claim_page_thread_escapes_html_and_shows_mentions_as_badges(client, claim, editor, reviewer):
    top = comment_services.add_comment(by=editor, claim=claim, body="<script>alert(1)</script> @rev look")
    comment_services.add_comment(by=reviewer, claim=claim, parent=top, body="Looking now")
    client.force_login(reviewer)
    page = client.get(reverse("desk:claim", args=[claim.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert '<span class="mention" dir="ltr">@rev</span>' in page
    assert 'class="comment-replies"' in page and "Looking now" in page
    assert f'action="{reverse("desk:comment-edit", args=[top.pk])}"' not in page  # not the reviewer's to edit


def test_commenting_and_replying_from_the_claim_page(client, claim, editor):
    client.force_login(editor)
    address = reverse("desk:claim-comment", args=[claim.pk])
    answer = client.post(address, {"body": "Who said this first?"})
    comment = Comment.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"#comment-{comment.pk}")
    client.post(address, {"body": "The ministry.", "parent": comment.pk})
    assert Comment.objects.get(parent=comment).body == "The ministry."
    refused = client.post(address, {"body": "x" * 5001, "parent": comment.pk})
    assert refused.status_code == 400 and "the limit is 5,000" in refused.content.decode()


def test_edit_page_saves_within_the_window_and_sends_others_back(client, claim, editor, reviewer):
    comment = comment_services.add_comment(by=editor, claim=claim, body="typo hre")
    address = reverse("desk:comment-edit", args=[comment.pk])
    client.force_login(reviewer)
    assert client.get(address, follow=True).content.decode().count("You can no longer edit this comment") == 1
    client.force_login(editor)
    assert "typo hre" in client.get(address).content.decode()
    blank = client.post(address, {"body": ""})
    assert blank.status_code == 400 and "Write the comment first." in blank.content.decode()
    client.post(address, {"body": "typo here"})
    assert Comment.objects.get(pk=comment.pk).body == "typo here"


def test_a_deleted_comment_shows_who_deleted_it_and_when(client, claim, editor):
    comment = comment_services.add_comment(by=editor, claim=claim, body="gone soon")
    client.force_login(editor)
    client.post(reverse("desk:comment-delete", args=[comment.pk]))
    page = client.get(reverse("desk:claim", args=[claim.pk])).content.decode()
    assert "gone soon" not in page and "Comment deleted by ed on" in page


def test_reading_view_highlights_span_comments_and_lists_them_with_their_words(client, editor):
    article = ArticleFactory()
    comment = comment_services.add_comment(by=editor, article=article, selector={"exact": QUOTE}, body="Check the year")
    client.force_login(editor)
    page = client.get(reverse("desk:article", args=[article.pk])).content.decode()
    assert f'data-comments="{comment.pk}"' in page and "comment-span" in page
    assert f'<li class="comment-thread" data-comment="{comment.pk}"' in page and "Check the year" in page
    assert f'dir="rtl">{QUOTE}</blockquote>' in page  # readable without script: the quoted words beside it


def test_a_span_comment_typed_without_script_is_kept_when_its_words_are_not_found(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    address = reverse("desk:article-comment", args=[article.pk])
    refused = client.post(address, {"exact": "words not there", "body": "my careful remark"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "my careful remark" in page and "words not there" in page
    client.post(address, {"exact": QUOTE, "body": "typed by hand"})
    assert Comment.objects.get().exact == QUOTE


def test_orphaned_span_comments_are_listed_apart_in_the_reading_view(client, editor):
    article = ArticleFactory()
    comment_services.add_comment(by=editor, article=article, selector={"exact": "سيرغي شويغو"}, body="on Shoigu")
    add_revision(article=article, text="نص مختلف تماما عن النص الأول.", by=editor)
    client.force_login(editor)
    page = client.get(reverse("desk:article", args=[article.pk])).content.decode()
    assert "Comments whose words are no longer in this revision" in page and "on Shoigu" in page
    assert "data-comments=" not in page
