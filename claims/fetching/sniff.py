"""What a response really is: the media type the server declares, checked against the types we capture and
against the body's first bytes, so that an image or an archive labelled as a page is never read as text."""

from __future__ import annotations

from claims.fetching import reasons as R
from claims.fetching.errors import ContentTypeRefused
from claims.fetching.reasons import reason

#: Declared types whose body is decoded as text; a body that is not text must not be captured under them.
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/json")
#: The WHATWG MIME Sniffing standard looks this far into a body ("resource header").
HEAD_BYTES = 1445
#: Its "binary data bytes": control characters that no text in any encoding the web uses contains, UTF-16 aside.
BINARY_BYTES = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
#: Share of binary data bytes past which the head is binary even without a NUL: compressed data has about 12%,
#: while a real page may carry a few stray control characters pasted from a word processor.
BINARY_SHARE = 0.02
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: In a policy's allowed types: any type is fetched as it is (a browser capture's images, scripts and styles),
#: never read as text.
ANY_TYPE = "*/*"
#: The image signatures of the WHATWG standard ("image type pattern matching"), for the types captured as images.
IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def declared_type(header: str | None, allowed: tuple[str, ...]) -> str:
    """The media type of a Content-Type header ("" when none); ContentTypeRefused when it is not captured."""
    media_type = (header or "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in allowed and ANY_TYPE not in allowed:
        raise ContentTypeRefused(reason(R.TYPE_REFUSED, type=media_type, allowed=", ".join(allowed)))
    return media_type


def content_type(declared: str, body: bytes, allowed: tuple[str, ...]) -> str:
    """The type to read `body` as: the declared one, unless the bytes say otherwise.

    A PDF labelled as a page or as text is read as the PDF it is; any other body that is not text (an image,
    an archive, an executable) is refused under a text type, since decoding it would store garbage as the
    capture's text. Without a declared type, only a PDF or something starting like markup is accepted.
    """
    if ANY_TYPE in allowed:
        return declared or "application/octet-stream"
    head = body[:HEAD_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    is_pdf = head[:5].lower() == b"%pdf-"
    if not declared:
        guess = "application/pdf" if is_pdf else "text/html" if head.startswith(b"<") else image_type(body)
        if guess not in allowed:
            raise ContentTypeRefused(reason(R.TYPE_UNKNOWN))
        return guess
    if declared in TEXT_TYPES and is_pdf and "application/pdf" in allowed:
        return "application/pdf"
    if declared in TEXT_TYPES and looks_binary(body):
        raise ContentTypeRefused(reason(R.TYPE_BINARY, type=declared))
    return declared


def looks_binary(body: bytes) -> bool:
    """True when the first bytes are not text: a NUL, or more than a few binary data bytes (WHATWG), unless a
    UTF-16 byte-order mark explains them."""
    head = body[:HEAD_BYTES]
    if not head or head.startswith(UTF16_BOMS):
        return False
    if b"\x00" in head:
        return True
    return sum(byte in BINARY_BYTES for byte in head) > BINARY_SHARE * len(head)


def image_type(body: bytes) -> str:
    """The image type the first bytes say ("" for none): a served image is kept as an image only when its bytes
    agree (an image labelled as a page stays refused: it has no text, and the label is wrong)."""
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for signature, kind in IMAGE_SIGNATURES if body.startswith(signature)), "")
