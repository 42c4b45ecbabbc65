"""Browser tests: Debian's chromium driven by Playwright (no browser download)."""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + Django ORM

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def new_page(browser, base_url, outside, **options):
    """A fresh browser context and page on ``base_url`` (``options``: the context's, e.g. a
    phone's ``viewport``); every request leaving the machine is appended to ``outside``."""
    options.setdefault("locale", "en-US")
    context = browser.new_context(base_url=base_url, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(base_url) and not r.url.startswith("data:")
            else None
        ),
    )
    return context, page


@pytest.fixture
def page(browser, live_server):
    # The product must never reach outside this machine.
    outside = []
    context, page = new_page(browser, live_server.url, outside)
    yield page
    context.close()
    assert outside == [], f"requests left the machine: {outside}"


def login(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
