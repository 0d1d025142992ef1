"""Nothing unpublished, anywhere: a claim in any unpublished state is unreachable anonymously."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation

from claims.models import ClaimLink
from claims.services.history import record_event
from claims.workflow import PUBLIC_STATUSES, Status
from tests.factories import ArticleFactory, EntityFactory, EvidenceFactory
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

UNPUBLISHED = [s.value for s in Status if s not in PUBLIC_STATUSES]
SECRET = "zanzibarsecret"


@pytest.fixture
def world():
    """One published claim; beside it, in its article, about its entity and linked to it, the unpublished ones."""
    article = ArticleFactory()
    entity = EntityFactory(name="Common Person")
    published = make_claim(article=article, statement="Published claim about Common Person")
    published.entities.add(entity)
    hidden = []
    for status in UNPUBLISHED:
        for verdict in ("", "false"):
            claim = make_claim(
                article=article,
                status=status,
                verdict=verdict,
                statement=f"{SECRET} about Common Person {status} {verdict}",
                statement_en=f"{SECRET} en",
            )
            claim.entities.add(entity)
            EvidenceFactory(claim=claim, source__title=f"{SECRET} source")
            record_event(claim=claim, actor=None, action="transition", from_status="draft", to_status=status)
            low, high = sorted([published, claim], key=lambda c: c.pk)
            ClaimLink.objects.create(from_claim=low, to_claim=high, state="confirmed", score=0.9)
            hidden.append(claim)
    # An unpublished meeting of the entity with someone only it names: no row, no edge, no count in public.
    meeting = make_claim(
        article=article, status="in_review", verdict="false", kind="meeting", statement=f"{SECRET} meeting"
    )
    met = EntityFactory(name=f"{SECRET} attendee")
    meeting.attendees.create(entity=entity, status="confirmed")
    meeting.attendees.create(entity=met, status="disputed", evidence_note=f"{SECRET} note")
    meeting.entities.add(entity, met)
    hidden.append(meeting)
    # An article and an entity only unpublished claims point at.
    lonely_article = ArticleFactory()
    lonely_entity = EntityFactory(name=f"{SECRET} person")
    lonely = make_claim(article=lonely_article, status="in_review", verdict="false", statement=SECRET)
    lonely.entities.add(lonely_entity)
    return {"published": published, "hidden": [*hidden, lonely], "article": lonely_article, "entity": lonely_entity}


def public_urls(world):
    published = world["published"]
    urls = [
        "/",
        "/feed.atom",
        "/sitemap.xml",
        *[f"/sitemap-{section}.xml" for section in ("claims", "articles", "entities", "series", "topics")],
        "/robots.txt",
        "/search/?q=Common+Person",
        url(published),
        f"/articles/{published.article_id}/",
        "/api/v1/public/claims/",
        "/about/",
        "/verdicts/",
    ]
    for entity in published.entities.all():
        urls += [f"/entities/{entity.pk}/", f"/entities/{entity.pk}/meetings/graph/"]
        urls += [f"/entities/{entity.pk}/feed.atom", f"/api/v1/public/entities/{entity.pk}/"]
        urls += [f"/api/v1/public/entities/{entity.pk}/meetings/", f"/entities/{entity.pk}/?status=disputed"]
    return urls + ["/ar" + u for u in urls if not u.startswith("/api")]


def test_no_public_page_feed_sitemap_search_or_api_mentions_an_unpublished_claim(client, world):
    for address in public_urls(world):
        response = client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        assert SECRET not in body, address
        for claim in world["hidden"]:
            assert f"/claims/{claim.pk}/" not in body, address


def test_unpublished_claims_have_no_public_page_archive_or_api_detail(client, world):
    for claim in world["hidden"]:
        slug = claim.slug
        for address in (
            f"/claims/{claim.pk}/",
            f"/claims/{claim.pk}/{slug}/",
            f"/ar/claims/{claim.pk}/{slug}/",
            f"/api/v1/public/claims/{claim.pk}/",
        ):
            assert client.get(address).status_code == 404, address
        for evidence in claim.evidence.all():
            archive = f"/claims/{claim.pk}/sources/{evidence.source_id}/archive/"
            assert client.get(archive).status_code == 404


def test_articles_and_entities_known_only_from_unpublished_claims_are_not_found(client, world):
    assert client.get(f"/articles/{world['article'].pk}/").status_code == 404
    for address in ("/entities/{}/", "/entities/{}/meetings/graph/", "/entities/{}/feed.atom"):
        assert client.get(address.format(world["entity"].pk)).status_code == 404, address
    assert client.get(f"/api/v1/public/entities/{world['entity'].pk}/").status_code == 404


def test_a_claim_leaves_every_public_list_when_it_is_no_longer_public(client, world):
    published = world["published"]
    with translation.override("en"):
        address = published.public_url
    assert address in client.get("/").content.decode()
    type(published).objects.filter(pk=published.pk).update(status="in_review")
    from claims.page_cache import invalidate_claim

    invalidate_claim(published.pk)
    assert address not in client.get("/").content.decode()
    assert client.get(address).status_code == 404


def test_the_replay_origin_hands_out_no_wacz_of_an_unpublished_claim(client, world, settings):
    """A public replay token, even minted by hand for the capture of a source only unpublished claims cite, gets
    nothing from the replay origin; the same token for the published claim's capture does."""
    from django.core.files.base import ContentFile

    from claims.models import Capture
    from claims.services.replay import wacz_token

    settings.REPLAY_ORIGIN = "http://replay.testserver"

    def captured(source):
        capture = Capture.objects.create(source=source, state="done", requested_url=source.url, http_status=200)
        capture.wacz.save("capture.wacz", ContentFile(b"PK not really a zip"))
        return capture

    hidden = [captured(evidence.source) for claim in world["hidden"] for evidence in claim.evidence.all()]
    assert hidden
    for capture in hidden:
        response = client.get(f"/wacz/{wacz_token(capture=capture)}/capture.wacz", HTTP_HOST="replay.testserver")
        assert response.status_code == 404, capture.source.title
    shown = captured(EvidenceFactory(claim=world["published"]).source)
    assert (
        client.get(f"/wacz/{wacz_token(capture=shown)}/capture.wacz", HTTP_HOST="replay.testserver").status_code == 200
    )


