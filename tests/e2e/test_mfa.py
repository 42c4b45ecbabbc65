"""In the browser: a staff user enrols an authenticator app (codes computed here, as the
app would), keeps the recovery codes, and signs in again with one of them."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.e2e.conftest import login
from tests.factories import PASSWORD, StaffUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code_for(secret: str, offset_steps: int = 0) -> str:
    totp = TOTP(b32decode(secret), step=30, t0=0, digits=6)
    totp.time = time.time() + offset_steps * 30
    return f"{totp.token():06d}"


def test_staff_enrols_totp_and_signs_in_with_a_recovery_code(page, settings):
    settings.STAFF_MFA_REQUIRED = True
    StaffUserFactory(username="sam", is_superuser=True)

    login(page, "sam", PASSWORD)
    page.goto("/admin/")
    # no admin without the second factor: the enrolment page instead
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    assert page.locator("img[src$='qr.svg']").evaluate(
        "img => img.complete ? img.naturalWidth"
        " : new Promise(done => { img.onload = () => done(img.naturalWidth); })"
    ) > 0
    secret = page.locator("#mfa-secret").inner_text().strip()
    page.fill("#id_token", code_for(secret))
    page.click("#mfa-submit")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("#mfa-continue")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.locator("#site-name").is_visible()

    page.click("button:has-text('Log out')")
    login(page, "sam", PASSWORD)
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("#id_token", "999999")
    page.click("#mfa-submit")
    assert page.locator(".invalid-feedback").is_visible()
    time.sleep(1.1)  # the throttle's back-off after a wrong code
    page.fill("#id_token", codes[0])
    page.click("#mfa-submit")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.locator("#site-name").is_visible()
