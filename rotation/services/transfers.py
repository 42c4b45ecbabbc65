"""Transfer steps (DOMAIN.md §16): propose → accept (both dealers) → ship → receive, or
cancel before shipping.

Every step locks the transfer row and is idempotent: repeating a step that already
happened changes nothing and returns the transfer as it is (so a retried API call or a
double click never moves stock twice). Shipping and receiving move stock through
:func:`inventory.services.stock_level_transfer`, which locks the level the way the sync path
does. Who may do what:

- propose: channel managers (staff) and manufacturer keys; a dealer only from a suggestion
  that names it, which also counts as its own acceptance;
- accept: each dealer for its own side (users of the dealer, or its key);
- ship: the sending dealer or staff; receive: the receiving dealer or staff;
- cancel: either dealer or staff, before shipping.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dealers.models import Dealer, Product
from dealers.selectors import dealer_can_write
from inventory.models import Warehouse
from inventory.services import TransferQuantityUnavailable, stock_level_transfer
from portal.access import Actor, actor_from
from rotation.models import StockTransfer, TransferSuggestion
from rotation.notify import notify_transfer

Status = StockTransfer.Status
MAX_QUANTITY = Decimal("99999999999.999")


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _is_staff(actor: Actor) -> bool:
    return actor.manufacturer and actor.in_group("channel_manager")


def _require_writer(actor: Actor) -> None:
    if actor.is_dealer and not dealer_can_write(actor.dealer):
        raise PermissionDenied(_("Your dealer account cannot make changes in its current state."))


def _locked(transfer: StockTransfer) -> StockTransfer:
    # of=("self",): lock the transfer row only, not the joined warehouses and dealers (the
    # sync path updates warehouses after locking levels; locking them here deadlocks)
    return StockTransfer.objects.select_for_update(of=("self",)).select_related(
        "product", "source_warehouse", "destination_warehouse", "source_dealer", "destination_dealer"
    ).get(pk=transfer.pk)


def _quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise _error("quantity", _("Enter a number."), "invalid") from None
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        raise _error("quantity", _("Enter a positive quantity."), "invalid")
    if quantity != quantity.quantize(Decimal("0.001")):
        raise _error("quantity", _("At most three decimal places."), "invalid")
    return quantity


def _check_warehouses(source: Warehouse, destination: Warehouse) -> None:
    if source.dealer_id is None:
        raise _error("source_warehouse", _("Choose a dealer's warehouse."), "not_dealer")
    if destination.dealer_id is None:
        raise _error("destination_warehouse", _("Choose a dealer's warehouse."), "not_dealer")
    if source.dealer_id == destination.dealer_id:
        raise _error(
            "destination_warehouse",
            _("A transfer moves stock between two different dealers."),
            "same_dealer",
        )
    for field, warehouse in (("source_warehouse", source), ("destination_warehouse", destination)):
        if not warehouse.active:
            raise _error(field, _("This warehouse is not active."), "inactive")
        if warehouse.dealer.status != Dealer.Status.ACTIVE:
            raise _error(field, _("This warehouse's dealer is not active."), "dealer_inactive")


@transaction.atomic
def transfer_propose(
    *,
    actor,
    product: Product,
    quantity,
    source_warehouse: Warehouse,
    destination_warehouse: Warehouse,
    note: str = "",
    suggestion: TransferSuggestion | None = None,
    now=None,
) -> StockTransfer:
    """Staff propose a transfer between two dealers' warehouses (any region)."""
    actor = actor_from(actor)
    if not _is_staff(actor):
        raise PermissionDenied(_("Only channel managers propose transfers."))
    return _create(
        actor=actor,
        product=product,
        quantity=_quantity(quantity),
        source=source_warehouse,
        destination=destination_warehouse,
        note=note,
        suggestion=suggestion,
        now=now or timezone.now(),
    )


