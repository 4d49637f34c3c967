import datetime

from django.core.management.base import BaseCommand, CommandError

from donations import services


class Command(BaseCommand):
    help = (
        "Email a reminder before each quarterly or annual pledge instalment (PLEDGE_REMINDER_DAYS ahead). "
        "Each instalment is reminded once, however often this runs: run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="How many days ahead (default PLEDGE_REMINDER_DAYS)."
        )
        parser.add_argument("--today", default="", help="Run as if on this date (YYYY-MM-DD), for a missed day.")

    def handle(self, *args, days=None, today="", **options):
        if days is not None and not 0 <= days <= 60:
            raise CommandError("--days must be between 0 and 60.")
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError("--today must be a date, YYYY-MM-DD.") from error
        self.stdout.write("Looking for pledge instalments due soon…")
        counts = services.pledge_reminders_send(today=day, days=days, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {counts['pledges']} active quarterly or annual pledge(s) read, {counts['sent']} reminder(s) "
                f"sent, {counts['already']} already sent before."
            )
        )