def test_search_of_the_shared_words_finds_only_the_published_claim(client, world):
    body = client.get("/search/", {"q": "Common Person"}).content.decode()
    assert url(world["published"]) in body


# Internal text, nowhere public. Each internal field gets its own marker, written through the services the desk
# uses, and every public surface is scanned for every marker. A new internal field (say, the desk's comments on a
# claim) joins INTERNAL_TEXT and the world below; a new public page, feed or export joins public_surfaces.

#: Every text field the desk writes for itself, never for readers, with its marker.
INTERNAL_TEXT = {
    "event comment: start research": "qzxstartresearch",
    "event comment: propose verdict": "qzxpropose",
    "event comment: send back": "qzxsendback",
    "event comment: publish": "qzxpublish",
    "event comment: correct": "qzxcorrect",
    "event comment: retract": "qzxretract",
    "event comment: back to draft": "qzxbacktodraft",
    "event comment: propose a correction": "qzxfixproposal",
    "event comment: send a correction back": "qzxfixrefused",
    "event comment: approve a correction": "qzxapprovecorrection",
    "event comment: approve a retraction": "qzxapproveretraction",
    "evidence note": "qzxevidencenote",
    "source note": "qzxsourcenote",
    "offline source note": "qzxofflinenote",
    "comment on a claim": "qzxclaimcomment",
    "comment on a span of the article": "qzxspancomment",
    "reply to a comment": "qzxreplycomment",
    "deleted comment": "qzxdeletedcomment",
    "unpublished series member: statement": "qzxdraftmember",
    "unpublished series member: source": "qzxmembersource",
    "proposed series member: statement": "qzxseriesproposed",
    "assignee's username": "qzxassigneeuser",
    "harvest source: last error": "qzxharvesterror",
    "harvest source: name": "qzxharvestname",
    "rating mapping: example": "qzxratingexample",
    "monitored feed: name": "qzxfeedname",
    "monitored feed: last error": "qzxfeederror",
    "monitored feed: keywords": "qzxfeedkeyword",
    "inbox item: author": "qzxinboxauthor",
    "reader request: contact e-mail": "qzxreadercontact@example.org",
    "reader request: desk note": "qzxreadernote",
    "reader request: open request's text": "qzxreaderasks",
    "proposed claim: claimant": "qzxproposalclaimant",
    "proposed claim: pre-filled field": "qzxproposalwhat",
}
#: Public text that no second reviewer approved (four eyes): a pending correction's, a pending edit's, and a
#: correction's that was sent back. No reader sees any of it.
UNAPPROVED_TEXT = {
    "pending correction: rationale": "qzxpendingrationale",
    "pending correction: public note": "qzxpendingnote",
    "pending edit: statement": "qzxpendingstatement",
    "pending edit: public note": "qzxpendingeditnote",
    "sent back correction: rationale": "qzxsentbackrationale",
    "sent back correction: public note": "qzxsentbacknote",
}
#: What only an unpublished meeting says: its statement and the one attendee no published claim names.
UNPUBLISHED_TEXT = {
    "unpublished meeting: statement": "qzxhiddenmeeting",
    "unpublished meeting: attendee": "qzxhiddenattendee",
    "unpublished meeting: attendance note": "qzxhiddenattendance",
}
NOT_PUBLIC = INTERNAL_TEXT | UNAPPROVED_TEXT | UNPUBLISHED_TEXT
# Written for readers, so not in the list: the statement, rationale, public notes, evidence passages, attendees'
# roles and evidence notes (the public page shows why each attendance is confirmed or disputed), entity names and
# descriptions.


