"""Reading uploaded tables (CSV or XLSX) for the portal's upload pages (stock, sales).

Returns raw rows; each upload decides what its columns mean. CSV is read as UTF-8 (with or
without BOM) or GB18030 — what Chinese spreadsheet programs write; XLSX as its first sheet.
Problems of the file itself raise :class:`TableError` with a translated message."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _


class TableError(ValueError):
    """The file is not a readable table; the message is for the user."""


def _rows_from_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("The file is not UTF-8 or GB18030 text."))
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # the csv module's messages are English-only
        raise TableError(_("The file is not valid CSV.")) from exc


def _rows_from_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise TableError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(*, name: str, data: bytes) -> list[list]:
    """The rows of an uploaded ``.xlsx`` (by name) or CSV file."""
    reader = _rows_from_xlsx if name.lower().endswith(".xlsx") else _rows_from_csv
    return reader(data)
