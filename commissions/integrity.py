"""Integrity checks of commissions, run by ``manage.py check_integrity`` (portal.integrity)."""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from commissions.models import CommissionStatement, StatementComponent


def statement_totals() -> list[str]:
    """A statement's total is the sum of its components."""
    component_sum = (
        StatementComponent.objects.filter(statement=OuterRef("pk"))
        .values("statement")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    rows = (
        CommissionStatement.objects.annotate(
            component_sum=Coalesce(
                Subquery(component_sum),
                Value(Decimal("0.00")),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            )
        )
        .exclude(total=F("component_sum"))
        .values_list("pk", "dealer__code", "period", "total", "component_sum")
    )
    return [
        f"statement {pk} ({code} {period:%Y-%m}): total {total} ≠ components {s}"
        for pk, code, period, total, s in rows
    ]


def components_belong_to_their_statement() -> list[str]:
    """A component is its statement's dealer's; a late line is that dealer's line."""
    rows = StatementComponent.objects.filter(
        ~Q(dealer=F("statement__dealer"))
        | (Q(sale_line__isnull=False) & ~Q(sale_line__dealer=F("statement__dealer")))
    ).values_list("pk", "statement_id")
    return [f"component {pk} belongs to another dealer than statement {s}" for pk, s in rows]


def sale_lines_counted_once() -> list[str]:
    """A sale line counts once: in its month's statement, or — reported after that statement
    was approved — as one ``late`` component, never both (DOMAIN.md §6.3)."""
    own_statement = CommissionStatement.objects.filter(
        dealer=OuterRef("sale_line__dealer"),
        period__year=OuterRef("sale_line__sold_at__year"),
        period__month=OuterRef("sale_line__sold_at__month"),
    )
    late = StatementComponent.objects.filter(kind=StatementComponent.Kind.LATE)
    twice = (
        late.values("sale_line").annotate(n=Count("pk")).filter(n__gt=1).values_list("sale_line", "n")
    )
    problems = [f"sale line {line} is counted late {n} times" for line, n in twice]
    in_approved_figures = late.annotate(
        own_approved_at=Subquery(own_statement.values("approved_at")[:1])
    ).filter(
        Q(own_approved_at__isnull=True) | Q(sale_line__reported_at__lte=F("own_approved_at"))
    )
    problems += [
        f"sale line {line} is counted late (component {pk}) and in its own month's figures"
        for pk, line in in_approved_figures.values_list("pk", "sale_line")
    ]
    return problems


CHECKS = [statement_totals, components_belong_to_their_statement, sale_lines_counted_once]