@pytest.fixture
def desk_world(editor, reviewer, second_reviewer):
    """Three public claims (published, corrected, retracted) that went through the whole workflow with an internal
    comment at each step, citing an archived source and an offline one, each with internal notes."""
    from django.utils import timezone

    from claims.models import Capture
    from claims.services.claims import update_claim
    from claims.services.sources import add_evidence, find_or_create_source
    from claims.services.workflow import decide_correction, transition_claim
    from tests.factories import ClaimFactory

    mark = INTERNAL_TEXT
    unapproved = UNAPPROVED_TEXT
    article = ArticleFactory()
    entity = EntityFactory(name="Internal Person")
    source, _ = find_or_create_source(
        url="https://news.example.org/internal-test",
        by=editor,
        capture=False,
        title="A public source title",
        note=mark["source note"],
    )
    Capture.objects.create(
        source=source, requested_url=source.url, state="done", fetched_at=timezone.now(), text="archived text"
    )
    offline, _ = find_or_create_source(
        by=editor, kind="report", title="A report on paper", note=mark["offline source note"]
    )
    claims = []
    for n, fate in enumerate(["published", "corrected", "retracted", "edited"]):
        claim = ClaimFactory(
            article=article, created_by=editor, last_editor=editor, statement=f"Internal Person said a thing {n}"
        )
        claim.entities.add(entity)
        add_evidence(claim=claim, source=source, by=editor, passage="a public passage", note=mark["evidence note"])
        add_evidence(claim=claim, source=offline, by=editor, note=mark["evidence note"])
        claim = transition_claim(
            claim=claim, to="researching", by=editor, comment=mark["event comment: start research"]
        )
        claim = transition_claim(claim=claim, to="draft", by=editor, comment=mark["event comment: back to draft"])
        claim = transition_claim(
            claim=claim,
            to="in_review",
            by=editor,
            verdict="false",
            rationale="Public reasons.",
            public_note="Checked against two reports.",
            comment=mark["event comment: propose verdict"],
        )
        claim = transition_claim(claim=claim, to="researching", by=reviewer, comment=mark["event comment: send back"])
        claim = transition_claim(claim=claim, to="in_review", by=editor, comment=mark["event comment: propose verdict"])
        claim = transition_claim(claim=claim, to="published", by=reviewer, comment=mark["event comment: publish"])
        if fate == "published":  # a correction waits for a second reviewer: readers see none of it
            transition_claim(
                claim=claim,
                to="corrected",
                by=second_reviewer,
                verdict="accurate",
                rationale=unapproved["pending correction: rationale"],
                public_note=unapproved["pending correction: public note"],
                comment=mark["event comment: propose a correction"],
            )
        if fate == "corrected":
            transition_claim(
                claim=claim,
                to="corrected",
                by=second_reviewer,
                verdict="accurate",
                rationale=unapproved["sent back correction: rationale"],
                public_note=unapproved["sent back correction: public note"],
            )
            decide_correction(
                claim=claim, by=reviewer, decision="send_back", comment=mark["event comment: send a correction back"]
            )
            transition_claim(
                claim=claim,
                to="corrected",
                by=second_reviewer,
                verdict="misleading",
                rationale="Newer public reasons.",
                public_note="A later report gives context.",
                comment=mark["event comment: correct"],
            )
            claim = transition_claim(
                claim=claim, to="corrected", by=reviewer, comment=mark["event comment: approve a correction"]
            )
        if fate == "retracted":
            transition_claim(
                claim=claim,
                to="retracted",
                by=second_reviewer,
                public_note="The quote was invented.",
                comment=mark["event comment: retract"],
            )
            claim = transition_claim(
                claim=claim, to="retracted", by=reviewer, comment=mark["event comment: approve a retraction"]
            )
        if fate == "edited":  # a change of its statement waits for a second reviewer
            update_claim(
                claim_id=claim.pk,
                by=second_reviewer,
                version=claim.version,
                statement=unapproved["pending edit: statement"],
                correction=unapproved["pending edit: public note"],
            )
            claim.refresh_from_db()
        claims.append(claim)
    # A published meeting of the entity, whose attendance cites evidence with an internal note, and an unpublished
    # one with someone no published claim names.
    met = EntityFactory(name="Public Attendee")
    meeting = ClaimFactory(article=article, kind="meeting", details={"date": "2019", "channel": "video"})
    cited = add_evidence(claim=meeting, source=source, by=editor, passage="met by video", note=mark["evidence note"])
    meeting.attendees.create(entity=entity, status="confirmed")
    meeting.attendees.create(entity=met, status="disputed", evidence=cited, evidence_note="A public reason.")
    meeting.entities.add(entity, met)
    meeting = transition_claim(claim=meeting, to="in_review", by=editor, verdict="accurate", rationale="Seen.")
    transition_claim(claim=meeting, to="published", by=reviewer, comment=mark["event comment: publish"])
    hidden = ClaimFactory(article=article, kind="meeting", statement=UNPUBLISHED_TEXT["unpublished meeting: statement"])
    stranger = EntityFactory(name=UNPUBLISHED_TEXT["unpublished meeting: attendee"])
    hidden.attendees.create(entity=entity, status="confirmed")
    hidden.attendees.create(
        entity=stranger, status="disputed", evidence_note=UNPUBLISHED_TEXT["unpublished meeting: attendance note"]
    )
    hidden.entities.add(entity, stranger)
    add_evidence(claim=hidden, source=offline, by=editor, note=mark["evidence note"])
    transition_claim(claim=hidden, to="in_review", by=editor, verdict="false", rationale="Not yet.")
    # Who works on them is the desk's business; their topic is public.
    from claims.services.assignments import assign_claim
    from claims.services.tags import change_claim_tags, find_or_create_tag
    from tests.factories import UserFactory

    assignee = UserFactory(username=INTERNAL_TEXT["assignee's username"], role="editor")
    tag, _ = find_or_create_tag(name="Internal Person topic", by=reviewer)
    for claim in claims:
        assign_claim(claim=claim, by=reviewer, assignee=assignee, due="2026-01-01")
        change_claim_tags(claim=claim, by=reviewer, add=[tag])
    _comment_on(claims[0], article, editor, reviewer)
    _series_world(claims[0], editor, mark)
    from claims.models import HarvestSource, RatingMapping

    HarvestSource.objects.create(
        url="https://checker.example.org/feed",
        name=mark["harvest source: name"],
        last_error=mark["harvest source: last error"],
        created_by=editor,
    )
    RatingMapping.objects.create(rating="qzx", example=mark["rating mapping: example"], seen=1)
    from claims.models import Feed, InboxItem

    Feed.objects.create(
        url="https://publisher.example.org/rss",
        name=mark["monitored feed: name"],
        last_error=mark["monitored feed: last error"],
        keywords=mark["monitored feed: keywords"],
        created_by=editor,
    )
    InboxItem.objects.create(article=article, author=mark["inbox item: author"])
    _reader_requests(claims[0], mark)
    _proposals(claims[0], mark)
    return {
        "claims": claims[:3],
        "pending_edit": claims[3],
        "article": article,
        "entity": entity,
        "source": source,
        "attendee": met,
        "tag": tag,
    }


