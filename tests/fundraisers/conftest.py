# The gift journey's fixtures (Checkout through the fake Stripe, signed webhooks), shared with donations' tests.
from tests.donations.conftest import deliver, fake_stripe, paid_gift, start_gift  # noqa: F401
from tests.staff import care_coordinator, dev_client, development_officer  # noqa: F401
