"""Portal pages of deal registration: register with duplicate hints, my registrations with
the countdown, extension and outcome; staff compare side by side and decide."""

import pytest

from deals.models import DealRegistration
from tests.deals.factories import line, register
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory, region_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    tree = region_tree()
    a, b = DealerFactory(code="VA"), DealerFactory(code="VB")
    return {
        "tree": tree,
        "a": a,
        "b": b,
        "a_user": DealerUserFactory(membership__dealer=a, membership__role="owner"),
        "b_user": DealerUserFactory(membership__dealer=b, membership__role="owner"),
        "staff": StaffUserFactory(is_superuser=True),
    }


def test_a_dealer_registers_through_the_page(client, world):
    home = line()
    client.force_login(world["a_user"])
    assert client.get("/deals/new/").status_code == 200
    response = client.post(
        "/deals/new/",
        {
            "customer_name": "深圳市星河科技有限公司",
            "customer_region": world["tree"]["CN-GD-SZ"].pk,
            "product_lines": [home.pk],
            "estimated_amount": "50000",
            "expected_close_on": "2030-06-30",
        },
    )
    registration = DealRegistration.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/deals/{registration.pk}/"
    assert registration.dealer == world["a"] and registration.submitted_by.startswith("user:")
    page = client.get(response["Location"]).content.decode()
    assert registration.number in page


def test_hints_tell_the_own_registration_and_only_that_another_dealer_holds_the_name(client, world):
    register(world["a"], "深圳市星河科技有限公司", customer_email="li@starriver.cn")
    mine = register(world["b"], "白云电器有限公司")
    client.force_login(world["b_user"])
    sz = world["tree"]["CN-GD-SZ"].pk
    same = client.get("/deals/hints/", {"customer_name": "深圳市星河科技", "customer_region": sz})
    text = same.content.decode()
    assert 'id="hint-others-same"' in text
    assert "li@starriver.cn" not in text and "VA" not in text and "有限公司" not in text
    own = client.get("/deals/hints/", {"customer_name": "白云电器"}).content.decode()
    assert mine.number in own and 'id="hint-others-same"' not in own
    nothing = client.get("/deals/hints/", {"customer_name": "x"}).content.decode()
    assert "hint-" not in nothing


def test_my_registrations_show_the_countdown_and_hide_other_dealers(client, world):
    from deals import services

    mine = register(world["a"], "星河科技")
    services.deal_registration_approve(actor=world["staff"], registration=mine)
    theirs = register(world["b"], "白云电器")
    client.force_login(world["a_user"])
    page = client.get("/deals/").content.decode()
    assert mine.number in page and theirs.number not in page
    assert "90 days left" in page
    assert client.get(f"/deals/{theirs.pk}/").status_code == 404
    assert client.get(f"/deals/{mine.pk}/compare/").status_code == 404

    detail = client.get(f"/deals/{mine.pk}/").content.decode()
    assert 'id="request-extension"' in detail
    client.post(f"/deals/{mine.pk}/extension/", {"reason": "tender moved"})
    mine.refresh_from_db()
    assert mine.extension == "requested"
    client.post(f"/deals/{mine.pk}/close/won/")
    mine.refresh_from_db()
    assert mine.status == "won"


def test_staff_compare_side_by_side_and_decide(client, world):
    first = register(world["a"], "深圳市星河科技有限公司", customer_email="li@starriver.cn")
    second = register(world["b"], "深圳市星河科技")
    client.force_login(world["staff"])
    page = client.get(f"/deals/{second.pk}/compare/").content.decode()
    assert first.number in page and second.number in page and "li@starriver.cn" in page
    assert "same name in the province" in page
    earlier = client.get(f"/deals/{first.pk}/compare/").content.decode()
    assert second.number in earlier  # the later registration that matched it
    client.post(f"/deals/{second.pk}/decide/reject/", {"reason": "VA registered first"})
    client.post(f"/deals/{first.pk}/decide/approve/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "rejected")
    assert client.get("/admin/deals/dealregistration/?queue=open").status_code == 200
    assert client.get(f"/admin/deals/dealregistration/{first.pk}/change/").status_code == 200


def test_list_page_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for n in range(8):
        register(world["a"], f"客户{n}")
    client.force_login(world["staff"])
    with django_assert_max_num_queries(14):
        response = client.get("/deals/")
    assert response.content.decode().count("data-registration=") == 8