def _comment_on(claim, article, editor, reviewer):
    """The desk's comments on a published claim and on the words it quotes: a thread, a reply, a deleted one."""
    from claims.services.comments import add_comment, delete_comment

    mark = INTERNAL_TEXT
    thread = add_comment(by=editor, claim=claim, body=f"{mark['comment on a claim']} @rev")
    add_comment(by=reviewer, claim=claim, parent=thread, body=mark["reply to a comment"])
    add_comment(by=editor, article=article, selector=claim.selector, body=mark["comment on a span of the article"])
    deleted = add_comment(by=editor, claim=claim, body=mark["deleted comment"])
    delete_comment(comment=deleted, by=editor)


def _series_world(published, editor, mark):
    """A public series: the published claim (made a quantity claim, its sources giving estimates with internal
    notes), an accepted member that is unpublished, with a marked source, and a proposed one."""
    from claims.models import Claim, Evidence
    from claims.services.series import add_member, create_series
    from claims.services.sources import add_evidence, find_or_create_source
    from tests.factories import ClaimFactory

    Claim.objects.filter(pk=published.pk).update(kind="quantity", details={"value": 10, "as_of": "2020"})
    Evidence.objects.filter(claim=published).update(estimate_value=12)
    series = create_series(by=editor, name="Leak series", slug="leak-series", description="For readers.")
    add_member(series=series, claim=Claim.objects.get(pk=published.pk), by=editor)
    draft = ClaimFactory(kind="quantity", statement=mark["unpublished series member: statement"], details={"value": 99})
    source, _ = find_or_create_source(by=editor, kind="report", title=mark["unpublished series member: source"])
    add_evidence(claim=draft, source=source, by=editor, note=mark["evidence note"], estimate_value=98)
    add_member(series=series, claim=draft, by=editor)
    proposed = ClaimFactory(kind="quantity", statement=mark["proposed series member: statement"], details={"value": 7})
    series.members.create(claim=proposed, state="proposed", score=0.5)


