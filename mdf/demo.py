"""Demo data for marketing funds (called by `manage.py seed_demo`; idempotent): last quarter's
accrual for every demo dealer, a launch allocation for Guangzhou, and Guangzhou's requests in
each state of the flow — paid (claimed with a PDF and approved by finance), approved (to
claim), awaiting an executive, and submitted."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dealers.models import Dealer, DealerMembership
from mdf import services
from mdf.models import FundRequest, Movement
from portal.clock import manufacturer_today
from portal.models import User
from portal.periods import Quarter

DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ALLOCATION_REASON = "Demo: launch of the spring range"
#: (title, activity type, planned spend, share, the state it is left in)
REQUESTS = [
    ("Spring home show", "exhibition", "40000.00", "0.5", "paid"),
    ("Installer training day", "training", "6000.00", "0.5", "approved"),
    ("City billboard campaign", "advertising", "120000.00", "0.5", "awaiting_executive"),
    ("Social media ads", "digital", "4000.00", "1", "submitted"),
]


def _staff(group):
    return User.objects.filter(is_active=True, groups__name=group).order_by("pk").first()


def _owner(dealer):
    membership = DealerMembership.objects.filter(
        dealer=dealer, role=DealerMembership.Role.OWNER
    ).first()
    return membership.user if membership else None


def _requests(dealer, today):
    owner, manager, finance = _owner(dealer), _staff("channel_manager"), _staff("finance")
    executive = _staff("executive")
    if None in (owner, manager, finance, executive):
        return
    start = today - dt.timedelta(days=20)
    for title, kind, planned, share, state in REQUESTS:
        request = services.request_submit(
            actor=owner,
            activity_type=kind,
            title=title,
            starts_on=start,
            ends_on=start + dt.timedelta(days=3),
            planned_spend=planned,
            share=share,
            regions=[dealer.region],
        )
        if state == "submitted":
            continue
        services.request_approve(actor=manager, request=request)
        if state == "paid":
            proof = SimpleUploadedFile("invoice.pdf", DEMO_PDF, content_type="application/pdf")
            claim = services.claim_submit(
                actor=owner, request=request, actual_spend="36000.00", files=[proof]
            )
            services.claim_approve(actor=finance, claim=claim)


def seed(stdout):
    quarter = Quarter.current().previous()
    for dealer in Dealer.objects.filter(code__startswith="DEMO-").order_by("code"):
        services.fund_accrue(dealer=dealer, quarter=quarter)
    gz = Dealer.objects.filter(code="DEMO-GZ").first()
    if gz is not None:
        if not Movement.objects.filter(
            dealer=gz, kind=Movement.Kind.ALLOCATION, reason=ALLOCATION_REASON
        ).exists():
            manager = _staff("channel_manager")
            if manager is not None:
                services.fund_allocate(
                    actor=manager,
                    dealer=gz,
                    amount=Decimal("100000.00"),
                    reason=ALLOCATION_REASON,
                    now=timezone.now(),
                )
        if not FundRequest.objects.filter(dealer=gz).exists():
            _requests(gz, manufacturer_today())
    stdout.write(
        f"mdf: {Movement.objects.count()} fund movements, {FundRequest.objects.count()} requests"
    )
    return []
