"""Content-Security-Policy on every HTML page, with no inline script (issue 11, item 7)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.conflicts.factories import make_ticket
from tests.factories import DealerUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
DEALER_PAGES = [
    "/",
    "/tickets/",
    "/tickets/new/",
    "/stock/",
    "/stock/upload/",
    "/statements/",
    "/sales/upload/",
    "/dealer/",
    "/dealer/agreement/",
    "/dealer/territories/",
    "/dealer/members/",
    "/dealer/tier/",
    "/dealer/certifications/",
    "/reviews/",
    "/meetings/",
    "/action-items/",
    "/announcements/",
    "/notifications/",
]
STAFF_PAGES = [
    "/",
    "/admin/",
    "/admin/conflicts/ticket/",
    "/admin/dealers/product/export/",
    "/api/docs/",
    "/tickets/",
    "/stock/regions/",
]
ANONYMOUS_PAGES = ["/accounts/login/", "/apply/", "/accounts/password_reset/"]


class InlineScriptFinder(HTMLParser):
    """Inline scripts (a <script> without src that is not JSON data, or one with content)
    and on* event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if re.fullmatch(r"on[a-z]+", name.lower()):
                self.problems.append(f"<{tag} {name}=…>")
        if tag == "script":
            data = attributes.get("type") == "application/json"
            if "src" not in attributes and not data and "nonce" not in attributes:
                self.problems.append("<script> without src")
            self._in_script = not data and "nonce" not in attributes

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:40]}")


def _check_page(response):
    assert response.status_code == 200, response
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    finder = InlineScriptFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []


@pytest.mark.parametrize("path", DEALER_PAGES)
def test_dealer_pages_have_a_csp_and_no_inline_script(client, dealer, path):
    client.force_login(DealerUserFactory(membership__dealer=dealer, membership__role="owner"))
    make_ticket(dealer)
    _check_page(client.get(path))


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_have_a_csp_and_no_inline_script(client, path):
    client.force_login(StaffUserFactory(is_superuser=True))
    _check_page(client.get(path))


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_public_pages_have_a_csp_and_no_inline_script(client, path):
    _check_page(client.get(path))


def test_no_template_has_an_inline_script_or_handler():
    """Every template, rendered or not: scripts are static files; data goes in
    json_script blocks; behaviour is bound by static/portal/site.js."""
    problems = []
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            finder = InlineScriptFinder()
            finder.feed(re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "x", text, flags=re.DOTALL))
            problems += [f"{path.relative_to(ROOT)}: {p}" for p in finder.problems]
            if handler.search(text):
                problems.append(f"{path.relative_to(ROOT)}: on* handler")
    assert problems == []
