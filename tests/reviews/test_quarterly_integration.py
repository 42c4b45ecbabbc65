"""Issue 7 "Done when", across the real apps and through the management commands only.

A demo-like year: four dealers on DOMAIN.md §6.4's plan P with active agreements, their
sale lines entered as the year goes by (a settable clock), monthly statements built with
``run_commissions``, tickets opened and answered through the conflicts services,
warehouses synced (inventory) and certifications recorded (dealers). Then
``run_quarterly_reviews --quarter 2026Q4`` at 02:00 on 1 January 2027 (when beat fires it):

- DEMO-GZ is dealer A of §6.4 (senior; Q4 = 320,000 + 300,000 + 250,000 against a quarterly
  target of 800,000) with sales all year, reaching its annual target: quarter bonus
  52,200.00 and annual bonus (Σ base ÷ 12 × 3) in the January 2027 draft;
- DEMO-SZ reaches its quarterly target (quarter bonus only);
- DEMO-BJ (registered) meets the junior requirements: promoted by the Q4 run;
- DEMO-SH (senior) is below senior: kept in the grace quarter 2026Q4, demoted by 2027Q1.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from commissions.models import CommissionStatement, SaleLine, StatementComponent
from dealers import services
from dealers.models import Dealer, TierChange, TierEvaluation
from portal.models import JobRun
from reviews import tasks
from reviews.models import QuarterlyReview
from reviews.services import quarterly as review_services
from tests.commissions.factories import give_plan, plan_p, product
from tests.conflicts.factories import make_ticket
from tests.dealers.factories import CertificationProgramFactory
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory, region_tree, tier
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
JAN_2027 = dt.date(2027, 1, 1)
Q4_RUN_AT = dt.datetime(2027, 1, 1, 2, 0, tzinfo=SH)  # beat: 02:00 on the quarter's first day
Q1_RUN_AT = dt.datetime(2027, 4, 1, 2, 0, tzinfo=SH)


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


#: DEMO-GZ's sale lines in 2026 (Shanghai time). Odd cents in Q1 so that the monthly base
#: components round on their own (half-up) before the annual bonus adds them up.
A_SALES = [
    (sh(2026, 1, 15, 10), "200000.35"),
    (sh(2026, 2, 15, 10), "180000.01"),
    (sh(2026, 3, 15, 10), "219999.98"),
    (sh(2026, 4, 15, 10), "230000.00"),
    (sh(2026, 5, 15, 10), "240000.00"),
    (sh(2026, 6, 15, 10), "230000.00"),
    (sh(2026, 7, 15, 10), "260000.00"),
    (sh(2026, 8, 15, 10), "280000.00"),
    (sh(2026, 9, 15, 10), "260000.00"),
    # §6.4: October 120,000 + 200,000; November 300,000; December 250,000
    (sh(2026, 10, 3, 10), "120000.00"),
    (sh(2026, 10, 20, 10), "200000.00"),
    (sh(2026, 11, 10, 10), "310000.00"),
    (sh(2026, 11, 12, 10), "-10000.00"),  # a return
    (sh(2026, 12, 10, 10), "200000.00"),
    (sh(2026, 12, 31, 23, 30), "50000.00"),  # 15:30 UTC: still December in Shanghai
]
#: 1 January 00:10 in Shanghai is still 31 December in UTC: January, not Q4.
A_JANUARY = (sh(2027, 1, 1, 0, 10), "10000.00")
A_BASE_BY_MONTH = {  # each month's base component, 0.60 × net rounded half-up on its own
    "2026-01": Decimal("120000.21"),
    "2026-02": Decimal("108000.01"),  # 108,000.006
    "2026-03": Decimal("131999.99"),  # 131,999.988
    "2026-04": Decimal("138000.00"),
    "2026-05": Decimal("144000.00"),
    "2026-06": Decimal("138000.00"),
    "2026-07": Decimal("156000.00"),
    "2026-08": Decimal("168000.00"),
    "2026-09": Decimal("156000.00"),
    "2026-10": Decimal("192000.00"),
    "2026-11": Decimal("180000.00"),
    "2026-12": Decimal("150000.00"),
}
A_ANNUAL_TARGET = Decimal("2900000.00")


def annual_bonus_by_hand() -> Decimal:
    """§6.2: (the year's base commission ÷ 12) × annual_bonus_months (3), rounded half-up."""
    year_base = sum(A_BASE_BY_MONTH.values(), Decimal("0"))
    assert year_base == Decimal("1782000.21")
    return (year_base / 12 * 3).quantize(CENT, ROUND_HALF_UP)


QUARTER_BONUS_A = Decimal("52200.00")  # §6.4: 0.10 × (192,000 + 180,000 + 150,000)
ANNUAL_BONUS_A = Decimal("445500.05")  # 1,782,000.21 ÷ 12 × 3 = 445,500.0525
QUARTER_BONUS_SZ = Decimal("54000.00")  # 0.10 × 0.60 × 900,000


_line_ids = count(1)


def record_sale(clock, dealer, sold_at, amount):
    """A sale line reported an hour after the sale (``reported_at`` is the clock's now)."""
    clock.set(sold_at + dt.timedelta(hours=1))
    return SaleLine.objects.create(
        dealer=dealer,
        external_id=f"INT-{next(_line_ids)}",
        product=product(),
        quantity=Decimal("1") if Decimal(amount) >= 0 else Decimal("-1"),
        amount=Decimal(amount),
        currency=dealer.currency,
        sold_at=sold_at,
        ship_to_region=region_tree()["CN-GD-SZ"],
    )


def certify(dealer, level: str, passed_on: dt.date, months: int = 24):
    program = CertificationProgramFactory(
        code=f"INT-{level}-{months}", level=tier(level), validity_months=months
    )
    user = DealerUserFactory(membership__dealer=dealer)
    services.certification_record(user=user, program=program, passed_on=passed_on)
    return user


def ticket(clock, staff, dealer, opened, answered=None, resolved=None):
    """An emergency ticket (24×7 policy: first response 30 min, resolution 240 min)."""
    from conflicts import services as conflicts

    clock.set(opened)
    t = make_ticket(dealer, category="product", priority="emergency")
    if answered:
        clock.set(answered)
        conflicts.ticket_comment(actor=staff, ticket=t, body="On it.")
    if resolved:
        clock.set(resolved)
        conflicts.ticket_transition(actor=staff, ticket=t, status="resolved")
    return t


def seeded_tiers():
    """The seeded tier requirements (dealers/region_data.py), whatever ran before."""
    from dealers.models import Tier
    from dealers.region_data import TIERS

    for code, name, rank, users, sales, score, *_benefits in TIERS:
        Tier.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "min_certified_users": users,
                "min_trailing_sales": sales,
                "min_score": score,
            },
        )


