"""Reading stock uploads (DOMAIN.md §5.4): CSV or XLSX with the columns
``warehouse,sku,quantity[,as_of]``, into the items of :func:`stock_levels_apply_sets`.

Parsing is separate from validation: it only turns rows into items (remembering each
item's row number) and reports rows it cannot read; the service validates the items
exactly as it validates an API batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from inventory.services import MAX_BATCH_ITEMS
from portal.clock import manufacturer_zone
from portal.tabular import TableError, read_table

COLUMNS = ["warehouse", "sku", "quantity", "as_of"]
REQUIRED = ["warehouse", "sku", "quantity"]
MAX_FILE_SIZE = 5 * 1024 * 1024


@dataclass
class ParsedUpload:
    items: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the file row of each item
    errors: list[dict] = field(default_factory=list)  # {"row", "field", "code", "message"}


def _local_tz():
    return manufacturer_zone()


def _as_of_text(value, default: datetime) -> str | object:
    """ISO text for the service; naive times are the manufacturer's local time."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default.isoformat()
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    else:
        text = str(value).strip()
        try:
            parsed = parse_datetime(text.replace(" ", "T", 1))
        except ValueError:
            parsed = None
        if parsed is None:
            try:
                day = parse_date(text)
            except ValueError:
                day = None
            if day is None:
                return text  # the service reports it as malformed
            parsed = datetime.combine(day, time())
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=_local_tz())
    return parsed.isoformat()


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def parse_stock_file(*, name: str, data: bytes, now: datetime | None = None) -> ParsedUpload:
    """Rows of a CSV/XLSX file as sync items. ``as_of`` defaults to ``now`` (fixed here, so
    that confirming applies exactly what the preview showed)."""
    now = now or timezone.now()
    result = ParsedUpload()
    if len(data) > MAX_FILE_SIZE:
        result.errors.append(_file_error(_("The file is larger than 5 MB.")))
        return result
    try:
        rows = read_table(name=name, data=data, max_rows=MAX_BATCH_ITEMS)
    except TableError as exc:  # translated messages
        result.errors.append(_file_error(str(exc)))
        return result
    if not rows:
        result.errors.append(_file_error(_("The file is empty.")))
        return result
    header = [str(h).strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append(
            _file_error(
                _("The first row must name the columns %(columns)s; missing: %(missing)s.")
                % {"columns": ",".join(COLUMNS), "missing": ", ".join(missing)}
            )
        )
        return result
    position = {c: header.index(c) for c in COLUMNS if c in header}
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in row):
            continue  # blank lines
        values = {c: (_cell(row[i]) if i < len(row) else "") for c, i in position.items()}
        result.items.append(
            {
                "warehouse": values["warehouse"],
                "sku": values["sku"],
                "quantity": values["quantity"],
                "as_of": _as_of_text(values.get("as_of"), now),
            }
        )
        result.rows.append(number)
    if not result.items:
        result.errors.append(_file_error(_("The file has no data rows.")))
    elif len(result.items) > MAX_BATCH_ITEMS:
        result.errors.append(_file_error(_("A file has at most 10,000 rows.")))
    return result


def _file_error(message: str) -> dict:
    return {"row": None, "field": None, "code": "invalid_file", "message": message}
