"""Business calendars: opening hours, holidays, make-up working days, region links."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conflicts import calculations
from portal.audit import audited_history

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class BusinessCalendar(models.Model):
    """A time zone, opening hours per weekday, holidays and make-up working days."""

    code = models.CharField(pgettext_lazy("identifier", "code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Used for regions without a calendar of their own or of an ancestor."),
    )

    history = audited_history()

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="businesscalendar_one_default",
                violation_error_message=_("Another calendar is already the default."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.time_zone not in available_timezones():
            raise ValidationError(
                {"time_zone": ValidationError(_("Unknown time zone."), code="invalid")}
            )


class OpeningInterval(models.Model):
    """Opening hours on a weekday (several per day allowed). An end of 00:00 means midnight."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="intervals",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAY_CHOICES)
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening interval")
        verbose_name_plural = _("opening intervals")
        ordering = ["calendar", "weekday", "start"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start is None or self.end is None:
            return
        try:
            calculations.DayInterval.from_times(self.start, self.end)
        except ValueError:
            raise ValidationError(
                {"end": ValidationError(_("Closing must be after opening."), code="invalid")}
            ) from None


class CalendarHoliday(models.Model):
    """A date on which the calendar is closed all day."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="holidays",
    )
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "day"],
                name="calendarholiday_unique_day",
                violation_error_message=_("This date is already a holiday of the calendar."),
            )
        ]

    def __str__(self):
        return f"{self.day} {self.name}"


class MakeUpWorkday(models.Model):
    """A weekend date that is a working day (China's 调休), with the hours of a weekday."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="makeup_days",
    )
    day = models.DateField(_("date"))
    works_as = models.PositiveSmallIntegerField(
        _("keeps the hours of"), choices=WEEKDAY_CHOICES, default=0
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("make-up working day")
        verbose_name_plural = _("make-up working days")
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "day"],
                name="makeupworkday_unique_day",
                violation_error_message=_("This date is already a make-up working day."),
            )
        ]

    def __str__(self):
        return f"{self.day} {self.name}"


class RegionCalendar(models.Model):
    """Assigns a business calendar to a region; subregions inherit it."""

    region = models.OneToOneField(
        "dealers.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="business_calendar_link",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="regions",
    )

    history = audited_history()

    class Meta:
        verbose_name = _("region calendar")
        verbose_name_plural = _("region calendars")
        ordering = ["region__code"]

    def __str__(self):
        return f"{self.region.code} → {self.calendar.code}"