@pytest.fixture
def world(clock):
    """The demo-like year, statements for October–December built on 1 January 01:00."""
    clock.set(sh(2025, 12, 1, 9))
    seeded_tiers()
    plan = plan_p("whole", code="PLAN-P")
    gz = DealerFactory(code="DEMO-GZ", tier=tier("senior"))
    sz = DealerFactory(code="DEMO-SZ", tier=tier("registered"), region=region_tree()["CN-GD-SZ"])
    bj = DealerFactory(code="DEMO-BJ", tier=tier("registered"), region=region_tree()["CN-BJ"])
    sh_ = DealerFactory(code="DEMO-SH", tier=tier("senior"), region=region_tree()["CN-BJ"])
    give_plan(gz, plan, annual_target=A_ANNUAL_TARGET, starts_on=dt.date(2025, 1, 1))
    for dealer in (sz, bj, sh_):
        give_plan(dealer, plan, annual_target=Decimal("3000000.00"))
    # certified staff (valid on the quarter's last day unless said otherwise)
    for _ in range(3):
        certify(gz, "senior", dt.date(2026, 3, 1))
    certify(gz, "junior", dt.date(2026, 6, 1))
    certify(gz, "expert", dt.date(2024, 1, 1), months=12)  # expired: does not count
    certify(bj, "junior", dt.date(2026, 5, 1))
    certify(sh_, "junior", dt.date(2026, 5, 1))
    # sales
    for sold_at, amount in A_SALES:
        record_sale(clock, gz, sold_at, amount)
    for month in (10, 11, 12):
        record_sale(clock, sz, sh(2026, month, 5, 10), "300000.00")
    record_sale(clock, bj, sh(2026, 8, 5, 10), "200000.00")
    record_sale(clock, bj, sh(2026, 11, 5, 10), "400000.00")
    record_sale(clock, sh_, sh(2026, 8, 5, 10), "300000.00")
    record_sale(clock, sh_, sh(2026, 11, 5, 10), "400000.00")
    # tickets of DEMO-GZ
    staff = StaffUserFactory(username="support-lead", is_superuser=True)
    ticket(clock, staff, gz, sh(2026, 9, 30, 23), sh(2026, 9, 30, 23, 50))  # Q3: not counted
    ticket(clock, staff, gz, sh(2026, 11, 3, 10), sh(2026, 11, 3, 10, 20), sh(2026, 11, 3, 12))
    ticket(clock, staff, gz, sh(2026, 11, 10, 10), sh(2026, 11, 10, 10, 40), sh(2026, 11, 10, 16))
    ticket(clock, staff, gz, sh(2026, 12, 1, 10), sh(2026, 12, 1, 10, 30), sh(2026, 12, 1, 11))
    # opened 23:50 on 31 December, due 03:50: not answered and not yet due at 02:00
    ticket(clock, staff, gz, sh(2026, 12, 31, 23, 50))
    ticket(clock, staff, sz, sh(2026, 12, 2, 10))  # another dealer's
    # warehouses of DEMO-GZ (fresh: synced in the 7 days before the quarter ended)
    clock.set(sh(2026, 12, 31, 23, 55))
    WarehouseFactory(code="GZ-1", dealer=gz, last_synced_at=sh(2026, 12, 30, 20))
    WarehouseFactory(code="GZ-2", dealer=gz, last_synced_at=sh(2026, 12, 20, 20))  # stale
    WarehouseFactory(code="GZ-3", dealer=gz, last_synced_at=sh(2026, 12, 31, 23))
    WarehouseFactory(code="GZ-4", dealer=gz, active=False, last_synced_at=sh(2026, 1, 1))
    record_sale(clock, gz, *A_JANUARY)
    # monthly statements, built on the 1st of January
    clock.set(sh(2027, 1, 1, 1, 0))
    for period in ("2026-10", "2026-11", "2026-12"):
        call_command("run_commissions", "--period", period)
    clock.set(Q4_RUN_AT)
    return {"gz": gz, "sz": sz, "bj": bj, "sh": sh_, "staff": staff}


