"""
manage.py purge_inquiries [--days N] [--dry-run]

Erases Destination Care requests that were closed or declined more than N days ago (default:
settings.INQUIRY_RETENTION_DAYS): the row, its history, every personal and clinical detail. Only
an anonymous count by type, month received, outcome and region (US or not) is kept. Meant for a
daily cron job; safe to interrupt and rerun.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from destination import selectors, services


class Command(BaseCommand):
    help = "Erase closed or declined Destination Care requests past the retention period, keeping anonymous counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days after closing (default: settings.INQUIRY_RETENTION_DAYS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be erased.")
        parser.add_argument("--batch-size", type=int, default=200, help="Requests erased per transaction.")

    def handle(self, *args, days, dry_run, batch_size, **options):
        days = settings.INQUIRY_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more (0 erases every closed or declined request).")
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        due = selectors.care_requests_due_for_purge(resolved_before=cutoff)
        by_kind = dict(due.order_by().values_list("kind").annotate(n=Count("pk")))
        total = sum(by_kind.values())
        detail = ", ".join(f"{kind}: {n}" for kind, n in sorted(by_kind.items())) or "none"
        since = f"{timezone.localtime(cutoff):%Y-%m-%d %H:%M} ({days} days ago)"
        self.stdout.write(f"{total} request(s) closed or declined before {since}: {detail}.")
        if dry_run:
            self.stdout.write("Dry run: nothing erased. Run again without --dry-run to erase them.")
            return
        if not total:
            return

        def progress(done: int, of: int) -> None:
            self.stdout.write(f"  erased {done}/{of}")

        erased = services.care_requests_erase(queryset=due, batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Erased {erased} request(s) and their history; anonymous counts kept."))
