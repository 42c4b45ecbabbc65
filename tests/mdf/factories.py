"""Helpers of the marketing-fund tests: the §14 example's dealer."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def q1_dealer(code="MDF-A"):
    """A dealer on plan P (mdf_rate 0.02) with Q1 2026 net sales of 1,200,000.00."""
    dealer = DealerFactory(code=code)
    give_plan(dealer, plan_p("whole"), starts_on=dt.date(2025, 1, 1))
    sale(dealer, "700000.00", local(2026, 1, 15, 10, 0))
    sale(dealer, "500000.00", local(2026, 3, 31, 23, 0))
    return dealer


def accrue_q1():
    out = StringIO()
    call_command("run_quarterly_reviews", quarter="2026Q1", stdout=out)
    return out.getvalue()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def people(dealer):
    return {
        "owner": DealerUserFactory(membership__dealer=dealer, membership__role="owner"),
        "manager": StaffUserFactory(groups=["channel_manager"]),
        "executive": StaffUserFactory(groups=["executive"]),
        "finance": StaffUserFactory(groups=["finance"]),
    }


def money(value) -> D:
    return D(value)


def mdf_bundle(dealer, user, *, title="Show"):
    """A fund with an allocation, one paid request and one submitted (for list tests)."""
    from mdf import services
    from portal.clock import manufacturer_today
    from tests.factories import ApiKeyFactory

    staff = ApiKeyFactory.issue(manufacturer=True)[0]
    services.fund_allocate(actor=staff, dealer=dealer, amount="1000.00", reason="test")
    today = manufacturer_today()
    request = services.request_submit(
        actor=user, activity_type="event", title=title, starts_on=today, ends_on=today,
        planned_spend="200.00", regions=[dealer.region],
    )
    services.request_approve(actor=staff, request=request)
    claim = services.claim_submit(actor=user, request=request, actual_spend="150.00", files=[pdf()])
    services.claim_approve(actor=staff, claim=claim)
    services.request_submit(
        actor=user, activity_type="digital", title=title, starts_on=today, ends_on=today,
        planned_spend="100.00",
    )
