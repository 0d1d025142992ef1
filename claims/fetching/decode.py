"""Turning the bytes of a page into text: declared charset, then the page's own declaration, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# The web platform treats these labels as windows-1252 (and ASCII pages as its subset), see the WHATWG
# Encoding standard; decoding such pages as strict Latin-1 would garble curly quotes and dashes.
WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-6-i": "iso8859_6",
    "iso-8859-6-e": "iso8859_6",
    "arabic": "iso8859_6",
    "asmo-708": "iso8859_6",
    "ecma-114": "iso8859_6",
    "x-cp1256": "cp1256",
    "x-user-defined": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
PRESCAN_BYTES = 8192


def decode_html(body: bytes, content_type_header: str | None) -> tuple[str, str]:
    """Return (text, Python codec name used).

    A byte-order mark wins (as browsers do, it cannot be wrong), then the charset of the Content-Type header,
    then `<meta charset>` or `<meta http-equiv="Content-Type">` in the first 8 KB, then UTF-8 if the bytes are
    valid UTF-8, then charset-normalizer's detection (which tells windows-1256 from ISO-8859-6 Arabic).
    """
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace"), encoding
    declared = _codec(_header_charset(content_type_header)) or _codec(_meta_charset(body))
    if declared:
        return body.decode(declared, errors="replace"), declared
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(body).best()
    encoding = (_codec(guess.encoding) if guess else None) or "cp1252"
    return body.decode(encoding, errors="replace"), encoding


def _header_charset(content_type_header: str | None) -> str | None:
    match = HEADER_CHARSET.search(content_type_header or "")
    return match.group(1) if match else None


def _meta_charset(body: bytes) -> str | None:
    match = META_CHARSET.search(body[:PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _codec(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    label = label.strip().lower()
    label = WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None