def run(quarter: str, capsys) -> str:
    call_command("run_quarterly_reviews", "--quarter", quarter)
    return capsys.readouterr().out


def bonuses() -> list[tuple[str, str, str, Decimal, dt.date, str]]:
    return sorted(
        StatementComponent.objects.filter(kind__in=["quarter_bonus", "annual_bonus"]).values_list(
            "dealer__code",
            "kind",
            "bonus_period",
            "amount",
            "statement__period",
            "statement__status",
        )
    )


EXPECTED_BONUSES = [
    ("DEMO-GZ", "annual_bonus", "2026", ANNUAL_BONUS_A, JAN_2027, "draft"),
    ("DEMO-GZ", "quarter_bonus", "2026Q4", QUARTER_BONUS_A, JAN_2027, "draft"),
    ("DEMO-SZ", "quarter_bonus", "2026Q4", QUARTER_BONUS_SZ, JAN_2027, "draft"),
]


def january_totals() -> dict[str, Decimal]:
    return dict(
        CommissionStatement.objects.filter(period=JAN_2027).values_list("dealer__code", "total")
    )


def state() -> dict:
    """Everything the quarterly job writes, to compare runs."""
    return {
        "bonuses": bonuses(),
        "january": january_totals(),
        "reviews": sorted(QuarterlyReview.objects.values_list("dealer__code", "quarter")),
        "evaluations": sorted(
            TierEvaluation.objects.values_list("dealer__code", "period", "outcome")
        ),
        "changes": sorted(
            TierChange.objects.values_list("dealer__code", "from_tier__code", "to_tier__code")
        ),
        "tiers": dict(Dealer.objects.values_list("code", "tier__code")),
    }


