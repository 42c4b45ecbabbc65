"""Working together (DOMAIN.md §9): meetings, action items (of meetings and of quarterly
reviews' improvement plans) and announcements with read receipts.

Tables keep the names the portal app created them with (``portal_meeting``, …).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealers.models import Dealer, Region
from portal.access import TenantManager, TenantQuerySet, actor_from
from portal.audit import audited_history
from portal.clock import manufacturer_today
from portal.inputs import MAX_LONG_TEXT, MAX_TEXT

# --- Working together (DOMAIN.md §9) ----------------------------------------------------


class Meeting(models.Model):
    """A sync meeting with one dealer: agenda, minutes, decisions; both sides edit it."""

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True, max_length=MAX_LONG_TEXT)
    minutes = models.TextField(_("minutes"), blank=True, max_length=MAX_LONG_TEXT)
    decisions = models.TextField(_("decisions"), blank=True, max_length=MAX_LONG_TEXT)
    created_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()
    history = audited_history(table_name="portal_historicalmeeting")

    class Meta:
        db_table = "portal_meeting"
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["dealer", "held_on"], name="meeting_dealer_date_idx")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class ActionItemQuerySet(TenantQuerySet):
    def dealer_filter(self, dealer_id: int) -> models.Q:
        """A dealer sees its action items except those of draft reviews: staff's plan is
        work in progress until the review is final (DOMAIN.md §8), like the review."""
        return models.Q(dealer=dealer_id) & (
            models.Q(review__isnull=True) | ~models.Q(review__status="draft")
        )


class ActionItem(models.Model):
    """Something someone must do by a date, agreed in a meeting or a quarterly review."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action item status", "open")
        IN_PROGRESS = "in_progress", pgettext_lazy("action item status", "in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    review = models.ForeignKey(
        "reviews.QuarterlyReview",
        verbose_name=_("quarterly review"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=MAX_TEXT)
    owner = models.ForeignKey(
        "portal.User",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = models.Manager.from_queryset(ActionItemQuerySet)()
    history = audited_history(table_name="portal_historicalactionitem")

    class Meta:
        db_table = "portal_actionitem"
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="actionitem_one_source",
                condition=(
                    models.Q(meeting__isnull=False, review__isnull=True)
                    | models.Q(meeting__isnull=True, review__isnull=False)
                ),
                violation_error_message=_(
                    "An action item belongs either to a meeting or to a quarterly review."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["dealer", "status", "due_on"], name="actionitem_dealer_due_idx"),
            models.Index(fields=["status", "due_on"], name="actionitem_due_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def source(self):
        return self.meeting if self.meeting_id else self.review

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:

        today = manufacturer_today()
        return self.is_open and self.due_on < today

    def clean(self):
        source = self.meeting if self.meeting_id else (self.review if self.review_id else None)
        if source is not None and self.dealer_id and source.dealer_id != self.dealer_id:
            raise ValidationError(
                _("The action item's dealer must be the dealer of its meeting or review."),
                code="dealer_mismatch",
            )
        if self.owner_id and self.dealer_id:
            owner = self.owner
            if not owner.is_staff and getattr(owner.dealer_membership, "dealer_id", None) != (
                self.dealer_id
            ):
                raise ValidationError(
                    {
                        "owner": ValidationError(
                            _("The owner must be staff or a user of this dealer."),
                            code="owner_not_allowed",
                        )
                    }
                )


class AnnouncementQuerySet(TenantQuerySet):
    def published(self, now=None):
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())

    def visible_to(self, who):
        """Staff see every announcement; a dealer's users and keys see the published ones
        addressed to everybody, to their dealer, its tier, or a region containing its home
        region."""
        actor = actor_from(who)
        if actor.manufacturer:
            return self.all()
        if actor.dealer_id is None:
            return self.none()
        # the dealer's tier and home region as subqueries: the queryset stays unevaluated
        # (the dealer's home reads it with its other panels: portal.batch)
        dealer = Dealer.objects.filter(pk=actor.dealer_id)
        home = dealer.values("region__code")
        addressed = Announcement.objects.filter(
            models.Q(dealers=actor.dealer_id)
            | models.Q(tiers__in=dealer.values("tier_id"))
            # a region containing the home region: it, or an ancestor by code segments
            | models.Q(regions__code=Subquery(home))
            | models.Q(
                regions__code__in=Region.objects.annotate(home=Subquery(home))
                .filter(home__startswith=Concat(models.F("code"), Value("-")))
                .values("code")
            )
        ).values("pk")
        return self.published().filter(
            models.Q(audience=Announcement.Audience.ALL) | models.Q(pk__in=addressed)
        )


class Announcement(models.Model):
    """A message from the manufacturer: price policy, new product, or campaign framework."""

    class Kind(models.TextChoices):
        PRICE_POLICY = "price_policy", _("price policy")
        NEW_PRODUCT = "new_product", _("new product")
        CAMPAIGN = "campaign", _("campaign")

    class Audience(models.TextChoices):
        ALL = "all", _("all dealers")
        SELECTED = "selected", _("selected dealers, regions or tiers")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=MAX_LONG_TEXT)
    discount_min = models.DecimalField(
        _("minimum discount (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    discount_max = models.DecimalField(
        _("maximum discount (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    starts_on = models.DateField(_("campaign starts"), null=True, blank=True)
    ends_on = models.DateField(_("campaign ends"), null=True, blank=True)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    dealers = models.ManyToManyField(
        "dealers.Dealer", verbose_name=_("dealers"), blank=True, related_name="+"
    )
    regions = models.ManyToManyField(
        "dealers.Region",
        verbose_name=_("regions"),
        blank=True,
        related_name="+",
        help_text=_("Dealers whose home region is this region or inside it."),
    )
    tiers = models.ManyToManyField(
        "dealers.Tier", verbose_name=_("tiers"), blank=True, related_name="+"
    )
    published_at = models.DateTimeField(
        _("published"), null=True, blank=True, help_text=_("Empty: a draft nobody else sees.")
    )
    created_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()
    history = audited_history(m2m_fields=[], table_name="portal_historicalannouncement")

    class Meta:
        db_table = "portal_announcement"
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_announcement", _("Can publish announcements"))]
        constraints = [
            models.CheckConstraint(
                name="announcement_discount_range_ordered",
                condition=models.Q(discount_min__isnull=True)
                | models.Q(discount_max__isnull=True)
                | models.Q(discount_min__lte=models.F("discount_max")),
                violation_error_message=_(
                    "The minimum discount cannot be greater than the maximum."
                ),
            ),
            models.CheckConstraint(
                name="announcement_campaign_dates_ordered",
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["published_at"], name="announcement_published_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.kind == self.Kind.CAMPAIGN:
            if self.discount_min is None:
                errors["discount_min"] = ValidationError(
                    _("A campaign states the allowed discount range."), code="required"
                )
            if self.discount_max is None:
                errors["discount_max"] = ValidationError(
                    _("A campaign states the allowed discount range."), code="required"
                )
        elif self.discount_min is not None or self.discount_max is not None:
            errors["discount_min"] = ValidationError(
                _("Only campaigns have a discount range."), code="not_a_campaign"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class AnnouncementReceipt(models.Model):
    """A user has read an announcement (first read only)."""

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="receipts",
    )
    user = models.ForeignKey(
        "portal.User",
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="announcement_receipts",
    )
    read_at = models.DateTimeField(_("read"), auto_now_add=True)

    class Meta:
        db_table = "portal_announcementreceipt"
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["-read_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "user"], name="announcementreceipt_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.announcement}"
