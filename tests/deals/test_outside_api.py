"""`/api/v1/deal-registrations/` as an outside partner system sees it (DOMAIN.md §10, §12):
malformed bodies are a 400 naming the field and a code with nothing written, another
dealer's registration is invisible (404, absent from lists and filters, never in a
message), and the matching on submit through the customer key (NFKC, legal forms, free
mail in any case, only overlapping product lines)."""

import pytest

from conflicts.models import Ticket
from deals.models import DealRegistration
from portal import events
from portal.models import Event
from tests.deals.factories import key_client, line
from tests.factories import DealerFactory, region_tree

pytestmark = pytest.mark.django_db

URL = "/api/v1/deal-registrations/"


@pytest.fixture
def world():
    region_tree()
    line("PL-HOME")
    line("PL-OFFICE")
    a, b = DealerFactory(code="DA"), DealerFactory(code="DB")
    return {"a_api": key_client(a), "b_api": key_client(b), "maker": key_client()}


def _body(**extra):
    return {
        "customer_name": "深圳市星河科技有限公司",
        "customer_region": "CN-GD-SZ",
        "product_lines": ["PL-HOME"],
        "estimated_amount": "150000.00",
        "expected_close_on": "2030-06-30",
        **extra,
    }


def _post(client, **extra):
    response = client.post(URL, _body(**extra), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _tickets():
    """The channel tickets, once the outbox delivered the registrations' events."""
    for event in Event.objects.filter(topic="deal.status_changed", dispatched_at__isnull=True):
        events.event_dispatch(event_id=event.pk)
    return Ticket.objects.filter(category="channel")


def _errors(response):
    body = response.json()
    for error in body["errors"]:
        assert error["detail"], error  # a message for people, beside the code
    return [(e["attr"], e["code"]) for e in body["errors"]]


MALFORMED = [
    ({"estimated_amount": "-1.00"}, "estimated_amount", "min_value"),
    ({"estimated_amount": "1e30"}, "estimated_amount", "max_digits"),
    ({"estimated_amount": "12.345"}, "estimated_amount", "max_decimal_places"),
    ({"estimated_amount": "lots"}, "estimated_amount", "invalid"),
    ({"estimated_amount": True}, "estimated_amount", "invalid"),
    ({"estimated_amount": None}, "estimated_amount", "null"),
    ({"expected_close_on": "2030-13-01"}, "expected_close_on", "invalid"),
    ({"expected_close_on": 20300101}, "expected_close_on", "invalid"),
    ({"expected_close_on": "2020-01-01"}, "expected_close_on", "in_past"),
    ({"product_lines": ["PL-NOPE"]}, "product_lines", "does_not_exist"),
    ({"product_lines": []}, "product_lines", "empty"),
    ({"product_lines": "PL-HOME"}, "product_lines", "not_a_list"),
    ({"customer_region": "CN"}, "customer_region", "invalid_region"),
    ({"customer_region": "XX-NOPE"}, "customer_region", "does_not_exist"),
    ({"customer_name": "星河\x00科技"}, "customer_name", "null_characters_not_allowed"),
    ({"customer_name": "   "}, "customer_name", "blank"),
    ({"customer_name": "（）"}, "customer_name", "blank"),
    ({"customer_name": ["a"]}, "customer_name", "invalid"),
    ({"customer_name": "x" * 201}, "customer_name", "max_length"),
    ({"customer_email": "not-an-address"}, "customer_email", "invalid"),
    ({"customer_credit_code": "91350100M000100Y44"}, "customer_credit_code", "invalid"),
    ({"notes": "a\x00b"}, "notes", "null_characters_not_allowed"),
]


@pytest.mark.parametrize("change,field,code", MALFORMED)
def test_a_malformed_registration_is_a_400_naming_the_field(world, change, field, code):
    response = world["a_api"].post(URL, _body(**change), format="json")
    assert response.status_code == 400, response.content
    errors = _errors(response)
    assert [attr for attr, _c in errors] == [field]
    assert errors[0][1] == code or (code == "invalid" and errors[0][1].startswith("invalid"))
    assert not DealRegistration.objects.exists()


@pytest.mark.parametrize(
    "missing",
    ["customer_name", "customer_region", "product_lines", "estimated_amount", "expected_close_on"],
)
def test_a_missing_required_field_is_named(world, missing):
    body = _body()
    body.pop(missing)
    response = world["a_api"].post(URL, body, format="json")
    assert response.status_code == 400
    assert _errors(response) == [(missing, "required")]
    assert not DealRegistration.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(world):
    for body in ([], "text", 12):
        response = world["a_api"].post(URL, body, format="json")
        assert response.status_code == 400, response.content
    assert not DealRegistration.objects.exists()


@pytest.mark.parametrize(
    "path", ["99999999999999999999/", "-1/", "abc/", "1e3/", "99999999999999999999/approve/"]
)
def test_odd_ids_are_404_never_500(world, path):
    response = (
        world["maker"].get(f"{URL}{path}")
        if "approve" not in path
        else (world["maker"].post(f"{URL}{path}"))
    )
    assert response.status_code == 404


def test_another_dealers_registration_is_invisible_everywhere(world):
    mine = _post(world["a_api"], notes="secret plans")
    # b learns nothing by id, action, filter or list
    for path in ("", "approve/", "reject/", "extend/", "won/", "lost/"):
        method = world["b_api"].get if not path else world["b_api"].post
        foreign = method(f"{URL}{mine['id']}/{path}", {"reason": "x"}, format="json")
        absent = method(f"{URL}999999/{path}", {"reason": "x"}, format="json")
        assert foreign.status_code == absent.status_code, path
        assert foreign.json() == absent.json(), path
        assert "星河" not in foreign.content.decode() and "secret" not in foreign.content.decode()
    for query in (
        "",
        "?dealer=DA",
        f"?number={mine['number']}",
        "?region=CN-GD",
        "?status=submitted",
    ):
        listed = world["b_api"].get(f"{URL}{query}")
        assert listed.status_code == 200 and listed.json()["results"] == [], query
    assert DealRegistration.objects.get(pk=mine["id"]).status == "submitted"


def test_unknown_filters_and_values_are_400(world):
    assert world["a_api"].get(f"{URL}?dealr=DA").status_code == 400
    assert world["a_api"].get(f"{URL}?status=nonsense").status_code == 400
    assert world["a_api"].get(f"{URL}?page_size=1001").status_code in (200, 400)


def test_full_width_name_in_another_city_of_the_province_conflicts(world):
    first = _post(world["a_api"], customer_name="Star River Tech Co., Ltd.")
    second = _post(
        world["b_api"],
        customer_name="ＳＴＡＲ　ＲＩＶＥＲ　ＴＥＣＨ　ＣＯ．，ＬＴＤ．",
        customer_region="CN-GD-GZ",
    )
    assert second["status"] == "conflict"
    assert second["matches"] == []  # never the other dealer's data
    staff = world["maker"].get(f"{URL}{second['id']}/").json()
    assert [(m["other"], m["reasons"]) for m in staff["matches"]] == [(first["number"], ["name"])]
    [ticket] = _tickets()
    assert "Star River" not in ticket.title and "Star River" not in ticket.description


@pytest.mark.parametrize(
    "first,second",
    [
        ("星河科技集团", "星河科技"),
        ("Acme Robotics Inc.", "ACME ROBOTICS"),
        ("Acme Robotics, LLC", "acme-robotics"),
        ("Weber GmbH", "WEBER"),
    ],
)
def test_a_trailing_legal_form_does_not_tell_customers_apart(world, first, second):
    _post(world["a_api"], customer_name=first)
    assert _post(world["b_api"], customer_name=second)["status"] == "conflict"


def test_only_overlapping_product_lines_match(world):
    _post(world["a_api"], product_lines=["PL-HOME"])
    apart = _post(world["b_api"], product_lines=["PL-OFFICE"])
    assert apart["status"] == "submitted"
    both = _post(world["b_api"], product_lines=["PL-OFFICE", "PL-HOME"])
    assert both["status"] == "conflict"
    assert _tickets().count() == 1


def test_free_mail_in_any_case_never_matches_but_a_corporate_domain_does(world):
    _post(world["a_api"], customer_name="甲公司", customer_email="li@QQ.Com")
    free = _post(world["b_api"], customer_name="乙公司", customer_email="wang@qq.COM")
    assert free["status"] == "submitted"
    _post(world["a_api"], customer_name="丙公司", customer_email="li@StarRiver.CN")
    corporate = _post(
        world["b_api"],
        customer_name="丁公司",
        customer_email="wang@starriver.cn",
        customer_region="CN-BJ",
    )
    assert corporate["status"] == "conflict"
    staff = world["maker"].get(f"{URL}{corporate['id']}/").json()
    assert [m["reasons"] for m in staff["matches"]] == [["email_domain"]]


def test_a_full_width_credit_code_matches_across_provinces(world):
    _post(world["a_api"], customer_name="甲", customer_credit_code="91350100M000100Y43")
    other = _post(
        world["b_api"],
        customer_name="乙",
        customer_region="CN-BJ",
        customer_credit_code="９１３５０１００Ｍ０００１００Ｙ４３",
    )
    assert other["status"] == "conflict"
    assert other["customer_credit_code"] == "91350100M000100Y43"


def test_reject_needs_a_reason_and_whitespace_is_none(world):
    deal = _post(world["a_api"])
    for body in ({}, {"reason": "   "}, {"reason": None}):
        response = world["maker"].post(f"{URL}{deal['id']}/reject/", body, format="json")
        assert response.status_code == 400, body
        assert [attr for attr, _c in _errors(response)] == ["reason"]
    assert DealRegistration.objects.get(pk=deal["id"]).status == "submitted"


def test_a_retry_with_the_same_idempotency_key_registers_once(world):
    first = world["a_api"].post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    again = world["a_api"].post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    other = world["a_api"].post(
        URL, _body(notes="changed"), format="json", HTTP_IDEMPOTENCY_KEY="reg-1"
    )
    assert other.status_code == 422 and _errors(other)[0][1] == "idempotency_key_reused"
    # keys are the caller's own: another dealer's same key is a new request
    theirs = world["b_api"].post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    assert theirs.status_code == 201 and theirs.json()["status"] == "conflict"
    assert DealRegistration.objects.count() == 2
