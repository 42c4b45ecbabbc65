"""House rule: every list keeps a constant number of queries as rows grow.

A sweep over every admin changelist of the project's apps (sale lines, stock levels,
movements, tickets, statements, ...), plus list endpoints the per-resource tests do not
cover: one "bundle" of rows (a dealer with its member, territory, agreement, warehouse
stock, a sale, a statement, a ticket with comment and attachment), then four more — the
page must not run more queries."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissions import services as commission_services
from conflicts import services as conflict_services
from conflicts.services import SYSTEM
from dealers.calculations import credit_code_check_character
from dealers.models import Certification
from inventory import services as inventory_services
from portal import events
from portal.job_runs import job_run
from reviews.models import QuarterlyReview
from tests.collaboration.factories import (
    ActionItemFactory,
    AnnouncementFactory,
    MeetingFactory,
    NotificationFactory,
)
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.conflicts.factories import make_ticket
from tests.dealers.factories import CertificationProgramFactory, submit_application
from tests.factories import (
    ApiKeyFactory,
    DealerFactory,
    MembershipFactory,
    StaffUserFactory,
    TerritoryFactory,
)
from tests.inventory.factories import ProductFactory, ReorderRuleFactory, WarehouseFactory
from tests.mdf.factories import mdf_bundle

pytestmark = pytest.mark.django_db

APPS = set(settings.PROJECT_APPS)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def bundles(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    state = {"n": 0, "plan": None, "tickets": []}

    def add(count):
        state["plan"] = state["plan"] or plan_p()
        for _ in range(count):
            i = state["n"] = state["n"] + 1
            dealer = DealerFactory()
            mdf_bundle(dealer, MembershipFactory(dealer=dealer).user)
            TerritoryFactory(dealer=dealer)
            give_plan(dealer, state["plan"])
            warehouse = WarehouseFactory(dealer=dealer)
            product = ProductFactory()
            inventory_services.stock_levels_apply_sets(
                actor=ApiKeyFactory.issue(manufacturer=True)[0],
                items=[
                    {
                        "warehouse": warehouse.code,
                        "sku": product.sku,
                        "quantity": 10 + i,
                        "as_of": "2026-11-20T08:00:00+08:00",
                    }
                ],
            )
            sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
            commission_services.statements_build(period=OCT, dealer_ids=[dealer.pk])
            ticket = make_ticket(dealer)
            conflict_services.ticket_comment(actor=SYSTEM, ticket=ticket, body=f"comment {i}")
            conflict_services.ticket_attach(
                actor=SYSTEM, ticket=ticket, upload=SimpleUploadedFile(f"p{i}.png", PNG)
            )
            state["tickets"].append(ticket)
            member = MembershipFactory(dealer=dealer).user
            program = CertificationProgramFactory()
            Certification.objects.create(
                dealer=dealer,
                user=member,
                program=program,
                passed_on=dt.date(2026, 1, 1),
                expires_on=dt.date(2028, 1, 1),
            )
            first17 = f"91440300MA{i:07d}"
            submit_application(
                credit_code=first17 + credit_code_check_character(first17),
                email=f"applicant{i}@example.com",
            )
            ReorderRuleFactory(product=product)
            review = QuarterlyReview.objects.create(dealer=dealer, quarter="2026Q3")
            ActionItemFactory(meeting=None, review=review)
            with transaction.atomic():
                events.record("sales.recorded", {"sale_line_ids": []}, dealer=dealer)
            action_item = ActionItemFactory(meeting=MeetingFactory(dealer=dealer))
            NotificationFactory(recipient=action_item.owner)
            AnnouncementFactory()
            with job_run("query-count-test"):
                pass
        return state

    return add


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _changelists():
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
        if model._meta.app_label in APPS
    )


def test_every_admin_changelist_is_constant_in_rows(client, bundles):
    client.force_login(StaffUserFactory(is_superuser=True))
    bundles(1)
    urls = _changelists()
    assert "/admin/commissions/saleline/" in urls
    assert "/admin/inventory/stockmovement/" in urls
    assert {"/admin/reviews/quarterlyreview/", "/admin/collaboration/meeting/"} <= set(urls)
    assert "/admin/portal/event/" in urls
    for url in urls:  # warm-up (content types, sessions, caches)
        _count(client, url)
    few = {url: _count(client, url) for url in urls}
    bundles(4)
    grown = {url: n for url in urls if (n := _count(client, url)) > few[url]}
    assert not grown, {url: (few[url], n) for url, n in grown.items()}


def test_ticket_attachment_and_comment_lists_are_constant(manufacturer_client, bundles):
    state = bundles(1)
    ticket = state["tickets"][0]
    for i in range(4):
        conflict_services.ticket_comment(actor=SYSTEM, ticket=ticket, body=f"more {i}")
        conflict_services.ticket_attach(
            actor=SYSTEM, ticket=ticket, upload=SimpleUploadedFile(f"m{i}.png", PNG)
        )
    other = bundles(1)["tickets"][-1]
    for url_of in (
        lambda t: f"/api/v1/tickets/{t.pk}/attachments/",
        lambda t: f"/api/v1/tickets/{t.pk}/comments/",
    ):
        _count(manufacturer_client, url_of(other))
        one_row = _count(manufacturer_client, url_of(other))
        many = manufacturer_client.get(url_of(ticket))
        assert len(many.json()) == 5
        assert _count(manufacturer_client, url_of(ticket)) <= one_row


STAFF_PAGES = [
    "/tickets/",
    "/statements/",
    "/stock/",
    "/stock/regions/",
    "/stock/regions/CN-GD/",
    "/reviews/",
    "/meetings/",
    "/action-items/",
    "/announcements/",
    "/notifications/",
    "/mdf/",
    "/",
]


def _api_list_urls():
    from portal.api.urls import router

    return sorted(f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry)


def test_staff_pages_and_api_lists_are_constant_in_rows(client, manufacturer_client, bundles):
    client.force_login(StaffUserFactory(is_superuser=True))
    bundles(1)
    api_urls = _api_list_urls()
    assert "/api/v1/sales/" in api_urls
    for url in STAFF_PAGES:
        _count(client, url)
    for url in api_urls:
        _count(manufacturer_client, url)
    few = {url: _count(client, url) for url in STAFF_PAGES}
    few_api = {url: _count(manufacturer_client, url) for url in api_urls}
    bundles(4)
    grown = {url: (few[url], n) for url in STAFF_PAGES if (n := _count(client, url)) > few[url]}
    grown.update(
        {
            url: (few_api[url], n)
            for url in api_urls
            if (n := _count(manufacturer_client, url)) > few_api[url]
        }
    )
    assert not grown, grown


DEALER_PAGES = [
    "/",
    "/tickets/",
    "/statements/",
    "/stock/",
    "/notifications/",
    "/meetings/",
    "/action-items/",
    "/announcements/",
    "/reviews/",
    "/dealer/",
    "/dealer/territories/",
    "/dealer/members/",
    "/dealer/certifications/",
    "/dealer/agreement/",
    "/dealer/tier/",
    "/mdf/",
]


def test_dealer_pages_and_api_lists_are_constant_in_own_rows(
    client, dealer, dealer_client, settings, tmp_path
):
    """One dealer's own rows grow (tickets, sales and statements of several months, stock,
    meetings, action items, notifications, members, territories, certifications)."""
    settings.MEDIA_ROOT = tmp_path
    user = MembershipFactory(dealer=dealer, role="owner").user
    client.force_login(user)
    give_plan(dealer, plan_p())
    program = CertificationProgramFactory()
    state = {"n": 0}

    def grow(count):
        for _ in range(count):
            i = state["n"] = state["n"] + 1
            ticket = make_ticket(dealer)
            conflict_services.ticket_comment(actor=SYSTEM, ticket=ticket, body=f"comment {i}")
            warehouse = WarehouseFactory(dealer=dealer)
            product = ProductFactory()
            inventory_services.stock_levels_apply_sets(
                actor=ApiKeyFactory.issue(manufacturer=True)[0],
                items=[
                    {
                        "warehouse": warehouse.code,
                        "sku": product.sku,
                        "quantity": 5 + i,
                        "as_of": "2026-11-20T08:00:00+08:00",
                    }
                ],
            )
            sale(dealer, "1000.00", local(2026, i, 5, 10, 0))
            commission_services.statements_build(period=dt.date(2026, i, 1), dealer_ids=[dealer.pk])
            member = MembershipFactory(dealer=dealer).user
            Certification.objects.create(
                dealer=dealer,
                user=member,
                program=program,
                passed_on=dt.date(2026, 1, i),
                expires_on=dt.date(2028, 1, 1),
            )
            TerritoryFactory(dealer=dealer)
            mdf_bundle(dealer, user, title=f"Show {i}")
            ActionItemFactory(meeting=MeetingFactory(dealer=dealer))
            NotificationFactory(recipient=user)
            AnnouncementFactory()

    grow(1)
    api_urls = _api_list_urls()
    for url in DEALER_PAGES:
        _count(client, url)
    for url in api_urls:
        _count(dealer_client, url)
    few = {url: _count(client, url) for url in DEALER_PAGES}
    few_api = {url: _count(dealer_client, url) for url in api_urls}
    grow(4)
    grown = {url: (few[url], n) for url in DEALER_PAGES if (n := _count(client, url)) > few[url]}
    grown.update(
        {
            url: (few_api[url], n)
            for url in api_urls
            if (n := _count(dealer_client, url)) > few_api[url]
        }
    )
    assert not grown, grown
