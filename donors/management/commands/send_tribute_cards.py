"""Email the tribute e-cards whose day has come (run daily; a card is never sent twice)."""

from django.core.management.base import BaseCommand, CommandError

from donors import tributes


class Command(BaseCommand):
    help = "Email every tribute e-card whose send date has come and that was not sent yet."

    def handle(self, *args, **options):
        sent, failed = tributes.cards_send_due()
        self.stdout.write(self.style.SUCCESS(f"{sent} card(s) sent, {failed} failed."))
        if failed:
            raise CommandError(f"{failed} card(s) failed; run the command again to retry them.")
