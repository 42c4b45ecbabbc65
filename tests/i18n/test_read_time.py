"""System-generated text is stored as msgid + parameters and read in the reader's language:
notifications (portal, API, e-mail), automatic ticket titles, tier and product-line names."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from commissions.models import SaleLine
from conflicts import services as conflict_services
from conflicts.models import Ticket
from dealers.models import DealerMembership, Product, Tier
from dealers.services import tier_evaluate
from portal.messages import Message
from portal.models import Notification
from portal.notifications import notification_send
from tests.conflicts.factories import defaults, sh
from tests.factories import (
    DealerFactory,
    DealerUserFactory,
    ProductLineFactory,
    TerritoryFactory,
    UserFactory,
    region_tree,
    tier,
)

pytestmark = pytest.mark.django_db


def test_a_message_renders_in_the_active_language_with_typed_parameters():
    message = Message(
        "Ticket #%(id)s is now %(status)s",
        id=7,
        status=Message.choice(Ticket, "status", "resolved"),
    )
    assert message.render("en") == "Ticket #7 is now resolved"
    assert message.render("zh-hans") == "工单 #7 现为“已解决”"
    assert message.render("zh-hant") == "工單 #7 現為“已解決”"
    # stored and read back: the same text
    assert Message.from_json(message.as_json()).render("zh-hans") == message.render("zh-hans")


def test_notification_is_stored_as_key_and_params_and_read_in_each_language():
    user = UserFactory(email="u@example.com", preferred_language="zh-hant")
    message = Message("Your commission for %(period)s is paid", period="2026-11")
    [row] = notification_send(recipients=[user], kind="test", title=message, email=False)
    row.refresh_from_db()
    assert row.title == "Your commission for 2026-11 is paid"  # the English fallback
    assert row.title_message == {
        "key": "Your commission for %(period)s is paid",
        "params": {"period": "2026-11"},
    }
    with translation.override("zh-hans"):
        assert row.display_title == "您 2026-11 的佣金已支付"
    with translation.override("zh-hant"):
        assert row.display_title == "您 2026-11 的佣金已支付"
    with translation.override("en"):
        assert row.display_title == "Your commission for 2026-11 is paid"


def test_a_notification_written_before_messages_shows_its_stored_text():
    user = UserFactory()
    row = Notification.objects.create(recipient=user, kind="old", title="Old English text")
    with translation.override("zh-hans"):
        assert row.display_title == "Old English text"


def test_notification_api_renders_in_the_requests_language_with_key_and_params(client):
    user = UserFactory(preferred_language="")  # no saved choice: Accept-Language decides
    notification_send(
        recipients=[user],
        kind="test",
        title=Message("Your tier is now %(tier)s", tier=Message.names(tier("junior"))),
        email=False,
    )
    client.force_login(user)
    response = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    [item] = response.json()["results"]
    assert item["title"] == "您的等级现为初级"
    assert item["message"]["key"] == "Your tier is now %(tier)s"
    assert item["message"]["params"]["tier"]["names"]["zh-hant"] == "初級"


def test_notification_page_shows_the_readers_language(client):
    user = UserFactory(preferred_language="zh-hans")
    notification_send(
        recipients=[user],
        kind="test",
        title=Message("Your commission for %(period)s is paid", period="2026-11"),
        email=False,
    )
    client.force_login(user)
    html = client.get("/notifications/").content.decode()
    assert "您 2026-11 的佣金已支付" in html
    assert "Your commission for" not in html


def test_email_follows_the_recipients_preference(django_capture_on_commit_callbacks):
    hant = UserFactory(email="hant@example.com", preferred_language="zh-hant")
    english = UserFactory(email="en@example.com", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipients=[hant, english],
            kind="test",
            title=Message("Your dealer account is reinstated"),
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "hant@example.com": "您的經銷商帳戶已恢復",
        "en@example.com": "Your dealer account is reinstated",
    }


def test_seeded_tiers_have_chinese_names_shown_per_language():
    junior = Tier.objects.get(code="junior")  # named by the migration
    assert (junior.name_zh_hans, junior.name_zh_hant) == ("初级", "初級")
    for language, shown in [("en", "Junior"), ("zh-hans", "初级"), ("zh-hant", "初級")]:
        with translation.override(language):
            assert str(junior) == shown


def test_product_line_name_falls_back_from_traditional_to_simplified_to_english():
    line = ProductLineFactory(code="PL-X", name="Routers", name_zh_hans="路由器")
    with translation.override("zh-hant"):
        assert line.display_name == "路由器"
    line.name_zh_hans = ""
    with translation.override("zh-hant"):
        assert line.display_name == "Routers"


def test_tier_change_notification_and_reason_in_the_owners_language():
    dealer = DealerFactory(tier=tier("junior"))
    owner = DealerUserFactory(
        membership__dealer=dealer,
        membership__role=DealerMembership.Role.OWNER,
        preferred_language="zh-hans",
    )
    change = tier_evaluate(
        dealer=dealer,
        period="2026Q3",
        trailing_sales=Decimal("0"),
        score=None,
        on_date=date(2026, 10, 1),
    ) or tier_evaluate(
        dealer=dealer,
        period="2026Q4",
        trailing_sales=Decimal("0"),
        score=None,
        on_date=date(2027, 1, 1),
    )
    assert change is not None and change.to_tier.code == "registered"
    with translation.override("zh-hans"):
        assert "降为注册" in change.display_reason
    notification = Notification.objects.get(recipient=owner, kind="tier_changed")
    with translation.override("zh-hant"):
        assert notification.display_title == "您的等級現為註冊"


def test_channel_conflict_ticket_title_is_read_in_the_readers_language():
    defaults()
    tree = region_tree()
    line = ProductLineFactory(code="PL-HOME", name="Home", name_zh_hans="家庭")
    product = Product.objects.create(sku="H-1", name="Home", product_line=line)
    holder, seller = DealerFactory(code="HOLD"), DealerFactory(code="SELL")
    TerritoryFactory(
        dealer=holder,
        region=tree["CN-GD"],
        product_line=line,
        exclusive=True,
        starts_on=date(2026, 1, 1),
    )
    sale = SaleLine.objects.create(
        dealer=seller,
        external_id="S1",
        product=product,
        quantity=Decimal("1"),
        amount=Decimal("100"),
        currency="CNY",
        sold_at=sh(2026, 11, 10, 12),
        ship_to_region=tree["CN-GD-SZ"],
    )
    with translation.override("zh-hant"):  # whatever language the ingestion ran in
        assert conflict_services.channel_conflicts_open_for_sale_lines(sale_line_ids=[sale.pk])
    ticket = Ticket.objects.get()
    assert ticket.title == "Sale S1 by SELL shipped into exclusive territory CN-GD"
    with translation.override("zh-hans"):
        assert ticket.display_title == "SELL 的销售 S1 发往独家授权区域 CN-GD"
        assert "家庭" in ticket.display_description
        assert "2026年11月10日" in ticket.display_description
    with translation.override("en"):
        assert ticket.display_title == ticket.title


def test_tier_api_gives_the_chinese_names(manufacturer_client):
    data = manufacturer_client.get("/api/v1/tiers/expert/").json()
    assert (data["name"], data["name_zh_hans"], data["name_zh_hant"]) == (
        "Expert",
        "专家级",
        "專家級",
    )
