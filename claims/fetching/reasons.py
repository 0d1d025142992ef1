"""Why a fetch, a capture, an import or a webhook delivery failed, in plain words, and those words in the reader's
language.

Workers store a failure's reason in English (Capture.error, Article.import_error, a delivery's attempts), so logs
and tests read one stable text. `reason()` renders an English template with its parameters and remembers both;
`in_language()` shows a reason in the active language: from the remembered template, or, for a stored English
text, by recognizing which template wrote it. Every template lives here, so translators and the recognizer see
the same list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

Param = str | int | float


class Reason(str):
    """The English text of a reason, carrying the template and parameters it was rendered from."""

    template: str
    params: Mapping[str, Param]

    def __new__(cls, text: str, template: str = "", params: Mapping[str, Param] | None = None) -> Reason:
        self = super().__new__(cls, text)
        self.template = template or text
        self.params = dict(params or {})
        return self

    def __reduce__(self) -> tuple[type[Reason], tuple[str, str, dict[str, Param]]]:
        return (Reason, (str(self), self.template, dict(self.params)))


def reason(template: str, **params: Param) -> Reason:
    """`template` (one of the constants below) in English, with `params` (already formatted) put in."""
    return Reason(template % params if params else template, template, params)


def lowered(text: str) -> str:
    """The reason with its first letter in lower case, to follow "because"; a Reason stays one."""
    if not text[1:2].islower():
        return text
    low = text[:1].lower() + text[1:]
    return Reason(low, text.template, text.params) if isinstance(text, Reason) else low


def in_language(text: str) -> str:
    """`text` in the active language. A Reason, or a stored text one of the templates wrote, is translated with
    its parameters (a parameter that is itself a reason is translated too); any other text is returned as it
    is. Where the template has no translation (English), the text is returned unchanged."""
    if not text:
        return text
    if isinstance(text, Reason) and text.template in _patterns():
        return _render(text, text.template, text.params)
    for template, pattern in _patterns().items():
        match = pattern.fullmatch(text)
        if match:
            params: dict[str, Param] = {
                name: int(value) if _is_number(template, name) else value for name, value in match.groupdict().items()
            }
            return _render(text, template, params)
    return text


def _render(text: str, template: str, params: Mapping[str, Param]) -> str:
    translated = gettext(template)
    if translated == template:
        return text
    if not params:
        return translated
    return translated % {name: _param_in_language(value) for name, value in params.items()}


def _param_in_language(value: Param) -> Param:
    if not isinstance(value, str):
        return value
    shown = in_language(value)
    if shown == value and value[:1].islower():  # a reason lowered to follow "because"
        capitalized = value[:1].upper() + value[1:]
        shown = in_language(capitalized)
        return value if shown == capitalized else shown
    return shown


_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _is_number(template: str, name: str) -> bool:
    return f"%({name})d" in template


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Each template as an anchored pattern: its text escaped, each placeholder a non-greedy named group."""
    patterns = {}
    for template in TEMPLATES:
        regex, position = [], 0
        for placeholder in _PLACEHOLDER.finditer(template):
            regex.append(re.escape(template[position : placeholder.start()]))
            name, kind = placeholder.groups()
            regex.append(f"(?P<{name}>-?\\d+?)" if kind == "d" else f"(?P<{name}>.+?)")
            position = placeholder.end()
        regex.append(re.escape(template[position:]))
        patterns[template] = re.compile("".join(regex), re.DOTALL)
    return patterns


# The address (urls.py).
URL_EMPTY = N_("The address is empty.")
URL_TOO_LONG = N_("This address is %(length)d characters long; the limit is %(limit)d.")
URL_TOO_LONG_ENCODED = N_(
    "This address is %(length)d characters long once encoded for the web; the limit is %(limit)d. Use a shorter "
    "address for this page."
)
URL_BLANKS = N_("The address contains spaces or control characters.")
URL_MALFORMED = N_("The address is malformed (%(error)s).")
URL_NO_SCHEME = N_("The address has no scheme; it must start with http:// or https://.")
URL_SCHEME_REFUSED = N_('Only http:// and https:// addresses can be fetched, not "%(scheme)s:" addresses.')
URL_CREDENTIALS = N_("The address contains a user name or password; remove them before fetching.")
URL_NO_HOST = N_("The address has no host name.")
URL_PORT_ZERO = N_("The address uses port 0, which cannot be fetched.")
HOST_EMPTY_PART = N_("The host name has an empty part (two dots in a row).")
HOST_PART_TOO_LONG = N_("A part of the host name is %(length)d characters long; the limit is %(limit)d.")
HOST_TOO_LONG = N_("The host name is %(length)d characters long; the limit is %(limit)d.")
HOST_BAD_CHARACTERS = N_("The host name contains characters no internet name can hold.")

