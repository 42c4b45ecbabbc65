import datetime
import io

import pytest
from django.core.management import call_command

from dealers import services
from dealers.models import Dealer
from portal.models import JobRun
from tests.factories import AgreementFactory, DealerFactory, tier

pytestmark = pytest.mark.django_db
D = datetime.date


def test_end_dealer_transitions_terminates_after_the_transition_only(dealer):
    AgreementFactory(dealer=dealer, notice_period_days=30, transition_period_days=10)
    services.dealer_give_notice(dealer=dealer, given_on=D(2026, 11, 1))  # transition to 12-11
    out = io.StringIO()
    call_command("end_dealer_transitions", "--now", "2026-12-11", stdout=out)
    dealer.refresh_from_db()
    assert dealer.status == "terminating"
    call_command("end_dealer_transitions", "--now", "2026-12-12", "--dry-run", stdout=out)
    dealer.refresh_from_db()
    assert dealer.status == "terminating"
    call_command("end_dealer_transitions", "--now", "2026-12-12", stdout=out)
    dealer.refresh_from_db()
    assert dealer.status == "terminated"
    assert dealer.agreements.get().ends_on == D(2026, 12, 11)
    assert f"terminated 1 dealer(s): {dealer.code}" in out.getvalue()
    call_command("end_dealer_transitions", "--now", "2026-12-13", stdout=out)  # idempotent
    assert JobRun.objects.filter(job="end_dealer_transitions").count() == 4


def test_evaluate_tiers_command(dealer):
    tier("junior")
    terminated = DealerFactory(status=Dealer.Status.TERMINATED)
    out = io.StringIO()
    call_command("evaluate_tiers", "--period", "2026Q3", stdout=out)
    assert f"{dealer.code}: kept" in out.getvalue()
    assert terminated.code not in out.getvalue()
    assert dealer.tier_evaluations.get().period == "2026Q3"
