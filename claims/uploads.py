"""Which uploaded documents the desk keeps: an allowlist of types, each checked by the file's first bytes (magic
numbers, read by ``filetype``) as well as its name, and a size limit. Pure: no request, no ORM.

The name alone proves nothing (an ``.pdf`` may hold HTML), and the bytes alone cannot tell plain text from HTML,
so both must agree. What is kept is stored under the allowlisted extension and served with the allowlisted
content type, never with what the browser sent.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.utils.translation import gettext as _

#: Bytes read to recognise a type: filetype looks no further.
HEAD_BYTES = 8192
#: Microsoft's compound file (Word, Excel and PowerPoint 97-2003): filetype knows only some of its layouts.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class DocumentType:
    extension: str  # with its dot, lower case, as stored
    content_type: str
    #: The entry an OOXML package holds (word/, xl/, ppt/); filetype looks only at the first few entries.
    package_dir: str = ""
    #: Legacy Office: any OLE compound file is accepted under this name.
    ole: bool = False
    #: No magic number: accepted when the bytes hold no NUL and match no binary type.
    text: bool = False


ALLOWED = {
    t.extension: t
    for t in (
        DocumentType(".pdf", "application/pdf"),
        DocumentType(".jpg", "image/jpeg"),
        DocumentType(".jpeg", "image/jpeg"),
        DocumentType(".png", "image/png"),
        DocumentType(".gif", "image/gif"),
        DocumentType(".webp", "image/webp"),
        DocumentType(".tif", "image/tiff"),
        DocumentType(".tiff", "image/tiff"),
        DocumentType(".heic", "image/heic"),
        DocumentType(".txt", "text/plain", text=True),
        DocumentType(".csv", "text/csv", text=True),
        DocumentType(".rtf", "application/rtf"),
        DocumentType(".doc", "application/msword", ole=True),
        DocumentType(".xls", "application/vnd.ms-excel", ole=True),
        DocumentType(".ppt", "application/vnd.ms-powerpoint", ole=True),
        DocumentType(
            ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", package_dir="word/"
        ),
        DocumentType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", package_dir="xl/"),
        DocumentType(
            ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", package_dir="ppt/"
        ),
        DocumentType(".odt", "application/vnd.oasis.opendocument.text"),
        DocumentType(".ods", "application/vnd.oasis.opendocument.spreadsheet"),
        DocumentType(".odp", "application/vnd.oasis.opendocument.presentation"),
    )
}


class UploadRefused(ValueError):
    """The file is not kept; the message says why in the user's words."""


def accepted_types() -> str:
    return _(
        "a PDF, an image (JPEG, PNG, GIF, WebP, TIFF, HEIC), plain text (.txt, .csv) or an office document "
        "(Word, Excel, PowerPoint, OpenDocument, RTF)"
    )


def extension_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def check_document(*, name: str, size: int, stream: IO[bytes], max_bytes: int) -> DocumentType:
    """The allowlisted type of an uploaded document, or UploadRefused. ``stream`` is read from its start and
    left at its start."""
    if size > max_bytes:
        raise UploadRefused(
            _("The file is %(size)s; the limit is %(limit)s. Upload a smaller file.")
            % {"size": human_size(size), "limit": human_size(max_bytes)}
        )
    extension = extension_of(name)
    expected = ALLOWED.get(extension)
    if expected is None:
        raise UploadRefused(
            _("Files of this type (%(extension)s) are not kept. Upload %(types)s.")
            % {"extension": extension or _("no extension"), "types": accepted_types()}
        )
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    matches = _matches(expected, head, stream)
    stream.seek(0)
    if not matches:
        raise UploadRefused(
            _("This file's contents are not what its name (%(extension)s) says. Upload %(types)s.")
            % {"extension": extension, "types": accepted_types()}
        )
    return expected


def _matches(expected: DocumentType, head: bytes, stream: IO[bytes]) -> bool:
    guessed = filetype.guess_mime(head) if head else None
    if expected.text:
        return guessed is None and b"\x00" not in head
    if expected.ole:
        return head.startswith(OLE_SIGNATURE)
    if guessed == expected.content_type:
        return True
    if expected.package_dir and head.startswith(b"PK\x03\x04"):
        return _package_holds(stream, expected.package_dir)
    return False


def _package_holds(stream: IO[bytes], directory: str) -> bool:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream if stream.seekable() else io.BytesIO(stream.read())) as package:
            names = package.namelist()
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and any(n.startswith(directory) for n in names)


def human_size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.1f} KB"
