"""Pages of the second factor: enrol a TOTP app, verify a session, recovery codes."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import mfa


class TokenForm(forms.Form):
    token = forms.CharField(
        label=pgettext_lazy("sign-in", "Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@never_cache
@login_required
def mfa_setup(request):
    """Enrol (or re-enrol) a TOTP app; show the state and the recovery-code actions."""
    user = request.user
    enrolled = mfa.mfa_enrolled(user)
    if enrolled and not request.user.is_verified():
        return redirect(f"{reverse('mfa-verify')}?{urlencode({'next': request.path})}")
    codes = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_device_confirm(request=request, token=form.cleaned_data["token"])
        if codes is None:
            form.add_error("token", _("That code is not valid. Check your device's clock and try again."))
        else:
            enrolled = True
    device = None if enrolled else mfa.totp_device_pending(user=user)
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "enrolled": enrolled,
            "device": device,
            "secret": _base32_key(device) if device else "",
            "recovery_codes": codes,
            "required": user.is_staff and settings.STAFF_MFA_REQUIRED,
            "next": _next_url(request),
        },
    )


def _base32_key(device) -> str:
    return b32encode(device.bin_key).decode()


@never_cache
@login_required
def mfa_qr(request):
    """The pending device's otpauth:// URL as an SVG QR code (same origin, no inline data)."""
    if mfa.mfa_enrolled(request.user):
        return HttpResponse(status=404)
    device = mfa.totp_device_pending(user=request.user)
    response = HttpResponse(content_type="image/svg+xml")
    segno.make(device.config_url, error="m").save(response, kind="svg", scale=4)
    return response


@never_cache
@login_required
def mfa_verify(request):
    """Verify this session with a TOTP code or a recovery code."""
    if request.user.is_verified() or not mfa.mfa_enrolled(request.user):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not valid."))
    return render(request, "registration/mfa_verify.html", {"form": form, "next": _next_url(request)})


@require_POST
@login_required
def mfa_recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not request.user.is_verified():
        return redirect("mfa-verify")
    codes = mfa.recovery_codes_regenerate(user=request.user)
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "enrolled": True,
            "recovery_codes": codes,
            "required": request.user.is_staff and settings.STAFF_MFA_REQUIRED,
            "next": reverse("mfa-setup"),
        },
    )


@require_POST
@login_required
def mfa_disable(request):
    """Opt out of the second factor (not while it is required for this user)."""
    if request.user.is_staff and settings.STAFF_MFA_REQUIRED:
        messages.error(request, _("Staff accounts must keep a second factor."))
        return redirect("mfa-setup")
    if not request.user.is_verified():
        return redirect("mfa-verify")
    mfa.mfa_disable(request=request)
    messages.success(request, _("Two-factor sign-in is turned off."))
    return redirect("mfa-setup")
