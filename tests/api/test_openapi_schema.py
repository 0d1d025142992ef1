"""The OpenAPI schema tells the truth: it validates, and schemathesis finds no 500 and no body that breaks it,
on every operation, on PostgreSQL and on SQLite."""

import collections
import gzip
import os
import subprocess
import sys
import time

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.specs.openapi.checks import positive_data_acceptance

from claims.models import Article, Capture, Claim, ClaimLink, Entity, Evidence, Source
from claims.services.matching import run_similar

#: Examples per operation: enough to reach each parameter and body shape past the first refusals, bounded so one
#: database's run takes about a minute on one core.
EXAMPLES = 30
#: An operation must answer this many examples with something else than a 404: the share that reached its logic
#: (half the examples name real rows, see ``_use_real_rows``).
REACHED = 5

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
}
#: The rows a body refers to by id.
REFERENCES = {
    "article": Article.objects.all,
    "claim": Claim.objects.all,
    "source": Source.objects.all,
    "claimant_entity": Entity.objects.all,
}


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
    return Token.objects.create(user=editor).key


def _real_ids(path: str) -> list[int]:
    for prefix, rows in sorted(ROWS.items(), key=lambda item: -len(item[0])):
        if path.startswith(prefix):
            return list(rows().order_by("pk").values_list("pk", flat=True)[:20])
    return []


def fuzz(token: str) -> tuple[dict, dict, list[str]]:
    """Run schemathesis over every operation; return each operation's answers by status code, its seconds, and
    the failures."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    answers, seconds, failures = {}, {}, []
    for result in schema.get_all_operations():
        operation = result.ok()
        started = time.monotonic()
        answers[operation.label], failure = _fuzz_operation(operation, {"Authorization": f"Token {token}"})
        seconds[operation.label] = time.monotonic() - started
        if failure:
            failures.append(failure)
    return answers, seconds, failures


def _fuzz_operation(operation, headers: dict) -> tuple[collections.Counter, str | None]:
    codes = collections.Counter()
    ids = _real_ids(operation.path) if "{id}" in operation.path else []
    references = {name: list(rows().values_list("pk", flat=True)[:20]) for name, rows in REFERENCES.items()}

    @given(case=operation.as_strategy(), real=st.booleans(), pick=st.integers(0, 19))
    @settings(
        max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case, real, pick):
        if real:  # half the examples name real rows, in the path and in the body, to reach the logic
            _use_real_rows(case, ids, references, pick)
        # Business rules (an article needs text, a selector a quote) are beyond a schema: only check that nothing
        # crashes and every answer has a documented status and a body that matches the schema.
        response = case.call(headers=headers)
        codes[response.status_code] += 1
        case.validate_response(
            response, excluded_checks=[positive_data_acceptance], headers=headers, transport_kwargs={"headers": headers}
        )

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:  # report every operation's failure, not only the first
        return codes, f"{operation.label}: {exc}"[:1500]
    return codes, None


def _use_real_rows(case, ids: list[int], references: dict, pick: int) -> None:
    """Point the case at real rows: the path's {id}, the ids its body refers to, the first page, and the claim's
    current version (a random one is a 409 before any of the edit runs)."""
    if ids:
        case.path_parameters = {**case.path_parameters, "id": ids[pick % len(ids)]}
    if case.query and "page" in case.query:  # a random page number of a short list is a 404 too
        case.query = {name: value for name, value in case.query.items() if name != "page"}
    if isinstance(case.body, dict):
        for name, found in references.items():
            if name in case.body and found:
                case.body[name] = found[pick % len(found)]
    if case.path_parameters.get("id") in ids and case.operation.path.startswith("/api/v1/claims/{id}/"):
        version = Claim.objects.filter(pk=case.path_parameters["id"]).values_list("version", flat=True).first()
        if isinstance(case.body, dict) and "version" in case.body:
            case.body["version"] = version
        if case.query and "version" in case.query:
            case.query = {**case.query, "version": version}


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


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_schemathesis_reaches_every_operation_and_finds_no_server_error(fuzzed_desk):
    answers, seconds, failures = fuzz(fuzzed_desk)
    print(_report(answers, seconds))  # the per-operation counts, shown with -s or -rP
    assert not failures, "\n\n".join(failures)
    throttled = [label for label, codes in answers.items() if codes[429]]
    assert not throttled, f"throttled, so not tested: {throttled}"
    unreached = [
        label
        for label, codes in answers.items()
        if sum(n for code, n in codes.items() if code != 404) < min(REACHED, sum(codes.values()))
    ]
    assert not unreached, f"never got past the path's 404: {unreached}"


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the test above runs on SQLite already")
def test_schemathesis_run_on_sqlite_too():
    """The same run in a process of its own without DATABASE_URL: the embedded default (SQLite), whose types and
    limits differ (an integer past 64 bits is an OverflowError there, a 500; PostgreSQL refuses a NUL)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_NAME")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rP",
            f"{__file__}::test_schemathesis_reaches_every_operation_and_finds_no_server_error",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    print(run.stdout[-6000:])