def _reader_requests(published, mark):
    """A reader's request answered by the published claim, with the reader's address and the desk's note, and an
    open one: what readers ask is the desk's to read, never shown on the claim's page or anywhere public."""
    from claims.models import ReaderRequest

    ReaderRequest.objects.create(
        text="Is this true?",
        key="leak-answered",
        state="answered",
        matched_claim=published,
        contact_emails=[mark["reader request: contact e-mail"]],
        replied_emails=[mark["reader request: contact e-mail"]],
        note=mark["reader request: desk note"],
    )
    ReaderRequest.objects.create(text=mark["reader request: open request's text"], key="leak-open")


def _proposals(published, mark):
    """A proposed claim on the published claim's article: its pre-filled fields are the desk's draft, not public."""
    from claims.models import ClaimProposal

    revision = published.article.current_revision
    ClaimProposal.objects.create(
        article=published.article,
        revision=revision,
        exact=revision.text[:12],
        start=0,
        end=12,
        kind="event",
        details={"what": mark["proposed claim: pre-filled field"]},
        claimant=mark["proposed claim: claimant"],
        fingerprint="leak",
        score=0.9,
    )


@pytest.fixture
def second_reviewer(db):
    from tests.factories import UserFactory

    return UserFactory(username="rev2", role="reviewer")


