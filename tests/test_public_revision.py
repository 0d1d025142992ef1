"""Readers see the revision a reviewer accepted: an editor's new text reaches the public pages only through review."""

import pytest
from django.urls import reverse
from django.utils import translation

from claims.models import ClaimEvent
from claims.services.articles import RevisionRefused, accept_revision, add_revision, create_article
from claims.services.claims import create_claim, update_claim
from claims.services.workflow import TransitionRefused, decide_correction, transition_claim
from tests.factories import EvidenceFactory, UserFactory
from tests.public_helpers import fresh_cache  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

REV1 = "Opening words. The minister said 2,000 troops arrived at the base on Wednesday. Later they left."
# "Zebrafinch" and "airbase" are only in revision 2, near the quote: any leak of it shows in the claim's context.
REV2 = (
    "Opening words. Zebrafinch update: the minister said 2,000 troops arrived at the airbase on Wednesday. "
    "Later they left."
)
QUOTE1, QUOTE2 = "2,000 troops arrived at the base", "2,000 troops arrived at the airbase"


@pytest.fixture
def published(editor, reviewer):
    article = create_article(title="Troops at the base", text=REV1, language="en", direction="ltr", by=editor)
    claim = create_claim(article=article, by=editor, selector={"exact": QUOTE1}, statement="2,000 troops arrived")
    EvidenceFactory(claim=claim)
    transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="The record says so.")
    transition_claim(claim=claim, to="published", by=reviewer)
    claim.refresh_from_db()
    return claim


def _pages(client, claim, language="en") -> tuple[str, str]:
    with translation.override(language):
        claim_url, article_url = claim.public_url, reverse("public:article", args=[claim.article_id])
    return client.get(claim_url).content.decode(), client.get(article_url).content.decode()


