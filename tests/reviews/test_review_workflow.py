"""Review workflow: staff score and finalise; the dealer acknowledges; API and pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from collaboration.models import ActionItem
from portal.models import Notification
from reviews.models import QuarterlyReview
from reviews.services import review_acknowledge, review_assess, review_finalise
from tests.api_mixins import APIResourceTests
from tests.collaboration.factories import dealer_user_of
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def make_review(dealer, quarter="2026Q4", **kwargs):
    return QuarterlyReview.objects.create(dealer=dealer, quarter=quarter, **kwargs)


def make_final(dealer, quarter="2026Q4", **kwargs):
    return make_review(
        dealer,
        quarter,
        status="final",
        finalised_at=dt.datetime(2027, 1, 10, tzinfo=dt.UTC),
        satisfaction_score=4,
        communication_score=4,
        **kwargs,
    )


def test_finalise_requires_scores_and_notifies_dealer_users(dealer):
    staff = StaffUserFactory(is_superuser=True)
    user = dealer_user_of(dealer)
    review = make_review(dealer)
    with pytest.raises(ValidationError) as exc:
        review_finalise(actor=staff, review=review)
    assert set(exc.value.error_dict) == {"satisfaction_score", "communication_score"}
    review.refresh_from_db()
    assert review.status == "draft"
    review_assess(actor=staff, review=review, satisfaction_score=5, communication_score=4)
    review_finalise(actor=staff, review=review)
    review.refresh_from_db()
    assert (review.status, review.finalised_by) == ("final", staff)
    note = Notification.objects.get(recipient=user)
    assert note.kind == "review_final" and note.url == f"/reviews/{review.pk}/"
    with pytest.raises(ValidationError):
        review_assess(actor=staff, review=review, notes="too late")


def test_staff_without_permission_cannot_finalise(dealer):
    review = make_review(dealer, satisfaction_score=3, communication_score=3)
    clerk = StaffUserFactory(groups=["support"])
    with pytest.raises(PermissionDenied):
        review_finalise(actor=clerk, review=review)
    review.refresh_from_db()
    assert review.status == "draft"


def test_dealer_acknowledges_once_with_a_comment(dealer, other_dealer):
    staff = StaffUserFactory(is_superuser=True)
    review = make_final(dealer, finalised_by=staff)
    with pytest.raises(PermissionDenied):
        review_acknowledge(actor=dealer_user_of(other_dealer), review=review, comment="x")
    user = dealer_user_of(dealer)
    review_acknowledge(actor=user, review=review, comment="  Agreed.  ")
    review.refresh_from_db()
    assert (review.acknowledged_by, review.dealer_comment) == (user, "Agreed.")
    assert Notification.objects.get(recipient=staff).kind == "review_acknowledged"
    with pytest.raises(ValidationError) as exc:
        review_acknowledge(actor=user, review=review, comment="again")
    assert exc.value.code == "already_acknowledged"


def test_draft_cannot_be_acknowledged(dealer):
    review = make_review(dealer)
    with pytest.raises(ValidationError):
        review_acknowledge(actor=dealer_user_of(dealer), review=review)


class TestReviewsAPI(APIResourceTests):
    url = "/api/v1/reviews/"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        quarter = f"20{20 + QuarterlyReview.objects.filter(dealer=dealer).count()}Q4"
        return make_final(dealer, quarter)

    def update_payload(self, obj):
        return None  # final reviews do not change; see test_staff_scores_a_draft


def test_staff_scores_a_draft_and_finalises_it_through_the_api(manufacturer_client, dealer):
    review = make_review(dealer)
    response = manufacturer_client.patch(
        f"/api/v1/reviews/{review.pk}/", {"satisfaction_score": 6}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "satisfaction_score"
    response = manufacturer_client.patch(
        f"/api/v1/reviews/{review.pk}/",
        {"satisfaction_score": 5, "communication_score": 5, "net_sales": "1.00"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["overall_score"] == "100.00"
    assert response.json()["net_sales"] == "0.00"  # read-only
    response = manufacturer_client.post(f"/api/v1/reviews/{review.pk}/finalise/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "final"


def test_dealer_does_not_see_drafts_and_acknowledges_through_the_api(dealer, dealer_client):
    draft = make_review(dealer, "2026Q3")
    final = make_final(dealer)
    ids = {row["id"] for row in dealer_client.get("/api/v1/reviews/").json()["results"]}
    assert ids == {final.pk}
    assert dealer_client.get(f"/api/v1/reviews/{draft.pk}/").status_code == 404
    response = dealer_client.patch(
        f"/api/v1/reviews/{final.pk}/", {"notes": "mine now"}, format="json"
    )
    assert response.status_code == 403
    assert dealer_client.post(f"/api/v1/reviews/{final.pk}/finalise/").status_code == 403
    response = dealer_client.post(
        f"/api/v1/reviews/{final.pk}/acknowledge/", {"comment": "OK"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["dealer_comment"] == "OK"


def test_other_dealers_review_acknowledge_is_404(dealer_client, other_dealer):
    theirs = make_final(other_dealer)
    response = dealer_client.post(f"/api/v1/reviews/{theirs.pk}/acknowledge/", {}, format="json")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None


# --- pages --------------------------------------------------------------------------------


def test_dealer_review_pages_and_acknowledgement(client, dealer, other_dealer):
    staff = StaffUserFactory(is_superuser=True)
    user = dealer_user_of(dealer)
    make_final(dealer, "2026Q3", attainment="0.9000", overall_score="80.00")
    review = make_final(dealer, attainment="1.1000", overall_score="90.00", finalised_by=staff)
    ActionItem.objects.create(
        dealer=dealer,
        review=review,
        title="Train two engineers",
        owner=user,
        due_on=dt.date(2027, 2, 1),
    )
    theirs = make_final(other_dealer)
    client.force_login(user)
    page = client.get(reverse("reviews:review-list")).content.decode()
    assert "2026Q3" in page and "review-trend-chart" in page and "review-trend-table" in page
    assert client.get(reverse("reviews:review-detail", args=[theirs.pk])).status_code == 404
    detail = client.get(reverse("reviews:review-detail", args=[review.pk])).content.decode()
    assert "Train two engineers" in detail and 'id="acknowledge"' in detail
    response = client.post(
        reverse("reviews:review-acknowledge", args=[review.pk]), {"comment": "Thanks"}, follow=True
    )
    assert "Acknowledged by" in response.content.decode()
    review.refresh_from_db()
    assert review.dealer_comment == "Thanks"


def test_review_list_page_query_count(client, django_assert_max_num_queries):
    staff = StaffUserFactory(is_superuser=True)
    for i in range(6):
        make_final(DealerFactory(), f"202{i}Q1")
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reviews:review-list")).status_code == 200


def test_admin_saves_scores_adds_action_item_and_finalises(client, dealer):
    staff = StaffUserFactory(is_superuser=True)
    owner = dealer_user_of(dealer)
    review = make_review(dealer)
    client.force_login(staff)
    url = reverse("admin:reviews_quarterlyreview_change", args=[review.pk])
    assert client.get(url).status_code == 200
    data = {
        "satisfaction_score": "4",
        "communication_score": "5",
        "notes": "Good quarter",
        "action_items-TOTAL_FORMS": "1",
        "action_items-INITIAL_FORMS": "0",
        "action_items-MIN_NUM_FORMS": "0",
        "action_items-MAX_NUM_FORMS": "1000",
        "action_items-0-title": "Improve stock sync",
        "action_items-0-owner": str(owner.pk),
        "action_items-0-due_on": "2027-02-15",
        "action_items-0-status": "open",
        "action_items-0-description": "",
        "_finalise": "Save and finalise",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    review.refresh_from_db()
    assert (review.status, review.satisfaction_score, review.notes) == ("final", 4, "Good quarter")
    item = ActionItem.objects.get(review=review)
    assert (item.dealer, item.owner, item.title) == (dealer, owner, "Improve stock sync")


def test_admin_refuses_an_owner_from_another_dealer(client, dealer, other_dealer):
    staff = StaffUserFactory(is_superuser=True)
    stranger = dealer_user_of(other_dealer)
    review = make_review(dealer, satisfaction_score=3, communication_score=3)
    client.force_login(staff)
    url = reverse("admin:reviews_quarterlyreview_change", args=[review.pk])
    response = client.post(
        url,
        {
            "satisfaction_score": "3",
            "communication_score": "3",
            "notes": "",
            "action_items-TOTAL_FORMS": "1",
            "action_items-INITIAL_FORMS": "0",
            "action_items-MIN_NUM_FORMS": "0",
            "action_items-MAX_NUM_FORMS": "1000",
            "action_items-0-title": "Nope",
            "action_items-0-owner": str(stranger.pk),
            "action_items-0-due_on": "2027-02-15",
            "action_items-0-status": "open",
            "action_items-0-description": "",
            "_finalise": "Save and finalise",
        },
    )
    assert response.status_code == 200
    assert "The owner must be staff or a user of this dealer." in response.content.decode()
    review.refresh_from_db()
    assert review.status == "draft" and not ActionItem.objects.exists()
