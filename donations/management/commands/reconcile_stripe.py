from django.core.management.base import BaseCommand, CommandError

from donations import services, stripe_gateway


class Command(BaseCommand):
    help = (
        "Re-read recent Checkout Sessions and all subscriptions from Stripe and apply what webhooks "
        "missed (idempotent: the same fulfilment the webhook runs)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=3, help="How far back to read Checkout Sessions and invoices (default 3)."
        )

    def handle(self, *args, days: int, **options):
        self.stdout.write(
            f"Reading the last {days} day(s) of Checkout Sessions and paid invoices, "
            "and every subscription, from Stripe…"
        )
        try:
            report = services.stripe_reconcile(days=days, progress=self.stdout.write)
        except stripe_gateway.PaymentError as error:
            raise CommandError(f"Stripe could not be read ({error}). Check STRIPE_SECRET_KEY and try again.") from error
        for problem in report["rejected"]:
            self.stderr.write(problem)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {report['sessions']} session(s) and {report['invoices']} invoice(s) checked against "
                f"their gifts, {report['plans']} plan(s) updated."
            )
        )
        if report["rejected"]:
            raise CommandError(f"{len(report['rejected'])} session(s) did not match their gift; see above.")
