from django.core.management.base import BaseCommand, CommandError

from donations.models import WebhookEvent
from donations.webhooks import webhook_event_replay


class Command(BaseCommand):
    help = "Reprocess stored Stripe events: one (--event evt_…) or every failed one (--failed)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--event", help="The Stripe event id to replay (a processed event changes nothing).")
        group.add_argument("--failed", action="store_true", help="Replay every event whose processing failed.")

    def handle(self, *args, event=None, failed=False, **options):
        if event:
            rows = list(WebhookEvent.objects.filter(stripe_event_id=event))
            if not rows:
                raise CommandError(f"No stored event {event!r}. Check the id in the admin's Stripe events list.")
        else:
            rows = list(
                WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED).order_by("stripe_created_at", "pk")
            )
        total, failures = len(rows), 0
        self.stdout.write(f"Replaying {total} event(s)…")
        for index, row in enumerate(rows, start=1):
            try:
                outcome = webhook_event_replay(row=row)
            except Exception as error:
                failures += 1
                self.stderr.write(f"[{index}/{total}] {row.stripe_event_id} {row.type}: failed again: {error}")
            else:
                self.stdout.write(f"[{index}/{total}] {row.stripe_event_id} {row.type}: {outcome}")
        if failures:
            raise CommandError(f"{failures} of {total} event(s) still fail; see the errors above and in the admin.")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} event(s) replayed."))
