"""Dealer applications and their documents (DOMAIN.md §3.1): submit, review, score,
approve (which creates the dealer and invites its owner) and reject."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dealers import calculations, selectors
from dealers.models import (
    Agreement,
    Application,
    ApplicationDocument,
    Dealer,
    DealerMembership,
    ProductLine,
    Region,
    Tier,
)
from dealers.services._common import _today, _user_invite
from portal import events
from portal.files import display_name
from portal.messages import Message
from portal.models import User
from portal.notifications import notification_send


def document_check(upload) -> tuple[str, str]:
    """(content type, sha256) of an uploaded file, checked by content (PDF, JPEG or PNG)
    and size (≤ 10 MB). Raises ValidationError otherwise."""
    if upload.size > calculations.MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB.") % {"name": display_name(upload.name)},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = calculations.sniff_document_type(head)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": display_name(upload.name)},
            code="invalid_file_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def _credit_code_in_use(code: str, *, exclude_application: int | None = None) -> str | None:
    if Dealer.objects.filter(credit_code=code).exclude(status=Dealer.Status.TERMINATED).exists():
        return "dealer"
    pending = Application.objects.pending().filter(credit_code=code)
    if exclude_application is not None:
        pending = pending.exclude(pk=exclude_application)
    return "application" if pending.exists() else None


def _credit_code_in_use_error() -> ValidationError:
    return ValidationError(
        {
            "credit_code": ValidationError(
                _("This credit code belongs to an existing dealer or a pending application."),
                code="credit_code_in_use",
            )
        }
    )


def _new_application_number() -> str:
    return f"A{timezone.now():%y%m%d}-{secrets.token_hex(3).upper()}"


APPLICATION_FIELDS = (
    "company_name",
    "credit_code",
    "contact_name",
    "email",
    "phone",
    "annual_revenue",
    "sales_team_size",
    "warehouse_area",
    "self_assessment",
)


@transaction.atomic
def application_submit(
    *,
    data: dict,
    regions: Iterable[Region],
    product_lines: Iterable[ProductLine],
    documents: Iterable[tuple[str, object]],
    submitted_from: str | None = None,
    language: str = "",
) -> Application:
    """Record an application with its documents and acknowledge it by e-mail after commit.

    ``documents`` are (kind, uploaded file); a business licence is required. Raises
    ValidationError: invalid fields, a credit code in use, a bad document."""
    regions, product_lines, documents = list(regions), list(product_lines), list(documents)
    data = {**data, "credit_code": (data.get("credit_code") or "").strip().upper()}
    application = Application(
        number=_new_application_number(),
        submitted_from=submitted_from,
        language=language or translation.get_language() or "",
        **{field: data[field] for field in APPLICATION_FIELDS},
    )
    errors = {}
    try:
        application.full_clean(exclude=["number"])
    except ValidationError as exc:
        errors.update(exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list})
    if not regions:
        errors["requested_regions"] = [
            ValidationError(_("Choose at least one region."), code="required")
        ]
    if not product_lines:
        errors["requested_product_lines"] = [
            ValidationError(_("Choose at least one product line."), code="required")
        ]
    if not any(kind == ApplicationDocument.Kind.BUSINESS_LICENCE for kind, _f in documents):
        errors["documents"] = [ValidationError(_("Attach the business licence."), code="required")]
    if errors:
        raise ValidationError(errors)
    if _credit_code_in_use(application.credit_code):
        raise _credit_code_in_use_error()
    checked = [(kind, upload, *document_check(upload)) for kind, upload in documents]
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # a concurrent application with the same code won the race
        raise _credit_code_in_use_error() from None
    application.requested_regions.set(regions)
    application.requested_product_lines.set(product_lines)
    for kind, upload, content_type, sha in checked:
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=display_name(getattr(upload, "name", ""), max_length=255),
            content_type=content_type,
            size=upload.size,
            sha256=sha,
        )
        document.file.save(f"{kind}.{document.extension}", upload, save=False)
        document.save()
    _application_acknowledge(application)
    managers = selectors.region_channel_managers(regions[0])
    url = reverse("admin:dealers_application_change", args=[application.pk])
    notification_send(
        recipients=managers,
        kind="dealer_application",
        title=Message(
            gettext_noop("New dealer application %(number)s: %(company)s"),
            number=application.number,
            company=application.company_name,
        ),
        url=url,
        email=False,
    )
    return application


def _mail_applicant(application: Application, subject: str, body: str) -> None:
    address = application.email

    def _send():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)

    transaction.on_commit(_send)


def _application_acknowledge(application: Application) -> None:
    with translation.override(application.language or settings.LANGUAGE_CODE):
        subject = _("We received your dealer application %(number)s") % {
            "number": application.number
        }
        body = _(
            "Dear %(name)s,\n\nthank you for applying to become a dealer. We received the "
            "application of %(company)s (number %(number)s) and will review it; you will "
            "hear from us by e-mail.\n\nChannel Portal"
        ) % {
            "name": application.contact_name,
            "company": application.company_name,
            "number": application.number,
        }
    _mail_applicant(application, subject, body)


def _locked_application(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _require_pending(application: Application) -> None:
    if not application.is_pending:
        raise ValidationError(
            _("This application was already decided (%(status)s).")
            % {"status": application.get_status_display()},
            code="application_decided",
        )


def _pass_through_review(application: Application) -> None:
    """A decision always passes through ``under_review`` (recorded in the history), also
    when staff decide a submitted application in one step."""
    if application.status == Application.Status.SUBMITTED:
        application.status = Application.Status.UNDER_REVIEW
        application.save(update_fields=["status"])


@transaction.atomic
def application_start_review(*, application: Application, by: User) -> Application:
    """``submitted → under_review`` (a no-op when already under review)."""
    application = _locked_application(application)
    _require_pending(application)
    _pass_through_review(application)
    return application


@transaction.atomic
def application_score(
    *,
    application: Application,
    by: User,
    capital: int | None,
    sales: int | None,
    market: int | None,
    service: int | None,
    notes: str | None = None,
    dealer_code: str | None = None,
    rejection_reason: str | None = None,
) -> Application:
    """Record the capability scores (1–5, None: not scored yet), internal notes and the
    dealer code to use on approval; puts a submitted application under review."""
    application = _locked_application(application)
    _require_pending(application)
    application.score_capital, application.score_sales = capital, sales
    application.score_market, application.score_service = market, service
    if notes is not None:
        application.review_notes = notes
    if dealer_code is not None:
        application.dealer_code = dealer_code.strip().upper()
    if rejection_reason is not None:
        application.rejection_reason = rejection_reason.strip()  # drafted; used on reject
    application.status = Application.Status.UNDER_REVIEW
    application.full_clean()
    application.save()
    return application


def _next_dealer_code(application: Application) -> str:
    return application.dealer_code or f"D{application.number.replace('-', '')[1:]}"


@transaction.atomic
def application_approve(
    *, application: Application, by: User | None, starts_on: datetime.date | None = None
) -> Dealer:
    """Approve: create the dealer (entry tier, home region the first requested one), its
    first agreement in ``draft`` and the owner user, who is invited by e-mail to set a
    password. Refuses a decided application or a credit code now in use. Passes through
    ``under_review``."""
    application = _locked_application(application)
    _require_pending(application)
    _pass_through_review(application)
    if _credit_code_in_use(application.credit_code, exclude_application=application.pk) == "dealer":
        raise _credit_code_in_use_error()
    regions = list(application.requested_regions.order_by("code"))
    entry = Tier.objects.order_by("rank").first()
    if entry is None or not regions:
        raise ValidationError(_("Tiers and regions must exist."), code="missing_master_data")
    code = _next_dealer_code(application)
    if Dealer.objects.filter(code=code).exists():
        raise ValidationError(
            {
                "dealer_code": ValidationError(
                    _("Dealer code %(code)s is taken.") % {"code": code}, code="unique"
                )
            }
        )
    dealer = Dealer(
        code=code,
        name=application.company_name,
        credit_code=application.credit_code,
        tier=entry,
        region=regions[0],
        contact_name=application.contact_name,
        email=application.email,
        phone=application.phone,
        status=Dealer.Status.ACTIVE,
        status_changed_at=timezone.now(),
    )
    dealer.full_clean()
    dealer.save()
    starts_on = starts_on or _today()
    Agreement.objects.create(
        dealer=dealer,
        number=f"AG-{starts_on.year}-{dealer.code}",
        status=Agreement.Status.DRAFT,
        starts_on=starts_on,
    )
    first, _sep, last = application.contact_name.partition(" ")
    _user_invite(
        dealer=dealer,
        email=application.email,
        first_name=first[:150],
        last_name=last[:150],
        role=DealerMembership.Role.OWNER,
        invited_by=by,
        language=application.language,
    )
    application.status = Application.Status.APPROVED
    application.dealer = dealer
    application.dealer_code = code
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save()
    events.record(
        "dealer.approved",
        {
            "dealer": dealer.code,
            "name": dealer.name,
            "application": application.number,
            "region": regions[0].code,
            "tier": entry.code,
        },
        dealer=dealer,
    )
    return dealer


@transaction.atomic
def application_reject(*, application: Application, by: User | None, reason: str) -> Application:
    """Reject with a reason, which the applicant receives by e-mail (passing through
    ``under_review``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"rejection_reason": ValidationError(_("A rejection needs a reason."), code="required")}
        )
    application = _locked_application(application)
    _require_pending(application)
    _pass_through_review(application)
    application.status = Application.Status.REJECTED
    application.rejection_reason = reason
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save()
    with translation.override(application.language or settings.LANGUAGE_CODE):
        subject = _("Your dealer application %(number)s") % {"number": application.number}
        body = _(
            "Dear %(name)s,\n\nwe have reviewed the application of %(company)s and cannot "
            "accept it at this time, for this reason:\n\n%(reason)s\n\nChannel Portal"
        ) % {
            "name": application.contact_name,
            "company": application.company_name,
            "reason": reason,
        }
    _mail_applicant(application, subject, body)
    return application
