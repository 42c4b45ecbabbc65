"""The second factor at sign-in (portal/mfa.py): required for staff when
STAFF_MFA_REQUIRED is on, optional for others, recovery codes single-use."""

import time
from urllib.parse import quote

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, DealerUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def totp_now(device, offset_steps=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def log_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client, user):
    """Enrol a TOTP device through the pages; returns (device, recovery codes)."""
    client.get(reverse("mfa-setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("mfa-setup"), {"token": totp_now(device)})
    assert response.status_code == 200
    codes = response.context["recovery_codes"]
    device.refresh_from_db()
    return device, codes


def test_staff_without_a_device_is_sent_to_enrol_before_the_admin(client, mfa_required):
    StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa-setup')}?next={quote('/admin/', safe='')}"
    for path in ("/", "/admin/portal/user/", "/notifications/"):
        assert client.get(path).status_code == 302, path


def test_staff_session_api_is_refused_without_the_second_factor(client, mfa_required):
    StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    response = client.get("/api/v1/dealers/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "second_factor_required"


def test_staff_enrols_then_reaches_the_admin(client, mfa_required):
    staff = StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    response = client.get(reverse("mfa-setup"))
    assert response.status_code == 200
    assert client.get(reverse("mfa-qr"))["Content-Type"] == "image/svg+xml"
    device, codes = enrol(client, staff)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    assert client.get("/admin/").status_code == 200


def test_wrong_enrolment_code_is_refused(client, mfa_required):
    staff = StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    client.get(reverse("mfa-setup"))
    response = client.post(reverse("mfa-setup"), {"token": "000000x"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_next_log_in_asks_for_a_code_and_a_wrong_one_is_refused(client, mfa_required):
    staff = StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    device, _codes = enrol(client, staff)
    client.logout()

    log_in(client, "sam")
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("mfa-verify"))
    response = client.post(reverse("mfa-verify"), {"token": "123456", "next": "/admin/"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get("/admin/").status_code == 302
    # the enrolment code's time step is used up; the next step's code is accepted, but
    # only after the throttle's back-off (1 s after one failure, doubling each time)
    good = {"token": totp_now(device, offset_steps=1), "next": "/admin/"}
    assert client.post(reverse("mfa-verify"), good).status_code == 200
    time.sleep(2.1)
    response = client.post(reverse("mfa-verify"), good)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client, mfa_required):
    staff = StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    _device, codes = enrol(client, staff)
    client.logout()

    log_in(client, "sam")
    response = client.post(reverse("mfa-verify"), {"token": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()

    log_in(client, "sam")
    response = client.post(reverse("mfa-verify"), {"token": codes[0]})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_new_recovery_codes_replace_the_old(client, mfa_required):
    staff = StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    _device, codes = enrol(client, staff)
    response = client.post(reverse("mfa-recovery-codes"))
    new_codes = response.context["recovery_codes"]
    assert set(new_codes).isdisjoint(codes)
    assert set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)) == set(new_codes)


def test_staff_cannot_turn_it_off_while_required(client, mfa_required):
    staff = StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    enrol(client, staff)
    client.post(reverse("mfa-disable"))
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_not_required_by_setting_staff_reach_the_admin(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    StaffUserFactory(username="sam", is_superuser=True)
    log_in(client, "sam")
    assert client.get("/admin/").status_code == 200


def test_required_by_default_when_debug_is_off():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.STAFF_MFA_REQUIRED)"
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_ENV": "production",
           "DJANGO_SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "True"


def test_dealer_owner_may_opt_in_and_then_needs_it(client, mfa_required):
    owner = DealerUserFactory(username="olga", membership__role="owner")
    log_in(client, "olga")
    assert client.get("/").status_code == 200  # not required for dealers
    device, _codes = enrol(client, owner)
    client.logout()

    log_in(client, "olga")
    assert client.get("/").status_code == 302
    client.post(reverse("mfa-verify"), {"token": totp_now(device, offset_steps=1)})
    assert client.get("/").status_code == 200
    # and may opt out again
    client.post(reverse("mfa-disable"))
    assert not TOTPDevice.objects.filter(user=owner).exists()
    client.logout()
    log_in(client, "olga")
    assert client.get("/").status_code == 200


def test_force_login_staff_is_unaffected_when_not_required(client):
    """The test settings keep existing force_login tests working."""
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
