"""Territory grants (DOMAIN.md §2): grant, update and end, under the conflict rule."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealers import selectors
from dealers.models import Dealer, ProductLine, Region, Territory


def _lock_product_lines(*ids: int) -> None:
    """Serialise grants per product line: concurrent saves of the same line queue here, so
    the overlap check below sees every committed grant (a no-op lock on SQLite, whose
    writers are serialised anyway). Locked in pk order to avoid deadlocks."""
    list(ProductLine.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk"))


def territory_describe(territory: Territory) -> str:
    """A grant as the conflict error names it."""
    return _(
        "territory #%(pk)s (%(dealer)s · %(region)s · %(line)s, %(start)s – %(end)s, %(kind)s)"
    ) % {
        "pk": territory.pk,
        "dealer": territory.dealer.code,
        "region": territory.region.code,
        "line": territory.product_line.code,
        "start": territory.starts_on.isoformat(),
        "end": territory.ends_on.isoformat() if territory.ends_on else _("open-ended"),
        "kind": _("exclusive") if territory.exclusive else _("non-exclusive"),
    }


def _check_territory(territory: Territory) -> None:
    territory.full_clean()
    conflict = selectors.territory_conflicts(
        region=territory.region,
        product_line_id=territory.product_line_id,
        starts_on=territory.starts_on,
        ends_on=territory.ends_on,
        exclusive=territory.exclusive,
        exclude_pk=territory.pk,
    ).first()
    if conflict is not None:
        raise ValidationError(
            _("This grant conflicts with %(grant)s.") % {"grant": territory_describe(conflict)},
            code="territory_conflict",
            params={"territory": conflict.pk},
        )


@transaction.atomic
def territory_grant(
    *,
    dealer: Dealer,
    region: Region,
    product_line: ProductLine,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    exclusive: bool = False,
) -> Territory:
    """Grant ``dealer`` the right to sell ``product_line`` in ``region``. Raises
    ValidationError (code ``territory_conflict``, naming the grant) when it would conflict
    with another grant (§2); safe under concurrent grants of the same product line."""
    if dealer.status == Dealer.Status.TERMINATED:
        raise ValidationError(
            {"dealer": ValidationError(_("The dealer is terminated."), code="dealer_terminated")}
        )
    _lock_product_lines(product_line.pk)
    territory = Territory(
        dealer=dealer,
        region=region,
        product_line=product_line,
        starts_on=starts_on,
        ends_on=ends_on,
        exclusive=exclusive,
    )
    _check_territory(territory)
    territory.save()
    return territory


TERRITORY_FIELDS = ("dealer", "region", "product_line", "starts_on", "ends_on", "exclusive")


@transaction.atomic
def territory_update(*, territory: Territory, **changes) -> Territory:
    """Change a grant (any of dealer, region, product_line, starts_on, ends_on, exclusive)
    under the same conflict rule as :func:`territory_grant`."""
    unknown = set(changes) - set(TERRITORY_FIELDS)
    if unknown:
        raise TypeError(f"unknown territory fields: {sorted(unknown)}")
    new_line = changes.get("product_line", territory.product_line)
    _lock_product_lines(territory.product_line_id, new_line.pk)
    fresh = Territory.objects.select_for_update().get(pk=territory.pk)
    for field, value in changes.items():
        setattr(fresh, field, value)
    _check_territory(fresh)
    fresh.save()
    return fresh


@transaction.atomic
def territory_end(*, territory: Territory, on_date: datetime.date) -> Territory:
    """End a grant on ``on_date`` (inclusive); ending earlier never creates a conflict."""
    fresh = Territory.objects.select_for_update().get(pk=territory.pk)
    if fresh.ends_on is not None and fresh.ends_on <= on_date:
        return fresh
    fresh.ends_on = max(on_date, fresh.starts_on)
    fresh.full_clean()
    fresh.save(update_fields=["ends_on"])
    return fresh
