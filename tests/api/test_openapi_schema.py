"""The OpenAPI schema tells the truth: it validates, and schemathesis finds no 500 and no body that breaks it,
on every operation, on PostgreSQL and on SQLite; and the API accepts what the schema says it accepts (its
positive_data_acceptance check), but for the documented refusals that depend on stored data (REFUSALS)."""

import collections
import gzip
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import jsonschema
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.specs.openapi.checks import positive_data_acceptance

from claims.models import (
    Article,
    Capture,
    Claim,
    ClaimLink,
    ClaimProposal,
    Comment,
    Entity,
    Evidence,
    Feed,
    FeedEntry,
    HarvestSource,
    InboxItem,
    Notification,
    RatingMapping,
    ReaderRequest,
    Series,
    SeriesMember,
    Source,
    Tag,
    Webhook,
)
from claims.services.comments import add_comment
from claims.services.matching import run_similar
from claims.services.tags import change_claim_tags, find_or_create_tag
from tests.parallel import locked

#: Examples per operation: enough to reach each parameter and body shape past the first refusals, bounded so one
#: database's run takes about a minute on one core.
EXAMPLES = 30
#: An operation must answer this many examples with something else than a 404: the share that reached its logic
#: (half the examples name real rows, see ``_use_real_rows``).
REACHED = 5
#: Each database's run is split into this many tests, share ``n`` fuzzing every SHARES-th operation from the n-th
#: (in the schema's order) on a fuzzed desk of its own, so that the suite's workers run the shares side by side
#: instead of one worker fuzzing all the operations in one test of minutes. Each operation gets the same examples
#: as in one run (the seed is the check's, not the share's); test_the_shares_fuzz_every_operation_once holds the
#: split to covering every operation once.
SHARES = 6

#: The rows behind each path's {id}, so that most examples reach an operation's logic instead of a 404.
ROWS = {
    "/api/v1/articles/": Article.objects.all,
    "/api/v1/captures/": Capture.objects.all,
    "/api/v1/claim-links/": ClaimLink.objects.all,
    "/api/v1/claims/": Claim.objects.all,
    "/api/v1/entities/": Entity.objects.all,
    "/api/v1/evidence/": Evidence.objects.all,
    "/api/v1/public/claims/": Claim.objects.published,
    "/api/v1/sources/": Source.objects.all,
    "/api/v1/comments/": Comment.objects.all,
    # Each person sees their own only: those of the fuzzing editor (the one user with a token).
    "/api/v1/notifications/": lambda: Notification.objects.filter(recipient__auth_token__isnull=False),
    "/api/v1/webhooks/": Webhook.objects.all,
    "/api/v1/tags/": Tag.objects.all,
    "/api/v1/harvest-sources/": HarvestSource.objects.all,
    "/api/v1/rating-mappings/": RatingMapping.objects.all,
    "/api/v1/feeds/": Feed.objects.all,
    "/api/v1/inbox/": InboxItem.objects.all,
    "/api/v1/series/": Series.objects.all,
    "/api/v1/series-members/": SeriesMember.objects.all,
    "/api/v1/requests/": ReaderRequest.objects.all,
    "/api/v1/proposals/": ClaimProposal.objects.all,
    # An entity has a public record only when a published claim names it.
    "/api/v1/public/entities/": lambda: Entity.objects.filter(
        pk__in=Claim.objects.published().values("entities")
    ).distinct(),
}
#: The rows behind a path's {series_slug}: the public ones (a series with a published member).
PUBLIC_SERIES = lambda: Series.objects.filter(members__claim__in=Claim.objects.published()).distinct()  # noqa: E731
#: The rows a body or a filter refers to by id.
REFERENCES = {
    "article": Article.objects.all,
    "claim": Claim.objects.all,
    "source": Source.objects.all,
    "claimant_entity": Entity.objects.all,
    "entity": Entity.objects.all,
    "series": Series.objects.all,
    "parent": Comment.objects.all,
    "matched_claim": Claim.objects.all,
}

