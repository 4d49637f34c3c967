from django.core.management.base import BaseCommand

from donations import selectors, services


class Command(BaseCommand):
    help = "Send the receipts that have not gone out yet (mail failures), up to the attempt limit."

    def handle(self, *args, **options):
        gift_ids = list(
            selectors.gifts_pending_receipt(max_attempts=services.MAX_RECEIPT_ATTEMPTS).values_list("pk", flat=True)
        )
        total = len(gift_ids)
        self.stdout.write(f"{total} receipt(s) to send…")
        outcomes: dict[str, int] = {}
        for index, gift_id in enumerate(gift_ids, start=1):
            outcome = services.gift_receipt_send(gift_id=gift_id)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            self.stdout.write(f"[{index}/{total}] gift {gift_id}: {outcome}")
        summary = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items())) or "nothing to do"
        self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))