# The destination (safety.py): what kind of address it is, then why it is refused.
ADDRESS_AS_IPV6 = N_("%(kind)s (written as IPv6)")
ADDRESS_TEREDO = N_("a Teredo tunnel address")
ADDRESS_6TO4 = N_("a 6to4 tunnel address")
ADDRESS_UNSPECIFIED = N_("the unspecified address")
ADDRESS_LOOPBACK = N_("a loopback address (this machine)")
ADDRESS_LINK_LOCAL = N_("a link-local (cloud metadata) address")
ADDRESS_MULTICAST = N_("a multicast address")
ADDRESS_BROADCAST = N_("the broadcast address")
ADDRESS_CGNAT = N_("a carrier-grade NAT (100.64/10) address")
ADDRESS_SITE_LOCAL = N_("a site-local address")
ADDRESS_UNIQUE_LOCAL = N_("a private network address (unique local)")
ADDRESS_PRIVATE = N_("a private network address")
ADDRESS_RESERVED = N_("a reserved address")
ADDRESS_NOT_GLOBAL = N_("an address that is not on the public internet")
ADDRESS_REFUSED = N_(
    "The address %(address)s is %(kind)s; fetching it could reach an internal system, so it is refused."
)
PORT_REFUSED = N_(
    "The address uses port %(port)s, which is not a web port (80 or 443); fetching it could reach another kind of "
    "service, so it is refused."
)
DNS_LOOKUP_FAILED = N_("The site name %(host)s could not be looked up; check the address for a typo.")
DNS_INVALID_NAME = N_("The site name %(host)s is not a valid domain name.")
DNS_NO_ADDRESS = N_("The site name %(host)s has no internet address.")

# The exchange (client.py, deadline.py).
REDIRECTS_TOO_MANY = N_("The address redirected more than %(count)s times; the final page was not reached.")
REDIRECTS_LOOP = N_("The address redirected more than %(count)s times in a loop; the final page was not reached.")
REDIRECT_REFUSED = N_("The redirect to %(target)s was refused because %(reason)s")
URL_SHORTENED = N_("%(start)s… (%(length)s characters)")
CONNECT_TIMEOUT = N_("The server did not accept a connection within %(seconds)s seconds.")
READ_TIMEOUT = N_("The server did not answer within %(seconds)s seconds.")
STALLED = N_("The server stopped sending data for more than %(seconds)s seconds.")
DEADLINE = N_("The fetch took longer than the %(seconds)s-second limit and was stopped.")
TLS_FAILED = N_("The secure (HTTPS) connection failed: the site's certificate could not be verified.")
UNREACHABLE = N_("The server could not be reached or closed the connection.")
CONNECTION_BROKE = N_("The connection broke while the page was being downloaded.")
FILE_TOO_LARGE = N_("The file is %(size)s, more than the %(limit)s limit.")
CONTENT_TOO_LARGE = N_("The content is larger than the %(limit)s limit; reading was stopped.")
RESPONSE_TOO_LARGE = N_("The response is larger than the %(limit)s limit; reading was stopped.")
COMPRESSION_REFUSED = N_("The server compressed the page with %(encoding)s, which we cannot read.")
COMPRESSION_CORRUPT = N_("The server sent a corrupt compressed response.")
HTTP_NOT_FOUND = N_("The page was not found (HTTP 404): it may have been moved or deleted.")
HTTP_GONE = N_("The site says the page was removed for good (HTTP 410).")
HTTP_REFUSED = N_("The site refused access to the page (HTTP %(status)s).")
HTTP_SLOW_DOWN = N_("The site asked us to slow down (HTTP 429); we will try again later.")
HTTP_SERVER_ERROR = N_("The site had a server error (HTTP %(status)s); it may work later.")
HTTP_ODD_REDIRECT = N_("The site answered with an unexpected redirect status (HTTP %(status)s) and no usable address.")
HTTP_ERROR = N_("The site answered with an error (HTTP %(status)s).")

