"""Stock rotation arithmetic (DOMAIN.md §16): pure functions, Decimal in and out, no ORM.

Per province and product, for each dealer: its stock there and its daily net sales there
(last 28 days). Surplus = stock − ⌈max_days_cover × daily⌉ when positive; need =
⌈min_days_cover × daily⌉ − stock when positive. The largest surplus is matched with the
largest need, greedily; each suggestion moves min(surplus, need).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

#: the sales window of §5.3 and §16
SALES_WINDOW_DAYS = 28
ZERO = Decimal("0")


def ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


@dataclass(frozen=True)
class DealerPosition:
    """One dealer's stock and sales of one product in one province."""

    dealer_id: int
    stock: Decimal
    sold: Decimal  # net units sold in the window

    @property
    def daily(self) -> Decimal:
        return self.sold / SALES_WINDOW_DAYS

    def surplus(self, max_days_cover: Decimal) -> Decimal:
        value = self.stock - ceil(max_days_cover * self.daily)
        return value if value > 0 else ZERO

    def need(self, min_days_cover: Decimal) -> Decimal:
        value = ceil(min_days_cover * self.daily) - self.stock
        return value if value > 0 else ZERO


@dataclass(frozen=True)
class Match:
    source: DealerPosition
    destination: DealerPosition
    quantity: Decimal
    source_surplus: Decimal  # before this match
    destination_need: Decimal  # before this match


def match_greedily(
    positions: list[DealerPosition], *, min_days_cover: Decimal, max_days_cover: Decimal
) -> list[Match]:
    """Largest surplus with largest need, repeatedly, until one side runs out. Ties are
    broken by dealer id, so the same figures always give the same suggestions."""
    surpluses = [[p.surplus(max_days_cover), p] for p in positions]
    needs = [[p.need(min_days_cover), p] for p in positions]
    surpluses = [s for s in surpluses if s[0] > 0]
    needs = [n for n in needs if n[0] > 0]
    matches: list[Match] = []
    while surpluses and needs:
        surpluses.sort(key=lambda s: (-s[0], s[1].dealer_id))
        needs.sort(key=lambda n: (-n[0], n[1].dealer_id))
        source, destination = surpluses[0], needs[0]
        # (one dealer never has both: min_days_cover <= max_days_cover)
        quantity = min(source[0], destination[0])
        matches.append(Match(source[1], destination[1], quantity, source[0], destination[0]))
        source[0] -= quantity
        destination[0] -= quantity
        surpluses = [s for s in surpluses if s[0] > 0]
        needs = [n for n in needs if n[0] > 0]
    return matches
