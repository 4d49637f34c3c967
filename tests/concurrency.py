"""
Payments through the webhook's own path, for the concurrency tests: a completed Checkout Session in
Stripe's shape (read by stripe_types, as the webhook does), and many of them paid from threads
released at once (PostgreSQL, transactional tests: each thread has its own connection).
"""

import threading
from collections.abc import Callable

from donations.models import Gift
from donations.services import gift_fulfil_checkout_session
from donations.stripe_types import CheckoutSession


def _donor_email(gift: Gift) -> str:
    return f"donor{gift.pk}@example.com"


def session_completed(gift: Gift, *, donor_email: Callable[[Gift], str] = _donor_email) -> dict:
    """A completed, paid Checkout Session for this pending gift, with only fields Stripe's fixtures have."""
    return {
        "id": gift.stripe_checkout_session_id,
        "object": "checkout.session",
        "client_reference_id": str(gift.pk),
        "metadata": {"gift_id": str(gift.pk)},
        "status": "complete",
        "payment_status": "paid",
        "mode": "payment",
        "amount_total": gift.total_cents,
        "payment_intent": f"pi_concurrent_{gift.pk}",
        "customer_details": {"email": donor_email(gift), "name": f"Donor {gift.pk}"},
    }


def session_pay(gift: Gift, *, donor_email: Callable[[Gift], str] = _donor_email) -> None:
    gift_fulfil_checkout_session(session=CheckoutSession.from_stripe(session_completed(gift, donor_email=donor_email)))


def sessions_pay_at_once(gifts: list[Gift], *, threads: int, donor_email: Callable[[Gift], str] = _donor_email) -> None:
    """Pay the gifts from `threads` threads released together by a barrier; fail on any thread's error."""
    from django.db import connections

    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def run(share: list[Gift]):
        try:
            barrier.wait()
            for gift in share:
                session_pay(gift, donor_email=donor_email)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(gifts[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
