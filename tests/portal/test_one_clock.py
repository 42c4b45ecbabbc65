"""One clock, labelled (issue 12): every page type, notification and e-mail shows an
instant in the manufacturer's zone (Asia/Shanghai), never in the server's UTC, and each
page names the zone once. The known instant is 2026-11-23 09:44 UTC = 17:44 in Shanghai."""

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import dateformat

from commissions import services as commission_services
from commissions.models import CommissionStatement
from conflicts import services as conflict_services
from inventory.models import StockLevel
from portal.clock import format_instant
from portal.models import Notification
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.conflicts.factories import make_ticket, sh
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory, region_tree
from tests.inventory.factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
INSTANT = dt.datetime(2026, 11, 23, 9, 44, tzinfo=dt.UTC)  # 17:44 in Shanghai
ZONE_NOTE = "Times in Asia/Shanghai (UTC+8)"


def _clock_faces(instant: dt.datetime) -> set[str]:
    """How a wall-clock time may be printed: 17:44, or Django's "5:44 p.m." / "10 a.m."."""
    return {f"{instant:%H:%M}", dateformat.format(instant, "P")}


def assert_local_time(body: str, instant: dt.datetime = INSTANT, where: str = "") -> None:
    """The instant's Shanghai wall clock is on the page, its UTC wall clock is not."""
    local = _clock_faces(instant.astimezone(SHANGHAI))
    utc = _clock_faces(instant.astimezone(dt.UTC))
    assert any(face in body for face in local), f"{where}: {local} (Shanghai) missing"
    assert not any(face in body for face in utc), f"{where}: {utc} (UTC) rendered"
    assert instant.astimezone(dt.UTC).isoformat() not in body


@pytest.fixture
def world(db):
    """A dealer with one of everything stamped with INSTANT."""
    dealer = DealerFactory()
    user = DealerUserFactory(membership__dealer=dealer)
    ticket = make_ticket(dealer, opened_at=INSTANT.astimezone(SHANGHAI))
    Notification.objects.create(recipient=user, kind="test", title="Hello")
    Notification.objects.update(created_at=INSTANT)
    warehouse = WarehouseFactory(dealer=dealer)
    level = StockLevel.objects.create(
        warehouse=warehouse, product=ProductFactory(), quantity=D("0"), as_of=INSTANT
    )
    StockLevel.objects.filter(pk=level.pk).update(updated_at=INSTANT)
    give_plan(dealer, plan_p())
    sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
    commission_services.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    commission_services.statement_approve(
        statement=statement, actor=StaffUserFactory(groups=["finance"]), now=INSTANT
    )
    return {
        "dealer": dealer,
        "user": user,
        "ticket": ticket,
        "level": level,
        "statement": statement,
    }


def test_portal_pages_show_the_manufacturers_clock(client, world):
    client.force_login(world["user"])
    ticket = world["ticket"]
    for url in (
        f"/tickets/{ticket.pk}/",
        "/notifications/",
        "/stock/",
        f"/statements/{world['statement'].pk}/",
    ):
        body = client.get(url).content.decode()
        assert_local_time(body, where=url)
        assert body.count(ZONE_NOTE) == 1, url
    due = ticket.resolution_due
    for url in ("/tickets/", "/"):
        body = client.get(url).content.decode()
        assert_local_time(body, due, where=url)
        assert body.count(ZONE_NOTE) == 1, url


def test_admin_pages_show_the_manufacturers_clock(client, world):
    client.force_login(StaffUserFactory(is_superuser=True))
    ticket, level, statement = world["ticket"], world["level"], world["statement"]
    for url in (
        "/admin/inventory/stocklevel/",
        f"/admin/inventory/stocklevel/{level.pk}/change/",
        "/admin/portal/notification/",
        "/admin/commissions/commissionstatement/",
        f"/admin/commissions/commissionstatement/{statement.pk}/change/",
        f"/admin/conflicts/ticket/{ticket.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert_local_time(body, where=url)
        assert body.count(ZONE_NOTE) == 1, url


def test_notifications_and_emails_show_the_manufacturers_clock(
    db, django_capture_on_commit_callbacks
):
    manager = StaffUserFactory(groups=["channel_manager"])
    region_tree()["CN-GD"].channel_managers.add(manager)
    ticket = make_ticket(opened_at=sh(2026, 11, 23, 9))  # resolution due Wed 15:00 Shanghai
    assert ticket.resolution_due == dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        conflict_services.ticket_escalate_due(now=sh(2026, 11, 25, 10, 12))
    note = Notification.objects.get(recipient=manager, kind="ticket.escalated")
    # the reader's date style (portal.formats), the manufacturer's wall clock, the zone named
    assert "25 Nov 2026 15:00 (UTC+8)" in note.body
    assert "07:00" not in note.body and "2026-11-25T" not in note.body
    email = next(m for m in mail.outbox if manager.email in m.to)
    assert "25 Nov 2026 15:00 (UTC+8)" in email.body
    assert "07:00" not in email.body


def test_format_instant_is_for_people():
    assert format_instant(dt.datetime(2026, 11, 23, 9, 44, 5, 123456, tzinfo=dt.UTC)) == (
        "2026-11-23 17:44 (UTC+8)"
    )
    assert format_instant(None) == "—"


def test_a_stock_files_naive_time_is_the_manufacturers(client, world):
    """A stock file's 10:00 is 10:00 in Shanghai, on the preview and on the stock page
    (it used to show as 2 a.m., its UTC wall clock)."""
    client.force_login(world["user"])
    level = world["level"]
    text = f"warehouse,sku,quantity,as_of\n{level.warehouse.code},{level.product.sku},5,2026-11-24 10:00\n"
    upload = SimpleUploadedFile("stock.csv", text.encode(), content_type="text/csv")
    preview = client.post("/stock/upload/", {"file": upload})
    ten = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
    assert_local_time(client.get(preview.url).content.decode(), ten, where="preview")
    client.post(preview.url)
    level.refresh_from_db()
    assert level.as_of == ten
    assert_local_time(client.get("/stock/").content.decode(), ten, where="/stock/")
