from django.core.management.base import BaseCommand, CommandError

from donations import services


class Command(BaseCommand):
    help = (
        "Re-read recent Checkout Sessions, recently paid invoices and all subscriptions from Stripe and "
        "apply what webhooks missed (idempotent: the same fulfilment the webhook runs)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=3,
            help="How far back to read Checkout Sessions and invoice payments (default 3).",
        )

    def handle(self, *args, days: int, **options):
        self.stdout.write(
            f"Reading the last {days} day(s) of Checkout Sessions and paid invoices, "
            "and every subscription, from Stripe…"
        )
        report = services.stripe_reconcile(days=days, progress=self.stdout.write)
        for problem in report["rejected"] + report["errors"]:
            self.stderr.write(problem)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {report['sessions']} session(s) and {report['invoices']} invoice(s) checked against "
                f"their gifts, {report['plans']} plan(s) updated."
            )
        )
        if report["errors"]:
            raise CommandError(f"{len(report['errors'])} call(s) to Stripe failed; the rest was applied. See above.")
        if report["rejected"]:
            raise CommandError(
                f"{len(report['rejected'])} session(s) or invoice(s) did not match their gift; see above."
            )
