"""Price discipline (DOMAIN.md §13): the share of a month's positive sales (amounts of the
lines with a price guide) sold at or above the effective floor, by region (province) and by
dealer. Read from the checks the breach detection records for every sales batch: two
aggregate queries whatever the number of lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from portal.periods import Month, PeriodError
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


def price_discipline(*, who, month: Month, region_codes: list[str] | None = None) -> dict:
    """``{"month", "by_region": [DisciplineRow], "by_dealer": [DisciplineRow], "total"}`` of
    the checks ``who`` may see (staff: all; a dealer: its own), within the subtrees of
    ``region_codes`` when given (``None``: everywhere)."""
    checks = PriceCheck.objects.visible_to(who).filter(month=month.first_day)
    if region_codes is not None:
        within = Q(pk__in=[])
        for code in region_codes:
            within |= Q(region__code=code) | Q(region__code__startswith=code + "-")
        checks = checks.filter(within)
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


def discipline_context(request, *, region_codes: list[str] | None = None) -> dict:
    """The context of ``pricing/_discipline_panel.html`` for the month of
    ``?discipline_month=YYYY-MM`` (default: the current one)."""
    try:
        month = Month.parse(request.GET.get("discipline_month") or Month.current())
    except PeriodError:
        month = Month.current()
    figures = price_discipline(who=request, month=month, region_codes=region_codes)
    share = _("share at or above floor (%)")
    return {
        "discipline": figures,
        "discipline_region_chart": chart(figures["by_region"], share),
        "discipline_dealer_chart": chart(figures["by_dealer"], share),
    }
