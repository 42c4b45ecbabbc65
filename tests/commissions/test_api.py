"""The commissions API: sales, commission-plans, commission-statements."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from commissions import services
from commissions.models import CommissionPlan, CommissionStatement, SaleLine, StatementComponent
from tests.api_mixins import APIResourceTests
from tests.commissions.factories import give_plan, local, plan_p, product, sale
from tests.factories import DealerFactory, StaffUserFactory, region_tree, tier

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def line(external_id="E1", **overrides):
    product("SKU-1")
    region_tree()
    data = {
        "external_id": external_id,
        "sku": "SKU-1",
        "quantity": "2",
        "amount": "1200.00",
        "currency": "CNY",
        "sold_at": "2026-10-05T10:00:00+08:00",
        "ship_to_region": "CN-GD-SZ",
    }
    data.update(overrides)
    return data


# --- sales ---------------------------------------------------------------------------------


class TestSalesAPI(APIResourceTests):
    url = "/api/v1/sales/"
    lookup_field = "pk"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        return sale(dealer, "100.00", local(2026, 10, 5, 10, 0))

    def test_create(self, manufacturer_client, dealer):
        response = manufacturer_client.post(
            self.url, {"lines": [line(dealer=dealer.code)]}, format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["created"] == 1

    def test_create_with_bad_input_changes_nothing(self, manufacturer_client, dealer):
        response = manufacturer_client.post(self.url, {"unexpected": "x"}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "lines"
        assert SaleLine.objects.count() == 0


def test_dealer_key_posts_lines_and_resending_is_a_duplicate(dealer_client, dealer):
    body = {"lines": [line("E1"), line("E2", amount="-50.00", quantity="-1")]}
    response = dealer_client.post("/api/v1/sales/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["created"], data["duplicates"]) == (2, 0)
    assert [item["outcome"] for item in data["lines"]] == ["created", "created"]
    stored = SaleLine.objects.get(dealer=dealer, external_id="E2")
    assert (stored.amount, stored.quantity, stored.source) == (
        D("-50.00"),
        D("-1.000"),
        f"api-key:{dealer_client.api_key.prefix}",
    )
    assert stored.sold_at == local(2026, 10, 5, 10, 0)
    again = dealer_client.post("/api/v1/sales/", body, format="json")
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["duplicates"]) == (0, 2)
    assert SaleLine.objects.filter(dealer=dealer).count() == 2


def test_every_error_is_listed_and_nothing_is_written(dealer_client, dealer):
    sale(dealer, "1200.00", local(2026, 10, 5, 10, 0), external_id="OLD")
    future = (timezone.now() + dt.timedelta(minutes=10)).isoformat()
    body = {
        "lines": [
            line("OK-1"),
            line("OLD", amount="1300.00"),
            line("X2", currency="USD"),
            line("X3", sold_at=future),
            line("X4", sku="NOPE"),
            line("X5", ship_to_region="XX-1"),
            line("X6", amount="10.005"),
            line("X7", amount="-10.00"),
            line("OK-1"),
            line("X9", sold_at="2026-10-05T10:00:00"),
        ]
    }
    response = dealer_client.post("/api/v1/sales/", body, format="json")
    assert response.status_code == 422
    errors = [(e["attr"], e["code"]) for e in response.json()["errors"]]
    assert errors == [
        ("lines.1.external_id", "external_id_conflict"),
        ("lines.2.currency", "currency_mismatch"),
        ("lines.3.sold_at", "sold_in_future"),
        ("lines.4.sku", "unknown_sku"),
        ("lines.5.ship_to_region", "unknown_region"),
        ("lines.6.amount", "max_decimal_places"),
        ("lines.7.amount", "sign_mismatch"),
        ("lines.8.external_id", "duplicate_in_batch"),
        ("lines.9.sold_at", "naive_datetime"),
    ]
    assert response.json()["type"] == "validation_error"
    assert list(SaleLine.objects.values_list("external_id", flat=True)) == ["OLD"]


def test_sold_at_within_five_minutes_is_accepted(dealer_client):
    soon = (timezone.now() + dt.timedelta(minutes=4)).isoformat()
    response = dealer_client.post("/api/v1/sales/", {"lines": [line(sold_at=soon)]}, format="json")
    assert response.status_code == 201


def test_manufacturer_names_the_dealer_per_line(manufacturer_client, dealer, other_dealer):
    body = {
        "lines": [line("A", dealer=dealer.code), line("A", dealer=other_dealer.code), line("B")]
    }
    response = manufacturer_client.post("/api/v1/sales/", body, format="json")
    assert response.status_code == 422
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("lines.2.dealer", "required")
    ]
    body["lines"].pop()
    assert manufacturer_client.post("/api/v1/sales/", body, format="json").status_code == 201
    assert SaleLine.objects.filter(external_id="A").count() == 2


def test_dealer_key_cannot_write_for_another_dealer(dealer_client, other_dealer):
    response = dealer_client.post(
        "/api/v1/sales/", {"lines": [line(dealer=other_dealer.code)]}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_dealer"
    assert not SaleLine.objects.exists()


def test_suspended_dealer_cannot_post(dealer_client, dealer):
    dealer.status = "suspended"
    dealer.save()
    response = dealer_client.post("/api/v1/sales/", {"lines": [line()]}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "dealer_read_only"


def test_batch_limit(dealer_client, monkeypatch):
    monkeypatch.setattr(services.ingest, "MAX_BATCH", 2)
    body = {"lines": [line("a"), line("b"), line("c")]}
    response = dealer_client.post("/api/v1/sales/", body, format="json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"code": "too_many_lines", "detail": "At most 2 lines per batch.", "attr": "lines"}
    ]


def test_ingestion_uses_a_constant_number_of_queries(dealer_client, dealer):
    def post(prefix, n):
        body = {"lines": [line(f"{prefix}{i}") for i in range(n)]}
        with CaptureQueriesContext(connection) as ctx:
            response = dealer_client.post("/api/v1/sales/", body, format="json")
        assert response.status_code == 201, response.content
        return len(ctx.captured_queries)

    post("warm", 1)
    assert post("few", 3) == post("many", 300)
    assert SaleLine.objects.filter(dealer=dealer).count() == 304


def test_ingest_returns_the_new_line_ids(dealer):
    product("SKU-1")
    outcome = services.sale_lines_ingest(actor=_dealer_key(dealer), lines=[line("N1"), line("N2")])
    assert sorted(outcome.created_ids) == sorted(
        SaleLine.objects.filter(dealer=dealer).values_list("pk", flat=True)
    )


def _dealer_key(dealer):
    from tests.factories import ApiKeyFactory

    return ApiKeyFactory.issue(dealer=dealer)[0]


def test_sales_filters(manufacturer_client, dealer, other_dealer):
    sale(dealer, "10.00", local(2026, 10, 5, 10, 0), external_id="A1")
    sale(dealer, "-5.00", local(2026, 11, 5, 10, 0), external_id="A2", region="CN-BJ")
    sale(other_dealer, "7.00", local(2026, 10, 6, 10, 0), external_id="B1")

    def ids(query):
        response = manufacturer_client.get(f"/api/v1/sales/?{query}")
        assert response.status_code == 200, response.content
        return sorted(row["external_id"] for row in response.json()["results"])

    assert ids(f"dealer={dealer.code}") == ["A1", "A2"]
    assert ids("region=CN-GD") == ["A1", "B1"]
    assert ids("returns=true") == ["A2"]
    assert ids("sold_after=2026-11-01T00:00:00%2B08:00") == ["A2"]
    assert ids("sku=SKU-1&sold_before=2026-10-06T00:00:00%2B08:00") == ["A1"]


# --- plans ---------------------------------------------------------------------------------


class TestCommissionPlansAPI(APIResourceTests):
    url = "/api/v1/commission-plans/"
    lookup_field = "code"
    list_max_queries = 6

    def make(self, dealer):
        plan = plan_p()
        busy = dealer.agreements.filter(status="active").exists()
        give_plan(dealer, plan, status="ended" if busy else "active")
        return plan

    def create_payload(self, dealer):
        tier("senior")
        return {
            "code": "NEW",
            "name": "New plan",
            "base_rate": "0.6",
            "step_mode": "marginal",
            "steps": [
                {"threshold": "100000", "rate": "0.02"},
                {"threshold": "50000", "rate": "0.01"},
            ],
            "tier_bonuses": [{"tier": "senior", "rate": "0.005"}],
        }

    def update_payload(self, obj):
        return {"name": "Renamed"}

    def test_create_stores_steps_and_tier_bonuses(self, manufacturer_client, dealer):
        response = manufacturer_client.post(self.url, self.create_payload(dealer), format="json")
        assert response.status_code == 201, response.content
        plan = CommissionPlan.objects.get(code="NEW")
        assert list(plan.steps.values_list("threshold", "rate")) == [
            (D("50000.00"), D("0.0100")),
            (D("100000.00"), D("0.0200")),
        ]
        assert response.json()["steps"][0] == {"threshold": "50000.00", "rate": "0.0100"}
        assert plan.tier_bonuses.get().rate == D("0.0050")

    @pytest.mark.parametrize(
        "change,attr,code",
        [
            ({"base_rate": "1.5"}, "base_rate", "max_value"),
            ({"base_rate": "0.12345"}, "base_rate", "max_decimal_places"),
            (
                {
                    "steps": [
                        {"threshold": "10", "rate": "0.05"},
                        {"threshold": "20", "rate": "0.02"},
                    ]
                },
                "steps",
                "rate_decreasing",
            ),
            (
                {
                    "steps": [
                        {"threshold": "10", "rate": "0.01"},
                        {"threshold": "10", "rate": "0.02"},
                    ]
                },
                "steps",
                "duplicate_threshold",
            ),
            ({"steps": [{"threshold": "10", "rate": "-0.01"}]}, "steps.0.rate", "min_value"),
            ({"steps": [{"threshold": "0", "rate": "0.01"}]}, "steps.0.threshold", "min_value"),
        ],
    )
    def test_validation(self, manufacturer_client, dealer, change, attr, code):
        payload = {**self.create_payload(dealer), **change}
        response = manufacturer_client.post(self.url, payload, format="json")
        assert response.status_code == 400, response.content
        assert (response.json()["errors"][0]["attr"], response.json()["errors"][0]["code"]) == (
            attr,
            code,
        )
        assert not CommissionPlan.objects.filter(code="NEW").exists()

    def test_update_replaces_steps(self, manufacturer_client, dealer):
        plan = self.make(dealer)
        response = manufacturer_client.patch(
            self.detail_url(plan), {"steps": [{"threshold": "1000", "rate": "0.03"}]}, format="json"
        )
        assert response.status_code == 200, response.content
        assert list(plan.steps.values_list("threshold", flat=True)) == [D("1000.00")]
        assert plan.tier_bonuses.count() == 2

    def test_dealer_cannot_write_plans(self, dealer_client, dealer):
        plan = self.make(dealer)
        assert (
            dealer_client.patch(self.detail_url(plan), {"name": "x"}, format="json").status_code
            == 403
        )
        assert (
            dealer_client.post(self.url, self.create_payload(dealer), format="json").status_code
            == 403
        )
        plan.refresh_from_db()
        assert plan.name != "x"

    def test_staff_without_permission_cannot_write(self, dealer):
        client = APIClient()
        client.force_authenticate(StaffUserFactory(groups=["support"]))
        assert client.post(self.url, self.create_payload(dealer), format="json").status_code == 403
        client.force_authenticate(StaffUserFactory(groups=["finance"]))
        assert client.post(self.url, self.create_payload(dealer), format="json").status_code == 201


# --- statements ----------------------------------------------------------------------------


def october_statement(dealer, mode="whole", total="320000.00"):
    if not dealer.agreements.exists():
        give_plan(dealer, plan_p(mode))
    sale(dealer, total, local(2026, 10, 5, 10, 0))
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    return CommissionStatement.objects.get(dealer=dealer, period=OCT)


class TestCommissionStatementsAPI(APIResourceTests):
    url = "/api/v1/commission-statements/"
    lookup_field = "pk"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        return october_statement(dealer)

    def test_filters(self, manufacturer_client, dealer, other_dealer):
        mine = october_statement(dealer)
        october_statement(other_dealer)
        finance = StaffUserFactory(groups=["finance"])
        services.statement_approve(statement=mine, actor=finance)

        def ids(query):
            return {
                row["id"]
                for row in manufacturer_client.get(f"{self.url}?{query}").json()["results"]
            }

        assert ids(f"dealer={dealer.code}") == {mine.pk}
        assert ids("status=approved") == {mine.pk}
        assert len(ids("period=2026-10")) == 2
        assert ids("period=2026-09") == set()

    def test_statement_body(self, dealer_client, dealer):
        statement = self.make(dealer)
        data = dealer_client.get(self.detail_url(statement)).json()
        assert data["period"] == "2026-10"
        assert (data["net_sales"], data["total"], data["status"]) == (
            "320000.00",
            "203200.00",
            "draft",
        )
        base = data["components"][0]
        assert (base["kind"], base["amount"]) == ("base", "192000.00")
        assert base["derivation"]["base_rate"] == "0.6"
        assert (
            base["dispute_url"]
            == f"/tickets/dispute/?subject=commissions.statementcomponent:{base['id']}"
        )

    def test_finance_key_approves_and_marks_paid(self, manufacturer_client, dealer):
        statement = self.make(dealer)
        url = self.detail_url(statement)
        wrong = manufacturer_client.post(
            f"{url}approve/", {"expected_total": "1.00"}, format="json"
        )
        assert wrong.status_code == 409
        assert wrong.json()["errors"][0]["code"] == "total_changed"
        response = manufacturer_client.post(
            f"{url}approve/", {"expected_total": "203200.00"}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "approved"
        again = manufacturer_client.post(
            f"{url}approve/", {"expected_total": "203200.00"}, format="json"
        )
        assert again.status_code == 400 and again.json()["errors"][0]["code"] == "not_draft"
        paid = manufacturer_client.post(
            f"{url}mark-paid/",
            {"reference": "BANK-7", "expected_total": "203200.00"},
            format="json",
        )
        assert paid.status_code == 200
        assert (paid.json()["status"], paid.json()["payment_reference"]) == ("paid", "BANK-7")

    def test_dealer_cannot_approve(self, dealer_client, dealer, other_dealer):
        mine, theirs = self.make(dealer), self.make(other_dealer)
        assert (
            dealer_client.post(f"{self.detail_url(mine)}approve/", {}, format="json").status_code
            == 403
        )
        assert (
            dealer_client.post(f"{self.detail_url(theirs)}approve/", {}, format="json").status_code
            == 404
        )
        mine.refresh_from_db()
        assert mine.status == "draft"

    def test_staff_outside_finance_cannot_approve(self, dealer):
        statement = self.make(dealer)
        client = APIClient()
        client.force_authenticate(StaffUserFactory(groups=["channel_manager"]))
        assert (
            client.post(f"{self.detail_url(statement)}approve/", {}, format="json").status_code
            == 403
        )
        finance = APIClient()
        finance.force_authenticate(StaffUserFactory(groups=["finance"]))
        response = finance.post(
            f"{self.detail_url(statement)}approve/",
            {"expected_total": str(statement.total)},
            format="json",
        )
        assert response.status_code == 200

    def test_adjustments(self, manufacturer_client, dealer):
        statement = self.make(dealer)
        url = f"{self.detail_url(statement)}adjustments/"
        missing = manufacturer_client.post(url, {"amount": "10.00"}, format="json")
        assert missing.status_code == 400 and missing.json()["errors"][0]["attr"] == "reason"
        response = manufacturer_client.post(
            url, {"amount": "-200.00", "reason": "Damaged unit"}, format="json"
        )
        assert response.status_code == 201, response.content
        statement.refresh_from_db()
        assert statement.total == D("203000.00")
        assert (
            StatementComponent.objects.get(statement=statement, kind="adjustment").reason
            == "Damaged unit"
        )


def test_unknown_dealer_sees_nothing(db):
    other = DealerFactory()
    october_statement(other)
    client = APIClient()
    from tests.factories import UserFactory

    client.force_authenticate(UserFactory())
    assert client.get("/api/v1/commission-statements/").status_code == 403
