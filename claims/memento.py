"""Memento (RFC 7089): the desk's archive answers "what did this page say then?" the way web archives do.

Pure functions, no ORM: the link-format TimeMap of an original URL (URI-R), the TimeGate's choice of the memento
closest to a requested time, and the ``Link`` header each archived copy (URI-M) carries, so that Memento clients,
Robust Links and browser extensions find every copy without being told where to look.
claims/services/memento.py finds the captures; claims/desk/memento.py and claims/public/memento.py answer.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.http import http_date, parse_http_date

LINK_FORMAT = "application/link-format"


@dataclass(frozen=True)
class Memento:
    """One archived copy: where it is (URI-M, absolute) and when the page was fetched (its Memento-Datetime)."""

    uri: str
    datetime: datetime


class BadAcceptDatetime(ValueError):
    """An Accept-Datetime header that is not an HTTP date (RFC 7089 §2.1.1): the TimeGate answers 400."""


def http_datetime(moment: datetime) -> str:
    """RFC 1123 date in GMT, as Memento-Datetime, datetime= and from=/until= want it."""
    return http_date(moment.timestamp())


def parse_accept_datetime(value: str) -> datetime:
    """The time an Accept-Datetime header asks for; raises BadAcceptDatetime."""
    try:
        return datetime.fromtimestamp(parse_http_date(value.strip()), tz=UTC)
    except ValueError as exc:
        raise BadAcceptDatetime(value) from exc


def closest(mementos: Sequence[Memento], wanted: datetime | None) -> Memento | None:
    """The memento nearest to ``wanted`` (the latest when no time is asked for); on a tie, the earlier one."""
    if not mementos:
        return None
    if wanted is None:
        return max(mementos, key=lambda m: m.datetime)
    return min(mementos, key=lambda m: (abs(m.datetime - wanted), m.datetime))


def _link(uri: str, rel: str, **params: str) -> str:
    extra = "".join(f'; {name}="{value}"' for name, value in params.items())
    return f'<{_uri(uri)}>; rel="{rel}"{extra}'


def _uri(uri: str) -> str:
    """A URI safe inside <…> of a Link header: characters that would end or break it are percent-encoded."""
    return uri.replace(">", "%3E").replace("<", "%3C").replace('"', "%22").replace("\r", "").replace("\n", "")


def memento_rels(mementos: Sequence[Memento], index: int) -> list[str]:
    """The relation types of mementos[index] in a chronological list: first, last, prev, next, memento."""
    rels = []
    if index == 0:
        rels.append("first")
    if index == len(mementos) - 1:
        rels.append("last")
    return [*rels, "memento"]


def timemap(*, original: str, self_uri: str, timegate: str, mementos: Sequence[Memento]) -> str:
    """The link-format TimeMap (RFC 7089 §5.1.1) of ``original``, mementos in chronological order."""
    ordered = sorted(mementos, key=lambda m: m.datetime)
    entries = [_link(original, "original"), _link(timegate, "timegate")]
    bounds = (
        {"from": http_datetime(ordered[0].datetime), "until": http_datetime(ordered[-1].datetime)} if ordered else {}
    )
    entries.append(_link(self_uri, "self", type=LINK_FORMAT, **bounds))
    for index, memento in enumerate(ordered):
        rel = " ".join(memento_rels(ordered, index))
        entries.append(_link(memento.uri, rel, datetime=http_datetime(memento.datetime)))
    return ",\n".join(entries) + "\n"


def memento_link_header(
    *, original: str, timegate: str, timemap_uri: str, mementos: Sequence[Memento], current: Memento | None
) -> str:
    """The Link header of an archived copy (RFC 7089 §2.2.1): its original, TimeGate and TimeMap, and its
    neighbours in time (first, last, prev, next memento)."""
    ordered = sorted(mementos, key=lambda m: m.datetime)
    links = [
        _link(original, "original"),
        _link(timegate, "timegate"),
        _link(timemap_uri, "timemap", type=LINK_FORMAT),
    ]
    position = next((i for i, m in enumerate(ordered) if m == current), None)
    if position is None:
        return ", ".join(links)
    last = len(ordered) - 1
    for index, memento in enumerate(ordered):
        rels = [
            rel
            for rel, applies in (
                ("first", index == 0),
                ("last", index == last),
                ("prev", index == position - 1),
                ("next", index == position + 1),
            )
            if applies
        ]
        if index != position and rels:
            links.append(_link(memento.uri, " ".join([*rels, "memento"]), datetime=http_datetime(memento.datetime)))
    return ", ".join(links)
