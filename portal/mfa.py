"""The second factor at sign-in (django-otp): a TOTP app, and recovery codes.

Staff approve money and see every dealer, so with ``settings.STAFF_MFA_REQUIRED`` (on in
production) a staff session reaches nothing — portal, admin or session-authenticated API —
until it is verified with a second factor; a staff user without one is sent to enrol.
Anyone else (a dealer owner, say) may opt in; once enrolled, their sessions need it too.
API keys are a separate credential and are not affected.
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import audit

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


# Whether the signed-in user had a second factor when the session began (read at log-in,
# so that pages of users without one cost no query).
ENROLLED_SESSION_KEY = "mfa_enrolled"


@receiver(user_logged_in)
def _remember_enrolment(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = user_has_device(user, confirmed=True)


def mfa_required_for(request) -> bool:
    """Whether the request's session must be verified with a second factor."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_staff and settings.STAFF_MFA_REQUIRED:
        return True
    return bool(request.session.get(ENROLLED_SESSION_KEY))


def mfa_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user) -> TOTPDevice:
    """The user's unconfirmed TOTP device (created on first call): its key is shown once
    as a QR code and as text until a code from the app confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, request, token: str) -> list[str] | None:
    """Confirm the pending TOTP device with a code from the app; on success the session
    counts as verified and fresh recovery codes are returned (shown once). ``None`` if the
    code is wrong."""
    user = request.user
    device = totp_device_pending(user=user)
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_regenerate(user=user)
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    logger.info("second factor enrolled", extra={"user": audit.label_for_user(user)})
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new single-use ones."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_verify(*, request, token: str) -> bool:
    """Verify a TOTP code or a recovery code (used up) for the session's user."""
    device = match_token(request.user, token.strip().replace(" ", "").lower())
    if device is None:
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def mfa_disable(*, request) -> None:
    """Remove every second-factor device of the user (opt-out; refused by the view for
    staff while it is required)."""
    for device in devices_for_user(request.user, confirmed=None):
        device.delete()
    request.session[ENROLLED_SESSION_KEY] = False
