"""Why a fetch failed, in words a journalist understands, and whether trying again later can help."""

from __future__ import annotations

from collections.abc import Sequence


class FetchError(Exception):
    """Base of every fetch failure: `reason` is shown to the desk, `transient` decides retries."""

    transient = False
    #: Set by the client: the redirects followed before the failure, as in FetchResult.redirect_chain.
    redirect_chain: Sequence[tuple[str | int | None, ...]] = ()

    def __init__(self, reason: str, *, transient: bool | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if transient is not None:
            self.transient = transient
        self.retry_after = retry_after


class InvalidURL(FetchError, ValueError):
    """The address is not a web address we may fetch (malformed, not http(s), with a password)."""


class UnsafeDestination(FetchError):
    """The address points into a private or internal network (SSRF guard)."""


class DNSFailure(FetchError):
    """The site's name does not resolve; often a typo or an expired domain, sometimes a DNS hiccup."""

    transient = True


class ConnectFailed(FetchError):
    """The server did not accept a connection or the TLS handshake failed."""

    transient = True


class Timeout(FetchError):
    """The server was too slow (connect, read, or the whole fetch past its deadline)."""

    transient = True


class TooLarge(FetchError):
    """The response is bigger than the size cap."""


class TooManyRedirects(FetchError):
    """The address redirects more often than the policy allows (or in a loop)."""


class ContentTypeRefused(FetchError):
    """The response is something we do not capture (an image, a video, an archive...)."""


class HTTPStatusError(FetchError):
    """The server answered with an error status; 5xx, 408 and 429 are worth retrying, other 4xx are not."""

    def __init__(self, reason: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(reason, transient=status >= 500 or status in (408, 429), retry_after=retry_after)
        self.status = status


class ChallengePage(FetchError):
    """A bot wall or challenge page answered instead of the source; never a successful capture."""

    transient = True

    def __init__(self, reason: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(reason, retry_after=retry_after)
        self.status = status


class UnreadableContent(FetchError):
    """The file arrived but cannot be read (a damaged or encrypted PDF, for instance)."""