#: Schema-valid requests the API may still refuse with a 400, because the rule depends on stored data or on a
#: relation OpenAPI 3.0 cannot state (each is in the operation's or field's description and in docs/api.md).
#: Each entry: (operation label, the field the 400 names, a piece of its message, why it is not in the schema).
#: Any other 400 or 422 to a schema-valid request that names real rows fails the test.
REFUSALS = [
    ("POST /api/v1/evidence/", "source", "already evidence for this claim", "one evidence per (claim, source)"),
    ("POST /api/v1/evidence/", "non_field_errors", "unique set", "one evidence per (claim, source)"),
    ("PATCH /api/v1/evidence/{id}/", "non_field_errors", "unique set", "one evidence per (claim, source)"),
    ("POST /api/v1/evidence/", "claim", "is published", "the claim's status: a published claim needs a correction"),
    ("PATCH /api/v1/evidence/{id}/", "claim", "is published", "the claim's status, as above"),
    ("DELETE /api/v1/evidence/{id}/", "claim", "is published", "the claim's status, as above"),
    ("PATCH /api/v1/claims/{id}/", "correction", "", "the claim's status, as above"),
    # Only a reviewer may correct a published claim; the run's token is an editor's.
    ("POST /api/v1/evidence/", "detail", "Only a reviewer may correct", "the caller's role on a published claim"),
    ("PATCH /api/v1/evidence/{id}/", "detail", "Only a reviewer may correct", "the caller's role, as above"),
    ("DELETE /api/v1/evidence/{id}/", "detail", "Only a reviewer may correct", "the caller's role, as above"),
    ("PATCH /api/v1/claims/{id}/", "detail", "Only a reviewer may correct", "the caller's role, as above"),
    ("POST /api/v1/claims/", "article", "no text yet", "the article's state: its text is still being fetched"),
    ("POST /api/v1/sources/{id}/recapture/", "source", "offline source", "the source's kind: offline"),
    ("POST /api/v1/evidence/", "estimate_upper", "below the lower bound", "an order between two fields"),
    ("PATCH /api/v1/evidence/{id}/", "estimate_upper", "below the lower bound", "the same, with the stored bounds"),
    ("POST /api/v1/claims/", "details.", "bound", "an order between two fields (quantity bounds)"),
    ("PATCH /api/v1/claims/{id}/", "details.", "bound", "an order between two fields (quantity bounds)"),
    ("POST /api/v1/claims/", "details.", "ends before it starts", "an order between the two ends of a period"),
    ("PATCH /api/v1/claims/{id}/", "details.", "ends before it starts", "an order between the two ends of a period"),
    # Accepting a proposal validates its edits as a claim create (claims/api/proposals.py): the same two orders.
    ("POST /api/v1/proposals/{id}/accept/", "details.", "bound", "an order between two fields (quantity bounds)"),
    ("POST /api/v1/proposals/{id}/accept/", "details.", "ends before it starts", "an order between a period's ends"),
    ("POST /api/v1/entities/", "wikidata", "Another entity already has", "one entity per Wikidata id"),
    ("PATCH /api/v1/entities/{id}/", "wikidata", "Another entity already has", "one entity per Wikidata id"),
    # Which moves a claim may make depends on its status and the caller's role (docs/workflow.md).
    ("POST /api/v1/claims/{id}/transitions/", "detail", "", "the claim's status and the caller's role"),
    ("POST /api/v1/articles/{id}/accept-revision/", "detail", "", "the caller's role and the latest revision"),
    # Who may be named: a username or id is a desk member's, a reviewer a reviewer other than the last editor.
    *[
        (label, field, "No desk member is called", "the stored users: a username is like an id")
        for label in ("POST /api/v1/claims/", "PATCH /api/v1/claims/{id}/")
        for field in ("assignee", "reviewer")
    ],
    ("POST /api/v1/articles/", "assignee", "No desk member is called", "the stored users, as above"),
    ("PATCH /api/v1/articles/{id}/", "assignee", "No desk member is called", "the stored users, as above"),
    ("POST /api/v1/claims/", "reviewer", "is not a reviewer", "the named user's role"),
    ("PATCH /api/v1/claims/{id}/", "reviewer", "is not a reviewer", "the named user's role"),
    ("PATCH /api/v1/claims/{id}/", "reviewer", "Four eyes", "who edited the claim"),
    ("POST /api/v1/claims/bulk/", "detail", "No desk member is called", "the stored users, as above"),
    ("POST /api/v1/claims/bulk/", "detail", "is not a reviewer", "the named user's role"),
    ("POST /api/v1/claims/bulk/", "detail", "Select at least one row", "which claims the ids or the filter match"),
    ("POST /api/v1/claims/bulk/", "detail", "one bulk action takes at most", "how many claims match"),
    ("POST /api/v1/claims/bulk/", "detail", "Name at least one tag", "which tags exist: untag names existing ones"),
    *[
        (label, "slug", "Another series has this address", "one series per slug")
        for label in ("POST /api/v1/series/", "PUT /api/v1/series/{id}/", "PATCH /api/v1/series/{id}/")
    ],
    # Whether the fetch guard lets an address through depends on where its name resolves, and on what is stored.
    ("POST /api/v1/harvest-sources/", "url", "", "where the address resolves (the fetch guard), one source per URL"),
    ("PATCH /api/v1/harvest-sources/{id}/", "interval_minutes", "", "the same bounds as the schema's, re-checked"),
    ("POST /api/v1/feeds/", "url", "", "where the address resolves (the fetch guard), one feed per URL"),
    ("POST /api/v1/feeds/", "keywords", "", "at most 100 keywords of 200 characters, counted by lines"),
    ("PATCH /api/v1/feeds/{id}/", "interval_minutes", "", "the same bounds as the schema's, re-checked"),
    ("PATCH /api/v1/feeds/{id}/", "keywords", "", "at most 100 keywords of 200 characters, counted by lines"),
    ("POST /api/v1/series-members/", "claim", "Only quantity claims go in a series", "the claim's stored kind"),
    ("POST /api/v1/comments/", "article", "no text yet", "the article's state: its text is still being fetched"),
    # A multipart upload's bytes: OpenAPI 3.0 cannot say a binary part holds a spreadsheet, or UTF-8 JSON.
    ("POST /api/v1/claims/import/", "error", "", "the content of a binary part: a CSV or XLSX with the header"),
    ("POST /api/v1/claimreview/import/", "detail", "The file is not UTF-8 JSON", "the content of a binary part"),
    ("POST /api/v1/claimreview/import/", "detail", "a JSON file in the 'file' field", "an empty binary part"),
]


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    for documented in (
        "/api/v1/claimreview/import/",
        "/api/v1/public/claimreview/",
        "meeting details",
        "Conflict",
        "/api/v1/claim-links/{id}/decision/",
    ):
        assert documented in text


