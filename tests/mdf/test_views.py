"""Portal pages of marketing funds (DOMAIN.md §14): the dealer's page and the staff queues,
each decision through the services, a constant number of queries."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from mdf import services
from mdf.models import Claim, FundRequest
from portal.clock import manufacturer_today
from tests.mdf.factories import accrue_q1, pdf, people, q1_dealer

pytestmark = pytest.mark.django_db


def test_a_dealer_requests_and_claims_and_staff_decide_on_the_page(client):
    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()
    client.force_login(who["owner"])
    page = client.get(reverse("mdf:fund"))
    assert page.status_code == 200
    assert "24,000.00" in page.content.decode()
    today = manufacturer_today()
    answer = client.post(
        reverse("mdf:request_new"),
        {
            "activity_type": "training",
            "title": "Installer training",
            "starts_on": str(today - dt.timedelta(days=1)),
            "ends_on": str(today),
            "planned_spend": "40000.00",
            "share": "0.5",
            "regions": ["CN-GD-SZ"],
        },
    )
    assert answer.status_code == 302
    request = FundRequest.objects.get()
    assert request.requested_amount == D("20000.00")
    client.force_login(who["manager"])
    assert "Installer training" in client.get(reverse("mdf:fund")).content.decode()
    client.post(reverse("mdf:request_decide", args=[request.pk, "approve"]))
    request.refresh_from_db()
    assert request.status == "approved"
    client.force_login(who["owner"])
    client.post(
        reverse("mdf:claim_new", args=[request.pk]), {"actual_spend": "36000.00", "files": [pdf()]}
    )
    claim = Claim.objects.get()
    client.force_login(who["finance"])
    body = client.get(reverse("mdf:fund")).content.decode()
    assert "invoice.pdf" in body
    proof = client.get(reverse("mdf:proof_download", args=[claim.proofs.get().pk]))
    assert proof["Content-Type"] == "application/pdf"
    client.post(
        reverse("mdf:claim_decide", args=[claim.pk, "approve"]), {"amount": "", "reason": ""}
    )
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == ("approved", D("18000.00"))
    client.force_login(who["owner"])
    body = client.get(reverse("mdf:fund")).content.decode()
    assert "6,000.00" in body
    assert "claim approved" in body


def test_a_bad_request_shows_the_error_and_changes_nothing(client):
    dealer = q1_dealer()
    who = people(dealer)
    client.force_login(who["owner"])
    today = str(manufacturer_today())
    answer = client.post(
        reverse("mdf:request_new"),
        {
            "activity_type": "event",
            "title": "X",
            "starts_on": today,
            "ends_on": today,
            "planned_spend": "10",
        },
        follow=True,
    )
    assert "available" in answer.content.decode()
    assert not FundRequest.objects.exists()


def test_the_pages_use_a_constant_number_of_queries(client, django_assert_max_num_queries):
    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()
    today = manufacturer_today()
    for n in range(6):
        r = services.request_submit(
            actor=who["owner"],
            activity_type="digital",
            title=f"Ads {n}",
            starts_on=today,
            ends_on=today,
            planned_spend="100.00",
        )
        services.request_approve(actor=who["manager"], request=r)
        services.claim_submit(actor=who["owner"], request=r, actual_spend="100.00", files=[pdf()])
    for user in (who["owner"], who["finance"]):
        client.force_login(user)
        with django_assert_max_num_queries(25):
            assert client.get(reverse("mdf:fund")).status_code == 200


def test_the_finance_home_lists_claims_to_decide(client):
    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()
    today = manufacturer_today()
    r = services.request_submit(
        actor=who["owner"],
        activity_type="event",
        title="Open day",
        starts_on=today,
        ends_on=today,
        planned_spend="100.00",
    )
    services.request_approve(actor=who["manager"], request=r)
    services.claim_submit(actor=who["owner"], request=r, actual_spend="80.00", files=[pdf()])
    client.force_login(who["finance"])
    body = client.get(reverse("home")).content.decode()
    assert 'id="section-mdf-claims"' in body
    assert "Open day" in body
