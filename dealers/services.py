"""Writes of the dealers app: ``<entity>_<verb>(*, ...)``, each one transaction.

Rules: DOMAIN.md §2 (territories), §3 (applications, agreements, lifecycle), §4 (tiers).
Side effects (e-mail) only after commit.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from dealers import calculations, selectors
from dealers.models import (
    Agreement,
    Application,
    ApplicationDocument,
    Certification,
    CertificationProgram,
    Dealer,
    DealerMembership,
    ProductLine,
    Region,
    Territory,
    Tier,
    TierChange,
    TierEvaluation,
)
from portal.audit import current_actor
from portal.clock import manufacturer_today
from portal.models import User
from portal.notifications import in_language_of, notification_send


def _actor_label() -> str:
    actor = current_actor()
    return actor.label if actor is not None else "system"


def _today() -> datetime.date:
    return manufacturer_today()


# --- Territories (§2) -------------------------------------------------------------------
def _lock_product_lines(*ids: int) -> None:
    """Serialise grants per product line: concurrent saves of the same line queue here, so
    the overlap check below sees every committed grant (a no-op lock on SQLite, whose
    writers are serialised anyway). Locked in pk order to avoid deadlocks."""
    list(ProductLine.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk"))


def territory_describe(territory: Territory) -> str:
    """A grant as the conflict error names it."""
    return _(
        "territory #%(pk)s (%(dealer)s · %(region)s · %(line)s, %(start)s – %(end)s, %(kind)s)"
    ) % {
        "pk": territory.pk,
        "dealer": territory.dealer.code,
        "region": territory.region.code,
        "line": territory.product_line.code,
        "start": territory.starts_on.isoformat(),
        "end": territory.ends_on.isoformat() if territory.ends_on else _("open-ended"),
        "kind": _("exclusive") if territory.exclusive else _("non-exclusive"),
    }


def _check_territory(territory: Territory) -> None:
    territory.full_clean()
    conflict = selectors.territory_conflicts(
        region=territory.region,
        product_line_id=territory.product_line_id,
        starts_on=territory.starts_on,
        ends_on=territory.ends_on,
        exclusive=territory.exclusive,
        exclude_pk=territory.pk,
    ).first()
    if conflict is not None:
        raise ValidationError(
            _("This grant conflicts with %(grant)s.") % {"grant": territory_describe(conflict)},
            code="territory_conflict",
            params={"territory": conflict.pk},
        )


@transaction.atomic
def territory_grant(
    *,
    dealer: Dealer,
    region: Region,
    product_line: ProductLine,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    exclusive: bool = False,
) -> Territory:
    """Grant ``dealer`` the right to sell ``product_line`` in ``region``. Raises
    ValidationError (code ``territory_conflict``, naming the grant) when it would conflict
    with another grant (§2); safe under concurrent grants of the same product line."""
    if dealer.status == Dealer.Status.TERMINATED:
        raise ValidationError(
            {"dealer": ValidationError(_("The dealer is terminated."), code="dealer_terminated")}
        )
    _lock_product_lines(product_line.pk)
    territory = Territory(
        dealer=dealer,
        region=region,
        product_line=product_line,
        starts_on=starts_on,
        ends_on=ends_on,
        exclusive=exclusive,
    )
    _check_territory(territory)
    territory.save()
    return territory


TERRITORY_FIELDS = ("dealer", "region", "product_line", "starts_on", "ends_on", "exclusive")


@transaction.atomic
def territory_update(*, territory: Territory, **changes) -> Territory:
    """Change a grant (any of dealer, region, product_line, starts_on, ends_on, exclusive)
    under the same conflict rule as :func:`territory_grant`."""
    unknown = set(changes) - set(TERRITORY_FIELDS)
    if unknown:
        raise TypeError(f"unknown territory fields: {sorted(unknown)}")
    new_line = changes.get("product_line", territory.product_line)
    _lock_product_lines(territory.product_line_id, new_line.pk)
    fresh = Territory.objects.select_for_update().get(pk=territory.pk)
    for field, value in changes.items():
        setattr(fresh, field, value)
    _check_territory(fresh)
    fresh.save()
    return fresh


@transaction.atomic
def territory_end(*, territory: Territory, on_date: datetime.date) -> Territory:
    """End a grant on ``on_date`` (inclusive); ending earlier never creates a conflict."""
    fresh = Territory.objects.select_for_update().get(pk=territory.pk)
    if fresh.ends_on is not None and fresh.ends_on <= on_date:
        return fresh
    fresh.ends_on = max(on_date, fresh.starts_on)
    fresh.full_clean()
    fresh.save(update_fields=["ends_on"])
    return fresh


# --- Documents and applications (§3.1) --------------------------------------------------
def document_check(upload) -> tuple[str, str]:
    """(content type, sha256) of an uploaded file, checked by content (PDF, JPEG or PNG)
    and size (≤ 10 MB). Raises ValidationError otherwise."""
    if upload.size > calculations.MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB.") % {"name": upload.name}, code="file_too_large"
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = calculations.sniff_document_type(head)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": upload.name},
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
            original_name=(getattr(upload, "name", "") or "")[:255],
            content_type=content_type,
            size=upload.size,
            sha256=sha,
        )
        document.file.save(f"{kind}.{document.extension}", upload, save=False)
        document.save()
    _application_acknowledge(application)
    managers = selectors.region_channel_managers(regions[0])
    url = reverse("admin:dealers_application_change", args=[application.pk])
    for manager in managers:
        # Rendered in each manager's language, not the applicant's.
        with in_language_of(manager):
            title = _("New dealer application %(number)s: %(company)s") % {
                "number": application.number,
                "company": application.company_name,
            }
        notification_send(
            recipients=[manager],
            kind="dealer_application",
            title=title,
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


@transaction.atomic
def application_start_review(*, application: Application, by: User) -> Application:
    """``submitted → under_review`` (a no-op when already under review)."""
    application = _locked_application(application)
    _require_pending(application)
    if application.status == Application.Status.SUBMITTED:
        application.status = Application.Status.UNDER_REVIEW
        application.save(update_fields=["status"])
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


def _set_password_path(user: User) -> str:
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def _user_invite(
    *,
    dealer: Dealer,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    invited_by=None,
    language: str = "",
) -> User:
    """A new dealer user without a password, and an invitation e-mail with a link to set
    one (Django's password-reset confirmation view)."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("An e-mail address is required.")}, code="required")
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            {
                "email": ValidationError(
                    _("A user with this e-mail address already exists."), code="user_exists"
                )
            }
        )
    if language not in {code for code, _label in settings.LANGUAGES}:
        language = ""
    user = User(
        username=email,
        email=email,
        first_name=first_name,
        last_name=last_name,
        preferred_language=language,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    DealerMembership.objects.create(user=user, dealer=dealer, role=role)
    with in_language_of(user):
        title = _("You are invited to Channel Portal as a user of %(dealer)s") % {
            "dealer": dealer.name
        }
        body = _(
            "Hello %(name)s,\n\nyou now have an account on Channel Portal for %(dealer)s. "
            "Your user name is %(username)s. Open the link below to choose your password; "
            "it is valid for %(days)s days."
        ) % {
            "name": user.get_full_name() or email,
            "dealer": dealer.name,
            "username": user.username,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        }
    notification_send(
        recipients=[user],
        kind="dealer_invitation",
        title=title,
        body=body,
        url=_set_password_path(user),
    )
    return user


def _next_dealer_code(application: Application) -> str:
    return application.dealer_code or f"D{application.number.replace('-', '')[1:]}"


@transaction.atomic
def application_approve(
    *, application: Application, by: User | None, starts_on: datetime.date | None = None
) -> Dealer:
    """Approve: create the dealer (entry tier, home region the first requested one), its
    first agreement in ``draft`` and the owner user, who is invited by e-mail to set a
    password. Refuses a decided application or a credit code now in use."""
    application = _locked_application(application)
    _require_pending(application)
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
    return dealer


@transaction.atomic
def application_reject(*, application: Application, by: User | None, reason: str) -> Application:
    """Reject with a reason, which the applicant receives by e-mail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"rejection_reason": ValidationError(_("A rejection needs a reason."), code="required")}
        )
    application = _locked_application(application)
    _require_pending(application)
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


# --- Dealer lifecycle (§3.3) and agreements (§3.2) --------------------------------------
def _locked_dealer(dealer: Dealer) -> Dealer:
    return Dealer.objects.select_for_update().select_related("tier").get(pk=dealer.pk)


def _invalid_transition(dealer: Dealer, target: str) -> ValidationError:
    return ValidationError(
        _("A %(status)s dealer cannot be %(target)s.")
        % {"status": dealer.get_status_display(), "target": target},
        code="invalid_transition",
    )


def _notify_owners(dealer: Dealer, kind: str, title_fn, body_fn=None, url: str = "") -> None:
    owners = [
        m.user
        for m in dealer.memberships.filter(role=DealerMembership.Role.OWNER).select_related("user")
    ]
    for owner in owners:
        with in_language_of(owner):
            notification_send(
                recipients=[owner],
                kind=kind,
                title=title_fn(),
                body=body_fn() if body_fn else "",
                url=url,
            )


def _set_status(dealer: Dealer, status: str, **fields) -> Dealer:
    dealer.status = status
    dealer.status_changed_at = timezone.now()
    for key, value in fields.items():
        setattr(dealer, key, value)
    dealer.save(update_fields=["status", "status_changed_at", *fields])
    return dealer


@transaction.atomic
def dealer_suspend(*, dealer: Dealer, reason: str = "") -> Dealer:
    """``active`` or ``terminating`` → ``suspended``: the portal and API become read-only."""
    dealer = _locked_dealer(dealer)
    if dealer.status not in (Dealer.Status.ACTIVE, Dealer.Status.TERMINATING):
        raise _invalid_transition(dealer, _("suspended"))
    _set_status(dealer, Dealer.Status.SUSPENDED)
    _notify_owners(
        dealer,
        "dealer_suspended",
        lambda: _("Your dealer account is suspended"),
        lambda: (
            _("Your account is read-only until it is reinstated.")
            + (f"\n\n{reason}" if reason else "")
        ),
        url=reverse("dealers:profile"),
    )
    return dealer


@transaction.atomic
def dealer_reinstate(*, dealer: Dealer) -> Dealer:
    """``suspended`` → ``active`` (or back to ``terminating`` when notice had been given)."""
    dealer = _locked_dealer(dealer)
    if dealer.status != Dealer.Status.SUSPENDED:
        raise _invalid_transition(dealer, _("reinstated"))
    target = Dealer.Status.TERMINATING if dealer.notice_ends_on else Dealer.Status.ACTIVE
    _set_status(dealer, target)
    _notify_owners(
        dealer,
        "dealer_reinstated",
        lambda: _("Your dealer account is reinstated"),
        url=reverse("dealers:profile"),
    )
    return dealer


@transaction.atomic
def dealer_give_notice(*, dealer: Dealer, given_on: datetime.date | None = None) -> Dealer:
    """Notice of termination: the dealer becomes ``terminating``; everything works until
    ``notice_ends_on`` (given_on + the agreement's notice period), then the portal is
    read-only until ``transition_ends_on`` (+ the transition period)."""
    dealer = _locked_dealer(dealer)
    if dealer.status not in (Dealer.Status.ACTIVE, Dealer.Status.SUSPENDED):
        raise _invalid_transition(dealer, _("given notice"))
    given_on = given_on or _today()
    agreement = dealer.agreements.select_for_update().filter(status=Agreement.Status.ACTIVE).first()
    notice = (
        agreement.notice_period_days
        if agreement
        else Agreement._meta.get_field("notice_period_days").default
    )
    transition = (
        agreement.transition_period_days
        if agreement
        else Agreement._meta.get_field("transition_period_days").default
    )
    notice_ends_on = given_on + datetime.timedelta(days=notice)
    transition_ends_on = notice_ends_on + datetime.timedelta(days=transition)
    if agreement is not None:
        agreement.status = Agreement.Status.TERMINATING
        agreement.ends_on = transition_ends_on
        agreement.save(update_fields=["status", "ends_on"])
    _set_status(
        dealer,
        Dealer.Status.TERMINATING,
        notice_ends_on=notice_ends_on,
        transition_ends_on=transition_ends_on,
    )
    _notify_owners(
        dealer,
        "dealer_notice",
        lambda: _("Notice of termination"),
        lambda: (
            _(
                "Notice of termination was given on %(given)s. Everything works until "
                "%(notice)s; then the portal is read-only until %(transition)s."
            )
            % {"given": given_on, "notice": notice_ends_on, "transition": transition_ends_on}
        ),
        url=reverse("dealers:agreement"),
    )
    return dealer


@transaction.atomic
def dealer_terminate(*, dealer: Dealer, on_date: datetime.date | None = None) -> Dealer:
    """End the relationship: the dealer is ``terminated`` (history stays readable), its
    agreements end and its open territory grants end on ``on_date``. Nothing is deleted."""
    dealer = _locked_dealer(dealer)
    if dealer.status == Dealer.Status.TERMINATED:
        raise _invalid_transition(dealer, _("terminated"))
    on_date = on_date or _today()
    for agreement in dealer.agreements.select_for_update().exclude(status=Agreement.Status.ENDED):
        agreement.status = Agreement.Status.ENDED
        if agreement.ends_on is None or agreement.ends_on > on_date:
            agreement.ends_on = max(on_date, agreement.starts_on)
        agreement.save(update_fields=["status", "ends_on"])
    open_grants = dealer.territories.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on_date))
    open_grants = open_grants.order_by("pk")
    for territory in open_grants:
        territory_end(territory=territory, on_date=on_date)
    _set_status(dealer, Dealer.Status.TERMINATED)
    return dealer


@transaction.atomic
def agreement_activate(*, agreement: Agreement) -> Agreement:
    """``draft → active``; only one active agreement per dealer (DOMAIN.md §3.2)."""
    _locked_dealer(agreement.dealer)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Agreement.Status.DRAFT:
        raise ValidationError(
            _("Only a draft agreement can be activated."), code="invalid_transition"
        )
    if agreement.dealer.status == Dealer.Status.TERMINATED:
        raise ValidationError(_("The dealer is terminated."), code="dealer_terminated")
    active = (
        Agreement.objects.filter(dealer_id=agreement.dealer_id, status=Agreement.Status.ACTIVE)
        .exclude(pk=agreement.pk)
        .first()
    )
    if active is not None:
        raise ValidationError(
            _("Agreement %(number)s is already active for this dealer; terminate it first.")
            % {"number": active.number},
            code="agreement_already_active",
        )
    agreement.status = Agreement.Status.ACTIVE
    agreement.save(update_fields=["status"])
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, on_date: datetime.date | None = None) -> Agreement:
    """End an agreement on ``on_date`` (``ended``)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status == Agreement.Status.ENDED:
        raise ValidationError(_("The agreement has already ended."), code="invalid_transition")
    on_date = on_date or _today()
    agreement.status = Agreement.Status.ENDED
    agreement.ends_on = max(on_date, agreement.starts_on)
    agreement.save(update_fields=["status", "ends_on"])
    return agreement


def _require_owner(user: User, dealer: Dealer) -> None:
    membership = user.dealer_membership
    if (
        membership is None
        or membership.dealer_id != dealer.pk
        or membership.role != (DealerMembership.Role.OWNER)
    ):
        raise ValidationError(_("Only the dealer's owner may do this."), code="not_owner")
    if not selectors.dealer_can_write(dealer):
        raise ValidationError(
            _("Your dealer account is read-only in its current state."), code="dealer_read_only"
        )


@transaction.atomic
def agreement_sign(*, agreement: Agreement, user: User) -> Agreement:
    """The dealer's owner signs a draft agreement (staff then activate it)."""
    agreement = Agreement.objects.select_for_update().select_related("dealer").get(pk=agreement.pk)
    _require_owner(user, agreement.dealer)
    if agreement.status != Agreement.Status.DRAFT or agreement.signed_at is not None:
        raise ValidationError(_("Only an unsigned draft can be signed."), code="invalid_transition")
    agreement.signed_by = user
    agreement.signed_at = timezone.now()
    agreement.save(update_fields=["signed_by", "signed_at"])
    return agreement


# --- Members ----------------------------------------------------------------------------
@transaction.atomic
def member_invite(
    *,
    dealer: Dealer,
    invited_by: User,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = DealerMembership.Role.MEMBER,
) -> User:
    """The dealer's owner invites a user of its own dealer (e-mail with a set-password link)."""
    _require_owner(invited_by, dealer)
    if role not in DealerMembership.Role.values:
        raise ValidationError({"role": _("Unknown role.")}, code="invalid_choice")
    return _user_invite(
        dealer=dealer,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        invited_by=invited_by,
    )


@transaction.atomic
def member_remove(*, membership: DealerMembership, removed_by: User) -> DealerMembership:
    """The owner removes a user of its own dealer: the user can no longer log in; its
    history (certifications, tickets) stays. Owners cannot remove themselves."""
    membership = (
        DealerMembership.objects.select_for_update()
        .select_related("user", "dealer")
        .get(pk=membership.pk)
    )
    _require_owner(removed_by, membership.dealer)
    if membership.user_id == removed_by.pk:
        raise ValidationError(_("You cannot remove yourself."), code="cannot_remove_self")
    user = membership.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    return membership


# --- Certifications and tiers (§4) ------------------------------------------------------
@transaction.atomic
def certification_record(
    *,
    user: User,
    program: CertificationProgram,
    passed_on: datetime.date,
    score: Decimal | None = None,
) -> Certification:
    """Record a passed certification; it expires after the programme's validity."""
    membership = user.dealer_membership
    if membership is None:
        raise ValidationError(
            {"user": _("The user does not work for a dealer.")}, code="not_a_member"
        )
    certification = Certification(
        dealer_id=membership.dealer_id,
        user=user,
        program=program,
        passed_on=passed_on,
        expires_on=calculations.add_months(passed_on, program.validity_months),
        score=score,
    )
    certification.full_clean()
    certification.save()
    return certification


def _tier_reason(outcome: str, before: Tier, after: Tier, period: str) -> str:
    if outcome == "promoted":
        return _("%(period)s: all requirements of %(tier)s met; promoted at once.") % {
            "period": period,
            "tier": after.name,
        }
    return _(
        "%(period)s: below the requirements of %(tier)s for two consecutive quarters; "
        "demoted to %(after)s."
    ) % {"period": period, "tier": before.name, "after": after.name}


@transaction.atomic
def tier_evaluate(
    *,
    dealer: Dealer,
    period: str,
    trailing_sales: Decimal,
    score: Decimal | None,
    on_date: datetime.date,
) -> TierChange | None:
    """Evaluate ``dealer`` for ``period`` (like "2026Q4") and apply DOMAIN.md §4: promotion
    to the highest eligible tier at once; demotion only when the previous quarter's
    evaluation was below the current tier too. Certified users are counted on ``on_date``.

    Every evaluation is recorded with its figures, once per (dealer, period): re-running a
    period refreshes that record (it never counts twice towards demotion) and does not
    repeat a change already made for it. A period older than the dealer's latest evaluation
    is history: re-running it (a failed quarterly run re-queued late) changes nothing, so
    old figures never undo a later promotion or demotion. Returns the change made, or None."""
    calculations.parse_period(period)
    dealer = _locked_dealer(dealer)
    # "YYYYQn" strings sort like the quarters they name.
    if TierEvaluation.objects.filter(dealer=dealer, period__gt=period).exists():
        return None
    existing = (
        TierEvaluation.objects.select_for_update()
        .filter(dealer=dealer, period=period)
        .select_related("tier_before")
        .first()
    )
    if existing is not None and TierChange.objects.filter(evaluation=existing).exists():
        return None  # this period already changed the tier; do not apply it twice
    tiers = {t.rank: t for t in Tier.objects.all()}
    by_rank = selectors.certified_users_by_rank(dealer=dealer, on_date=on_date)
    figures = calculations.TierFigures(
        certified_users_by_rank=by_rank, trailing_sales=trailing_sales, score=score
    )
    eligible = tiers[calculations.eligible_tier(selectors.tier_requirements(), figures).rank]
    current = dealer.tier
    previous = (
        TierEvaluation.objects.filter(dealer=dealer, period=calculations.previous_period(period))
        .select_related("tier_before", "eligible_tier", "tier_after")
        .first()
    )
    previous_below = (
        previous is not None
        and previous.tier_after_id == current.pk  # no change since
        and previous.eligible_tier.rank < current.rank
    )
    decision = calculations.tier_decision(
        current_rank=current.rank, eligible_rank=eligible.rank, previous_below=previous_below
    )
    after = tiers[decision.new_rank]
    evaluation, _created = TierEvaluation.objects.update_or_create(
        dealer=dealer,
        period=period,
        defaults={
            "evaluated_on": on_date,
            "tier_before": current,
            "eligible_tier": eligible,
            "tier_after": after,
            "outcome": decision.outcome,
            "trailing_sales": trailing_sales,
            "score": score,
            "certified_users": {t.code: by_rank.get(r, 0) for r, t in sorted(tiers.items())},
        },
    )
    if after.pk == current.pk:
        return None
    dealer.tier = after
    dealer.save(update_fields=["tier"])
    change = TierChange.objects.create(
        dealer=dealer,
        from_tier=current,
        to_tier=after,
        evaluation=evaluation,
        reason=_tier_reason(decision.outcome, current, after, period),
        figures={
            "period": period,
            "trailing_sales": str(trailing_sales),
            "score": None if score is None else str(score),
            "certified_users": evaluation.certified_users,
            "eligible_tier": eligible.code,
            "previous_period_below": previous_below,
        },
        changed_by=_actor_label(),
    )
    _notify_owners(
        dealer,
        "tier_changed",
        lambda: _("Your tier is now %(tier)s") % {"tier": after.name},
        lambda: change.reason,
        url=reverse("dealers:tier"),
    )
    return change


def tier_evaluate_now(
    *, dealer: Dealer, period: str | None = None, score=None
) -> TierChange | None:
    """The admin's "evaluate now": the last completed quarter, with trailing sales from the
    reported sale lines and the score given (None: not assessed)."""
    period = period or selectors.last_completed_period()
    return tier_evaluate(
        dealer=dealer,
        period=period,
        trailing_sales=selectors.dealer_trailing_sales(dealer=dealer, period=period),
        score=score,
        on_date=_today(),
    )


@transaction.atomic
def tier_set(*, dealer: Dealer, tier: Tier, reason: str) -> TierChange | None:
    """A manual change of tier by staff, recorded with its reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")}, code="required")
    dealer = _locked_dealer(dealer)
    if dealer.tier_id == tier.pk:
        return None
    change = TierChange.objects.create(
        dealer=dealer,
        from_tier=dealer.tier,
        to_tier=tier,
        reason=reason.strip(),
        figures={"manual": True},
        changed_by=_actor_label(),
    )
    dealer.tier = tier
    dealer.save(update_fields=["tier"])
    return change
