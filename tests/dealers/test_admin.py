"""Staff admin: every page renders; actions go through the services."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from dealers.models import Application, Dealer, Territory
from tests.dealers.factories import submit_application
from tests.factories import (
    AgreementFactory,
    DealerFactory,
    ProductLineFactory,
    TerritoryFactory,
    region_tree,
    tier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin_client_(client, staff_user):
    client.force_login(staff_user)
    return client


DEALER_MODELS = [m for m in admin.site._registry if m._meta.app_label == "dealers"]


@pytest.mark.parametrize("model", DEALER_MODELS, ids=lambda m: m._meta.model_name)
def test_changelists_render_with_search(admin_client_, model):
    submit_application()
    TerritoryFactory()
    url = reverse(f"admin:dealers_{model._meta.model_name}_changelist")
    assert admin_client_.get(url).status_code == 200
    assert admin_client_.get(url, {"q": "CN"}).status_code == 200


def test_application_change_page_shows_weighted_score(admin_client_):
    app = submit_application()
    url = reverse("admin:dealers_application_change", args=[app.pk])
    response = admin_client_.post(
        url,
        {
            "score_capital": 4,
            "score_sales": 5,
            "score_market": 3,
            "score_service": 2,
            "review_notes": "solid",
            "dealer_code": "gz-new",
            "rejection_reason": "",
            "documents-TOTAL_FORMS": 1,
            "documents-INITIAL_FORMS": 1,
            "documents-MIN_NUM_FORMS": 0,
            "documents-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    app.refresh_from_db()
    assert (app.status, app.dealer_code, str(app.weighted_score)) == (
        "under_review",
        "GZ-NEW",
        "3.70",
    )
    page = admin_client_.get(url).content.decode()
    assert "3.70" in page


def test_approve_action_creates_the_dealer(admin_client_):
    tier("registered")
    app = submit_application()
    response = admin_client_.post(
        reverse("admin:dealers_application_changelist"),
        {"action": "approve", "_selected_action": [app.pk]},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "approved"
    assert Dealer.objects.filter(pk=app.dealer_id, status="active").exists()


def test_reject_action_without_reason_reports_and_changes_nothing(admin_client_):
    app = submit_application()
    response = admin_client_.post(
        reverse("admin:dealers_application_changelist"),
        {"action": "reject", "_selected_action": [app.pk]},
        follow=True,
    )
    assert "rejection needs a reason" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED


def test_dealer_actions(admin_client_):
    dealer = DealerFactory()
    url = reverse("admin:dealers_dealer_changelist")
    admin_client_.post(url, {"action": "suspend", "_selected_action": [dealer.pk]})
    dealer.refresh_from_db()
    assert dealer.status == "suspended"
    admin_client_.post(url, {"action": "evaluate_tier_now", "_selected_action": [dealer.pk]})
    assert dealer.tier_evaluations.count() == 1


def test_agreement_activate_action(admin_client_):
    from tests.dealers.test_lifecycle import complete_draft

    agreement = AgreementFactory(status="draft")
    response = admin_client_.post(
        reverse("admin:dealers_agreement_changelist"),
        {"action": "activate", "_selected_action": [agreement.pk]},
        follow=True,
    )
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    assert "The agreement has no commission plan yet." in response.content.decode()
    page = admin_client_.get(reverse("admin:dealers_agreement_change", args=[agreement.pk]))
    assert "The dealer has no territory for the agreement" in page.content.decode()
    complete_draft(agreement.dealer, agreement)
    admin_client_.post(
        reverse("admin:dealers_agreement_changelist"),
        {"action": "activate", "_selected_action": [agreement.pk]},
    )
    agreement.refresh_from_db()
    assert agreement.status == "active"


def test_territory_form_refuses_a_conflict_naming_the_grant(admin_client_):
    tree = region_tree()
    line = ProductLineFactory(code="PL-HOME")
    held = TerritoryFactory(
        region=tree["CN-GD"], product_line=line, exclusive=True, starts_on=datetime.date(2026, 1, 1)
    )
    other = DealerFactory()
    response = admin_client_.post(
        reverse("admin:dealers_territory_add"),
        {
            "dealer": other.pk,
            "region": tree["CN-GD-SZ"].pk,
            "product_line": line.pk,
            "starts_on": "2026-03-01",
            "ends_on": "",
            "exclusive": "",
        },
    )
    assert response.status_code == 200
    assert f"territory #{held.pk}" in response.content.decode()
    assert Territory.objects.count() == 1
    response = admin_client_.post(
        reverse("admin:dealers_territory_add"),
        {
            "dealer": other.pk,
            "region": tree["CN-BJ"].pk,
            "product_line": line.pk,
            "starts_on": "2026-03-01",
            "ends_on": "",
            "exclusive": "on",
        },
    )
    assert response.status_code == 302
    assert Territory.objects.filter(dealer=other, exclusive=True).count() == 1


def test_dealer_change_page_shows_agreements_territories_and_tier_changes(admin_client_):
    dealer = DealerFactory()
    AgreementFactory(dealer=dealer, number="AG-ADMIN-1")
    TerritoryFactory(dealer=dealer, product_line=ProductLineFactory(code="PL-ADM"))
    from dealers import services

    services.tier_set(dealer=dealer, tier=tier("junior"), reason="Onboarding bonus tier")
    page = admin_client_.get(reverse("admin:dealers_dealer_change", args=[dealer.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "AG-ADMIN-1" in content and "PL-ADM" in content and "Onboarding bonus tier" in content


@pytest.mark.parametrize("model", DEALER_MODELS, ids=lambda m: m._meta.model_name)
def test_add_and_change_pages_render(admin_client_, model):
    submit_application()
    TerritoryFactory()
    response = admin_client_.get(reverse(f"admin:dealers_{model._meta.model_name}_add"))
    assert response.status_code in (200, 403)
    obj = model.objects.first()
    if obj is not None:
        url = reverse(f"admin:dealers_{model._meta.model_name}_change", args=[obj.pk])
        assert admin_client_.get(url).status_code == 200


def test_no_territory_for_a_terminated_dealer():
    from django.core.exceptions import ValidationError

    from dealers import services

    dealer = DealerFactory(status=Dealer.Status.TERMINATED)
    with pytest.raises(ValidationError) as exc:
        services.territory_grant(
            dealer=dealer,
            region=region_tree()["CN-GD"],
            product_line=ProductLineFactory(),
            starts_on=datetime.date(2026, 1, 1),
        )
    assert exc.value.error_dict["dealer"][0].code == "dealer_terminated"


def test_end_today_action_ends_grants(admin_client_):
    from portal.clock import manufacturer_today

    grant = TerritoryFactory(starts_on=datetime.date(2025, 1, 1))
    admin_client_.post(
        reverse("admin:dealers_territory_changelist"),
        {"action": "end_today", "_selected_action": [grant.pk]},
    )
    grant.refresh_from_db()
    # "today" is the manufacturer's day (after 16:00 UTC Shanghai is already tomorrow)
    assert grant.ends_on == manufacturer_today()


# --- the decision buttons of the application's page (issue 12, point 4) ----------------------

_FORM = {
    "score_capital": 4,
    "score_sales": 4,
    "score_market": 4,
    "score_service": 4,
    "review_notes": "",
    "dealer_code": "",
    "documents-TOTAL_FORMS": 1,
    "documents-INITIAL_FORMS": 1,
    "documents-MIN_NUM_FORMS": 0,
    "documents-MAX_NUM_FORMS": 1000,
}


def test_the_application_page_has_decision_buttons(admin_client_):
    app = submit_application()
    url = reverse("admin:dealers_application_change", args=[app.pk])
    page = admin_client_.get(url).content.decode()
    assert 'id="application-start-review"' in page
    assert 'id="application-approve"' in page and 'id="application-reject"' in page
    admin_client_.post(url, {**_FORM, "rejection_reason": "", "_start_review": "1"})
    app.refresh_from_db()
    assert app.status == "under_review"
    page = admin_client_.get(url).content.decode()
    assert 'id="application-start-review"' not in page and 'id="application-approve"' in page


def test_approve_button_passes_through_under_review(admin_client_):
    tier("registered")
    app = submit_application()
    url = reverse("admin:dealers_application_change", args=[app.pk])
    response = admin_client_.post(url, {**_FORM, "rejection_reason": "", "_approve": "1"})
    assert response.status_code == 302 and response.url == url
    app.refresh_from_db()
    assert app.status == "approved" and app.dealer is not None
    states = list(app.history.order_by("history_date").values_list("status", flat=True))
    assert states.index("under_review") < states.index("approved")
    assert 'id="application-decisions"' not in admin_client_.get(url).content.decode()


def test_reject_button_needs_a_reason_and_changes_nothing_without(admin_client_):
    app = submit_application()
    url = reverse("admin:dealers_application_change", args=[app.pk])
    response = admin_client_.post(
        url, {**_FORM, "rejection_reason": "", "_reject": "1"}, follow=True
    )
    assert "rejection needs a reason" in response.content.decode()
    app.refresh_from_db()
    assert app.status == "submitted" and app.score_capital is None
    admin_client_.post(url, {**_FORM, "rejection_reason": "No warehouse yet", "_reject": "1"})
    app.refresh_from_db()
    assert (app.status, app.rejection_reason) == ("rejected", "No warehouse yet")
