import pytest

from tests.e2e.conftest import login
from tests.factories import PASSWORD, DealerUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "language,heading,welcome",
    [
        ("en", "Log in to Channel Portal", "Welcome"),
        ("zh-hans", "登录渠道门户", "欢迎"),
        ("zh-hant", "登入渠道門戶", "歡迎"),
    ],
)
def test_login_in_each_language(page, language, heading, welcome):
    user = DealerUserFactory(username=f"dealer-{language}")
    page.goto("/accounts/login/")
    page.select_option("#language-select", language)
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == heading
    login(page, user.username, PASSWORD)
    page.wait_for_selector("#dashboard")
    assert welcome in page.locator("h1").inner_text()
    assert user.dealer.name in page.locator("#whoami").inner_text()


def test_api_docs_render_without_outside_requests(page, admin_user):
    login(page, "admin", "password")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20000)
    assert "Channel Portal API" in page.locator(".swagger-ui .info").inner_text()
