"""Reading uploaded tables (CSV or XLSX) for the portal's upload pages (stock, sales).

Returns raw rows; each upload decides what its columns mean. CSV is read as UTF-8 (with or
without BOM) or GB18030 — what Chinese spreadsheet programs write; XLSX as its first sheet.
Problems of the file itself raise :class:`TableError` with a translated message.

Reading is bounded whatever the file holds: rows are streamed (openpyxl's ``read_only``
mode) and reading stops as soon as the file has more than ``max_rows`` data rows; an XLSX
whose parts would unpack to more than :data:`MAX_XLSX_UNCOMPRESSED` bytes is refused before
it is opened (a few hundred KB can hold millions of rows); a NUL character in a cell is
refused (PostgreSQL cannot store it)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024


class TableError(ValueError):
    """The file is not a readable table; the message is for the user."""


def _rows_from_csv(data: bytes) -> Iterator[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("The file is not UTF-8 or GB18030 text."))
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:  # the csv module's messages are English-only
        raise TableError(_("The file is not valid CSV.")) from exc


def _rows_from_xlsx(data: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    unreadable = _("The file is not a readable XLSX workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise TableError(unreadable) from exc
    if unpacked > MAX_XLSX_UNCOMPRESSED:
        raise TableError(_("The workbook is too large when unpacked."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise TableError(unreadable) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if v is None else v for v in row]
    except TableError:
        raise
    except Exception as exc:  # a broken sheet part shows only while streaming
        raise TableError(unreadable) from exc
    finally:
        workbook.close()


def read_table(*, name: str, data: bytes, max_rows: int) -> list[list]:
    """The rows of an uploaded ``.xlsx`` (by name) or CSV file, blank ones included (row
    numbers stay the file's): a header and at most ``max_rows`` non-blank data rows (more is
    a :class:`TableError`, raised without reading on)."""
    reader = _rows_from_xlsx if name.lower().endswith(".xlsx") else _rows_from_csv
    rows: list[list] = []
    filled = 0
    for number, row in enumerate(reader(data), start=1):
        if any(isinstance(value, str) and "\x00" in value for value in row):
            raise TableError(_("Row %(row)d contains a NUL character.") % {"row": number})
        if any(str(value).strip() for value in row):
            filled += 1
            if filled > max_rows + 1:  # the header and max_rows data rows
                raise TableError(_("A file has at most %(n)s data rows.") % {"n": f"{max_rows:,}"})
        rows.append(row)
    return rows