def public_surfaces(desk_world) -> list[str]:
    """Every address a reader, a search engine or a partner desk can read, in both interface languages."""
    pages = [
        "/",
        "/feed.atom",
        "/sitemap.xml",
        *[f"/sitemap-{section}.xml" for section in ("claims", "articles", "entities", "series", "topics")],
        "/search/?q=Internal+Person",
        f"/articles/{desk_world['article'].pk}/",
        f"/entities/{desk_world['entity'].pk}/",
        f"/entities/{desk_world['entity'].pk}/?status=disputed&from=2019",
        f"/entities/{desk_world['entity'].pk}/meetings/graph/",
        f"/entities/{desk_world['entity'].pk}/feed.atom",
        f"/entities/{desk_world['attendee'].pk}/",
        f"/entities/{desk_world['attendee'].pk}/meetings/graph/",
        f"/topic/{desk_world['tag'].slug}/",
        "/about/",
        "/verdicts/",
        "/series/leak-series/",
        "/series/leak-series/estimates.csv",
        "/check/",
    ]
    pages += [f"/search/?q={marker}" for marker in NOT_PUBLIC.values()]
    api = ["/api/v1/public/claims/", "/api/v1/public/claimreview/", "/api/v1/public/series/"]
    api += ["/api/v1/public/series/leak-series/", "/api/v1/public/series/leak-series/estimates/"]
    for entity in (desk_world["entity"], desk_world["attendee"]):
        api += [f"/api/v1/public/entities/{entity.pk}/", f"/api/v1/public/entities/{entity.pk}/meetings/"]
    for claim in [*desk_world["claims"], desk_world["pending_edit"]]:
        pages += [url(claim), f"/claims/{claim.pk}/sources/{desk_world['source'].pk}/archive/"]
        api += [f"/api/v1/public/claims/{claim.pk}/", f"/api/v1/public/claims/{claim.pk}/claimreview/"]
    return pages + ["/ar" + page for page in pages] + api


def test_no_internal_text_reaches_any_public_surface(client, desk_world):
    """Nor any public text a second reviewer has not approved (a pending or sent back correction)."""
    claim_links = [f"/claims/{claim.pk}/" for claim in [*desk_world["claims"], desk_world["pending_edit"]]]
    for address in public_surfaces(desk_world):
        response = client.get(address, follow=True)
        assert response.status_code == 200, address
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        searched = parse_qs(urlsplit(address).query).get("q", [""])[0]
        leaked = [field for field, marker in NOT_PUBLIC.items() if marker in body and marker != searched]
        assert not leaked, f"{address} shows {leaked}"
        if searched in NOT_PUBLIC.values():  # the search box repeats the words; no claim may match them
            assert not [link for link in claim_links if link in body], address


def test_the_public_timeline_shows_the_public_notes_in_the_readers_words(client, desk_world):
    published, corrected, retracted = desk_world["claims"]
    body = client.get(url(corrected)).content.decode()
    assert "Checked against two reports." in body and "A later report gives context." in body
    assert "Returned for more research" in body
    assert "The quote was invented." in client.get(url(retracted)).content.decode()
    assert "A later report gives context." in client.get("/feed.atom").content.decode()


def test_the_comment_markers_are_written_where_the_desk_reads_them(client, editor, desk_world):
    """The markers above are really there, on the desk: their absence from public pages is not an accident."""
    client.force_login(editor)
    published = desk_world["claims"][0]
    claim_page = client.get(f"/desk/claims/{published.pk}/").content.decode()
    assert INTERNAL_TEXT["comment on a claim"] in claim_page and INTERNAL_TEXT["reply to a comment"] in claim_page
    reading = client.get(f"/desk/articles/{desk_world['article'].pk}/").content.decode()
    assert INTERNAL_TEXT["comment on a span of the article"] in reading


def test_no_internal_text_reaches_a_webhook_payload(desk_world):
    """Webhook deliveries leave the desk for partner systems: their claim is the public API's, nothing more."""
    from claims.api.webhooks import public_claim_document

    for claim in [*desk_world["claims"], desk_world["pending_edit"]]:
        document = public_claim_document(claim.pk)
        assert document is not None and document["id"] == claim.pk
        body = json.dumps(document, ensure_ascii=False)
        leaked = [field for field, marker in NOT_PUBLIC.items() if marker in body]
        assert not leaked, f"the webhook payload of claim {claim.pk} shows {leaked}"
