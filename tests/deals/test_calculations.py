"""The customer key and the protection window of DOMAIN.md §12, without a database."""

import datetime as dt

import pytest

from deals import calculations as calc

FREE = [
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "foxmail.com",
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
]


def test_the_examples_of_the_domain_share_a_key():
    assert calc.normalise_name("深圳市星河科技有限公司") == "深圳市星河科技"
    assert calc.normalise_name("深圳市星河科技") == "深圳市星河科技"
    assert calc.customer_key(name="深圳市星河科技有限公司") == calc.customer_key(
        name="深圳市星河科技"
    )
    assert calc.normalise_name("Star River Tech Co., Ltd.") == "starrivertech"


def test_full_width_input_is_folded_to_half_width():
    assert (
        calc.normalise_name("ＳＴＡＲ　ＲＩＶＥＲ　ＴＥＣＨ　ＣＯ．，ＬＴＤ．") == "starrivertech"
    )
    assert calc.normalise_name("深圳市（星河）科技有限公司") == "深圳市星河科技"
    assert calc.normalise_credit_code("９１４４０３００ＭＡ５ＥＸＡＭＰＬ") == "91440300MA5EXAMPL"


@pytest.mark.parametrize(
    "name,key",
    [
        ("星河科技有限责任公司", "星河科技"),
        ("星河科技股份有限公司", "星河科技"),
        ("星河科技有限公司", "星河科技"),
        ("星河科技集团", "星河科技"),
        ("Star River Co Ltd", "starriver"),
        ("Star River Co.,Ltd", "starriver"),
        ("Star River Inc.", "starriver"),
        ("Star River LLC", "starriver"),
        ("Star River Ltd", "starriver"),
        ("Star River GmbH", "starriver"),
    ],
)
def test_each_legal_form_is_removed_from_the_end(name, key):
    assert calc.normalise_name(name) == key


def test_only_one_trailing_legal_form_is_removed_and_never_the_whole_name():
    assert calc.normalise_name("星河集团有限公司") == "星河集团"
    assert calc.normalise_name("有限公司") == "有限公司"
    assert calc.normalise_name("Limited Star") == "limitedstar"


def test_the_credit_code_is_the_key_when_given():
    code = "91440300MA5EXAMPL"
    assert calc.customer_key(name="深圳市星河科技", credit_code=code.lower()) == code


def test_free_mail_domains_never_count():
    assert calc.corporate_domain("li@QQ.com", free_mail=FREE) == ""
    assert calc.corporate_domain("li@gmail.com", free_mail=FREE) == ""
    assert calc.corporate_domain("li@starriver.cn", free_mail=FREE) == "starriver.cn"
    assert calc.corporate_domain("", free_mail=FREE) == ""


def test_protection_runs_through_the_last_day_in_the_manufacturers_zone():
    last = calc.protected_through(dt.date(2026, 12, 2), days=90)
    assert last == dt.date(2027, 3, 2)
    assert calc.days_left(last, dt.date(2027, 3, 2)) == 0
    assert calc.days_left(last, dt.date(2027, 3, 3)) == -1


def test_the_sqlite_fallback_uses_the_same_threshold():
    assert calc.name_similarity("深圳市星河科技", "深圳市星河科技发展") >= calc.SIMILARITY_THRESHOLD
    assert calc.name_similarity("深圳市星河科技", "广州市白云电器") < calc.SIMILARITY_THRESHOLD


def test_the_what_if_panel_counts_the_deal_bonus_now_and_at_the_next_step():
    from decimal import Decimal as D

    from commissions import calculations as money

    terms = money.PlanTerms(
        base_rate=D("0.60"),
        steps=(money.Step(D("100000"), D("0.02")), money.Step(D("300000"), D("0.035"))),
        deal_bonus_rate=D("0.01"),
    )
    deals = money.DealSales((("DR-2026-000001", D("120000.00")),))
    result = money.what_if(D("250000.00"), terms, deals)
    assert result.deal_bonus == D("1200.00")
    assert result.current.amount("deal") == D("1200.00")
    assert result.at_next.amount("deal") == D("1200.00")  # selling more adds no deal bonus
    assert result.would_add == result.at_next.total - result.current.total
    without = money.what_if(D("250000.00"), terms)
    assert without.deal_bonus == D("0.00") and "deal" not in [
        c.kind for c in without.current.components
    ]
