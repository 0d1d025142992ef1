"""The HTTP side of Memento (RFC 7089) that the desk and the public site share: TimeMap and TimeGate responses
and the headers of an archived copy. Each edge says which captures are its mementos and where each one lives.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from claims.fetching.errors import InvalidURL
from claims.fetching.reasons import in_language
from claims.memento import (
    LINK_FORMAT,
    BadAcceptDatetime,
    Memento,
    closest,
    http_datetime,
    memento_link_header,
    parse_accept_datetime,
    timemap,
)
from claims.models import Capture
from claims.services.memento import original_url


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


def _original(request: HttpRequest, url: str) -> str | HttpResponse:
    try:
        return original_url(url, request.META.get("QUERY_STRING", ""))
    except InvalidURL as exc:
        return _plain(_("This is not a web address we archive: %(reason)s") % {"reason": in_language(str(exc))}, 400)


def endpoint(request: HttpRequest, prefix: str, original: str) -> str:
    """The absolute address of a TimeMap or TimeGate: its prefix, then the original URL as it is."""
    return request.build_absolute_uri(prefix) + original


def _prefix(name: str) -> str:
    return reverse(name, kwargs={"url": "x"})[:-1]


@dataclass(frozen=True)
class Archive:
    """One side's archive: which captures are mementos of an address, where each copy lives, and the URL names of
    its TimeMap and TimeGate (routes taking the original URL as ``<path:url>``)."""

    find: Callable[[str], Sequence[Capture]]
    #: The path of a capture's archived copy (URI-M, made absolute for each request).
    copy_path: Callable[[Capture], str]
    timemap_name: str
    timegate_name: str

    def _found(self, request: HttpRequest, original: str) -> list[tuple[Capture, Memento]]:
        return [
            (c, Memento(request.build_absolute_uri(self.copy_path(c)), c.fetched_at))
            for c in self.find(original)
            if c.fetched_at is not None
        ]

    def _endpoints(self, request: HttpRequest, original: str) -> tuple[str, str]:
        timemap_uri = endpoint(request, _prefix(self.timemap_name), original)
        return timemap_uri, endpoint(request, _prefix(self.timegate_name), original)

    def timemap(self, request: HttpRequest, url: str) -> HttpResponse:
        original = _original(request, url)
        if isinstance(original, HttpResponse):
            return original
        found = self._found(request, original)
        if not found:
            return _plain(_("No archived copy of this address."), 404)
        timemap_uri, timegate_uri = self._endpoints(request, original)
        body = timemap(original=original, self_uri=timemap_uri, timegate=timegate_uri, mementos=[m for _c, m in found])
        return HttpResponse(body, content_type=LINK_FORMAT)

    def timegate(self, request: HttpRequest, url: str) -> HttpResponse:
        """302 to the memento closest to Accept-Datetime (the latest without one), Vary: accept-datetime."""
        original = _original(request, url)
        if isinstance(original, HttpResponse):
            return original
        asked = request.headers.get("Accept-Datetime", "")
        try:
            wanted = parse_accept_datetime(asked) if asked.strip() else None
        except BadAcceptDatetime:
            response = _plain(
                _("Accept-Datetime must be an HTTP date, such as “%(example)s”; it was “%(value)s”.")
                % {"example": "Tue, 20 Jun 2000 18:02:59 GMT", "value": asked[:100]},
                400,
            )
            response["Vary"] = "accept-datetime"
            return response
        chosen = closest([m for _c, m in self._found(request, original)], wanted)
        timemap_uri, _timegate = self._endpoints(request, original)
        links = f'<{original}>; rel="original", <{timemap_uri}>; rel="timemap"; type="{LINK_FORMAT}"'
        if chosen is None:
            response = _plain(_("No archived copy of this address."), 404)
        else:
            response = HttpResponseRedirect(chosen.uri)
            links += f', <{chosen.uri}>; rel="memento"; datetime="{http_datetime(chosen.datetime)}"'
        response["Vary"] = "accept-datetime"
        response["Link"] = links
        return response

    def mark(self, request: HttpRequest, response: HttpResponse, capture: Capture) -> HttpResponse:
        """Give an archived copy its Memento-Datetime and Link headers (original, TimeGate, TimeMap, neighbours)."""
        if capture.fetched_at is None or not capture.source.url:
            return response
        original = capture.source.url
        found = self._found(request, original)
        timemap_uri, timegate_uri = self._endpoints(request, original)
        response["Memento-Datetime"] = http_datetime(capture.fetched_at)
        response["Link"] = memento_link_header(
            original=original,
            timegate=timegate_uri,
            timemap_uri=timemap_uri,
            mementos=[m for _c, m in found],
            current=next((m for c, m in found if c.pk == capture.pk), None),
        )
        return response