def _edit(claim, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_revision(article=claim.article, text=REV2, by=editor)


def test_first_publication_makes_its_revision_the_one_readers_see(published):
    published.article.refresh_from_db()
    assert published.article.public_revision.number == 1
    assert published.public_revision.number == 1
    assert published.public_selector["exact"] == QUOTE1


def test_an_editors_new_revision_leaves_the_claim_and_article_pages_on_the_reviewed_text(
    client, published, editor, django_capture_on_commit_callbacks
):
    _edit(published, editor, django_capture_on_commit_callbacks)
    published.refresh_from_db()
    assert (published.revision.number, published.exact) == (2, QUOTE2)  # the desk has moved on
    claim_page, article_page = _pages(client, published)
    for page in (claim_page, article_page):
        assert "Zebrafinch" not in page and "airbase" not in page
        assert QUOTE1 in page


def test_the_article_page_says_which_revision_it_shows_and_that_a_newer_one_is_under_review(
    client, published, editor, django_capture_on_commit_callbacks
):
    _, before = _pages(client, published)
    assert "Text shown: revision 1 of 1" in before
    assert "under review" not in before
    _edit(published, editor, django_capture_on_commit_callbacks)
    _, english = _pages(client, published)
    assert "Text shown: revision 1 of 2" in english
    assert "A newer revision is under review" in english
    _, arabic = _pages(client, published, "ar")
    assert "النص المعروض: النسخة 1 من 2" in arabic
    assert "توجد نسخة أحدث قيد المراجعة" in arabic


def test_a_reviewer_accepting_the_revision_shows_it_with_the_re_anchored_quote(
    client, published, editor, django_capture_on_commit_callbacks
):
    _edit(published, editor, django_capture_on_commit_callbacks)
    other_reviewer = UserFactory(username="rev2", role="reviewer")
    client.force_login(other_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("desk:article-accept-revision", args=[published.article_id]), {"revision": "2"})
    assert response.status_code == 302
    client.logout()
    claim_page, article_page = _pages(client, published)
    for page in (claim_page, article_page):
        assert "Zebrafinch" in page
        assert QUOTE2 in page
    assert "Text shown: revision 2 of 2" in article_page
    assert "under review" not in article_page
    event = ClaimEvent.objects.filter(claim=published, action="reanchored").latest()
    assert event.changes == {"public_revision": [1, 2]} and event.actor == other_reviewer


def test_accepting_drops_the_cached_claim_page(client, published, editor, reviewer, django_capture_on_commit_callbacks):
    _edit(published, editor, django_capture_on_commit_callbacks)
    before = client.get(published.public_url)
    with django_capture_on_commit_callbacks(execute=True):
        accept_revision(article=published.article, number=2, by=reviewer)
    after = client.get(published.public_url)
    assert after["ETag"] != before["ETag"]
    assert "Zebrafinch" in after.content.decode()


def test_the_reviewer_who_wrote_the_revision_cannot_accept_it(
    client, published, reviewer, django_capture_on_commit_callbacks
):
    _edit(published, reviewer, django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    response = client.post(
        reverse("desk:article-accept-revision", args=[published.article_id]), {"revision": "2"}, follow=True
    )
    assert "You wrote a revision readers have not seen yet: another reviewer must accept it." in (
        response.content.decode()
    )
    published.article.refresh_from_db()
    assert published.article.public_revision.number == 1


def test_an_editor_cannot_accept_a_revision(published, editor, second_editor, django_capture_on_commit_callbacks):
    _edit(published, editor, django_capture_on_commit_callbacks)
    with pytest.raises(RevisionRefused, match="Only a reviewer"):
        accept_revision(article=published.article, number=2, by=second_editor)


def test_a_revision_orphaning_a_published_claim_cannot_be_accepted(published, editor, reviewer):
    add_revision(article=published.article, text="An entirely different story about ships and weather.", by=editor)
    with pytest.raises(RevisionRefused, match=f"#{published.pk}"):
        accept_revision(article=published.article, number=2, by=reviewer)


def test_only_the_latest_revision_can_be_accepted(published, editor, reviewer):
    add_revision(article=published.article, text=REV2, by=editor)
    add_revision(article=published.article, text=REV2 + " A third version.", by=editor)
    with pytest.raises(RevisionRefused, match="revision 3 is"):
        accept_revision(article=published.article, number=2, by=reviewer)


def test_a_claim_in_an_unaccepted_revision_cannot_be_published(published, editor, reviewer):
    add_revision(article=published.article, text=REV2, by=editor)
    article = published.article
    article.refresh_from_db()
    claim = create_claim(article=article, by=editor, selector={"exact": "Later they left"}, statement="They left")
    EvidenceFactory(claim=claim)
    transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="The record says so.")
    with pytest.raises(TransitionRefused, match="Accept revision 2 for readers"):
        transition_claim(claim=claim, to="published", by=reviewer)
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_reading_view_offers_a_reviewer_to_accept_the_newer_revision(client, published, editor):
    add_revision(article=published.article, text=REV2, by=editor)
    client.force_login(UserFactory(username="rev2", role="reviewer"))
    page = client.get(reverse("desk:article", args=[published.article_id])).content.decode()
    assert "Readers see revision r1; revision r2 is newer" in page
    assert "Accept revision r2 for readers" in page


def test_api_patch_adds_a_revision_readers_do_not_see_until_a_reviewer_accepts_it(api_as, published, editor):
    article_url = f"/api/v1/articles/{published.article_id}/"
    patched = api_as(editor).patch(article_url, {"text": REV2}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["revision"], patched.json()["public_revision"]) == (2, 1)
    refused = api_as(editor).post(article_url + "accept-revision/", {"revision": 2}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Only a reviewer may accept a revision for readers."}
    accepted = api_as(UserFactory(username="rev2", role="reviewer")).post(
        article_url + "accept-revision/", {"revision": 2}, format="json"
    )
    assert accepted.status_code == 200
    assert (accepted.json()["revision"], accepted.json()["public_revision"]) == (2, 2)


def test_public_api_gives_the_reviewed_selector_until_the_revision_is_accepted(
    client, published, editor, reviewer, django_capture_on_commit_callbacks
):
    _edit(published, editor, django_capture_on_commit_callbacks)
    for row in (
        client.get(f"/api/v1/public/claims/{published.pk}/").json(),
        client.get("/api/v1/public/claims/").json()["results"][0],
    ):
        assert (row["revision"], row["selector"]["exact"]) == (1, QUOTE1)
    with django_capture_on_commit_callbacks(execute=True):
        accept_revision(article=published.article, number=2, by=reviewer)
    for row in (
        client.get(f"/api/v1/public/claims/{published.pk}/").json(),
        client.get("/api/v1/public/claims/").json()["results"][0],
    ):
        assert (row["revision"], row["selector"]["exact"]) == (2, QUOTE2)


def test_a_reviewers_correction_of_the_quote_is_what_readers_then_see(client, published, reviewer):
    update_claim(
        claim_id=published.pk,
        by=reviewer,
        version=published.version,
        selector={"exact": "2,000 troops arrived at the base on Wednesday"},
        correction="The quote now includes the day.",
    )
    # Four eyes: the correction is proposed; readers see it once another reviewer approves it.
    decide_correction(claim=published, by=UserFactory(username="rev2", role="reviewer"), decision="approve")
    claim_page, article_page = _pages(client, published)
    for page in (claim_page, article_page):
        assert ">2,000 troops arrived at the base on Wednesday</mark>" in page


def test_the_admin_shows_what_readers_see_but_cannot_change_it(client, published, admin_user):
    client.force_login(admin_user)
    article_form = client.get(f"/admin/claims/article/{published.article_id}/change/").content.decode()
    claim_form = client.get(f"/admin/claims/claim/{published.pk}/change/").content.decode()
    assert 'name="public_revision"' not in article_form
    assert 'name="public_revision"' not in claim_form and 'name="public_selector"' not in claim_form
