"""Price discipline (DOMAIN.md §13): the share of a month's positive sales (amounts of the
lines with a price guide) sold at or above the effective floor, by region (province) and by
dealer. Read from the checks the breach detection records for every sales batch: two
aggregate queries whatever the number of lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from portal.periods import Month
from pricing.models import PriceCheck

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DisciplineRow:
    key: str  # a province code or a dealer code
    guided: Decimal
    at_floor: Decimal

    @property
    def share(self) -> Decimal | None:
        """The share at or above the floor, a fraction with 4 places (None: no sales)."""
        if not self.guided:
            return None
        return (self.at_floor / self.guided).quantize(Decimal("0.0001"))

    @property
    def percent(self) -> Decimal | None:
        share = self.share
        return None if share is None else (share * 100).quantize(Decimal("0.1"))


def _province(code: str) -> str:
    return "-".join(code.split("-")[:2])


def price_discipline(*, who, month: Month, region=None) -> dict:
    """``{"month", "by_region": [DisciplineRow], "by_dealer": [DisciplineRow], "total"}`` of
    the checks ``who`` may see (staff: all; a dealer: its own), within ``region``'s
    subtree when given."""
    checks = PriceCheck.objects.visible_to(who).filter(month=month.first_day)
    if region is not None:
        checks = checks.filter(
            Q(region__code=region.code) | Q(region__code__startswith=region.code + "-")
        )
    sums = {"guided": Sum("amount"), "at_floor": Sum("amount", filter=Q(at_or_above_floor=True))}
    provinces: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for code, guided, at_floor in (
        checks.values_list("region__code").annotate(**sums).values_list(
            "region__code", "guided", "at_floor"
        ).order_by()
    ):
        row = provinces[_province(code)]
        row[0] += guided or ZERO
        row[1] += at_floor or ZERO
    by_region = [DisciplineRow(code, *provinces[code]) for code in sorted(provinces)]
    by_dealer = [
        DisciplineRow(code, guided or ZERO, at_floor or ZERO)
        for code, guided, at_floor in checks.values_list("dealer__code")
        .annotate(**sums)
        .values_list("dealer__code", "guided", "at_floor")
        .order_by("dealer__code")
    ]
    total = DisciplineRow(
        "",
        sum((r.guided for r in by_region), ZERO),
        sum((r.at_floor for r in by_region), ZERO),
    )
    return {"month": month, "by_region": by_region, "by_dealer": by_dealer, "total": total}


def chart(rows: list[DisciplineRow], label: str) -> dict:
    """Chart.js data: the share at or above the floor, in percent, per row."""
    return {
        "labels": [r.key for r in rows],
        "datasets": [
            {"label": label, "data": [float(r.percent) if r.share is not None else 0 for r in rows]}
        ],
    }