# What came back (sniff.py, extract.py).
TYPE_REFUSED = N_("The address serves %(type)s, which is not captured (allowed: %(allowed)s).")
TYPE_UNKNOWN = N_("The server did not say what kind of file this is, and it does not look like a page.")
TYPE_BINARY = N_(
    "The address says it serves %(type)s, but it sent binary data (an image, an archive or another kind of file), "
    "which has no text to capture."
)
PDF_ENCRYPTED = N_("The PDF is password-protected, so its text could not be read.")
PDF_DAMAGED = N_("The PDF file is damaged and could not be read.")
CHALLENGE_CLOUDFLARE = N_('Cloudflare\'s bot check ("checking your browser") answered instead of the page.')
CHALLENGE_DATADOME_CAPTCHA = N_("The site's bot protection (DataDome) showed a CAPTCHA instead of the page.")
CHALLENGE_DATADOME = N_("The site's bot protection (DataDome) blocked the fetch.")
CHALLENGE_PERIMETERX_CAPTCHA = N_(
    "The site's bot protection (PerimeterX / HUMAN) showed a CAPTCHA instead of the page."
)
CHALLENGE_PERIMETERX = N_("The site's bot protection (PerimeterX / HUMAN) blocked the fetch.")
CHALLENGE_INCAPSULA = N_("The site's bot protection (Imperva Incapsula) blocked the fetch.")
CHALLENGE_DDOS_GUARD = N_("The site's bot protection (DDoS-Guard) blocked the fetch.")
CHALLENGE_AWS_WAF = N_("The site's bot protection (AWS WAF) showed a challenge instead of the page.")
CHALLENGE_CHECKING_BROWSER = N_('The site showed a "checking your browser" bot check instead of the page.')
CHALLENGE_BOT_CHECK = N_("The site showed a bot check instead of the page.")
CHALLENGE_VERIFY_HUMAN = N_("The site asked to verify we are human (a bot check) instead of showing the page.")
CHALLENGE_JAVASCRIPT_COOKIES = N_("The site asked to enable JavaScript and cookies: a bot check, not the page.")
CHALLENGE_COOKIES = N_("The site asked to enable cookies: a bot check, not the page.")
CHALLENGE_ROBOT = N_("The site asked whether we are a robot (a bot check) instead of showing the page.")
CHALLENGE_CAPTCHA = N_("The site showed a CAPTCHA (a test for robots) instead of the page.")
CHALLENGE_ACCESS_DENIED = N_('The site denied access to automated visitors (HTTP %(status)s, "Access denied").')
EMPTY_SHELL = N_("The page is an empty shell: almost no text, only scripts, so nothing of the source was captured.")

# The jobs (services/captures.py, services/webhooks.py).
CAPTURE_TOO_LONG = N_("The capture took too long and was stopped.")
BROWSER_TOO_LONG = N_("The browser capture took longer than %(seconds)s seconds and was stopped.")
BROWSER_STILL_LOADING = N_("The page was still loading after %(seconds)s seconds; it was captured as it stood.")
BROWSER_TOO_MANY_REQUESTS = N_(
    "The page asked for more than %(count)s files; the rest were not loaded and the capture shows it without them."
)
BROWSER_TOO_MANY_BYTES = N_(
    "The page's files passed %(limit)s in all; the rest were not loaded and the capture shows it without them."
)
BROWSER_FAILED = N_("The browser could not render the page (%(error)s).")
BROWSER_TOO_MUCH_MEMORY = N_(
    "The browser needed more than %(limit)s of memory for this page and was stopped; the page was not captured."
)
CAPTURE_NOT_PROCESSED = N_("The page could not be processed because of an internal error.")
CAPTURE_NOT_STORED = N_("The page was fetched but could not be stored because of an internal error.")
CAPTURE_WORKER_LOST = N_(
    "The capture stopped its worker every time it was tried (the page may be too heavy to process)."
)
IMPORT_NO_TEXT = N_("The page was fetched, but no article text could be found in it.")
IMPORT_ATTEMPT = N_("Attempt %(attempt)s: %(reason)s")
ENDPOINT_STATUS = N_("The endpoint answered HTTP %(status)s.")

