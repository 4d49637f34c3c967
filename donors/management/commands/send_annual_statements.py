"""Email every donor who gave in a tax year their giving statement (run in January; safe to run twice)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from donations import selectors
from donors import statements


class Command(BaseCommand):
    help = "Email each donor with a receipted gift in --year (default: last year) their giving statement, once."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="tax year (default: last year)")

    def handle(self, *args, year=None, **options):
        year = year or timezone.localdate().year - 1
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"No statements for {year}: give a past or current tax year.")
        emails = selectors.statement_emails(year=year)
        sent = skipped = failed = 0
        total = len(emails)
        self.stdout.write(f"{total} donor(s) gave in {year}.")
        for number, email in enumerate(emails, start=1):
            try:
                if statements.statement_send(email=email, year=year):
                    sent += 1
                else:
                    skipped += 1
            except Exception as error:  # one bad address must not stop the others; the next run retries it
                failed += 1
                self.stderr.write(f"  statement for donor {number} failed: {error.__class__.__name__}")
            if number % 50 == 0 or number == total:
                self.stdout.write(f"  {number}/{total}: {sent} sent, {skipped} already sent, {failed} failed")
        self.stdout.write(self.style.SUCCESS(f"Done: {sent} sent, {skipped} already sent, {failed} failed."))
        if failed:
            raise CommandError(f"{failed} statement(s) failed; run the command again to retry them.")
