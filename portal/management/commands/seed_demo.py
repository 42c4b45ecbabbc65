"""Load the demo data. Idempotent: running it again changes nothing that is already there."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.audit import acting_as

#: each app's ``demo.seed(stdout)`` in dependency order
SEEDERS = ["portal.demo", "dealers.demo", "inventory.demo", "commissions.demo", "conflicts.demo"]


class Command(BaseCommand):
    help = "Create or complete the demo data (idempotent) and print the demo log-ins."

    def handle(self, *args, **options):
        logins = []
        with acting_as("command:seed_demo"), transaction.atomic():
            for path in SEEDERS:
                module = import_module(path)
                logins += module.seed(self.stdout) or []
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log-ins (user / password):"))
        for username, password, what in logins:
            self.stdout.write(f"  {username:<12} {password:<14} {what}")
