from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dealers.models import Dealer
from portal.audit import acting_as
from portal.services import api_key_issue


class Command(BaseCommand):
    help = "Issue an API key bound to one dealer (--dealer CODE) or to the manufacturer; prints the key once."

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--dealer", metavar="CODE", help="dealer code the key is bound to")
        who.add_argument("--manufacturer", action="store_true", help="a manufacturer (staff) key")
        parser.add_argument("--name", required=True, help="what the key is for, e.g. 'ERP sync'")
        parser.add_argument(
            "--rate", default="", help="rate limit, e.g. 1000/min (default: API_KEY_RATE)"
        )

    def handle(self, *args, dealer=None, manufacturer=False, name, rate, **options):
        dealer_obj = None
        if dealer:
            try:
                dealer_obj = Dealer.objects.get(code=dealer)
            except Dealer.DoesNotExist:
                raise CommandError(f"No dealer with code {dealer!r}.") from None
        try:
            with acting_as("command:issue_api_key"):
                api_key, secret = api_key_issue(
                    name=name, dealer=dealer_obj, manufacturer=manufacturer, rate=rate
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stderr.write(f"Issued key {api_key.prefix} ({api_key.name}); it is shown only once:")
        self.stdout.write(secret)
