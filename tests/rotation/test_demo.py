"""The demo seed is idempotent: one suggestion and one transfer in each state."""

from io import StringIO

import pytest
from django.core.management import call_command

from commissions import demo as commissions_demo
from dealers import demo as dealers_demo
from inventory import demo as inventory_demo
from rotation import demo
from rotation.models import StockTransfer, TransferSuggestion

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_with_every_transfer_state():
    for below in (dealers_demo, commissions_demo, inventory_demo):
        below.seed(StringIO())
    demo.seed(StringIO())
    [suggestion] = TransferSuggestion.objects.all()
    assert (suggestion.source_dealer.code, suggestion.destination_dealer.code) == (
        "DEMO-GZ",
        "DEMO-SZ",
    )
    states = sorted(StockTransfer.objects.values_list("status", flat=True))
    assert states == sorted(s.value for s in StockTransfer.Status)
    demo.seed(StringIO())
    assert StockTransfer.objects.count() == len(states)
    assert TransferSuggestion.objects.count() == 1
    call_command("check_stock_ledger", stdout=StringIO(), stderr=StringIO())
