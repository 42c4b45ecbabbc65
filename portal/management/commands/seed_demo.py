"""Load the demo data. Idempotent: running it again changes nothing that is already there."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from portal.audit import acting_as
from portal.discovery import app_modules


class Command(BaseCommand):
    help = "Create or complete the demo data (idempotent) and print the demo log-ins."

    def handle(self, *args, **options):
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
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log-ins (user / password):"))
        for username, (password, what) in logins.items():
            self.stdout.write(f"  {username:<12} {password:<14} {what}")