# Monitored feeds (claims/feeds.py, services/feeds.py).
FEED_EMPTY = N_("The address answered with an empty document, not a feed.")
FEED_HTML = N_("The address answers with a web page (HTML), not a feed: look on the site for its RSS or Atom link.")
FEED_JSON = N_("The address answers with JSON data, not an RSS, Atom or sitemap feed.")
FEED_NOT_XML = N_("The address did not answer with a feed: its content cannot be read as XML (%(error)s).")
FEED_OTHER_XML = N_("The address answers with an XML document (%(tag)s), not an RSS, Atom or sitemap feed.")
FEED_MOVED = N_("The feed moved for good to %(url)s; its address was updated.")
FEED_ITEMS_FAILED = N_("%(failed)d of %(items)d new items could not be imported; the first: %(reason)s")

# A third-party copy: asking a public web archive ("Save Page Now") to keep the page too.
ARCHIVE_WOULD_NOT_SAVE = N_("The web archive would not save this page: %(detail)s")
ARCHIVE_KEYS_REFUSED = N_(
    "The web archive refused the desk's keys (HTTP %(status)s): check THIRD_PARTY_ARCHIVE_ACCESS_KEY and "
    "THIRD_PARTY_ARCHIVE_SECRET_KEY."
)
ARCHIVE_BUSY = N_("The web archive is busy or limiting requests (HTTP %(status)s); the desk will ask again later.")
ARCHIVE_UNREADABLE = N_("The web archive's answer could not be read as its API's JSON.")
ARCHIVE_GAVE_UP = N_("The web archive had not saved the page after %(tries)s checks; the desk stopped asking.")
ARCHIVE_DESK_LIMIT = N_("The desk's own limit of %(count)s requests a minute to the web archive was reached.")
# What the archive's status codes mean (error:... in Save Page Now's answers).
ARCHIVE_DETAIL_BLOCKED = N_("the site does not allow archiving")
ARCHIVE_DETAIL_ROBOTS = N_("the site's robots.txt forbids it")
ARCHIVE_DETAIL_NOT_FOUND = N_("the archive could not find the page (HTTP 404)")
ARCHIVE_DETAIL_TOO_MANY = N_("the page was saved too many times today")
ARCHIVE_DETAIL_UNREACHABLE = N_("the archive could not reach the site")

# Image sources (images.py) and social posts (social.py).
IMAGE_TOO_MANY_PIXELS = N_(
    "The image is %(width)s × %(height)s pixels, more than the %(limit)s pixels an image may have here, so it was "
    "not decoded (a small file that unpacks into a huge picture can exhaust the worker's memory)."
)
IMAGE_BOMB = N_("The image unpacks into far more pixels than its file suggests (a decompression bomb); it was refused.")
IMAGE_NOT_ITS_TYPE = N_("The address says it serves %(type)s, but the file is a %(format)s image or another file.")
IMAGE_UNREADABLE = N_("The image file is damaged or in a format that cannot be read.")
SOCIAL_NOTHING = N_(
    "%(platform)s gave nothing of this post without logging in: no text, no preview, no embed. Open it in a "
    "browser with an account, and keep a screenshot."
)

