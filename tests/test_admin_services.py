"""The admin goes through the services: a change made there leaves the same history row, version bump and search
text as the desk's, and what has no service behind it cannot be changed there, even by a crafted POST."""

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from claims import limits
from claims.arabic import normalize
from claims.models import Article, ArticleRevision, Attendee, Capture, Claim, ClaimEvent, ClaimLink, Page, Source
from claims.services.claims import update_claim
from claims.services.sources import SourceInvalid, update_source
from tests.factories import ClaimFactory, EntityFactory, EvidenceFactory, SourceFactory
from tests.public_helpers import make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", "chief@example.org", "pass-word-123")
    client.force_login(user)
    return user


@pytest.fixture
def draft(editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor, statement="Two thousand soldiers arrived.")
    claim.search_text = normalize(" ".join([claim.statement, claim.statement_en, claim.exact, claim.claimant]))
    claim.save(update_fields=["search_text"])
    return claim


def change_url(obj) -> str:
    return reverse(f"admin:claims_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(client, obj, **changes) -> dict:
    """What the admin's change form posts for ``obj`` untouched (inline management forms included), with
    ``changes`` typed in or crafted."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, FieldFile):
            continue  # a stored file is kept by posting none
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data | changes


def test_a_draft_edited_in_the_admin_gets_the_desks_history_version_and_search_text(client, chief, draft):
    old = draft.statement
    response = client.post(change_url(draft), form_data(client, draft, statement="About two thousand soldiers."))
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get(pk=draft.pk)
    assert claim.statement == "About two thousand soldiers."
    assert claim.version == draft.version + 1
    assert claim.search_text == normalize(" ".join([claim.statement, claim.statement_en, claim.exact, claim.claimant]))
    assert claim.last_editor == chief
    event = ClaimEvent.objects.filter(claim=claim).latest()
    assert (event.action, event.actor, event.changes) == (
        "edited",
        chief,
        {"statement": [old, "About two thousand soldiers."]},
    )


def test_the_admins_entity_list_change_is_history_too(client, chief, draft):
    entity = EntityFactory(name="The ministry")
    response = client.post(change_url(draft), form_data(client, draft, entities=[str(entity.pk)]))
    assert response.status_code == 302
    claim = Claim.objects.get(pk=draft.pk)
    assert list(claim.entities.all()) == [entity] and claim.version == draft.version + 1
    assert ClaimEvent.objects.filter(claim=claim).latest().changes == {"entities": [[], ["The ministry"]]}


def test_an_unchanged_admin_save_changes_nothing(client, chief, draft):
    assert client.post(change_url(draft), form_data(client, draft)).status_code == 302
    assert Claim.objects.get(pk=draft.pk).version == draft.version
    assert not ClaimEvent.objects.filter(claim=draft).exists()


def test_the_admin_refuses_a_save_over_someone_elses_edit(client, chief, draft, editor):
    data = form_data(client, draft, statement="The admin's wording.")
    update_claim(claim_id=draft.pk, by=editor, version=draft.version, statement="The editor's wording.")
    response = client.post(change_url(draft), data, follow=True)
    assert "This claim was changed by someone else" in response.content.decode()
    claim = Claim.objects.get(pk=draft.pk)
    assert claim.statement == "The editor's wording." and claim.version == draft.version + 1


def test_the_admin_applies_the_services_rules(client, chief, draft):
    too_long = "word " * (limits.CLAIM_STATEMENT_MAX_CHARS // 5 + 1)
    response = client.post(change_url(draft), form_data(client, draft, statement=too_long), follow=True)
    assert "Not saved: statement:" in response.content.decode()
    claim = Claim.objects.get(pk=draft.pk)
    assert claim.statement == draft.statement and claim.version == draft.version
    assert not ClaimEvent.objects.filter(claim=claim).exists()


def test_a_crafted_post_cannot_change_what_is_read_only(client, chief, draft):
    other = ClaimFactory()
    data = form_data(
        client,
        draft,
        article=str(other.article_id),
        status="published",
        verdict="false",
        version="99",
        exact="rewritten quote",
        start="1",
        public_text_authors='{"statement": [1]}',
        search_text="rewritten",
    )
    assert client.post(change_url(draft), data).status_code == 302
    claim = Claim.objects.get(pk=draft.pk)
    assert (claim.article_id, claim.status, claim.verdict, claim.version) == (draft.article_id, "draft", "", 1)
    assert (claim.exact, claim.start, claim.public_text_authors) == (
        draft.exact,
        draft.start,
        draft.public_text_authors,
    )
    assert claim.search_text == draft.search_text


def test_attendees_and_evidence_are_read_only_in_the_admin(client, chief, editor):
    meeting = ClaimFactory(kind="meeting", details={}, created_by=editor, last_editor=editor)
    attendee = Attendee.objects.create(claim=meeting, entity=EntityFactory(), role="host", order=0)
    evidence = EvidenceFactory(claim=meeting, passage="as quoted")
    page = client.get(change_url(meeting)).content.decode()
    assert 'name="attendees-0-role"' not in page and 'name="evidence-0-passage"' not in page
    data = form_data(
        client,
        meeting,
        **{
            "attendees-TOTAL_FORMS": "2",
            "attendees-INITIAL_FORMS": "1",
            "attendees-0-id": str(attendee.pk),
            "attendees-0-claim": str(meeting.pk),
            "attendees-0-entity": str(attendee.entity_id),
            "attendees-0-role": "guest",
            "attendees-1-claim": str(meeting.pk),
            "attendees-1-entity": str(EntityFactory().pk),
            "attendees-1-role": "smuggled",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "1",
            "evidence-0-id": str(evidence.pk),
            "evidence-0-claim": str(meeting.pk),
            "evidence-0-source": str(evidence.source_id),
            "evidence-0-stance": "contradicts",
            "evidence-0-passage": "rewritten",
            "evidence-0-DELETE": "on",
        },
    )
    client.post(change_url(meeting), data)
    assert list(Attendee.objects.filter(claim=meeting).values_list("role", flat=True)) == ["host"]
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.passage) == ("supports", "as quoted")
    assert Claim.objects.get(pk=meeting.pk).version == meeting.version
    assert not ClaimEvent.objects.filter(claim=meeting).exists()


def test_a_published_claim_is_neither_changed_nor_deleted_in_the_admin(client, chief):
    claim = make_claim(statement="Published as is.")
    assert client.post(change_url(claim), {"statement": "Rewritten.", "read_version": claim.version}).status_code == 403
    delete = reverse("admin:claims_claim_delete", args=[claim.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Claim.objects.get(pk=claim.pk).statement == "Published as is."


def test_a_draft_deleted_in_the_admin_leaves_its_history_row(client, chief, draft):
    response = client.post(reverse("admin:claims_claim_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=draft.pk).exists()
    event = ClaimEvent.objects.get(claim_id=draft.pk)
    assert (event.action, event.actor, event.changes) == ("deleted", chief, {"statement": [draft.statement, None]})


def test_the_admin_bulk_delete_action_is_gone_for_claims(client, chief, draft):
    response = client.post(
        reverse("admin:claims_claim_changelist"), {"action": "delete_selected", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    assert Claim.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("model", ["claim", "article", "articlerevision", "capture", "claimlink"])
def test_the_admin_adds_none_of_what_the_desk_and_the_worker_make(client, chief, model):
    assert client.get(reverse(f"admin:claims_{model}_add")).status_code == 403


def test_articles_and_revisions_are_read_only_in_the_admin(client, chief, draft):
    article = draft.article
    response = client.post(change_url(article), {"title": "Rewritten", "language": "en", "direction": "ltr"})
    assert response.status_code == 403
    revision = article.current_revision
    assert client.post(change_url(revision), {"text": "Rewritten"}).status_code == 403
    client.post(reverse("admin:claims_article_delete", args=[article.pk]), {"post": "yes"})  # its claim protects it
    assert Article.objects.get(pk=article.pk).title == article.title
    assert ArticleRevision.objects.get(pk=revision.pk).text == revision.text


def test_a_claim_link_is_decided_only_through_the_matching_service(client, chief):
    link = ClaimLink.objects.create(from_claim=ClaimFactory(), to_claim=ClaimFactory(), score=0.8)
    assert client.post(change_url(link), {"state": "confirmed"}).status_code == 403
    response = client.post(
        reverse("admin:claims_claimlink_changelist"), {"action": "confirm_same", "_selected_action": [link.pk]}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.state, link.decided_by) == ("confirmed", chief) and link.decided_at is not None


def test_captures_are_never_changed_or_deleted_in_the_admin(client, chief):
    capture = Capture.objects.create(source=SourceFactory(), requested_url="https://news.example.org/a")
    assert client.post(reverse("admin:claims_capture_delete", args=[capture.pk]), {"post": "yes"}).status_code == 403
    assert Capture.objects.filter(pk=capture.pk).exists()


def test_a_source_description_is_corrected_through_the_service_and_its_url_stays(client, chief, draft):
    source = EvidenceFactory(claim=draft).source
    data = form_data(client, source, title="The corrected title", url="https://elsewhere.example.org/")
    assert client.post(change_url(source), data).status_code == 302
    fresh = Source.objects.get(pk=source.pk)
    assert (fresh.title, fresh.url) == ("The corrected title", source.url)


def test_a_source_added_in_the_admin_is_made_by_the_service(client, chief, django_capture_on_commit_callbacks):
    form = {"kind": "news", "url": "HTTPS://News.Example.org/story?utm_source=feed", "title": "", "note": ""}
    management = {"captures-TOTAL_FORMS": "0", "captures-INITIAL_FORMS": "0"}
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("admin:claims_source_add"), form | management | {"publisher": "", "original_url": ""}
        )
    assert response.status_code == 302
    source = Source.objects.get()
    assert (source.url, source.original_url) == ("https://news.example.org/story", form["url"])
    assert source.created_by == chief
    assert source.captures.get().state == "queued"
    again = client.post(reverse("admin:claims_source_add"), form | management, follow=True)
    assert "already had a source: nothing was added" in again.content.decode()
    assert Source.objects.count() == 1


def test_a_source_a_published_claim_cites_is_not_changed_in_the_admin(client, chief):
    source = EvidenceFactory(claim=make_claim()).source
    assert client.post(change_url(source), {"kind": "news", "title": "Rewritten"}).status_code == 403
    client.post(reverse("admin:claims_source_delete", args=[source.pk]), {"post": "yes"})  # its evidence protects it
    with pytest.raises(SourceInvalid, match="A published claim cites this source"):
        update_source(source=source, title="Rewritten")
    assert Source.objects.get(pk=source.pk).title == source.title


def test_update_source_changes_only_a_sources_description(draft):
    source = EvidenceFactory(claim=draft).source
    with pytest.raises(SourceInvalid, match="not a source's description"):
        update_source(source=source, url="https://elsewhere.example.org/")
    assert update_source(source=source, publisher="The Agency").publisher == "The Agency"


def test_a_page_edited_in_the_admin_is_what_readers_get_next(client, chief, django_capture_on_commit_callbacks):
    page, _ = Page.objects.update_or_create(slug="about", language="en", defaults={"body": "<p>Old words.</p>"})
    first = client.get("/about/")
    assert first.status_code == 200 and "Old words." in first.content.decode()
    data = form_data(client, page, body="<p>New words.</p>")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(page), data).status_code == 302
    again = client.get("/about/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200 and "New words." in again.content.decode()


@pytest.mark.parametrize(
    "model",
    [
        "comment",
        "notification",
        "reminder",
        "webhook",
        "webhookdelivery",
        "series",
        "seriesmember",
        "captureimage",
        "capturepost",
    ],
)
def test_the_team_desks_records_are_read_only_in_the_admin(client, chief, model):
    """Comments, notifications, webhooks and series are written by their desk pages' services (mentions told,
    tombstones, the fetch guard on webhook addresses); the back office lists them and changes none."""
    assert client.get(reverse(f"admin:claims_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:claims_{model}_add")).status_code == 403


def test_a_comment_and_a_webhook_are_shown_but_not_changed_and_the_secret_never(client, chief, draft):
    from claims.models import Comment, Webhook
    from claims.services.comments import add_comment

    comment = add_comment(by=chief, body="Check the 2,000 with the ministry", claim=draft)
    # As the desk's service registers it (its address check needs a name that resolves, beside the point here).
    webhook = Webhook.objects.create(
        url="https://hooks.example.org/desk", events=["published"], secret="9f1c0d2e7a-secret", created_by=chief
    )

    page = client.get(change_url(comment))
    assert page.status_code == 200 and "Check the 2,000 with the ministry" in page.content.decode()
    client.post(change_url(comment), {"body": "rewritten"})
    assert Comment.objects.get(pk=comment.pk).body == "Check the 2,000 with the ministry"

    page = client.get(change_url(webhook)).content.decode()
    assert "hooks.example.org" in page and webhook.secret not in page
    assert webhook.secret not in client.get(reverse("admin:claims_webhook_changelist")).content.decode()
    client.post(change_url(webhook), {"url": "http://127.0.0.1:6379/", "active": "on"})
    assert Webhook.objects.get(pk=webhook.pk).url == "https://hooks.example.org/desk"
