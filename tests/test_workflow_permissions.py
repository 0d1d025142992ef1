"""The permission matrix: every URL of the site × every kind of visitor, against an explicit table of rules.

The list of URLs comes from the URL resolver, so a new endpoint without a rule in ``EXPECTED`` fails
``test_every_url_has_a_permission_rule`` and tells the developer where to add one.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver

from claims.models import (
    Capture,
    Claim,
    ClaimLink,
    ClaimProposal,
    Entity,
    Feed,
    HarvestSource,
    InboxItem,
    Notification,
    Page,
    RatingMapping,
    ReaderRequest,
    Series,
    SeriesMember,
    Tag,
    Webhook,
)
from claims.services.comments import add_comment
from tests.capturing import html_warc
from tests.factories import EvidenceFactory, SourceFactory, UserFactory

ROLES = ["anonymous", "outsider", "editor", "reviewer", "admin"]
MEMBERS = {"editor", "reviewer", "admin"}
DESK_LOGIN, ADMIN_LOGIN = "→ /desk/login/", "→ /admin/login/"

# Answer classes. Each maps a visitor to the answers that are right for them.
DESK = {"anonymous": {DESK_LOGIN}, "outsider": {403}, **dict.fromkeys(MEMBERS, {200})}
API = {"anonymous": {401}, "outsider": {403}, **dict.fromkeys(MEMBERS, {200})}
# POST-only endpoints are checked with an empty POST: members get a refusal or a redirect, never a 5xx.
DESK_POST = {
    "anonymous": {DESK_LOGIN},
    "outsider": {403},
    **dict.fromkeys(MEMBERS, {200, 302, 400, 409}),
    "method": "post",
}
API_POST = {
    "anonymous": {401},
    "outsider": {403},
    **dict.fromkeys(MEMBERS, {200, 201, 202, 400, 409}),
    "method": "post",
}
OPEN = dict.fromkeys(ROLES, {200})
STAFF = {**dict.fromkeys(["anonymous", "outsider", "editor", "reviewer"], {ADMIN_LOGIN}), "admin": {200}}


def _with(rule: dict, **answers) -> dict:
    return rule | {role: set(codes) for role, codes in answers.items()}


EXPECTED = {
    # The desk: signed-in members only; others are sent to log in (anonymous) or refused (no role).
    "desk:login": OPEN,
    "desk:logout": dict.fromkeys(ROLES, {405}),  # logging out is a POST
    "desk:home": DESK,
    "desk:articles": DESK,
    "desk:article": DESK,
    "desk:article-new": DESK,
    "desk:article-edit": DESK,
    "desk:article-accept-revision": DESK_POST,
    "desk:claim-new": DESK,
    "desk:proposal-accept": DESK_POST,
    "desk:proposal-dismiss": DESK_POST,
    # The pre-filled claim form; once the walk has accepted the proposal, a redirect back to the article.
    "desk:proposal-edit": _with(DESK, **dict.fromkeys(MEMBERS, {200, 302})),
    "desk:suggest": DESK,
    "desk:claims": DESK,
    "desk:claim": DESK,
    "desk:claim-edit": DESK_POST,
    "desk:claim-attendees": DESK_POST,
    "desk:claim-delete": DESK_POST,
    "desk:claim-transition": DESK_POST,
    "desk:claim-correction": DESK_POST,
    "desk:claim_add_source": DESK_POST,
    "desk:claim_sources_status": DESK,
    "desk:source": DESK,
    "desk:source_recapture": DESK_POST,
    "desk:source_capture_mode": DESK_POST,
    "desk:evidence_edit": DESK_POST,
    "desk:evidence_remove": DESK_POST,
    "desk:claim-similar-find": DESK_POST,
    "desk:claim-similar-panel": DESK,
    "desk:claim-similar-decide": DESK_POST,
    "desk:capture": DESK,
    "desk:capture_archived": DESK,
    "desk:capture_warc": DESK,
    # An image capture's thumbnail: the matrix's capture is a page, so members get a 404.
    "desk:capture_thumbnail": _with(DESK, **dict.fromkeys(MEMBERS, {404})),
    # Memento over the desk's archive: the matrix asks about an address nothing archived (a 404 for members).
    "desk:memento-timemap": _with(DESK, **dict.fromkeys(MEMBERS, {404})),
    "desk:memento-timegate": _with(DESK, **dict.fromkeys(MEMBERS, {404})),
    "desk:entity-search": DESK,
    "desk:entity-create": DESK_POST,
    # Spreadsheets: every member exports and imports (an import makes drafts, as any member may); the desk report
    # is for reviewers and admins.
    "desk:claim-export": DESK,
    "desk:claim-import": DESK,
    "desk:claim-import-confirm": DESK_POST,
    "desk:report": _with(DESK, editor={403}),
    "desk:report-csv": _with(DESK, editor={403}),
    "desk:claim-comment": DESK_POST,
    "desk:article-comment": DESK_POST,
    # Only its author edits a comment (the demo's editor wrote the one named here); others are sent back to it.
    "desk:comment-edit": _with(DESK, reviewer={302}, admin={302}),
    "desk:comment-delete": DESK_POST,
    "desk:member-search": DESK,
    "desk:profile": DESK,
    "desk:language": DESK_POST,
    # /ar/desk/… sets the language cookie and redirects to the one desk address, which then checks who you are.
    "desk-prefixed-ar": dict.fromkeys(ROLES, {302}),
    "desk-prefixed-ar-page": dict.fromkeys(ROLES, {302}),
    # Notifications: each member's own; webhooks: desk admins only.
    "desk:notifications": DESK,
    "desk:notification-read": _with(DESK_POST, **dict.fromkeys(MEMBERS, {404})),  # the demo's, nobody's own
    "desk:notifications-read-all": DESK_POST,
    "desk:notification-settings": DESK,
    "desk:webhooks": _with(DESK, editor={403}, reviewer={403}),
    "desk:webhook": _with(DESK, editor={403}, reviewer={403}),
    # Harvest sources: any member adds or pauses one; rating mappings: members read, reviewers and admins decide.
    "desk:harvest-sources": DESK,
    "desk:harvest-source": DESK,
    "desk:rating-mappings": DESK,
    # Monitored feeds and the inbox: any member adds, pauses or polls a feed, and takes or dismisses an item (an
    # empty POST is refused with a message and a redirect).
    "desk:feeds": DESK,
    "desk:feed": DESK,
    "desk:inbox": DESK,
    "desk:inbox-decide": DESK_POST,
    "desk:rating-mapping": _with(DESK_POST, editor={403}, reviewer={302}, admin={302}),
    "desk:requests": DESK,
    "desk:request": DESK,
    "desk:series-list": DESK,
    "desk:series": DESK,
    "desk:series-edit": DESK_POST,
    "desk:series-delete": DESK_POST,
    "desk:series-add": DESK_POST,
    "desk:series-decide": DESK_POST,
    "desk:series-propose": DESK_POST,
    "desk:series-csv": DESK,
    "desk:entity": DESK,
    "desk:entity-graph": DESK,
    "desk:claim-assign": DESK_POST,
    "desk:claim-tags": DESK_POST,
    "desk:claims-bulk": DESK_POST,
    "desk:articles-bulk": DESK_POST,
    "desk:settings": _with(DESK, editor={403}, reviewer={403}),  # the desk-wide reminder settings: admins only
    # The API: token or session of a desk member; anonymous gets 401 (TokenAuthentication asks for a token).
    "api:api-root": API,
    "api:me": API,
    "api:article-list": API,
    "api:article-detail": API,
    "api:article-revisions": API,
    "api:article-accept-revision": API_POST,
    "api:claim-list": API,
    "api:proposal-list": API,
    "api:proposal-detail": API,
    "api:proposal-accept": API_POST,
    "api:proposal-dismiss": API_POST,
    "api:claim-detail": API,
    "api:claim-history": API,
    "api:claim-transitions": API_POST,
    "api:claim-correction": API_POST,
    "api:claim-bulk": API_POST,
    "api:tag-list": API,
    "api:tag-detail": API,
    "api:entity-list": API,
    "api:entity-detail": API,
    "api:entity-meetings": API,
    "api:entity-record": API,
    "api:source-list": API,
    "api:source-detail": API,
    "api:source-captures": API,
    "api:source-recapture": API_POST,
    "api:source-capture-mode": API_POST,
    "api:capture-detail": API,
    "api:capture-warc": API,
    "api:evidence-list": API,
    "api:evidence-detail": API,
    "api:claim-link-list": API,
    "api:claim-link-detail": API,
    "api:claim-link-decision": API_POST,
    "api:comment-list": API,
    "api:comment-detail": API,
    "api:claim-activity": API,
    "api:notification-list": API,
    "api:notification-detail": _with(API, **dict.fromkeys(MEMBERS, {404})),  # someone else's
    "api:notification-read-all": API_POST,
    "api:notification-preferences": API,
    "api:harvest-source-list": API,
    "api:harvest-source-detail": API,
    "api:harvest-source-harvest": API_POST,
    "api:rating-mapping-list": API,
    "api:feed-list": API,
    "api:feed-detail": API,
    "api:feed-poll": API_POST,
    "api:inbox-item-list": API,
    "api:inbox-item-detail": API,
    "api:inbox-item-take": API_POST,
    "api:inbox-item-dismiss": API_POST,
    "api:rating-mapping-detail": API,
    "api:webhook-list": _with(API, editor={403}, reviewer={403}),
    "api:webhook-detail": _with(API, editor={403}, reviewer={403}),
    "api:webhook-deliveries": _with(API, editor={403}, reviewer={403}),
    # Reader requests: members read them and file one (a desk's bot, with a member's token); the public form is
    # the public namespace's (an empty POST is the form again with its error).
    "api:reader-request-list": API,
    "api:reader-request-detail": API,
    "api:series-list": API,
    "api:series-detail": API,
    "api:series-estimates": API,
    "api:series-member-list": API,
    "api:series-member-detail": API,
    "api:series-member-accept": API_POST,
    "api:series-member-dismiss": API_POST,
    "api:claimreview-import": _with(API, **dict.fromkeys(MEMBERS, {405})),  # a POST of a file; no GET
    "api:claim-export": API,
    "api:claim-import": _with(API, **dict.fromkeys(MEMBERS, {405})),  # a POST of a file; no GET
    # Open to everyone: the public API, the schema and docs, health checks, the language switch.
    "api:public-claim-list": OPEN,
    "api:public-claim-detail": OPEN,
    "api:public-entity-detail": OPEN,
    "api:public-entity-meetings": OPEN,
    "api:public-claimreview": OPEN,
    "api:public-claim-claimreview": OPEN,
    "api:public-series-list": OPEN,
    "api:public-series-detail": OPEN,
    "api:public-series-estimates": OPEN,
    "schema": OPEN,
    "api-docs": OPEN,
    "healthz": OPEN,
    "readyz": _with(OPEN, **dict.fromkeys(ROLES, {200, 503})),  # 503 when a backing service is down
    "set_language": dict.fromkeys(ROLES, {302}),
    # A stored file: the one named here is the archived copy a published claim's page shows, so anyone's.
    # Who else gets which file is tests/test_stored_files.py.
    "stored-file": OPEN,
    # The public key every WACZ is signed with: anyone checks a signature with it.
    "archive-key": OPEN,
    # The admin: staff only, except its login page and its logout (a POST).
    "admin:login": _with(OPEN, admin={302}),
    "admin:logout": dict.fromkeys(ROLES, {302, 405}),  # ends only the visitor's own session
    "admin/(?P<url>.*)$": _with(STAFF, admin={404}),  # the admin's catch-all: unknown pages
    "public:claim-short": dict.fromkeys(ROLES, {301}),  # to the URL with the slug
    "public:topic": OPEN,
    # Memento over the public archive, for an address nothing public archived (tests/test_memento.py finds some).
    "public:memento-timemap": dict.fromkeys(ROLES, {404}),
    "public:memento-timegate": dict.fromkeys(
        ROLES, {404}
    ),  # a topic of a published claim (an unpublished one's is a 404: tests/test_tags.py)
}
#: URLs that exist only under some settings.
CONDITIONAL: set[str] = set()
NAMESPACE_RULES = {
    "public": OPEN,  # the public site, English at / and Arabic under /ar/
    "admin": STAFF,
}
#: Staff answers in the admin that are right despite not being 200: read-only history, redirects by design.
ADMIN_STAFF_ANSWERS = {200, 302, 403}


def _walk(patterns, route="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from _walk(p.url_patterns, route + str(p.pattern), ns)
        else:
            full = route + str(p.pattern)
            key = f"{namespace}:{p.name}" if namespace and p.name else (p.name or full)
            yield key, namespace, full


def all_urls():
    return list(_walk(get_resolver().url_patterns))


def rule_for(key: str, namespace: str) -> dict | None:
    if key in EXPECTED:
        return EXPECTED[key]
    return NAMESPACE_RULES.get(namespace.split(":")[0])


def test_every_url_has_a_permission_rule():
    missing = sorted({key for key, namespace, _ in all_urls() if rule_for(key, namespace) is None})
    assert not missing, (
        f"These URLs have no permission rule: {missing}. Add each to EXPECTED in "
        "tests/test_workflow_permissions.py with the answer every visitor should get."
    )


def test_every_rule_names_a_url_that_exists():
    stale = set(EXPECTED) - {key for key, _, _ in all_urls()} - CONDITIONAL
    assert not stale, f"Remove the rules for URLs that no longer exist: {sorted(stale)}"


def _objects(demo):
    claim = Claim.objects.published().order_by("id").first()
    evidence = EvidenceFactory(claim=claim, source=SourceFactory())
    capture = Capture.objects.create(
        source=evidence.source, state="done", requested_url=evidence.source.url, http_status=200, text="…"
    )
    capture.warc.save("capture.warc.gz", ContentFile(html_warc(evidence.source.url)))
    # The link involves the claim the desk URLs name, so /claims/<pk>/similar/<link_pk>/ finds it; confirmed, so
    # "look for similar claims" (walked before it) keeps it.
    other = Claim.objects.exclude(pk=claim.pk).order_by("id").first()
    first, second = sorted([claim, other], key=lambda c: c.pk)
    link = ClaimLink.objects.create(from_claim=first, to_claim=second, score=0.8, state="confirmed")
    comment = add_comment(by=get_user_model().objects.get(username="editor"), claim=claim, body="Look at @reviewer")
    # Someone else's notification: every visitor is refused it. A webhook to a partner's address.
    nobody = UserFactory(username="notified", role="editor")
    notification = Notification.objects.create(
        recipient=nobody, event="reminder", subject_type="claim", subject_id=claim.pk, url=claim.get_absolute_url()
    )
    webhook = Webhook.objects.create(url="https://partner.example.org/hook", events=["claim.published"], secret="s")
    tag = Tag.objects.create(name="Libya")
    claim.tags.add(tag)
    page = Page.objects.filter(language="en").first() or Page.objects.create(
        slug="methodology", language="en", title="Methodology", body="<p>How we check.</p>"
    )
    # The desk and API series URLs act on a series of their own (an empty POST dismisses its member); the public
    # ones read the demo's Wagner series, whose one member is published.
    public_series = Series.objects.get()
    series = Series.objects.create(slug="permission-matrix", name="Permission matrix")
    member = SeriesMember.objects.create(series=series, claim=public_series.members.get().claim, state="accepted")
    # Paused, so that walking its "harvest now" URL queues nothing that would fetch.
    harvest_source = HarvestSource.objects.create(url="https://checker.example.org/feed", active=False)
    mapping = RatingMapping.objects.create(rating="research in progress", seen=1)
    reader_request = ReaderRequest.objects.create(text="Is it true?", key="permission-matrix")
    # Paused too; its inbox item holds the demo article.
    feed = Feed.objects.create(url="https://publisher.example.org/rss", active=False)
    inbox_item = InboxItem.objects.create(article=demo, title="Inbox", canonical_url="https://publisher.example.org/1")
    # A pending proposal on the demo article's title: the walk's empty POSTs accept (or dismiss) it.
    title = demo.text.index("بوتين")
    proposal = ClaimProposal.objects.create(
        article=demo, revision=demo.current_revision, exact=demo.text[title : title + 22], start=title,
        end=title + 22, kind="other", fingerprint="permission-matrix", score=0.5,
    )  # fmt: skip
    return {
        "feeds": feed.pk,
        "inbox": inbox_item.pk,
        "proposals": proposal.pk,
        "proposal_pk": proposal.pk,
        "harvest-sources": harvest_source.pk,
        "rating-mappings": mapping.pk,
        "requests": reader_request.pk,
        "series": series.pk,
        "series_slug": public_series.slug,
        "series-members": member.pk,
        "member_pk": member.pk,
        "page": page.slug,
        "claims": claim.pk,
        "claim-links": link.pk,
        "tags": tag.pk,
        "topic": tag.slug,
        "source_pk": evidence.source.pk,
        "articles": demo.pk,
        "sources": evidence.source.pk,
        "captures": capture.pk,
        "link_pk": link.pk,
        "notifications": notification.pk,
        "webhooks": webhook.pk,
        "entities": Entity.objects.order_by("id").first().pk,
        "evidence": evidence.pk,
        "comments": comment.pk,
        "slug": claim.slug,
        "content_type_id": ContentType.objects.get_for_model(Claim).pk,
        "object_id": claim.pk,
        "app_label": "claims",
        "url": "nothing-here/",
        "rest": "claims/",
        "format": "json",
        "path": "nothing-here.txt",
        "id": get_user_model().objects.order_by("id").first().pk,
        "name": capture.warc.name,
        "table": "weeks",  # the desk report's tables
        "section": "claims",  # a sitemap section
    }


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _fill(route: str, objects: dict) -> str:
    """A concrete path for ``route``: each parameter gets the id of a demo object named by the segment before it."""

    def value(match):
        name = match.group(1) or match.group(2)
        if match.group(0).startswith("<drf_format_suffix"):
            return "." + objects["format"]
        if name == "slug" and route[: match.start()].endswith("topic/"):
            return objects["topic"]
        if name == "slug" and not route[: match.start()].endswith(">/"):
            return objects["page"]  # a page's own slug, not a claim's
        if name != "pk":
            return str(objects[name])
        segment = route[: match.start()].rstrip("/").rsplit("/", 1)[-1].lstrip("^")
        return str(objects[segment])

    path = _PARAM.sub(value, route)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "")
    return "/" + path


def _visitor(role, client, demo):
    client.raise_request_exception = False  # a crash is one wrong answer in the matrix, not the end of it
    if role == "anonymous":
        return client
    user = UserFactory(username="outsider") if role == "outsider" else get_user_model().objects.get(username=role)
    client.force_login(user)
    return client


def _answer(response):
    if response.status_code == 302:
        location = response["Location"]
        for login in (DESK_LOGIN, ADMIN_LOGIN):
            if location.startswith(login.removeprefix("→ ")):
                return login
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, client, demo):
    objects = _objects(demo)
    visitor = _visitor(role, client, demo)
    wrong = []
    for key, namespace, route in all_urls():
        rule = rule_for(key, namespace)
        if rule is None:
            continue  # reported by test_every_url_has_a_permission_rule
        path = _fill(route, objects)
        answer = _answer(getattr(visitor, rule.get("method", "get"))(path))
        allowed = rule[role]
        if namespace == "admin" and role == "admin" and key not in EXPECTED:
            allowed = ADMIN_STAFF_ANSWERS
        if answer not in allowed:
            wrong.append(f"{key} GET {path}: {answer}, expected one of {sorted(map(str, allowed))}")
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)