def test_q4_run_twice_books_each_bonus_once_with_the_worked_example_amounts(world, capsys):
    assert annual_bonus_by_hand() == ANNUAL_BONUS_A
    october = CommissionStatement.objects.get(dealer=world["gz"], period=dt.date(2026, 10, 1))
    assert (october.net_sales, october.total) == (Decimal("320000.00"), Decimal("204800.00"))
    december = CommissionStatement.objects.get(dealer=world["gz"], period=dt.date(2026, 12, 1))
    assert december.net_sales == Decimal("250000.00")  # 31 Dec 23:30 Shanghai is December

    assert "2026Q4: created: 4" in run("2026Q4", capsys)

    assert bonuses() == EXPECTED_BONUSES
    quarter = StatementComponent.objects.get(dealer=world["gz"], kind="quarter_bonus")
    assert quarter.derivation["base_by_month"] == {
        "2026-10": "192000",
        "2026-11": "180000",
        "2026-12": "150000",
    }
    annual = StatementComponent.objects.get(dealer=world["gz"], kind="annual_bonus")
    assert annual.derivation["net_sales"] == "2970000.34"
    assert annual.derivation["base_sum"] == "1782000.21"
    assert january_totals() == {
        "DEMO-GZ": QUARTER_BONUS_A + ANNUAL_BONUS_A,
        "DEMO-SZ": QUARTER_BONUS_SZ,
    }
    after_first = state()

    assert "2026Q4: refreshed: 4" in run("2026Q4", capsys)

    assert state() == after_first
    assert list(
        JobRun.objects.filter(job="quarterly_reviews")
        .order_by("pk")
        .values_list("status", "counts")
    ) == [("succeeded", {"created": 4}), ("succeeded", {"refreshed": 4})]

    # January's own run recomputes the draft from scratch: the bonuses survive, once.
    call_command("run_commissions", "--period", "2027-01")
    assert bonuses() == EXPECTED_BONUSES
    january = CommissionStatement.objects.get(dealer=world["gz"], period=JAN_2027)
    assert january.net_sales == Decimal("10000.00")
    # base 6,000.00 + tier (senior 0.5 %) 50.00 + the two bonuses
    assert january.total == Decimal("6050.00") + QUARTER_BONUS_A + ANNUAL_BONUS_A


