"""Turn a component's derivation record into the sentences of "how we computed this"."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from commissions.models import CommissionPlan


def _n(value) -> str:
    if value in (None, ""):
        return "∞"
    number = Decimal(str(value))
    return intcomma(f"{number:f}", use_l10n=False)


def step_mode_label(value) -> str:
    """whole / marginal → the plan's (translated) label."""
    try:
        return str(CommissionPlan.StepMode(value).label)
    except ValueError:
        return value or ""


def explain(kind: str, amount, derivation: dict, reason: str = "") -> list[str]:
    d = derivation or {}
    lines: list[str] = []
    if kind == "base":
        lines.append(
            _("Net sales %(net)s × base rate %(rate)s = %(exact)s")
            % {
                "net": _n(d.get("net_sales")),
                "rate": d.get("base_rate"),
                "exact": _n(d.get("exact")),
            }
        )
    elif kind == "step":
        reached = d.get("reached")
        steps = ", ".join(f"≥ {_n(s['threshold'])}: {s['rate']}" for s in d.get("steps", []))
        lines.append(
            _("Steps of the plan (%(mode)s): %(steps)s")
            % {"mode": step_mode_label(d.get("mode")), "steps": steps or "—"}
        )
        if not reached:
            lines.append(
                _("Net sales %(net)s reach no step: no step bonus.")
                % {"net": _n(d.get("net_sales"))}
            )
        elif d.get("mode") == "marginal":
            for b in d.get("brackets", []):
                lines.append(
                    _("From %(start)s to %(end)s: %(portion)s × %(rate)s = %(exact)s")
                    % {
                        "start": _n(b["from"]),
                        "end": _n(b["to"]),
                        "portion": _n(b["portion"]),
                        "rate": b["rate"],
                        "exact": _n(b["exact"]),
                    }
                )
        else:
            lines.append(
                _("Highest step reached: %(threshold)s; net sales %(net)s × %(rate)s = %(exact)s")
                % {
                    "threshold": _n(reached["threshold"]),
                    "net": _n(d.get("net_sales")),
                    "rate": reached["rate"],
                    "exact": _n(d.get("exact")),
                }
            )
    elif kind == "tier":
        lines.append(
            _("Tier %(tier)s at the end of the month: net sales %(net)s × %(rate)s = %(exact)s")
            % {
                "tier": d.get("tier") or "—",
                "net": _n(d.get("net_sales")),
                "rate": d.get("tier_rate"),
                "exact": _n(d.get("exact")),
            }
        )
    elif kind == "late":
        lines.append(
            _(
                "Line %(line)s, sold in %(month)s, was reported on %(reported)s after that "
                "month's statement was approved: %(amount)s × base rate %(rate)s = %(exact)s"
            )
            % {
                "line": d.get("sale_line"),
                "month": d.get("sold_in"),
                "reported": (d.get("reported_at") or "")[:16].replace("T", " "),
                "amount": _n(d.get("amount")),
                "rate": d.get("base_rate"),
                "exact": _n(d.get("exact")),
            }
        )
    elif kind in ("quarter_bonus", "annual_bonus"):
        bases = " + ".join(_n(v) for v in (d.get("base_by_month") or {}).values()) or "0"
        lines.append(
            _("Net sales of %(period)s: %(net)s, target %(target)s reached.")
            % {
                "period": d.get("period"),
                "net": _n(d.get("net_sales")),
                "target": _n(d.get("target")),
            }
        )
        if kind == "quarter_bonus":
            lines.append(
                _("Quarter bonus rate %(rate)s × base commission (%(bases)s) = %(exact)s")
                % {"rate": d.get("rate"), "bases": bases, "exact": _n(d.get("exact"))}
            )
        else:
            lines.append(
                _("Base commission of the year (%(sum)s) ÷ 12 × %(months)s months = %(exact)s")
                % {
                    "sum": _n(d.get("base_sum")),
                    "months": d.get("months"),
                    "exact": _n(d.get("exact")),
                }
            )
    elif kind == "deal":
        for deal in d.get("deals", []):
            lines.append(
                _("Lines of protected deal %(deal)s: %(amount)s")
                % {"deal": deal.get("deal"), "amount": _n(deal.get("amount"))}
            )
        lines.append(
            _("Lines of protected deals %(sales)s × deal bonus rate %(rate)s = %(exact)s")
            % {
                "sales": _n(d.get("deal_sales")),
                "rate": d.get("deal_bonus_rate"),
                "exact": _n(d.get("exact")),
            }
        )
    elif kind == "price_protection":
        for w in d.get("warehouses", []):
            lines.append(
                _(
                    "Price protection for %(sku)s from %(instant)s: warehouse %(warehouse)s "
                    "held %(units)s × (%(old)s − %(new)s) = %(credit)s"
                )
                % {
                    "sku": d.get("sku"),
                    "instant": (d.get("effective_from") or "")[:16].replace("T", " "),
                    "warehouse": w.get("warehouse"),
                    "units": w.get("units"),
                    "old": _n(w.get("old_list_price")),
                    "new": _n(w.get("new_list_price")),
                    "credit": _n(w.get("credit")),
                }
            )
    elif kind == "adjustment":
        lines.append(_("Manual adjustment by finance: %(reason)s") % {"reason": reason})
    if kind != "adjustment":
        lines.append(_("Rounded half-up to 0.01: %(amount)s") % {"amount": _n(amount)})
    return lines
