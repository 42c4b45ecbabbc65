"""Sale-line ingestion (DOMAIN.md §6.1): a batch of reported lines, validated as a whole
and written atomically."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions import rollup
from commissions.models import CommissionStatement, SaleLine
from dealers.models import Dealer, Product, Region
from deals.selectors import registrations_by_number
from portal import events
from portal.access import actor_from
from portal.clock import manufacturer_date
from portal.inputs import InputError, parse_datetime_input, parse_decimal_input
from portal.periods import Month

logger = logging.getLogger(__name__)

MAX_BATCH = 10_000
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


class BatchRejected(Exception):
    """A batch with at least one invalid line: nothing was written."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class IngestOutcome:
    created_ids: list[int] = field(default_factory=list)
    duplicates: int = 0
    items: list[dict] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for item in self.items if item["outcome"] in ("created", "new"))


COMPARED = (
    "product_id",
    "quantity",
    "amount",
    "currency",
    "sold_at",
    "ship_to_region_id",
    "deal_id",
)


# The columns' bounds: quantity numeric(14, 3), amount numeric(16, 2).
MAX_DIGITS = {3: 14, 2: 16}


def _decimal(value, places: int, errors: list, index: int, name: str) -> Decimal | None:
    if value is None or value == "":
        errors.append(_err(index, name, "required", _("This field is required.")))
        return None
    try:
        return parse_decimal_input(value, max_digits=MAX_DIGITS[places], decimal_places=places)
    except InputError as exc:
        code = {"invalid_number": "invalid"}.get(exc.code, exc.code)
        message = {
            "invalid": _("A number is required."),
            "max_decimal_places": _("At most %(places)d decimal places.") % {"places": places},
        }.get(code, exc.message)
        errors.append(_err(index, name, code, message))
        return None


def _err(index: int, name: str, code: str, message: str) -> dict:
    return {"index": index, "field": name, "code": code, "message": str(message)}


def _deal_not_protected(index: int, number: str) -> dict:
    return _err(
        index,
        "deal",
        "deal_not_protected",
        _("No deal registration %(deal)s of this dealer protected the sale on its date.")
        % {"deal": number[:40]},
    )


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _moment(value, default_tz, errors, index) -> dt.datetime | None:
    if value in (None, ""):
        errors.append(_err(index, "sold_at", "required", _("This field is required.")))
        return None
    try:
        return parse_datetime_input(value, default_zone=default_tz)
    except InputError as exc:
        code = {"invalid_datetime": "invalid"}.get(exc.code, exc.code)
        errors.append(_err(index, "sold_at", code, exc.message))
        return None