def test_the_review_has_the_real_figures_of_every_app(world, capsys):
    run("2026Q4", capsys)
    review = QuarterlyReview.objects.get(dealer=world["gz"], quarter="2026Q4")
    # commissions: Q4 net sales (the January line, 00:10 on 1 January, is not in it)
    assert review.net_sales == Decimal("870000.00")
    assert review.previous_net_sales == Decimal("800000.00")
    assert review.target == Decimal("800000.00")
    assert review.attainment == Decimal("1.0875")
    assert review.growth == Decimal("0.0875")  # (870,000 − 800,000) ÷ 800,000
    # conflicts: four tickets opened in Q4 (not the Q3 one, not DEMO-SZ's); of the three
    # whose outcome is known (resolved in 120, 360 and 60 min against 240), two in time; the
    # 31 December ticket is neither answered nor due yet
    assert review.tickets_raised == 4
    assert review.sla_compliance == Decimal("0.6667")
    assert review.median_first_response_minutes == 30  # 20, 40, 30
    assert review.median_resolution_minutes == 120  # 120, 360, 60
    # inventory: GZ-1 and GZ-3 synced in the last 7 days, GZ-2 not, GZ-4 inactive
    assert review.stock_freshness == Decimal("0.6667")
    # dealers: four users with a valid certification (the expired one does not count)
    assert review.certified_staff == 4
    assert review.outcomes["unavailable"] == []
    assert review.outcomes["tier_evaluation"] == {
        "outcome": "kept",
        "changed": False,
        "from": "senior",
        "to": "senior",
        "eligible": "senior",
    }
    assert review.outcomes["bonuses"] == [
        {"kind": "quarter_bonus", "period": "2026Q4", "amount": "52200.00", "statement": "2027-01"},
        {"kind": "annual_bonus", "period": "2026", "amount": "445500.05", "statement": "2027-01"},
    ]
    # a re-run reports the same (it books nothing, but the bonuses are there)
    first_outcomes = review.outcomes
    run("2026Q4", capsys)
    review.refresh_from_db()
    assert review.outcomes == first_outcomes
    promoted = QuarterlyReview.objects.get(dealer=world["bj"], quarter="2026Q4")
    assert promoted.outcomes["tier_evaluation"] == {
        "outcome": "promoted",
        "changed": True,
        "from": "registered",
        "to": "junior",
        "eligible": "junior",
    }
    # 0–100 components: attainment 100 (capped), SLA 66.67, freshness 66.67; weights
    # 40/20/10 (staff scores not given yet): (4000 + 1333.40 + 666.70) ÷ 70 = 85.7157
    assert review.overall_score == Decimal("85.72")
    evaluation = TierEvaluation.objects.get(dealer=world["gz"], period="2026Q4")
    assert (evaluation.outcome, evaluation.score) == ("kept", Decimal("85.72"))
    assert evaluation.trailing_sales == Decimal("2970000.34")
    assert evaluation.certified_users == {"registered": 4, "junior": 4, "senior": 3, "expert": 0}
    other = QuarterlyReview.objects.get(dealer=world["sz"], quarter="2026Q4")
    # its one ticket (2 December) is unresolved past its due time: breached
    assert (other.tickets_raised, other.sla_compliance) == (1, Decimal("0.0000"))
    assert (other.stock_freshness, other.median_first_response_minutes) == (None, None)
    assert other.growth is None  # no sales in Q3: no growth figure


def test_an_interrupted_run_rerun_completes_the_rest_with_nothing_doubled(
    world, capsys, monkeypatch
):
    """The second dealer (DEMO-SZ) fails after its bonus was written (the worker dies in the
    middle of its unit): its unit rolls back whole, the others complete; the re-run does
    DEMO-SZ and changes nothing else."""
    real = review_services.review_bonuses_book

    def dies_after_booking(*, dealer, **kwargs):
        booked = real(dealer=dealer, **kwargs)
        if dealer.code == "DEMO-SZ":
            assert booked  # it was written, and must be rolled back
            raise RuntimeError("connection lost")
        return booked

    monkeypatch.setattr(review_services, "review_bonuses_book", dies_after_booking)
    assert [d.code for d in review_services.dealers_for_quarter(quarter="2026Q4")] == [
        "DEMO-GZ",
        "DEMO-SZ",
        "DEMO-BJ",
        "DEMO-SH",
    ]
    with pytest.raises(CommandError, match="1 of 4 dealers failed: DEMO-SZ"):
        run("2026Q4", capsys)

    failed = JobRun.objects.get(job="quarterly_reviews")
    assert (failed.status, failed.counts) == ("failed", {"created": 3, "failed": 1})
    assert [e["dealer"] for e in failed.errors if "dealer" in e] == ["DEMO-SZ"]
    assert bonuses() == [b for b in EXPECTED_BONUSES if b[0] != "DEMO-SZ"]
    assert "DEMO-SZ" not in january_totals()  # the January draft was rolled back too
    assert not QuarterlyReview.objects.filter(dealer=world["sz"]).exists()
    assert not TierEvaluation.objects.filter(dealer=world["sz"]).exists()
    assert TierChange.objects.filter(dealer=world["bj"]).count() == 1  # done before

    monkeypatch.setattr(review_services, "review_bonuses_book", real)
    assert "2026Q4: created: 1, refreshed: 3" in run("2026Q4", capsys)

    assert bonuses() == EXPECTED_BONUSES
    assert january_totals() == {
        "DEMO-GZ": QUARTER_BONUS_A + ANNUAL_BONUS_A,
        "DEMO-SZ": QUARTER_BONUS_SZ,
    }
    assert QuarterlyReview.objects.filter(quarter="2026Q4").count() == 4
    assert TierEvaluation.objects.filter(period="2026Q4").count() == 4
    assert list(TierChange.objects.values_list("dealer__code", flat=True)) == ["DEMO-BJ"]
    completed = state()
    assert "2026Q4: refreshed: 4" in run("2026Q4", capsys)
    assert state() == completed


