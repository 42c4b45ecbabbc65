"""Load the demo data. Idempotent: running it again changes nothing that is already there.

Never in production: the demo's log-ins have published passwords. The command refuses to
run under ``DJANGO_ENV=production`` or with ``DEBUG`` off (outside the test suite)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from portal.audit import acting_as
from portal.discovery import app_modules


class Command(BaseCommand):
    help = "Create or complete the demo data (idempotent) and print the demo log-ins."

    def handle(self, *args, **options):
        if settings.PRODUCTION or not (settings.DEBUG or settings.TESTING):
            raise CommandError(
                "seed_demo refuses to run in production (DJANGO_ENV=production or DEBUG off): "
                "its log-ins have published passwords."
            )
        logins: dict[str, tuple[str, str]] = {}
        # Demo notifications are not e-mailed (the console backend would flood the output).
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            acting_as("command:seed_demo"),
            transaction.atomic(),
        ):
            # each app's ``demo.seed(stdout)``, in layer order
            for module in app_modules(settings.PROJECT_APPS, "demo"):
                for username, password, what in module.seed(self.stdout) or []:
                    # Several apps may name the same log-in; keep the fullest description.
                    if len(what) >= len(logins.get(username, ("", ""))[1]):
                        logins[username] = (password, what)
        # What the demo really holds: each app counts its rows in the database now.
        self.stdout.write(self.style.SUCCESS("The demo holds:"))
        for module in app_modules(settings.PROJECT_APPS, "demo"):
            for label, count in getattr(module, "summary", list)():
                self.stdout.write(f"  {count:>6}  {label}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log-ins (user / password):"))
        for username, (password, what) in logins.items():
            self.stdout.write(f"  {username:<12} {password:<14} {what}")
