"""Accounts and API keys."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from portal.audit import audited_history


class User(AbstractUser):
    """A person: manufacturer staff (``is_staff``) or a dealer user (has a membership)."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=[("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    history = audited_history(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    @property
    def dealer_membership(self):
        """The user's membership, or None for staff (cached on the instance)."""
        try:
            return self.membership
        except models.ObjectDoesNotExist:
            return None

    @property
    def dealer(self):
        membership = self.dealer_membership
        return membership.dealer if membership else None


class ApiKey(AbstractAPIKey):
    """A key for a partner system: bound to one dealer, or to the manufacturer."""

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    is_manufacturer = models.BooleanField(_("manufacturer key"), default=False)
    rate = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        help_text=_("Overrides the default rate, e.g. 1000/min. Blank: the default."),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    history = audited_history()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.CheckConstraint(
                name="apikey_dealer_xor_manufacturer",
                condition=(
                    models.Q(dealer__isnull=False, is_manufacturer=False)
                    | models.Q(dealer__isnull=True, is_manufacturer=True)
                ),
                violation_error_message=_(
                    "A key is bound either to one dealer or to the manufacturer."
                ),
            )
        ]

    @property
    def label(self) -> str:
        return f"api-key:{self.prefix}"