def test_a_killed_worker_then_the_redelivered_beat_task_books_nothing_twice(world, monkeypatch):
    """acks_late + reject_on_worker_lost: a worker killed mid-run gets the task redelivered;
    the redelivered task (the beat entry, no arguments, at 02:00 on 1 January) completes the
    quarter and books nothing twice."""
    assert tasks.quarterly_reviews.acks_late is True
    assert tasks.quarterly_reviews.reject_on_worker_lost is True
    real = review_services.review_bonuses_book

    def killed(*, dealer, **kwargs):
        booked = real(dealer=dealer, **kwargs)
        if dealer.code == "DEMO-SZ":
            raise SystemExit("worker killed")  # not an Exception: the run stops here
        return booked

    monkeypatch.setattr(review_services, "review_bonuses_book", killed)
    with pytest.raises(SystemExit):
        tasks.quarterly_reviews.apply(throw=True)
    assert bonuses() == [b for b in EXPECTED_BONUSES if b[0] == "DEMO-GZ"]
    assert QuarterlyReview.objects.count() == 1

    monkeypatch.setattr(review_services, "review_bonuses_book", real)
    result = tasks.quarterly_reviews.apply(throw=True).get()
    assert result == {"created": 3, "refreshed": 1}
    assert bonuses() == EXPECTED_BONUSES
    assert QuarterlyReview.objects.filter(quarter="2026Q4").count() == 4


