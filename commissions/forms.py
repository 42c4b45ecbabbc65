"""The sales upload form and the CSV/XLSX reader (columns as in the API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.tabular import TableError, read_table

COLUMNS = ["external_id", "sku", "quantity", "amount", "currency", "sold_at", "ship_to_region"]
REQUIRED = {"external_id", "sku", "quantity", "amount", "sold_at", "ship_to_region"}
MAX_ROWS = 10_000


class SalesUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy(
            "Columns: external_id, sku, quantity, amount, currency (optional), sold_at, "
            "ship_to_region. Times without an offset are in the manufacturer's time zone."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="invalid_type")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_large")
        return upload


class StatementDecisionForm(forms.Form):
    """Finance's approval or payment of a statement: the total the page showed."""

    expected_total = forms.DecimalField(max_digits=16, decimal_places=2, widget=forms.HiddenInput)
    reference = forms.CharField(
        label=gettext_lazy("Payment reference"), max_length=100, required=False
    )


class WhatIfAmountForm(forms.Form):
    """``?amount=``: an amount of net sales to try in the what-if panel."""

    amount = forms.DecimalField(
        label=gettext_lazy("Amount to try"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": "0.01"}),
    )

    @classmethod
    def from_query(cls, query) -> tuple[WhatIfAmountForm, Decimal | None]:
        """The form for a page's query string, and the amount when one is given and valid
        (a bad one leaves the form's error for the page to show, never a 500)."""
        form = cls(query if query.get("amount", "") != "" else None)
        amount = form.cleaned_data["amount"] if form.is_bound and form.is_valid() else None
        return form, amount


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value).strip()


def read_upload(upload) -> tuple[list[dict], list[dict]]:
    """Rows as dicts of strings, and problems of the file itself (as batch errors)."""
    try:
        table = read_table(name=upload.name, data=upload.read(), max_rows=MAX_ROWS)
    except TableError as exc:  # a translated message: what is wrong with the file
        return [], [_file_error(str(exc))]
    raw_rows = [[_cell(v) for v in row] for row in table]
    raw_rows = [row for row in raw_rows if any(cell not in ("", None) for cell in row)]
    if not raw_rows:
        return [], [_file_error(_("The file is empty."))]
    header = [str(h or "").strip().lower() for h in raw_rows[0]]
    missing = REQUIRED - set(header)
    if missing:
        return [], [
            _file_error(
                _("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
            )
        ]
    if len(raw_rows) - 1 > MAX_ROWS:
        return [], [_file_error(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})]
    rows = []
    for raw in raw_rows[1:]:
        row = {}
        for i, column in enumerate(header):
            if column in COLUMNS and i < len(raw):
                row[column] = _cell(raw[i])
        rows.append(row)
    return rows, []


def _file_error(message) -> dict:
    return {"index": None, "field": "file", "code": "invalid_file", "message": str(message)}