def sale_lines_ingest(
    *,
    actor,
    lines: list[dict],
    source: str = "",
    validate_only: bool = False,
    naive_time_zone: str | None = None,
    now: dt.datetime | None = None,
) -> IngestOutcome:
    """Record a batch of reported sale lines (DOMAIN.md §6.1), atomically.

    ``lines``: dicts of ``external_id, sku, quantity, amount, currency, sold_at,
    ship_to_region`` and optionally ``deal`` (a deal registration number of the line's
    dealer that protected the sale on its date, else ``deal_not_protected``, DOMAIN.md
    §12) (and ``dealer``, a code, for manufacturer callers; dealer callers write their own
    dealer only). A line already reported with identical values is a duplicate
    (a no-op, counted); with different values it is ``external_id_conflict``. Any error
    raises :class:`BatchRejected` listing every error by index, field and code, and nothing
    is written. A constant number of queries per batch, whatever its size.

    Returns the outcome per line and ``created_ids`` (the new lines, also recorded as
    ``sales.recorded`` events for the layers above).
    ``validate_only`` checks and reports without writing (the upload preview).

    A concurrent batch inserting the same (dealer, external_id) first makes the insert fail
    on the unique constraint; the batch is then evaluated once more (those lines are now
    duplicates or conflicts).
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _sale_lines_ingest(
                    actor=actor,
                    lines=lines,
                    source=source,
                    validate_only=validate_only,
                    naive_time_zone=naive_time_zone,
                    now=now,
                )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _sale_lines_ingest(*, actor, lines, source, validate_only, naive_time_zone, now):

    who = actor_from(actor)
    now = now or timezone.now()
    if len(lines) > MAX_BATCH:
        raise BatchRejected(
            [
                {
                    "index": None,
                    "field": None,
                    "code": "too_many_lines",
                    "message": _("At most %(n)d lines per batch.") % {"n": MAX_BATCH},
                }
            ]
        )
    errors: list[dict] = []
    dealer_codes = {_text(raw, "dealer") for raw in lines if isinstance(raw, dict)} - {""}
    skus = {_text(raw, "sku") for raw in lines if isinstance(raw, dict)} - {""}
    regions = {_text(raw, "ship_to_region") for raw in lines if isinstance(raw, dict)} - {""}

    if who.manufacturer:
        dealers = {d.code: d for d in Dealer.objects.filter(code__in=dealer_codes)}
    elif who.is_dealer:
        own = who.dealer
        dealers = {own.code: own}
    else:
        raise PermissionDenied(_("You may not report sales."))
    deal_numbers = {_text(raw, "deal") for raw in lines if isinstance(raw, dict)} - {""}
    deals = registrations_by_number(
        dealer_ids=[d.pk for d in dealers.values()], numbers=deal_numbers
    )
    products = dict(Product.objects.filter(sku__in=skus).values_list("sku", "pk"))
    region_ids = dict(Region.objects.filter(code__in=regions).values_list("code", "pk"))

    parsed: list[SaleLine | None] = []
    unprotected: dict[int, str] = {}  # index → the number of a deal not protecting the sale
    seen: dict[tuple[int, str], int] = {}
    for index, raw in enumerate(lines):
        if not isinstance(raw, dict):
            errors.append(_err(index, "non_field_errors", "invalid", _("Each line is an object.")))
            parsed.append(None)
            continue
        count = len(errors)
        if who.manufacturer:
            code = _text(raw, "dealer")
            dealer = dealers.get(code)
            if not code:
                errors.append(_err(index, "dealer", "required", _("This field is required.")))
            elif dealer is None:
                errors.append(_err(index, "dealer", "unknown_dealer", _("Unknown dealer.")))
        else:
            dealer = own
            code = _text(raw, "dealer")
            if code and code != own.code:
                errors.append(_err(index, "dealer", "unknown_dealer", _("Unknown dealer.")))
        external_id = _text(raw, "external_id")
        if not external_id:
            errors.append(_err(index, "external_id", "required", _("This field is required.")))
        elif len(external_id) > 100:
            errors.append(_err(index, "external_id", "max_length", _("At most 100 characters.")))
        sku = _text(raw, "sku")
        if not sku:
            errors.append(_err(index, "sku", "required", _("This field is required.")))
        elif sku not in products:
            errors.append(_err(index, "sku", "unknown_sku", _("Unknown SKU.")))
        region = _text(raw, "ship_to_region")
        if not region:
            errors.append(_err(index, "ship_to_region", "required", _("This field is required.")))
        elif region not in region_ids:
            errors.append(_err(index, "ship_to_region", "unknown_region", _("Unknown region.")))
        quantity = _decimal(raw.get("quantity"), 3, errors, index, "quantity")
        amount = _decimal(raw.get("amount"), 2, errors, index, "amount")
        if quantity is not None and amount is not None and quantity * amount < 0:
            errors.append(
                _err(
                    index,
                    "amount",
                    "sign_mismatch",
                    _("A return has a negative quantity and a negative amount."),
                )
            )
        sold_at = _moment(raw.get("sold_at"), naive_time_zone, errors, index)
        if sold_at is not None and sold_at > now + FUTURE_TOLERANCE:
            errors.append(
                _err(index, "sold_at", "sold_in_future", _("This sale lies in the future."))
            )
        deal_number = _text(raw, "deal")
        deal = None
        if deal_number and dealer is not None and sold_at is not None:
            deal = deals.get((dealer.pk, deal_number))
            if deal is None:
                errors.append(_deal_not_protected(index, deal_number))
            elif not deal.protected_on(manufacturer_date(sold_at)):
                # refused unless it is the same line again (a duplicate stays a no-op after
                # the deal expired): decided below, with the lines already reported
                unprotected[index] = deal_number
        currency = _text(raw, "currency").upper() or (dealer.currency if dealer else "")
        if dealer is not None and currency != dealer.currency:
            errors.append(
                _err(
                    index,
                    "currency",
                    "currency_mismatch",
                    _("Report amounts in the dealer's currency, %(currency)s.")
                    % {"currency": dealer.currency},
                )
            )
        if dealer is not None and external_id:
            key = (dealer.pk, external_id)
            if key in seen:
                errors.append(
                    _err(
                        index,
                        "external_id",
                        "duplicate_in_batch",
                        _("The same external id appears twice in this batch (line %(n)d).")
                        % {"n": seen[key]},
                    )
                )
            else:
                seen[key] = index
        if len(errors) > count:
            if index in unprotected:
                errors.append(_deal_not_protected(index, unprotected.pop(index)))
            parsed.append(None)
            continue
        parsed.append(
            SaleLine(
                dealer=dealer,
                external_id=external_id,
                product_id=products[sku],
                quantity=quantity,
                amount=amount,
                currency=currency,
                sold_at=sold_at,
                ship_to_region_id=region_ids[region],
                deal=deal,
                source=source[:200],
            )
        )

    # Lines already reported: identical values are duplicates, different ones conflicts.
    keys = [(line.dealer.pk, line.external_id) for line in parsed if line is not None]
    existing = {}
    if keys:
        rows = SaleLine.objects.filter(
            dealer_id__in={k[0] for k in keys}, external_id__in={k[1] for k in keys}
        ).values("pk", "dealer_id", "external_id", *COMPARED)
        existing = {(row["dealer_id"], row["external_id"]): row for row in rows}
    outcome = IngestOutcome()
    new_lines = []
    for index, line in enumerate(parsed):
        if line is None:
            continue
        row = existing.get((line.dealer.pk, line.external_id))
        same = row is not None and all(getattr(line, name) == row[name] for name in COMPARED)
        if index in unprotected and not same:
            errors.append(_deal_not_protected(index, unprotected[index]))
        if row is None:
            new_lines.append((index, line))
            continue
        if same:
            outcome.duplicates += 1
            outcome.items.append(
                {
                    "index": index,
                    "external_id": line.external_id,
                    "outcome": "duplicate",
                    "id": row["pk"],
                }
            )
        else:
            errors.append(
                _err(
                    index,
                    "external_id",
                    "external_id_conflict",
                    _("A line with this external id was already reported with other values."),
                )
            )
    if errors:
        errors.sort(key=lambda e: (e["index"] is None, e["index"] or 0))
        raise BatchRejected(errors)
    if validate_only:
        for index, line in new_lines:
            outcome.items.append(
                {"index": index, "external_id": line.external_id, "outcome": "new", "id": None}
            )
        outcome.items.sort(key=lambda item: item["index"])
        return outcome

    # A line for a month whose statement is being approved waits for the approval to
    # commit, so that it is either in the approved figures or reported late (see
    # statement_approve): lock the statements of the months the batch touches.
    months = {Month.of(line.sold_at).first_day for _i, line in new_lines}
    if new_lines:
        list(
            CommissionStatement.objects.select_for_update()
            .filter(dealer_id__in={line.dealer.pk for _i, line in new_lines}, period__in=months)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        created = SaleLine.objects.bulk_create([line for _i, line in new_lines])
        for (index, _line), line in zip(new_lines, created, strict=True):
            outcome.created_ids.append(line.pk)
            outcome.items.append(
                {
                    "index": index,
                    "external_id": line.external_id,
                    "outcome": "created",
                    "id": line.pk,
                }
            )
        rollup.add_lines(created)
        _record_sales(created)
    outcome.items.sort(key=lambda item: item["index"])
    return outcome


def _record_sales(created: list[SaleLine]) -> None:
    """Tell the layers above (``sales.recorded``, in this transaction): one event per dealer
    of the batch, so that a dealer's event names only its own lines. Conflicts opens the
    channel tickets of lines shipped into another dealer's exclusive territory from it."""
    by_dealer: dict[int, list[int]] = {}
    for line in created:
        by_dealer.setdefault(line.dealer_id, []).append(line.pk)
    events.record_many(
        "sales.recorded",
        [({"sale_line_ids": ids}, dealer_id) for dealer_id, ids in by_dealer.items()],
    )
