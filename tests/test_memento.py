"""Memento (RFC 7089): the desk's archive and the public one answer TimeMap and TimeGate requests per original URL,
and every archived copy carries Memento-Datetime and Link headers, so that Memento tools find the copies alone.
Captures are real fetches of a local server; their times are then set so that the answers can be checked."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from claims.memento import BadAcceptDatetime, Memento, closest, memento_link_header, parse_accept_datetime, timemap
from claims.models import Capture, Evidence
from claims.services.captures import run_capture
from tests.capturing import english_page, queued_capture
from tests.httpserver import Route
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

UTC = dt.UTC
TIMES = [
    dt.datetime(2020, 1, 8, 10, 0, tzinfo=UTC),
    dt.datetime(2021, 6, 1, tzinfo=UTC),
    dt.datetime(2023, 3, 5, tzinfo=UTC),
]
LINK_FORMAT = "application/link-format"


def links(header: str) -> dict[str, tuple[str, str]]:
    """A Link header or link-format body as {rel: (uri, datetime)}; a rel shared by several keeps the last."""
    found = {}
    for uri, params in re.findall(r"<([^>]*)>((?:\s*;\s*[a-z]+=\"[^\"]*\")*)", header):
        attrs = dict(re.findall(r'([a-z]+)="([^"]*)"', params))
        for rel in attrs.get("rel", "").split():
            found[rel] = (uri, attrs.get("datetime", ""))
    return found


def mementos_of(body: str) -> list[tuple[str, str]]:
    return [
        (uri, dict(re.findall(r'([a-z]+)="([^"]*)"', params)).get("datetime", ""))
        for uri, params in re.findall(r"<([^>]*)>((?:\s*;\s*[a-z]+=\"[^\"]*\")*)", body)
        if "memento" in dict(re.findall(r'([a-z]+)="([^"]*)"', params)).get("rel", "").split()
    ]


# --- the pure core -------------------------------------------------------------------------------------------------


def test_the_closest_memento_is_chosen_and_the_latest_without_a_time():
    items = [Memento(f"https://a.example/{i}", t) for i, t in enumerate(TIMES)]
    assert closest(items, None) == items[2]
    assert closest(items, dt.datetime(2021, 1, 1, tzinfo=UTC)) == items[1]
    assert closest(items, dt.datetime(1990, 1, 1, tzinfo=UTC)) == items[0]
    assert closest([], None) is None


@given(st.lists(st.datetimes(timezones=st.just(UTC)), min_size=1, max_size=20), st.datetimes(timezones=st.just(UTC)))
def test_no_memento_is_closer_than_the_one_chosen(times, wanted):
    items = [Memento(f"https://a.example/{i}", t) for i, t in enumerate(times)]
    chosen = closest(items, wanted)
    assert chosen is not None and all(abs(chosen.datetime - wanted) <= abs(m.datetime - wanted) for m in items)


def test_an_accept_datetime_that_is_not_an_http_date_is_refused():
    assert parse_accept_datetime("Wed, 08 Jan 2020 10:00:00 GMT") == TIMES[0]
    for bad in ("yesterday", "2020-01-08", "Wed, 32 Jan 2020 10:00:00 GMT"):
        with pytest.raises(BadAcceptDatetime):
            parse_accept_datetime(bad)


def test_the_timemap_lists_original_timegate_self_and_each_memento_in_time_order():
    items = [Memento(f"https://a.example/m/{i}", t) for i, t in reversed(list(enumerate(TIMES)))]
    body = timemap(
        original="https://news.example/a",
        self_uri="https://a.example/tm",
        timegate="https://a.example/tg",
        mementos=items,
    )
    lines = body.strip().split(",\n")
    assert lines[0] == '<https://news.example/a>; rel="original"'
    assert lines[1] == '<https://a.example/tg>; rel="timegate"'
    assert lines[2] == (
        '<https://a.example/tm>; rel="self"; type="application/link-format"; '
        'from="Wed, 08 Jan 2020 10:00:00 GMT"; until="Sun, 05 Mar 2023 00:00:00 GMT"'
    )
    assert lines[3] == '<https://a.example/m/0>; rel="first memento"; datetime="Wed, 08 Jan 2020 10:00:00 GMT"'
    assert lines[4] == '<https://a.example/m/1>; rel="memento"; datetime="Tue, 01 Jun 2021 00:00:00 GMT"'
    assert lines[5] == '<https://a.example/m/2>; rel="last memento"; datetime="Sun, 05 Mar 2023 00:00:00 GMT"'


def test_an_archived_copy_links_its_neighbours_in_time():
    items = [Memento(f"https://a.example/m/{i}", t) for i, t in enumerate(TIMES)]
    header = memento_link_header(
        original="https://n.example/", timegate="tg", timemap_uri="tm", mementos=items, current=items[1]
    )
    rels = links(header)
    assert rels["original"][0] == "https://n.example/" and rels["timegate"][0] == "tg" and rels["timemap"][0] == "tm"
    assert rels["prev"][0] == rels["first"][0] == "https://a.example/m/0"
    assert rels["next"][0] == rels["last"][0] == "https://a.example/m/2"
    assert "https://a.example/m/1" not in header  # not a link to itself


# --- the desk's archive --------------------------------------------------------------------------------------------


@pytest.fixture
def desk(client, editor, fetch_settings):
    client.force_login(editor)
    return client


@pytest.fixture
def captured(db, server, fetch_settings):
    """Three real captures of one page, fetched at TIMES (oldest first), and a failed one that is no memento."""
    url = server.routes_in_turn(
        "/story",
        *[Route(body=english_page(f"About {n} fighters.")) for n in (800, 1200, 2000)],
        Route(status=404),
    )
    first = run_capture(capture_id=queued_capture(url).pk)
    captures = [first] + [
        run_capture(capture_id=Capture.objects.create(source=first.source, requested_url=url).pk) for _ in range(3)
    ]
    assert [c.state for c in captures] == ["done", "done", "done", "failed"]
    for capture, moment in zip(captures, TIMES, strict=False):
        Capture.objects.filter(pk=capture.pk).update(fetched_at=moment)
    return url, captures[:3]


def archived(capture) -> str:
    return f"http://testserver{reverse('desk:capture_archived', args=[capture.pk])}"


def test_the_desk_timemap_lists_every_archived_copy_of_a_url(desk, captured, django_assert_max_num_queries):
    url, captures = captured
    with django_assert_max_num_queries(4):  # session, user and profile, the captures
        response = desk.get(f"/desk/memento/timemap/{url}")
    assert response.status_code == 200 and response["Content-Type"] == LINK_FORMAT
    body = response.content.decode()
    assert links(body)["original"][0] == url
    assert links(body)["timegate"][0] == f"http://testserver/desk/memento/timegate/{url}"
    assert mementos_of(body) == [
        (archived(c), t.strftime("%a, %d %b %Y %H:%M:%S GMT")) for c, t in zip(captures, TIMES, strict=True)
    ]


def test_the_desk_timegate_sends_the_client_to_the_copy_closest_to_the_time_asked(desk, captured):
    url, captures = captured
    response = desk.get(f"/desk/memento/timegate/{url}", HTTP_ACCEPT_DATETIME="Fri, 01 Jan 2021 00:00:00 GMT")
    assert response.status_code == 302 and response["Location"] == archived(captures[1])
    assert "accept-datetime" in [v.strip().lower() for v in response["Vary"].split(",")]
    assert links(response["Link"])["original"][0] == url
    assert links(response["Link"])["timemap"][0] == f"http://testserver/desk/memento/timemap/{url}"
    latest = desk.get(f"/desk/memento/timegate/{url}")
    assert latest.status_code == 302 and latest["Location"] == archived(captures[2])


def test_the_same_page_is_found_however_its_address_is_written(desk, captured):
    url, captures = captured
    host_port = url.split("://", 1)[1]
    host, path = host_port.split("/", 1)
    for asked in (f"http:/{host_port}", f"HTTP://{host.upper()}/{path}?utm_source=feed", host_port):
        response = desk.get(f"/desk/memento/timegate/{asked}")
        assert response.status_code == 302 and response["Location"] == archived(captures[2]), asked


def test_the_timegate_says_what_is_wrong_with_a_bad_request(desk, captured):
    url, _captures = captured
    bad_time = desk.get(f"/desk/memento/timegate/{url}", HTTP_ACCEPT_DATETIME="last Tuesday")
    assert bad_time.status_code == 400
    assert "Accept-Datetime must be an HTTP date" in bad_time.content.decode()
    assert "last Tuesday" in bad_time.content.decode()
    unknown = desk.get("/desk/memento/timegate/https://never.example.org/page")
    assert unknown.status_code == 404 and "No archived copy of this address." in unknown.content.decode()
    assert desk.get("/desk/memento/timemap/https://never.example.org/page").status_code == 404
    not_web = desk.get("/desk/memento/timemap/ftp://files.example.org/x")
    assert not_web.status_code == 400 and "not a web address we archive" in not_web.content.decode()


def test_an_arabic_desk_member_reads_the_errors_in_arabic(desk, captured):
    url, _captures = captured
    desk.post(reverse("desk:language"), {"language": "ar", "next": "/desk/"})
    response = desk.get(f"/desk/memento/timegate/{url}", HTTP_ACCEPT_DATETIME="last Tuesday")
    assert response.status_code == 400 and "Accept-Datetime" in response.content.decode()
    assert "يجب أن" in response.content.decode()


def test_a_desk_archived_copy_carries_its_memento_headers(desk, captured):
    url, captures = captured
    response = desk.get(reverse("desk:capture_archived", args=[captures[1].pk]))
    assert response.status_code == 200
    assert response["Memento-Datetime"] == "Tue, 01 Jun 2021 00:00:00 GMT"
    rels = links(response["Link"])
    assert rels["original"][0] == url
    assert rels["timemap"][0] == f"http://testserver/desk/memento/timemap/{url}"
    assert rels["prev"][0] == archived(captures[0]) and rels["next"][0] == archived(captures[2])


def test_a_memento_client_goes_from_a_copy_to_its_timemap_and_to_another_copy(desk, captured):
    _url, captures = captured
    copy = desk.get(reverse("desk:capture_archived", args=[captures[2].pk]))
    timemap_uri = links(copy["Link"])["timemap"][0]
    body = desk.get(timemap_uri.removeprefix("http://testserver")).content.decode()
    first_uri = mementos_of(body)[0][0]
    first = desk.get(first_uri.removeprefix("http://testserver"))
    assert first.status_code == 200 and "About 800 fighters." in first.content.decode()


def test_the_desk_archive_is_for_desk_members_only(client, outsider, captured):
    url, _captures = captured
    for path in (f"/desk/memento/timemap/{url}", f"/desk/memento/timegate/{url}"):
        assert client.get(path).status_code == 302  # to the login page
        client.force_login(outsider)
        assert client.get(path).status_code == 403
        client.logout()


# --- the public archive --------------------------------------------------------------------------------------------


def public_copy(claim, capture) -> str:
    return f"http://testserver{reverse('public:archive', args=[claim.pk, capture.source_id])}"


def test_readers_find_the_public_copy_of_a_published_claims_source_and_nothing_else(client, captured):
    url, captures = captured
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=captures[0].source, stance="supports")
    response = client.get(f"/memento/timemap/{url}")
    assert response.status_code == 200 and response["Content-Type"] == LINK_FORMAT
    body = response.content.decode()
    # Only the copy the claim's page shows: the desk's older captures are the desk's.
    assert mementos_of(body) == [(public_copy(claim, captures[2]), "Sun, 05 Mar 2023 00:00:00 GMT")]
    assert archived(captures[0]) not in body and "/desk/" not in body
    gate = client.get(f"/memento/timegate/{url}", HTTP_ACCEPT_DATETIME="Wed, 08 Jan 2020 10:00:00 GMT")
    assert gate.status_code == 302 and gate["Location"] == public_copy(claim, captures[2])

    page = client.get(reverse("public:archive", args=[claim.pk, captures[2].source_id]))
    assert page.status_code == 200 and page["Memento-Datetime"] == "Sun, 05 Mar 2023 00:00:00 GMT"
    rels = links(page["Link"])
    assert rels["original"][0] == url and rels["timegate"][0] == f"http://testserver/memento/timegate/{url}"


def test_a_source_only_drafts_cite_has_no_public_memento(client, captured):
    url, captures = captured
    Evidence.objects.create(claim=make_claim(status="draft", verdict=""), source=captures[0].source, stance="supports")
    assert client.get(f"/memento/timemap/{url}").status_code == 404
    assert client.get(f"/memento/timegate/{url}").status_code == 404