def _create(*, actor, product, quantity, source, destination, note, suggestion, now):
    _check_warehouses(source, destination)
    if not product.active:
        raise _error("product", _("This product is not active."), "inactive")
    transfer = StockTransfer.objects.create(
        product=product,
        quantity=quantity,
        source_warehouse=source,
        destination_warehouse=destination,
        source_dealer_id=source.dealer_id,
        destination_dealer_id=destination.dealer_id,
        suggestion=suggestion,
        note=note[:500],
        created_by=actor.label,
        created_at=now,
        last_changed_by=actor.label,
    )
    if actor.is_dealer:
        # a dealer proposing from a suggestion accepts its own side by doing so
        side = "source" if actor.dealer_id == source.dealer_id else "destination"
        setattr(transfer, f"{side}_accepted_at", now)
        transfer.save(update_fields=[f"{side}_accepted_at"])
    notify_transfer(transfer, "proposed")
    return transfer


def _province_warehouse(dealer_id: int, suggestion: TransferSuggestion, *, most_stock: bool):
    """The dealer's active warehouse in the suggestion's province holding the most of the
    product (ties: by code)."""
    province = suggestion.province.code
    return (
        Warehouse.objects.filter(
            Q(region__code=province) | Q(region__code__startswith=province + "-"),
            dealer_id=dealer_id,
            active=True,
        )
        .annotate(
            held=Coalesce(
                Sum("levels__quantity", filter=Q(levels__product_id=suggestion.product_id)),
                Decimal("0"),
            )
        )
        .order_by("-held" if most_stock else "held", "code")
        .first()
    )


@transaction.atomic
def transfer_propose_from_suggestion(
    *, actor, suggestion: TransferSuggestion, quantity=None, now=None
) -> StockTransfer:
    """Turn a suggestion into a proposed transfer between the two dealers' warehouses in the
    province (the sender's with the most of the product, the receiver's with the least).
    Staff, or one of the two dealers (whose side is then accepted)."""
    actor = actor_from(actor)
    now = now or timezone.now()
    if actor.is_dealer:
        if actor.dealer_id not in (suggestion.source_dealer_id, suggestion.destination_dealer_id):
            raise TransferSuggestion.DoesNotExist
        _require_writer(actor)
    elif not _is_staff(actor):
        raise PermissionDenied(_("Only channel managers propose transfers."))
    suggestion = TransferSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.transfers.exclude(status=Status.CANCELLED).exists():
        raise _error(
            "suggestion", _("A transfer was already proposed from this suggestion."), "already_proposed"
        )
    source = _province_warehouse(suggestion.source_dealer_id, suggestion, most_stock=True)
    destination = _province_warehouse(
        suggestion.destination_dealer_id, suggestion, most_stock=False
    )
    if source is None or destination is None:
        raise _error(
            "suggestion",
            _("One of the dealers has no active warehouse in this province any more."),
            "no_warehouse",
        )
    return _create(
        actor=actor,
        product=suggestion.product,
        quantity=_quantity(quantity if quantity is not None else suggestion.quantity),
        source=source,
        destination=destination,
        note="",
        suggestion=suggestion,
        now=now,
    )


def _party_side(actor: Actor, transfer: StockTransfer) -> str | None:
    if actor.dealer_id == transfer.source_dealer_id:
        return "source"
    if actor.dealer_id == transfer.destination_dealer_id:
        return "destination"
    return None


def _touch(transfer: StockTransfer, actor: Actor, fields: list[str]) -> None:
    transfer.last_changed_by = actor.label
    transfer.save(update_fields=[*fields, "last_changed_by"])


@transaction.atomic
def transfer_accept(*, actor, transfer: StockTransfer, now=None) -> StockTransfer:
    """A dealer accepts its side; once both have, the transfer is ``accepted`` and each
    learns who the other is. Accepting again changes nothing."""
    actor = actor_from(actor)
    transfer = _locked(transfer)
    side = _party_side(actor, transfer)
    if side is None:
        if actor.is_dealer:
            raise StockTransfer.DoesNotExist
        raise PermissionDenied(_("Each dealer accepts its own side of a transfer."))
    _require_writer(actor)
    if getattr(transfer, f"{side}_accepted_at") is not None:
        return transfer
    if transfer.status != Status.PROPOSED:
        raise _error("status", _("This transfer can no longer be accepted."), "invalid_transition")
    now = now or timezone.now()
    setattr(transfer, f"{side}_accepted_at", now)
    fields = [f"{side}_accepted_at"]
    if transfer.both_accepted:
        transfer.status = Status.ACCEPTED
        fields.append("status")
    _touch(transfer, actor, fields)
    if transfer.status == Status.ACCEPTED:
        notify_transfer(transfer, "accepted")
    return transfer