def test_claim_details_are_described_per_kind(client):
    schema = client.get("/api/schema/?format=json").json()
    details = schema["components"]["schemas"]["Claim"]["properties"]["details"]
    titles = {variant["title"] for variant in details["anyOf"]}
    assert {"meeting details", "quantity details", "opinion details"} <= titles


@pytest.fixture(scope="module")
def request_schemas(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        from drf_spectacular.generators import SchemaGenerator

        return SchemaGenerator().get_schema(request=None, public=True)


def _valid(schema: dict, component: str, body) -> bool:
    """Whether ``body`` satisfies the request component, as a client generated from the schema would check it."""
    validator = jsonschema.Draft4Validator({"$ref": f"#/components/schemas/{component}", **schema})
    return validator.is_valid(body)


@pytest.mark.parametrize(
    ("component", "body", "valid"),
    [
        # An article needs a non-blank text or a url; an edit's text cannot be blank.
        ("ArticleRequest", {}, False),
        ("ArticleRequest", {"text": "  "}, False),
        ("ArticleRequest", {"text": "The minister said."}, True),
        ("ArticleRequest", {"url": "https://news.example.org/a/1"}, True),
        ("ArticleRequest", {"url": "filesystem://x"}, False),
        ("PatchedArticleRequest", {"text": ""}, False),
        ("PatchedArticleRequest", {"title": "New title"}, True),
        # A source needs a url, or a title or a note (offline).
        ("SourceRequest", {}, False),
        ("SourceRequest", {"kind": "report"}, False),
        ("SourceRequest", {"title": "Ministry report, 2019"}, True),
        ("SourceRequest", {"url": "https://example.org/report"}, True),
        # A selector: the quoted text or both positions, not a mix.
        ("SelectorRequest", {"exact": "quoted", "prefix": "the "}, True),
        ("SelectorRequest", {"start": 0, "end": 5}, True),
        ("SelectorRequest", {"start": 0}, False),
        ("SelectorRequest", {"exact": "quoted", "start": 0, "end": 5}, False),
        ("SelectorRequest", {}, False),
        # A claim PATCH names its version; details are those of the kind.
        ("PatchedClaimRequest", {"statement": "New"}, False),
        ("PatchedClaimRequest", {"statement": "New", "version": 3}, True),
        ("PatchedClaimRequest", {"version": 3, "details": {"note": "x"}}, False),
        ("PatchedClaimRequest", {"version": 3, "kind": "other", "details": {"note": "x"}}, True),
        ("ClaimRequest", {"article": 1, "selector": {"exact": "x"}, "statement": "S", "details": {"note": "x"}}, True),
        ("ClaimRequest", {"article": 1, "selector": {"exact": "x"}, "statement": "S", "details": {"value": 3}}, False),
        (
            "ClaimRequest",
            {"article": 1, "selector": {"exact": "x"}, "statement": "S", "kind": "quantity", "details": {"value": 3}},
            True,
        ),
        (
            "ClaimRequest",
            {"article": 1, "selector": {"exact": "x"}, "statement": "S", "kind": "quantity", "details": {"value": -3}},
            False,
        ),
        ("ClaimRequest", {"article": 1, "selector": {"exact": "x"}, "statement": " ", "kind": "other"}, False),
        ("ClaimRequest", {"article": 1, "selector": {"exact": "x"}, "statement": "S", "claimed_on": "2019-02"}, True),
        ("ClaimRequest", {"article": 1, "selector": {"exact": "x"}, "statement": "S", "claimed_on": "2019-13"}, False),
        # Estimates are decimals that are not negative; texts hold no NUL; unknown fields are not part of a body.
        ("EvidenceRequest", {"claim": 1, "source": 1, "estimate_value": "12.5"}, True),
        ("EvidenceRequest", {"claim": 1, "source": 1, "estimate_value": "-"}, False),
        ("EvidenceRequest", {"claim": 1, "source": 1, "estimate_lower": "-2"}, False),
        ("EvidenceRequest", {"claim": 1, "source": 1, "note": "a\x00b"}, False),
        ("EvidenceRequest", {"claim": 1, "source": 1, "correction": "Added a second source."}, True),
        ("DecisionRequest", {"same": True, "extra": 1}, False),
        ("PatchedEntityRequest", {"aliases": ["Haftar", "\x1f"]}, False),
        ("PatchedEntityRequest", {"aliases": ["Haftar"], "names": {"ar": "حفتر"}}, True),
        # A bulk request: ids or a filter, exactly one, and its action's fields; tag names with a letter or digit.
        ("BulkRequest", {"ids": [1], "action": "status", "to": "draft"}, True),
        ("BulkRequest", {"ids": [1], "action": "status"}, False),
        ("BulkRequest", {"ids": [1], "filter": {}, "action": "status", "to": "draft"}, False),
        ("BulkRequest", {"action": "status", "to": "draft"}, False),
        ("BulkRequest", {"filter": {"status": "draft"}, "action": "assign"}, False),
        ("BulkRequest", {"filter": {"status": "draft"}, "action": "assign", "due": "2026-05-31"}, True),
        ("BulkRequest", {"ids": [1], "action": "tag", "tags": []}, False),
        ("BulkRequest", {"ids": [1], "action": "tag", "tags": ["ليبيا"]}, True),
        ("BulkRequest", {"ids": [1], "action": "untag", "tags": ["--"]}, False),
        ("ClaimRequest", {"article": 1, "selector": {"exact": "x"}, "statement": "S", "tags": ["؟ !"]}, False),
        ("PatchedArticleRequest", {"tags": ["Libya 2019", "٢٠١٩"]}, True),
        ("TagRequest", {"name": "¦\x18\x89¦"}, False),
        ("TagRequest", {"name": "ليبيا 2019"}, True),
        # A comment is on a claim, on words of an article, or a reply: one of the three.
        ("CommentRequest", {"body": "x"}, False),
        ("CommentRequest", {"body": "x", "claim": 1}, True),
        ("CommentRequest", {"body": "x", "claim": 1, "article": 2}, False),
        ("CommentRequest", {"body": "x", "article": 2}, False),
        ("CommentRequest", {"body": "x", "article": 2, "selector": {"exact": "a"}}, True),
        ("CommentRequest", {"body": "x", "parent": 1}, True),
        ("CommentRequest", {"body": "x", "claim": 1, "selector": {"exact": "a"}}, False),
        # A series slug is one slugify() keeps; its names an object of texts.
        ("SeriesRequest", {"name": "S", "slug": "wagner_group-in-libya"}, True),
        ("SeriesRequest", {"name": "S", "slug": "Wagner in Libya"}, False),
        ("SeriesRequest", {"name": "S", "slug": "a--b"}, False),
        ("SeriesRequest", {"name": "S", "names": 0.1}, False),
        ("SeriesRequest", {"name": "S", "names": {"ar": "فاغنر"}}, True),
        # A reader's request: a claim in words or a page's address; a contact that is an address or empty.
        ("IntakeRequest", {}, False),
        ("IntakeRequest", {"text": " "}, False),
        ("IntakeRequest", {"text": "هل غادرت فاغنر ليبيا؟"}, True),
        ("IntakeRequest", {"url": "https://news.example.org/a"}, True),
        ("IntakeRequest", {"url": "ftp://x"}, False),
        ("IntakeRequest", {"text": "x", "contact_email": ""}, True),
        ("PatchedReaderRequestRequest", {"state": "open"}, False),
        ("PatchedReaderRequestRequest", {"state": "dismissed", "note": "spam"}, True),
    ],
)
def test_request_schemas_state_what_the_api_accepts(request_schemas, component, body, valid):
    assert _valid(request_schemas, component, body) is valid


def test_bodies_with_a_required_form_are_required(request_schemas):
    for path, method in (("/api/v1/articles/", "post"), ("/api/v1/sources/", "post"), ("/api/v1/claims/", "post")):
        assert request_schemas["paths"][path][method]["requestBody"]["required"] is True
    parameters = request_schemas["paths"]["/api/v1/evidence/{id}/"]["delete"]["parameters"]
    assert "correction" in {parameter["name"] for parameter in parameters}
    assert "200" in request_schemas["paths"]["/api/v1/sources/"]["post"]["responses"]


@pytest.fixture
def fuzzed_desk(demo, editor, monkeypatch):
    """The demo desk, a capture to read, the throttles raised (their code still runs) and no task sent: the run
    tests the API's answers, not the broker, and 37 operations fuzzed under the real rates mostly got 429s."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/minute", "user": "100000/minute"})
    monkeypatch.setattr("claims.services.queueing.send_task", lambda task, *args: None)
    # Similar-claim suggestions come from a worker, and no task is sent here: make them as the worker would.
    for claim in Claim.objects.all():
        run_similar(claim_id=claim.pk)
    assert ClaimLink.objects.exists()
    source = Source.objects.exclude(url="").first()
    Capture.objects.create(
        source=source,
        requested_url=source.url,
        state="done",
        http_status=200,
        warc=ContentFile(gzip.compress(b"WARC/1.1\r\n\r\n"), name="fuzzed.warc.gz"),
    )
    # Rows of the second wave's endpoints that the demo does not make: a tag, a comment, and a notification the
    # fuzzing editor reads (a mention of them); webhooks are the admins' (the editor is answered 403, which is
    # reached). Without its row a path's random ids reached one only when no earlier test had moved the table's
    # sequence past them: tags/{id} passed alone and failed in the whole suite.
    claim = Claim.objects.order_by("pk").first()
    HarvestSource.objects.create(url="https://checker.example.org/feed", active=False)
    RatingMapping.objects.create(rating="research in progress", seen=1)
    # Feeds enough that the DELETEs fuzzed first leave some for the poll action; an inbox item with a copy.
    feeds = Feed.objects.bulk_create(
        Feed(url=f"https://publisher.example.org/{n}/rss", active=False) for n in range(40)
    )
    item = InboxItem.objects.create(article=Article.objects.order_by("pk").first(), title="Inbox")
    FeedEntry.objects.create(feed=feeds[-1], key="fuzzed", inbox_item=item)
    reviewer = get_user_model().objects.get(username="reviewer")
    tag, _ = find_or_create_tag(name="Wagner", by=reviewer)
    change_claim_tags(claim=claim, by=reviewer, add=[tag])
    add_comment(by=reviewer, claim=claim, body=f"@{editor.username} look")
    # Series enough for the DELETEs: in the whole run the series' POSTs made them before, a share may fuzz the
    # DELETE without them (on the demo's series alone, every example after the first deletion was a 404).
    for n in range(20):
        Series.objects.create(slug=f"fuzzed-{n}", name=f"Fuzzed series {n}")
    # A reader's request, open, for requests/{id} (the demo files none).
    ReaderRequest.objects.create(text="Is it true that Wagner left Libya?", key="fuzzed-desk")
    assert Notification.objects.filter(recipient=editor).exists()
    return Token.objects.create(user=editor).key


def _real_ids(path: str) -> list[int]:
    for prefix, rows in sorted(ROWS.items(), key=lambda item: -len(item[0])):
        if path.startswith(prefix):
            return list(rows().order_by("pk").values_list("pk", flat=True)[:20])
    return []


def operations() -> list:
    """The schema's operations, in its order."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    return [result.ok() for result in schema.get_all_operations()]


def share_of(every: list, share: int) -> list:
    """Share ``share`` of the run (see SHARES): every SHARES-th operation from the share-th, in the schema's order."""
    return every[share::SHARES]


def fuzz(token: str, share: int | None = None) -> tuple[dict, dict, list[str], dict]:
    """Run schemathesis over every operation (or those of one share); return each operation's answers by status
    code, its seconds, the failures, and its acceptance (see _fuzz_operation)."""
    answers, seconds, failures, acceptance = {}, {}, [], {}
    for operation in operations() if share is None else share_of(operations(), share):
        started = time.monotonic()
        accepted = acceptance[operation.label] = collections.Counter()
        answers[operation.label], failure = _fuzz_operation(operation, {"Authorization": f"Token {token}"}, accepted)
        seconds[operation.label] = time.monotonic() - started
        if failure:
            failures.append(failure)
    return answers, seconds, failures, acceptance


def _fuzz_operation(
    operation, headers: dict, acceptance: collections.Counter
) -> tuple[collections.Counter, str | None]:
    """Fuzz one operation. ``acceptance`` counts the examples that named real rows (``valid``), those the API
    refused although the schema allows them (``refused``, with one ``example`` per refusal kind), and those it
    refused for a documented reason (``documented``)."""
    codes = collections.Counter()
    ids = _real_ids(operation.path) if "{id}" in operation.path else []
    references = {name: list(rows().values_list("pk", flat=True)[:20]) for name, rows in REFERENCES.items()}

    @given(case=operation.as_strategy(), real=st.sampled_from([True, False]), pick=st.integers(0, 19))
    @settings(
        max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case, real, pick):
        # About half the examples name real rows, in the path, the body and the filters, to reach the logic. Drawn
        # real-first: on an operation with a tiny body (decision: {"same": bool}) Hypothesis starts from the
        # simplest values, and a False-first draw sent mostly random ids (26 of 30 a 404).
        if real:
            _use_real_rows(case, ids, references, pick)
        response = case.call(headers=headers)
        codes[response.status_code] += 1
        # Nothing crashes, and every answer has a documented status and a body that matches the schema.
        case.validate_response(
            response, excluded_checks=[positive_data_acceptance], headers=headers, transport_kwargs={"headers": headers}
        )
        if real:  # with real rows, schema-valid data is accepted, but for the documented refusals
            acceptance["valid"] += 1
            try:
                case.validate_response(
                    response, checks=[positive_data_acceptance], headers=headers, transport_kwargs={"headers": headers}
                )
            except (Exception, BaseExceptionGroup):
                if _documented_refusal(case, response):
                    acceptance["documented"] += 1
                else:
                    acceptance["refused"] += 1
                    acceptance[f"example: {_shown(case)} -> {response.status_code} {response.text[:300]}"] = 1

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:  # report every operation's failure, not only the first
        return codes, f"{operation.label}: {exc}"[:1500]
    return codes, None


def _documented_refusal(case, response) -> str | None:
    """The reason a 400 to this schema-valid request is one of REFUSALS, or None."""
    if response.status_code != 400:
        return None
    body = response.json()
    for label, field, words, reason in REFUSALS:
        if label != case.operation.label:
            continue
        if "claimreview" in label and not (case.media_type or "").startswith("multipart/"):
            continue  # a JSON body is fully described: only an uploaded file's bytes are beyond the schema
        for name, message in body.items():
            if (name == field or (field.endswith(".") and name.startswith(field))) and words in str(message):
                if field == "claim" and (_correction(case) or "").strip():
                    continue  # with a correction, a published claim's evidence must be accepted
                return reason
    if "NUL character" in str(body.get("detail")) and _nul_only_in_keys(case.body):
        return "a NUL in a key of a free-form object: OpenAPI 3.0 cannot constrain keys (no propertyNames)"
    return None


def _correction(case) -> str | None:
    if isinstance(case.body, dict) and isinstance(case.body.get("correction"), str):
        return case.body["correction"]
    return (case.query or {}).get("correction")


def _nul_only_in_keys(value) -> bool:
    """True when the body holds a NUL, and only in object keys."""
    keys, texts, pending = False, False, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            keys = keys or any("\x00" in key for key in item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            texts = texts or "\x00" in item
    return keys and not texts


def _shown(case) -> str:
    return f"{case.operation.label} query={case.query!r} body={case.body!r}"[:500]


def _use_real_rows(case, ids: list[int], references: dict, pick: int) -> None:
    """Point the case at real rows: the path's {id}, the ids its body and its filters refer to, the first page, a
    selector that quotes the article (start and end within its text, an exact quote found in it), attendees that
    are distinct real entities, and the claim's current version (a random one is a 409 before any of the edit
    runs)."""
    if ids:
        case.path_parameters = {**case.path_parameters, "id": ids[pick % len(ids)]}
    if "series_slug" in (case.path_parameters or {}):
        slugs = list(PUBLIC_SERIES().order_by("pk").values_list("slug", flat=True))
        case.path_parameters = {**case.path_parameters, "series_slug": slugs[pick % len(slugs)]}
    if case.query and "page" in case.query:  # a random page number of a short list is a 404 too
        case.query = {name: value for name, value in case.query.items() if name != "page"}
    if case.query:
        case.query = {
            name: references[name][pick % len(references[name])] if references.get(name) else value
            for name, value in case.query.items()
        }
    if isinstance(case.body, dict):
        for name, found in references.items():
            if name in case.body and found:
                case.body[name] = found[pick % len(found)]
        if isinstance(case.body.get("entities"), list) and references["entity"]:
            entities = references["entity"]
            case.body["entities"] = [entities[(pick + i) % len(entities)] for i in range(len(case.body["entities"]))]
        _quote_the_article(case, pick)
        details = case.body.get("details")
        if isinstance(details, dict) and isinstance(details.get("attendees"), list):
            entities = references["entity"]
            for i, attendee in enumerate(details["attendees"][: len(entities)]):
                attendee["entity"] = entities[(pick + i) % len(entities)]
            del details["attendees"][len(entities) :]
    if case.path_parameters.get("id") in ids and case.operation.path.startswith("/api/v1/claims/{id}/"):
        version = Claim.objects.filter(pk=case.path_parameters["id"]).values_list("version", flat=True).first()
        if isinstance(case.body, dict) and "version" in case.body:
            case.body["version"] = version
        if case.query and "version" in case.query:
            case.query = {**case.query, "version": version}


def _quote_the_article(case, pick: int) -> None:
    """Make a generated selector name a passage of the claim's article, in the form the case chose."""
    selector = case.body.get("selector")
    if not isinstance(selector, dict):
        return
    if case.operation.path.startswith("/api/v1/proposals/{id}/"):  # accepting quotes the proposal's article
        proposal = ClaimProposal.objects.filter(pk=case.path_parameters.get("id")).select_related("article").first()
        article = proposal.article if proposal else None
    elif case.operation.method.upper() == "POST":
        article = Article.objects.filter(pk=case.body.get("article")).first()
    else:  # an edit quotes the claim's own article (a PATCH cannot move a claim to another one)
        claim = Claim.objects.filter(pk=case.path_parameters.get("id")).select_related("article").first()
        article = claim.article if claim else None
    text = article.text if article else ""
    if not text.strip():
        return
    start = pick * 7 % max(1, len(text) - 40)
    end = min(len(text), start + 1 + pick % 30)
    while not text[start:end].strip() and end < len(text):
        end += 1
    if "exact" in selector:
        while text.count(text[start:end]) > 1 and end < len(text):  # a quote found twice is ambiguous: a 400
            end += 1
    if "exact" in selector:
        selector["exact"] = text[start:end]
        for side, part in (("prefix", text[max(0, start - 12) : start]), ("suffix", text[end : end + 12])):
            if side in selector:
                selector[side] = part
    else:
        selector["start"], selector["end"] = start, end


def _report(answers: dict, seconds: dict) -> str:
    lines = [
        f"{label}: {sum(codes.values())} examples in {seconds[label]:.1f} s {dict(sorted(codes.items()))}"
        for label, codes in answers.items()
    ]
    return "\n".join(
        [
            *lines,
            f"{len(answers)} operations, {sum(sum(c.values()) for c in answers.values())} "
            f"examples, {sum(seconds.values()):.0f} s on {connection.vendor}",
        ]
    )


def _acceptance_report(acceptance: dict) -> str:
    """Per operation: the schema-valid examples with real rows, how many the API refused without a documented
    reason, and how many for one (REFUSALS)."""
    lines = [
        f"{label}: {counts['refused']}/{counts['valid']} refused ({100 * counts['refused'] / counts['valid']:.0f} %), "
        f"{counts['documented']} documented refusals"
        for label, counts in acceptance.items()
        if counts["valid"]
    ]
    return "\n".join(["positive data acceptance (refused / schema-valid with real rows):", *lines])


@pytest.mark.django_db
def test_the_shares_fuzz_every_operation_once():
    every = [operation.label for operation in operations()]
    shares = [share_of(every, share) for share in range(SHARES)]
    assert len(every) == len(set(every)) > SHARES
    assert all(shares), "a share with no operation"
    assert sorted(label for share in shares for label in share) == sorted(every)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("share", range(SHARES))
def test_schemathesis_reaches_every_operation_and_finds_no_server_error(fuzzed_desk, share):
    answers, seconds, failures, acceptance = fuzz(fuzzed_desk, share)
    print(_report(answers, seconds))  # the per-operation counts, shown with -s or -rP
    print(_acceptance_report(acceptance))
    assert not failures, "\n\n".join(failures)
    refused = {label: counts for label, counts in acceptance.items() if counts["refused"]}
    assert not refused, "schema-valid requests refused:\n" + "\n".join(
        f"{label}: {dict(counts)}" for label, counts in refused.items()
    )
    throttled = [label for label, codes in answers.items() if codes[429]]
    assert not throttled, f"throttled, so not tested: {throttled}"
    unreached = [
        label
        for label, codes in answers.items()
        if sum(n for code, n in codes.items() if code != 404) < min(REACHED, sum(codes.values()))
    ]
    assert not unreached, f"never got past the path's 404: {unreached}"


ROOT = Path(__file__).resolve().parents[2]
#: The project's migrations: their names and contents key the migrated SQLite template (sqlite_template).
MIGRATIONS = ROOT / "claims" / "migrations"


def migrations_digest(folder: Path = MIGRATIONS) -> str:
    """A digest of the migrations' file names and contents: an edited, added or removed migration changes it."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def sqlite_template(folder: Path, digest: str, migrate: Callable[[Path], None]) -> Path:
    """The SQLite database ``migrate`` builds for migrations of this digest, in ``folder``: the first caller builds
    it under a lock while the others wait, and later callers find it. Built beside its final name and renamed, so
    that a build that failed half-way is never taken for a template."""
    template = folder / f"sqlite-template-{digest}.sqlite3"
    with locked(folder / "sqlite-template.lock"):
        if not template.exists():
            partial = folder / f"sqlite-template-{digest}.partial"
            partial.unlink(missing_ok=True)
            migrate(partial)
            # Out of WAL mode, which checkpoints the log into the file: a copy of the file alone is then whole.
            with closing(sqlite3.connect(partial)) as database:
                database.execute("PRAGMA journal_mode=DELETE")
            partial.replace(template)
    return template


def _migrate(path: Path) -> None:
    """Build an SQLite database at ``path`` with the project's migrations, as pytest-django builds a test database
    (``migrate --run-syncdb``, system checks left to the test run), in a process configured for that file."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_NAME"}
    env["DATABASE_URL"] = f"sqlite:///{path}"
    run = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--run-syncdb", "--skip-checks", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]


@pytest.fixture
def sqlite_test_database(request, tmp_path_factory, tmp_path) -> Path:
    """A copy of its own, for this test, of an SQLite database migrated once per run: the folder of the run that
    every xdist worker shares holds the template (each worker's basetemp is a folder in it)."""
    shared = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):
        shared = shared.parent
    copy = tmp_path / "test.sqlite3"
    shutil.copyfile(sqlite_template(shared, migrations_digest(), _migrate), copy)
    return copy


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the test above runs on SQLite already")
@pytest.mark.parametrize("share", range(SHARES))
def test_schemathesis_run_on_sqlite_too(sqlite_test_database, share):
    """The same run (share by share) in a process of its own without DATABASE_URL: the embedded default (SQLite),
    whose types and limits differ (an integer past 64 bits is an OverflowError there, a 500; PostgreSQL refuses a
    NUL).

    The process runs on its own copy of the migrated template (sqlite_test_database), which pytest-django's
    --reuse-db keeps: its own migrate finds every migration applied, where each share used to migrate an empty
    database. Only the two plugins the test uses are loaded: with the others, their packages (schemathesis, faker,
    hypothesis) are marked for assertion rewriting, which recompiles them in every process when no bytecode is
    written (PYTHONDONTWRITEBYTECODE)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TEST_DATABASE_NAME"] = str(sqlite_test_database)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--disable-plugin-autoload",
            "-p",
            "pytest_django.plugin",
            "-p",
            "_hypothesis_pytestplugin",
            "--reuse-db",
            "-rP",
            f"{__file__}::test_schemathesis_reaches_every_operation_and_finds_no_server_error[{share}]",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    # The assertion's own lines first: the request log of a failed run would bury them.
    failure = "\n".join(line for line in run.stdout.splitlines() if line.startswith("E "))
    assert run.returncode == 0, failure[-20000:] + "\n" + run.stdout[-3000:] + run.stderr[-5000:]
    print(run.stdout[-6000:])


def test_migrations_digest_changes_with_any_migration(tmp_path):
    (tmp_path / "0001_initial.py").write_text("operations = []\n")
    first = migrations_digest(tmp_path)
    assert migrations_digest(tmp_path) == first
    (tmp_path / "0001_initial.py").write_text("operations = [1]\n")
    edited = migrations_digest(tmp_path)
    (tmp_path / "0002_more.py").write_text("operations = []\n")
    added = migrations_digest(tmp_path)
    (tmp_path / "0001_initial.py").rename(tmp_path / "0001_renamed.py")
    assert len({first, edited, added, migrations_digest(tmp_path)}) == 4


def _migrate_and_die(path: Path) -> None:
    """A migration that leaves its rows in the write-ahead log: its process ends without closing the database."""
    script = (
        "import os, sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('PRAGMA journal_mode=WAL');"
        "db.execute('PRAGMA wal_autocheckpoint=0'); db.execute('CREATE TABLE migrated (name TEXT)');"
        "db.execute(\"INSERT INTO migrated VALUES ('0001_initial')\"); db.commit(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True)


def test_the_sqlite_template_is_migrated_once_per_digest_and_whole_in_its_file(tmp_path):
    built = []

    def migrate(path):
        built.append(path)
        _migrate_and_die(path)

    template = sqlite_template(tmp_path, "aaaa", migrate)
    assert sqlite_template(tmp_path, "aaaa", migrate) == template
    assert len(built) == 1
    assert sqlite_template(tmp_path, "bbbb", migrate) != template
    assert len(built) == 2
    # A copy of the file alone (what each share runs on) holds every migrated row.
    shutil.copyfile(template, tmp_path / "copy.sqlite3")
    with closing(sqlite3.connect(tmp_path / "copy.sqlite3")) as copy:
        assert copy.execute("SELECT name FROM migrated").fetchall() == [("0001_initial",)]


def test_a_failed_migration_leaves_no_sqlite_template(tmp_path):
    def fail(path):
        path.write_bytes(b"half a database")
        raise RuntimeError("migration failed")

    with pytest.raises(RuntimeError):
        sqlite_template(tmp_path, "aaaa", fail)
    template = sqlite_template(tmp_path, "aaaa", _migrate_and_die)
    with closing(sqlite3.connect(template)) as database:
        assert database.execute("SELECT name FROM migrated").fetchall() == [("0001_initial",)]