#: Every template, the most specific first: a stored text is read as the first one it matches.
TEMPLATES = (
    URL_EMPTY,
    URL_TOO_LONG,
    URL_TOO_LONG_ENCODED,
    URL_BLANKS,
    URL_MALFORMED,
    URL_NO_SCHEME,
    URL_SCHEME_REFUSED,
    URL_CREDENTIALS,
    URL_NO_HOST,
    URL_PORT_ZERO,
    HOST_EMPTY_PART,
    HOST_PART_TOO_LONG,
    HOST_TOO_LONG,
    HOST_BAD_CHARACTERS,
    ADDRESS_TEREDO,
    ADDRESS_6TO4,
    ADDRESS_UNSPECIFIED,
    ADDRESS_LOOPBACK,
    ADDRESS_LINK_LOCAL,
    ADDRESS_MULTICAST,
    ADDRESS_BROADCAST,
    ADDRESS_CGNAT,
    ADDRESS_SITE_LOCAL,
    ADDRESS_UNIQUE_LOCAL,
    ADDRESS_PRIVATE,
    ADDRESS_RESERVED,
    ADDRESS_NOT_GLOBAL,
    ADDRESS_AS_IPV6,
    ADDRESS_REFUSED,
    PORT_REFUSED,
    DNS_LOOKUP_FAILED,
    DNS_INVALID_NAME,
    DNS_NO_ADDRESS,
    REDIRECTS_LOOP,
    REDIRECTS_TOO_MANY,
    REDIRECT_REFUSED,
    URL_SHORTENED,
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    STALLED,
    DEADLINE,
    TLS_FAILED,
    UNREACHABLE,
    CONNECTION_BROKE,
    FILE_TOO_LARGE,
    CONTENT_TOO_LARGE,
    RESPONSE_TOO_LARGE,
    COMPRESSION_REFUSED,
    COMPRESSION_CORRUPT,
    HTTP_NOT_FOUND,
    HTTP_GONE,
    HTTP_REFUSED,
    HTTP_SLOW_DOWN,
    HTTP_SERVER_ERROR,
    HTTP_ODD_REDIRECT,
    HTTP_ERROR,
    TYPE_REFUSED,
    TYPE_UNKNOWN,
    TYPE_BINARY,
    PDF_ENCRYPTED,
    PDF_DAMAGED,
    CHALLENGE_CLOUDFLARE,
    CHALLENGE_DATADOME_CAPTCHA,
    CHALLENGE_DATADOME,
    CHALLENGE_PERIMETERX_CAPTCHA,
    CHALLENGE_PERIMETERX,
    CHALLENGE_INCAPSULA,
    CHALLENGE_DDOS_GUARD,
    CHALLENGE_AWS_WAF,
    CHALLENGE_CHECKING_BROWSER,
    CHALLENGE_BOT_CHECK,
    CHALLENGE_VERIFY_HUMAN,
    CHALLENGE_JAVASCRIPT_COOKIES,
    CHALLENGE_COOKIES,
    CHALLENGE_ROBOT,
    CHALLENGE_CAPTCHA,
    CHALLENGE_ACCESS_DENIED,
    EMPTY_SHELL,
    CAPTURE_TOO_LONG,
    BROWSER_TOO_LONG,
    BROWSER_STILL_LOADING,
    BROWSER_TOO_MANY_REQUESTS,
    BROWSER_TOO_MANY_BYTES,
    BROWSER_FAILED,
    BROWSER_TOO_MUCH_MEMORY,
    CAPTURE_NOT_PROCESSED,
    CAPTURE_NOT_STORED,
    CAPTURE_WORKER_LOST,
    IMPORT_NO_TEXT,
    IMPORT_ATTEMPT,
    ENDPOINT_STATUS,
    FEED_EMPTY,
    FEED_HTML,
    FEED_JSON,
    FEED_NOT_XML,
    FEED_OTHER_XML,
    FEED_MOVED,
    FEED_ITEMS_FAILED,
    ARCHIVE_WOULD_NOT_SAVE,
    ARCHIVE_KEYS_REFUSED,
    ARCHIVE_BUSY,
    ARCHIVE_UNREADABLE,
    ARCHIVE_GAVE_UP,
    ARCHIVE_DESK_LIMIT,
    ARCHIVE_DETAIL_BLOCKED,
    ARCHIVE_DETAIL_ROBOTS,
    ARCHIVE_DETAIL_NOT_FOUND,
    ARCHIVE_DETAIL_TOO_MANY,
    ARCHIVE_DETAIL_UNREACHABLE,
    IMAGE_TOO_MANY_PIXELS,
    IMAGE_BOMB,
    IMAGE_NOT_ITS_TYPE,
    IMAGE_UNREADABLE,
    SOCIAL_NOTHING,
)
