"""Spreadsheet files of claims, both ways: the column ids, writing CSV and XLSX, reading them back.

Pure: rows in, bytes out, and bytes in, rows out; no ORM, no request. The services build the rows
(``claims.services.spreadsheets``) and decide what they mean. docs/spreadsheets.md lists the columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

#: The header row: machine-stable ids, in English whatever the interface language, so that a file exported in
#: Arabic imports anywhere. Their order is the column order. Never rename one: files in the wild name them.
COLUMNS = (
    "claim_id",
    "article_key",
    "article_title",
    "article_url",
    "article_publisher",
    "article_language",
    "article_direction",
    "article_published_at",
    "article_text",
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
    "statement",
    "statement_language",
    "statement_en",
    "kind",
    "claimant",
    "claimed_on",
    "details",
    "status",
    "verdict",
    "rationale",
    "public_note",
    "evidence",
    "sources",
    "history",
    "created_by",
    "created_at",
    "published_at",
)
#: Columns the export writes for people to read and the import ignores (the importing desk makes its own).
REPORT_ONLY = frozenset({"claim_id", "sources", "history", "created_by", "created_at", "published_at", "public_note"})
#: The columns an import needs in the header row.
REQUIRED = ("article_key", "exact", "statement")

#: Cells a spreadsheet would run as a formula (OWASP, "CSV Injection"): such a cell is written with a leading
#: apostrophe, which Excel and LibreOffice show as text, and the import takes the apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit for one cell; a longer text cannot go into an XLSX file intact.
XLSX_CELL_MAX_CHARS = 32_767
ENCODINGS = ("utf-8", "windows-1256")


class SpreadsheetError(Exception):
    """The file as a whole cannot be read: wrong format, wrong encoding, no header, too big. Plain words."""


def neutralize(value: str) -> str:
    # A text that already looks neutralized gets one more apostrophe, so that ``restore`` gives it back intact.
    return "'" + value if value.startswith(FORMULA_STARTS) or restore(value) != value else value


def restore(value: str) -> str:
    """The inverse of ``neutralize``: one leading apostrophe off a cell whose text after its apostrophes would
    be a formula."""
    return value[1:] if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS) else value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return neutralize(str(value))


def write_csv(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The CSV file, piece by piece: a UTF-8 byte order mark (Excel then reads Arabic as Arabic, not as
    mojibake), the header row, one line per row. Every text cell is neutralized against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def has_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" for char in text)


def too_long_for_xlsx(row: Mapping[str, Any]) -> str | None:
    """The first column whose cell is over Excel's limit, if any."""
    for column in COLUMNS:
        if len(_cell(row.get(column))) > XLSX_CELL_MAX_CHARS:
            return column
    return None


def write_xlsx(rows: Iterable[Mapping[str, Any]], *, sheet_title: str = "claims") -> bytes:
    """An XLSX workbook with one sheet: the header row, then the rows; a cell with Arabic text reads right to
    left. The caller has checked ``too_long_for_xlsx``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    rtl = Alignment(readingOrder=2, horizontal="right", wrap_text=True, vertical="top")
    ltr = Alignment(readingOrder=1, wrap_text=True, vertical="top")
    from openpyxl.cell import WriteOnlyCell

    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for column in COLUMNS:
            text = _cell(row.get(column))
            cell = WriteOnlyCell(sheet, value=text)
            if text:
                cell.alignment = rtl if has_arabic(text) else ltr
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Table:
    """A file read back: its header (column ids as written) and its rows, each numbered as a spreadsheet
    numbers it (the header is row 1), with every cell a string."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    encoding: str


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in: the one named, else UTF-8 (with or without a byte
    order mark), else what charset-normalizer finds (windows-1256 for most Arabic files from Excel)."""
    if encoding:
        if encoding not in ENCODINGS:
            raise SpreadsheetError(_("Unknown encoding; use one of: %(names)s.") % {"names": ", ".join(ENCODINGS)})
        try:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(
                _("The file is not valid %(encoding)s (byte %(byte)s); choose another encoding.")
                % {"encoding": encoding, "byte": exc.start + 1}
            ) from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1256", "cp1252", "utf_16"]).best()
    if best is None:
        raise SpreadsheetError(_("The file's encoding could not be recognized; choose it (UTF-8 or windows-1256)."))
    name = {"cp1256": "windows-1256", "cp1252": "windows-1252", "utf_16": "utf-16"}.get(best.encoding, best.encoding)
    return str(best), name


def read(data: bytes, *, filename: str, encoding: str = "", max_rows: int) -> Table:
    """Read a CSV or XLSX file (by its name, then its first bytes) into a Table of at most ``max_rows`` rows."""
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    lines = _read_xlsx(data) if is_xlsx else _read_csv(data, encoding)
    encoding_used = next(lines)  # each reader first says what it read the file as
    try:
        header = tuple((name or "").strip().lower() for name in next(lines))
    except StopIteration:
        raise SpreadsheetError(_("The file is empty: it needs a header row of column names.")) from None
    if missing := [name for name in REQUIRED if name not in header]:
        raise SpreadsheetError(
            _("The header row lacks the column(s) %(columns)s; the first row must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(lines, start=2):
        if not any((value or "").strip() for value in values):
            continue
        if len(rows) == max_rows:
            raise SpreadsheetError(
                _("The file has more than %(rows)s rows; split it into smaller files.") % {"rows": max_rows}
            )
        cells = {name: restore(str(value or "")) for name, value in zip(header, values, strict=False) if name}
        rows.append((number, cells))
    return Table(header=header, rows=tuple(rows), encoding=encoding_used)


def _read_csv(data: bytes, encoding: str) -> Iterator[Any]:
    text, used = decode(data, encoding)
    yield used
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file is malformed: %(error)s.") % {"error": exc}) from None


def _read_xlsx(data: bytes) -> Iterator[Any]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, XML and key errors alike for a file that is not a workbook
        raise SpreadsheetError(
            _("The file is not a readable XLSX workbook; save it again as .xlsx or as CSV.")
        ) from None
    sheet = workbook.worksheets[0]
    # A read-only sheet trusts the size the file declares; files written in streaming mode declare none.
    sheet.reset_dimensions()
    yield "xlsx"
    for values in sheet.iter_rows(values_only=True):
        yield [_xlsx_text(value) for value in values]


def _xlsx_text(value: object) -> str:
    """A cell as the text it shows: a whole number typed into Excel comes back as 12.0, a date as a datetime."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