def test_promotion_and_grace_demotion_happen_in_the_quarterly_job(world, capsys, clock):
    bj, sh_ = world["bj"], world["sh"]
    run("2026Q4", capsys)
    run("2026Q4", capsys)  # a re-run does not count the quarter twice

    # DEMO-BJ: one junior-certified user, 600,000 in the trailing four quarters → junior
    [promotion] = TierChange.objects.filter(dealer=bj)
    assert (promotion.from_tier.code, promotion.to_tier.code) == ("registered", "junior")
    assert promotion.reason == "2026Q4: all requirements of Junior met; promoted at once."
    assert promotion.figures == {
        "period": "2026Q4",
        "trailing_sales": "600000.00",
        "score": "50.00",  # attainment 400,000 ÷ 800,000 → 50 (no tickets, no warehouses)
        "certified_users": {"registered": 1, "junior": 1, "senior": 0, "expert": 0},
        "eligible_tier": "junior",
        "previous_period_below": False,
    }
    assert promotion.changed_by == "command:run_quarterly_reviews"
    assert promotion.evaluation.period == "2026Q4"
    # DEMO-SH: below senior (1 certified user, 700,000, score 50): the grace quarter
    sh_.refresh_from_db()
    assert sh_.tier.code == "senior"
    assert not TierChange.objects.filter(dealer=sh_).exists()
    assert list(TierEvaluation.objects.filter(dealer=sh_).values_list("period", "outcome")) == [
        ("2026Q4", "grace")
    ]

    clock.set(Q1_RUN_AT)
    assert "2027Q1: created: 4" in run("2027Q1", capsys)
    run("2027Q1", capsys)

    sh_.refresh_from_db()
    assert sh_.tier.code == "junior"
    [demotion] = TierChange.objects.filter(dealer=sh_)
    assert (demotion.from_tier.code, demotion.to_tier.code) == ("senior", "junior")
    assert demotion.reason == (
        "2027Q1: below the requirements of Senior for two consecutive quarters; demoted to Junior."
    )
    assert demotion.figures == {
        "period": "2027Q1",
        "trailing_sales": "700000.00",  # 2026Q2–2027Q1
        "score": "0.00",  # no sales in Q1: attainment 0
        "certified_users": {"registered": 1, "junior": 1, "senior": 0, "expert": 0},
        "eligible_tier": "junior",
        "previous_period_below": True,
    }
    # DEMO-BJ, junior since 2026Q4, stays junior; nobody else changed tier
    assert sorted(
        TierChange.objects.values_list("dealer__code", "from_tier__code", "to_tier__code")
    ) == [("DEMO-BJ", "registered", "junior"), ("DEMO-SH", "senior", "junior")]
    # DEMO-GZ falls below senior in 2027Q1 (score 1.00: no tickets, stale warehouses, 10,000
    # of 800,000): its first quarter below is a grace quarter
    gz_q1 = TierEvaluation.objects.get(dealer=world["gz"], period="2027Q1")
    assert (gz_q1.outcome, gz_q1.tier_after.code, gz_q1.score) == (
        "grace",
        "senior",
        Decimal("1.00"),
    )
    assert TierEvaluation.objects.filter(period="2027Q1").count() == 4
    # Q1 2027 has no bonuses; Q4's are still there once
    assert bonuses() == EXPECTED_BONUSES

    # Q4 re-run after Q1 (e.g. its failed run re-queued late): history stays as it was
    before = state()
    run("2026Q4", capsys)
    assert state() == before
    q4 = TierEvaluation.objects.get(dealer=sh_, period="2026Q4")
    assert (q4.outcome, q4.tier_before.code, q4.tier_after.code) == ("grace", "senior", "senior")
    # the refreshed Q4 draft still judges stock freshness at the end of Q4, not in April
    gz_q4 = QuarterlyReview.objects.get(dealer=world["gz"], quarter="2026Q4")
    assert gz_q4.stock_freshness == Decimal("0.6667")
    assert QuarterlyReview.objects.get(dealer=world["gz"], quarter="2027Q1").stock_freshness == 0


def test_a_dealer_completed_after_january_was_approved_gets_its_bonus_in_the_current_draft(
    world, capsys, monkeypatch, clock
):
    """§6.4: booked in the month after the period, or — that statement being approved by the
    time the failed run is completed — in the current month's draft."""
    from commissions.services import statement_approve

    real = review_services.review_bonuses_book

    def fails_for_sz(*, dealer, **kwargs):
        if dealer.code == "DEMO-SZ":
            raise RuntimeError("deadlock detected")
        return real(dealer=dealer, **kwargs)

    monkeypatch.setattr(review_services, "review_bonuses_book", fails_for_sz)
    with pytest.raises(CommandError, match="DEMO-SZ"):
        run("2026Q4", capsys)
    monkeypatch.setattr(review_services, "review_bonuses_book", real)

    clock.set(sh(2027, 2, 2, 10))
    call_command("run_commissions", "--period", "2027-01")
    finance = StaffUserFactory(username="finance-1", groups=["finance"])
    for statement in CommissionStatement.objects.filter(period=JAN_2027).order_by("pk"):
        statement_approve(statement=statement, actor=finance)
    clock.set(sh(2027, 2, 3, 9))
    assert "2026Q4: created: 1, refreshed: 3" in run("2026Q4", capsys)

    february = dt.date(2027, 2, 1)
    assert bonuses() == [
        ("DEMO-GZ", "annual_bonus", "2026", ANNUAL_BONUS_A, JAN_2027, "approved"),
        ("DEMO-GZ", "quarter_bonus", "2026Q4", QUARTER_BONUS_A, JAN_2027, "approved"),
        ("DEMO-SZ", "quarter_bonus", "2026Q4", QUARTER_BONUS_SZ, february, "draft"),
    ]
    assert CommissionStatement.objects.get(dealer=world["sz"], period=JAN_2027).total == 0
    assert (
        CommissionStatement.objects.get(dealer=world["sz"], period=february).total
        == QUARTER_BONUS_SZ
    )
