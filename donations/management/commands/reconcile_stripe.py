import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from donations import services, stripe_gateway


class Command(BaseCommand):
    help = (
        "Re-read recent Checkout Sessions and all subscriptions from Stripe and apply what webhooks "
        "missed (idempotent: the same fulfilment the webhook runs)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="How far back to read Checkout Sessions (default 3).")

    def handle(self, *args, days: int, **options):
        since = int((timezone.now() - datetime.timedelta(days=days)).timestamp())
        try:
            sessions = stripe_gateway.checkout_session_list(created_gte=since)
            subscriptions = stripe_gateway.subscription_list()
        except stripe_gateway.PaymentError as error:
            raise CommandError(f"Stripe could not be read ({error}). Check STRIPE_SECRET_KEY and try again.") from error
        self.stdout.write(
            f"{len(sessions)} Checkout Session(s) since {days} day(s) ago, {len(subscriptions)} subscription(s)."
        )
        applied = rejected = 0
        for index, session in enumerate(sessions, start=1):
            if session.get("status") not in ("complete", "expired"):
                continue
            try:
                gift = services.gift_fulfil_checkout_session(session=session)
            except services.EventRejected as error:
                rejected += 1
                self.stderr.write(f"[{index}/{len(sessions)}] {session.get('id')}: not applied: {error}")
                continue
            if gift is not None:
                applied += 1
                self.stdout.write(f"[{index}/{len(sessions)}] {session['id']}: gift {gift.pk} {gift.status}")
        plans = 0
        for subscription in subscriptions:
            deleted = subscription.get("status") == "canceled"
            if services.plan_record_subscription(subscription=subscription, deleted=deleted) is not None:
                plans += 1
        self.stdout.write(
            self.style.SUCCESS(f"Done: {applied} session(s) checked against their gifts, {plans} plan(s) updated.")
        )
        if rejected:
            raise CommandError(f"{rejected} session(s) did not match their gift; see above.")
