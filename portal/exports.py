"""Spreadsheet exports (CSV, XLSX) that a spreadsheet program cannot turn into formulae.

A cell that starts with ``= + - @``, a tab or a carriage return is read as a formula by
Excel and LibreOffice (CSV injection, OWASP); every exported cell goes through
:func:`csv_safe`, which puts a ``'`` in front of such text. Our own CSV downloads write
through :func:`safe_csv_writer`; the admin's django-import-export exports use the formats
below (``EXPORT_FORMATS`` in settings), whose escaping covers all these characters (the
library's own removes a leading ``=`` only)."""

from __future__ import annotations

import csv

from import_export.formats import base_formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell's text, with a leading ``'`` when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([csv_safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def safe_csv_writer(stream) -> _SafeWriter:
    """``csv.writer(stream)`` whose every cell goes through :func:`csv_safe`."""
    return _SafeWriter(csv.writer(stream))


class _EscapeFormulae:
    def _escape_formulae(self, dataset):
        for _row in range(len(dataset)):
            dataset.append([csv_safe(cell) for cell in dataset.lpop()])


class CSV(_EscapeFormulae, base_formats.CSV):
    pass


class XLSX(_EscapeFormulae, base_formats.XLSX):
    pass


class TSV(_EscapeFormulae, base_formats.TSV):
    pass


#: the formats the admin offers for export (settings.EXPORT_FORMATS)
EXPORT_FORMATS = [CSV, XLSX, TSV]
