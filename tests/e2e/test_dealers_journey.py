"""The onboarding journey in a browser: apply → staff approve in the admin → the owner sets a
password from the e-mailed link → logs in and sees its tier and territories."""

import datetime
import re

import pytest
from django.core import mail

from dealers import services
from dealers.models import Application, Dealer, ProductLine, Region
from tests.dealers.factories import PDF, VALID_CODES
from tests.e2e.conftest import login
from tests.factories import ProductLineFactory, region_tree, tier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_apply_approve_set_password_and_see_tier_and_territories(page, admin_user):
    tree = region_tree()
    tier("registered")
    tier("junior")
    ProductLineFactory(code="PL-HOME", name="Home networking")
    ProductLineFactory(code="PL-PRO", name="Professional equipment")

    # 1. A new company applies, without logging in.
    page.goto("/apply/")
    page.fill("#id_company_name", "Guangzhou Pearl Networks Co., Ltd.")
    page.fill("#id_credit_code", VALID_CODES[1])
    page.fill("#id_contact_name", "Liu Yang")
    page.fill("#id_email", "liu.yang@pearl.example.com")
    page.fill("#id_phone", "+86 20 5555 0101")
    page.fill("#id_annual_revenue", "6500000")
    page.fill("#id_sales_team_size", "7")
    page.fill("#id_warehouse_area", "450")
    page.fill("#id_self_assessment", "Strong retail network in Guangzhou.")
    page.select_option("#id_requested_regions", [str(tree["CN-GD-GZ"].pk)])
    page.check(
        f"input[name=requested_product_lines][value='{ProductLine.objects.get(code='PL-HOME').pk}']"
    )
    page.set_input_files(
        "#id_business_licence",
        files=[{"name": "licence.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#apply-submit")
    page.wait_for_selector("#apply-thanks")
    application = Application.objects.get(credit_code=VALID_CODES[1])
    assert application.number in page.content()
    assert any(application.number in m.subject for m in mail.outbox)

    # 2. Staff approve it in the admin.
    login(page, "admin", "password")
    page.wait_for_url("**/")
    page.goto("/admin/dealers/application/")
    page.check(f"input[name=_selected_action][value='{application.pk}']")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    application.refresh_from_db()
    assert application.status == "approved"
    dealer = Dealer.objects.get(pk=application.dealer_id)
    # …and grant it a territory (the conflict rule is tested elsewhere).
    services.territory_grant(
        dealer=dealer,
        region=Region.objects.get(code="CN-GD-GZ"),
        product_line=ProductLine.objects.get(code="PL-HOME"),
        starts_on=datetime.date(2026, 1, 1),
        exclusive=True,
    )
    page.click("#logout-form button, form[action='/accounts/logout/'] button")

    # 3. The owner opens the e-mailed link and sets a password.
    invitation = next(m for m in mail.outbox if "/accounts/reset/" in m.body)
    assert invitation.to == ["liu.yang@pearl.example.com"]
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", invitation.body).group(1)
    page.goto(path)
    page.fill("#id_new_password1", "Pearl-River-2026!")
    page.fill("#id_new_password2", "Pearl-River-2026!")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Your password is set")

    # 4. The owner logs in and sees its tier and territories.
    login(page, "liu.yang@pearl.example.com", "Pearl-River-2026!")
    page.wait_for_selector("#dashboard")
    page.goto("/dealer/tier/")
    assert "Registered" in page.locator("#tier-progress").inner_text()
    assert "Junior" in page.locator("#tier-progress").inner_text()
    page.goto("/dealer/territories/")
    table = page.locator("#territories").inner_text()
    assert "Home networking" in table and "CN-GD-GZ" in table and "exclusive" in table
