"""The right words on the screen: ambiguous short words carry a context, so the same
English word in two apps is not translated by whichever catalogue Django loads first."""

import pytest
from django.utils import translation

from conflicts.models import Ticket
from inventory.models import StockAlert


@pytest.mark.parametrize(
    ("language", "priority_low", "status_resolved"),
    [("zh-hans", "低", "已解决"), ("zh-hant", "低", "已解決")],
)
def test_ticket_priority_and_status_are_not_the_stock_alerts_words(
    language, priority_low, status_resolved
):
    with translation.override(language):
        assert str(Ticket.Priority.LOW.label) == priority_low
        assert str(Ticket.Status.RESOLVED.label) == status_resolved
        # the stock alert keeps its own meaning of the same English words
        assert str(StockAlert._meta.get_field("resolved_at").verbose_name) in (
            "解除时间",
            "解除時間",
        )


@pytest.mark.django_db
def test_public_form_names_the_credit_code_in_taiwan_wording(client):
    html = client.get("/apply/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "統一社會信用代碼" in html
    assert "程式碼" not in html