def _staff_or_side(actor: Actor, transfer: StockTransfer, side: str, message: str) -> None:
    if actor.is_dealer:
        if _party_side(actor, transfer) is None:
            raise StockTransfer.DoesNotExist
        if _party_side(actor, transfer) != side:
            raise PermissionDenied(message)
        _require_writer(actor)
    elif not _is_staff(actor):
        raise PermissionDenied(message)


@transaction.atomic
def transfer_ship(*, actor, transfer: StockTransfer, now=None) -> StockTransfer:
    """The sender ships: its level loses the quantity (``transfer_out``). Only an accepted
    transfer ships; shipping again changes nothing."""
    actor = actor_from(actor)
    transfer = _locked(transfer)
    _staff_or_side(actor, transfer, "source", _("Only the sending dealer ships a transfer."))
    if transfer.status in (Status.SHIPPED, Status.RECEIVED):
        return transfer
    if transfer.status != Status.ACCEPTED:
        raise _error(
            "status",
            _("Both dealers must accept the transfer before it ships.")
            if transfer.status == Status.PROPOSED
            else _("A cancelled transfer cannot ship."),
            "invalid_transition",
        )
    now = now or timezone.now()
    try:
        stock_level_transfer(
            warehouse_id=transfer.source_warehouse_id,
            product_id=transfer.product_id,
            quantity=transfer.quantity,
            direction="out",
            source=actor.label,
            request_id=transfer.ledger_request_id("out"),
            reason=_("Transfer #%(id)s") % {"id": transfer.pk},
            now=now,
        )
    except TransferQuantityUnavailable as exc:
        raise _error("quantity", str(exc), exc.code) from None
    transfer.status = Status.SHIPPED
    transfer.shipped_at = now
    _touch(transfer, actor, ["status", "shipped_at"])
    notify_transfer(transfer, "shipped")
    return transfer


@transaction.atomic
def transfer_receive(*, actor, transfer: StockTransfer, now=None) -> StockTransfer:
    """The receiver confirms arrival: its level gains the quantity (``transfer_in``).
    Receiving again changes nothing."""
    actor = actor_from(actor)
    transfer = _locked(transfer)
    _staff_or_side(
        actor, transfer, "destination", _("Only the receiving dealer confirms receipt.")
    )
    if transfer.status == Status.RECEIVED:
        return transfer
    if transfer.status != Status.SHIPPED:
        raise _error(
            "status", _("Only a shipped transfer can be received."), "invalid_transition"
        )
    now = now or timezone.now()
    stock_level_transfer(
        warehouse_id=transfer.destination_warehouse_id,
        product_id=transfer.product_id,
        quantity=transfer.quantity,
        direction="in",
        source=actor.label,
        request_id=transfer.ledger_request_id("in"),
        reason=_("Transfer #%(id)s") % {"id": transfer.pk},
        now=now,
    )
    transfer.status = Status.RECEIVED
    transfer.received_at = now
    _touch(transfer, actor, ["status", "received_at"])
    notify_transfer(transfer, "received")
    return transfer


@transaction.atomic
def transfer_cancel(*, actor, transfer: StockTransfer, reason: str = "", now=None) -> StockTransfer:
    """Either dealer or staff cancel before shipping; cancelling again changes nothing."""
    actor = actor_from(actor)
    transfer = _locked(transfer)
    if actor.is_dealer:
        if _party_side(actor, transfer) is None:
            raise StockTransfer.DoesNotExist
        _require_writer(actor)
    elif not _is_staff(actor):
        raise PermissionDenied(_("Only the two dealers or a channel manager cancel a transfer."))
    if transfer.status == Status.CANCELLED:
        return transfer
    if transfer.status not in (Status.PROPOSED, Status.ACCEPTED):
        raise _error(
            "status", _("A shipped transfer can no longer be cancelled."), "invalid_transition"
        )
    transfer.status = Status.CANCELLED
    transfer.cancelled_at = now or timezone.now()
    transfer.cancel_reason = reason[:500]
    _touch(transfer, actor, ["status", "cancelled_at", "cancel_reason"])
    notify_transfer(transfer, "cancelled")
    return transfer
