"""Portal pages and the admin."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commissions.models import SaleLine
from conflicts import services
from conflicts.models import Ticket, TicketAttachment, TicketComment
from portal.clock import manufacturer_zone
from tests.conflicts.factories import defaults, make_ticket
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def dealer_web(client, dealer):
    user = DealerUserFactory(membership__dealer=dealer)
    client.force_login(user)
    client.user = user
    return client


def test_list_shows_own_and_counterparty_tickets_only(
    dealer_web, dealer, django_assert_max_num_queries
):
    other = DealerFactory()
    mine = [make_ticket(dealer) for _ in range(3)]
    channel = make_ticket(other, category="channel", counterparty=dealer)
    hidden = make_ticket(other, title="secret-of-other")
    dealer_web.get("/tickets/")
    with django_assert_max_num_queries(10):
        response = dealer_web.get("/tickets/")
    assert response.status_code == 200
    ids = {t.pk for t in response.context["tickets"]}
    assert ids == {t.pk for t in mine} | {channel.pk}
    assert hidden.title not in response.content.decode()
    more = [make_ticket(dealer) for _ in range(5)]
    with django_assert_max_num_queries(10):
        response = dealer_web.get("/tickets/")
    assert len(response.context["tickets"]) == 9 and more


def test_list_filters_by_sla_state(dealer_web, dealer):
    late = make_ticket(dealer, priority="emergency", opened_at=timezone.now() - timedelta(hours=6))
    make_ticket(dealer)
    response = dealer_web.get("/tickets/?sla_state=breached")
    assert [t.pk for t in response.context["tickets"]] == [late.pk]


def test_dealer_opens_ticket_with_attachment(dealer_web, dealer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    defaults()
    response = dealer_web.post(
        "/tickets/new/",
        {
            "category": "quality",
            "priority": "emergency",
            "title": "Batch failing",
            "description": "Units fail",
            "file": SimpleUploadedFile("photo.png", PNG),
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.pk}/"
    assert (ticket.dealer, ticket.priority, ticket.group) == (dealer, "emergency", "support")
    assert TicketAttachment.objects.get().content_type == "image/png"
    page = dealer_web.get(response.url)
    assert "Batch failing" in page.content.decode()
    assert page.context["explanation"]["resolution"]["target_minutes"] == 240


def test_bad_attachment_leaves_nothing(dealer_web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    defaults()
    response = dealer_web.post(
        "/tickets/new/",
        {
            "category": "quality",
            "priority": "low",
            "title": "x",
            "file": SimpleUploadedFile("a.pdf", b"nope"),
        },
    )
    assert response.status_code == 200
    assert "Only PDF, JPEG and PNG files are accepted." in response.content.decode()
    assert not Ticket.objects.exists()


def test_other_dealers_ticket_is_404(dealer_web):
    ticket = make_ticket(DealerFactory())
    assert dealer_web.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert dealer_web.post(f"/tickets/{ticket.pk}/comment/", {"body": "x"}).status_code == 404
    assert not TicketComment.objects.exists()


def test_dealer_comments_and_sees_only_public(dealer_web, dealer):
    staff = StaffUserFactory(is_superuser=True)
    ticket = make_ticket(dealer)
    services.ticket_comment(actor=staff, ticket=ticket, body="staff-internal-note", internal=True)
    services.ticket_comment(actor=staff, ticket=ticket, body="public answer")
    dealer_web.post(f"/tickets/{ticket.pk}/comment/", {"body": "thanks!"})
    page = dealer_web.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "public answer" in page and "thanks!" in page
    assert "staff-internal-note" not in page


def test_counterparty_sees_but_reads_public_only(client, dealer):
    other = DealerFactory()
    ticket = make_ticket(other, category="channel", counterparty=dealer)
    staff = StaffUserFactory(is_superuser=True)
    services.ticket_comment(actor=staff, ticket=ticket, body="internal-x", internal=True)
    client.force_login(DealerUserFactory(membership__dealer=dealer))
    page = client.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200
    assert page.context["is_counterparty"]
    assert "internal-x" not in page.content.decode()


def test_dealer_reopens_resolved_ticket(dealer_web, dealer):
    staff = StaffUserFactory(is_superuser=True)
    ticket = make_ticket(dealer)
    services.ticket_comment(actor=staff, ticket=ticket, body="fixed?")
    services.ticket_transition(actor=staff, ticket=ticket, status="resolved")
    dealer_web.post(f"/tickets/{ticket.pk}/transition/", {"status": "in_progress"})
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


def test_dispute_page_opens_commission_ticket(dealer_web, dealer):
    defaults()
    from dealers.models import Product
    from tests.factories import ProductLineFactory, region_tree

    product = Product.objects.create(sku="X-1", name="X", product_line=ProductLineFactory())
    sale = SaleLine.objects.create(
        dealer=dealer,
        external_id="E1",
        product=product,
        quantity=1,
        amount=100,
        currency="CNY",
        sold_at=timezone.now(),
        ship_to_region=region_tree()["CN-BJ"],
    )
    url = f"/tickets/dispute/?subject=commissions.saleline:{sale.pk}"
    assert dealer_web.get(url).status_code == 200
    response = dealer_web.post(url, {"title": "Amount wrong", "body": "should be 90"})
    ticket = Ticket.objects.get()
    assert response.url == f"/tickets/{ticket.pk}/"
    assert (ticket.category, ticket.subject) == ("commission", sale)
    theirs = SaleLine.objects.create(
        dealer=DealerFactory(),
        external_id="E2",
        product=product,
        quantity=1,
        amount=100,
        currency="CNY",
        sold_at=timezone.now(),
        ship_to_region=region_tree()["CN-BJ"],
    )
    assert (
        dealer_web.get(f"/tickets/dispute/?subject=commissions.saleline:{theirs.pk}").status_code
        == 404
    )
    assert dealer_web.get("/tickets/dispute/?subject=nonsense").status_code == 404


def test_admin_queue_and_answer(client, django_assert_max_num_queries):
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)
    dealer = DealerFactory()
    tickets = [make_ticket(dealer, priority="emergency") for _ in range(3)]
    late = make_ticket(dealer, priority="emergency", opened_at=timezone.now() - timedelta(hours=6))
    client.get("/admin/conflicts/ticket/")
    with django_assert_max_num_queries(15):
        response = client.get("/admin/conflicts/ticket/?sla_state=breached")
    assert response.status_code == 200
    assert [t.pk for t in response.context["cl"].result_list] == [late.pk]
    page = client.get(f"/admin/conflicts/ticket/{late.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/conflicts/ticket/{late.pk}/change/",
        {
            "priority": "emergency",
            "category": "product",
            "assignee": staff.pk,
            "reply": "We are on it",
            "new_status": "",
            "at": "",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    late.refresh_from_db()
    assert late.first_response_at is not None
    assert late.assignee == staff
    assert late.comments.get().body == "We are on it"
    # bulk assignment
    response = client.post(
        "/admin/conflicts/ticket/",
        {
            "action": "assign_selected",
            "assignee": staff.pk,
            "_selected_action": [t.pk for t in tickets],
        },
    )
    assert response.status_code == 302
    assert Ticket.objects.filter(assignee=staff).count() == 4


def test_admin_opens_ticket_on_behalf_with_opened_at(client):
    defaults()
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)
    dealer = DealerFactory()
    # Staff type the manufacturer's wall clock (one clock for every page).
    opened = timezone.localtime(timezone.now() - timedelta(hours=3), manufacturer_zone())
    response = client.post(
        "/admin/conflicts/ticket/add/",
        {
            "dealer": dealer.pk,
            "category": "contract",
            "priority": "normal",
            "title": "Phone call",
            "description": "",
            "opened_at": opened.strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.get()
    assert abs((ticket.opened_at - opened).total_seconds()) < 1
    assert ticket.group == "legal"


def test_admin_pages_for_policies_and_calendars(client):
    defaults()
    client.force_login(StaffUserFactory(is_superuser=True))
    for url in [
        "/admin/conflicts/slapolicy/",
        "/admin/conflicts/businesscalendar/",
        "/admin/conflicts/escalation/",
        "/admin/conflicts/regioncalendar/",
        "/admin/conflicts/ticket/add/",
    ]:
        assert client.get(url).status_code == 200, url
    from conflicts.models import BusinessCalendar, SlaPolicy

    assert (
        client.get(f"/admin/conflicts/slapolicy/{SlaPolicy.objects.first().pk}/change/").status_code
        == 200
    )
    assert (
        client.get(
            f"/admin/conflicts/businesscalendar/{BusinessCalendar.objects.first().pk}/change/"
        ).status_code
        == 200
    )
