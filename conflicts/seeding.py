"""The seeded defaults (DOMAIN.md §7.2–7.3): mainland China's business calendar for this
year and next, and the default SLA policies. Used by the seed migration (with historical
models), by the demo and by tests whose database was flushed."""

from conflicts.calendar_data import CHINA_CALENDAR_CODE, OFFICE_HOURS, load_china_year

SEED_YEARS = (2026, 2027)

POLICIES = [
    # (category, priority, first response, resolution, calendar, steps)
    (
        "",
        "emergency",
        30,
        240,
        "24x7",
        [
            ("first_response_breach", 1, "channel_manager"),
            ("resolution_breach", 2, "executive"),
        ],
    ),
    *[
        ("contract", priority, 240, 2880, "24x7", [("elapsed:2880", 2, "legal")])
        for priority in ("high", "normal", "low")
    ],
    *[
        (
            "",
            priority,
            480,
            1440,
            "business",
            [
                ("resolution_percent:80", 1, "channel_manager"),
                ("resolution_breach", 2, "executive"),
            ],
        )
        for priority in ("high", "normal", "low")
    ],
]


def seed_defaults(get_model=None):
    """Idempotent: China's calendar for 2026–2027 and the default policies."""
    if get_model is None:
        from django.apps import apps

        get_model = apps.get_model

    BusinessCalendar = get_model("conflicts", "BusinessCalendar")
    OpeningInterval = get_model("conflicts", "OpeningInterval")
    CalendarHoliday = get_model("conflicts", "CalendarHoliday")
    MakeUpWorkday = get_model("conflicts", "MakeUpWorkday")
    SlaPolicy = get_model("conflicts", "SlaPolicy")
    EscalationStep = get_model("conflicts", "EscalationStep")

    calendar, created = BusinessCalendar.objects.get_or_create(
        code=CHINA_CALENDAR_CODE,
        defaults={"name": "Mainland China", "time_zone": "Asia/Shanghai", "is_default": True},
    )
    if created:
        for weekday in range(5):
            for start, end in OFFICE_HOURS:
                OpeningInterval.objects.create(
                    calendar=calendar, weekday=weekday, start=start, end=end
                )
    for year in SEED_YEARS:
        load_china_year(calendar=calendar, Holiday=CalendarHoliday, MakeUp=MakeUpWorkday, year=year)
    for category, priority, first, resolution, kind, steps in POLICIES:
        policy, created = SlaPolicy.objects.get_or_create(
            category=category,
            priority=priority,
            defaults={
                "first_response_minutes": first,
                "resolution_minutes": resolution,
                "calendar_kind": kind,
            },
        )
        if created:
            for trigger, level, group in steps:
                EscalationStep.objects.create(
                    policy=policy, trigger=trigger, level=level, group=group
                )
