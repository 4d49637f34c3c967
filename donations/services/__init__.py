"""
Writes to gifts, one subject per module. Every change to a gift that can move the meter goes
through tallies.gift_save().

- tallies: the meter's money rule (what a gift counts), gift_save, settled statuses
- checkout: a pending gift, its Stripe Checkout Session, and fulfilment when it is paid
- stripe_events: what the Stripe event handlers share (EventDeferred, EventRejected)
- plans: monthly gifts (subscriptions, their invoices) and the donor's management link
- refunds: Finance's refunds (RefundError) and Stripe's refund and dispute events
- receipts: receipts and dedication notices, sent once, retried or resent
- offline: gifts staff receive by hand
- pledges: totals paid in instalments (online through a subscription that ends itself, or offline)
- reconcile: re-applying what Stripe has that the webhooks may have missed

Other code imports from this package; the names below are its public surface.
"""

from .checkout import (
    Attribution,
    donor_receipt_name_set,
    gift_checkout_start,
    gift_create_pending,
    gift_employer_match_set,
    gift_fail_checkout_session,
    gift_fulfil_checkout_session,
    gift_fulfil_checkout_session_id,
    gift_message_review,
)
from .offline import offline_gift_save
from .plans import (
    PAUSE_MAX_MONTHS,
    PlanChangeRefused,
    gift_record_invoice_paid,
    plan_cancel,
    plan_change_amount,
    plan_change_frequency,
    plan_manage_session_grant,
    plan_manage_token_use,
    plan_pause,
    plan_portal_url,
    plan_record_invoice_failed,
    plan_record_subscription,
    plan_resume,
)
from .pledges import (
    pledge_acknowledgement_send,
    pledge_close,
    pledge_create_offline,
    pledge_figures,
    pledge_payment_failed_send,
    pledge_record_payment,
    pledge_reminders_send,
    pledge_schedule_text,
    pledge_sentences,
    pledge_set_end,
    pledges_with_payments,
)
from .receipts import (
    MAX_RECEIPT_ATTEMPTS,
    gift_receipt_enqueue,
    gift_receipt_resend,
    gift_receipt_send,
    gift_refund_notice_send,
    honoree_notice_allowed,
)
from .reconcile import stripe_reconcile
from .recovery import gift_recovery_reminder_send
from .refunds import (
    RefundError,
    gift_link_invoice_payment,
    gift_record_charge_refunded,
    gift_record_dispute,
    gift_record_refund,
    gift_refund,
)
from .stripe_events import EventDeferred, EventRejected
from .tallies import gift_counted_cents, gift_donor_key, gift_save

__all__ = [
    "MAX_RECEIPT_ATTEMPTS",
    "PAUSE_MAX_MONTHS",
    "Attribution",
    "EventDeferred",
    "EventRejected",
    "PlanChangeRefused",
    "RefundError",
    "donor_receipt_name_set",
    "gift_checkout_start",
    "gift_counted_cents",
    "gift_create_pending",
    "gift_donor_key",
    "gift_employer_match_set",
    "gift_fail_checkout_session",
    "gift_fulfil_checkout_session",
    "gift_fulfil_checkout_session_id",
    "gift_link_invoice_payment",
    "gift_message_review",
    "gift_receipt_enqueue",
    "gift_receipt_resend",
    "gift_receipt_send",
    "gift_record_charge_refunded",
    "gift_record_dispute",
    "gift_record_invoice_paid",
    "gift_record_refund",
    "gift_recovery_reminder_send",
    "gift_refund",
    "gift_refund_notice_send",
    "gift_save",
    "honoree_notice_allowed",
    "offline_gift_save",
    "plan_cancel",
    "plan_change_amount",
    "plan_change_frequency",
    "plan_manage_session_grant",
    "plan_manage_token_use",
    "plan_pause",
    "plan_portal_url",
    "plan_record_invoice_failed",
    "plan_record_subscription",
    "plan_resume",
    "pledge_acknowledgement_send",
    "pledge_close",
    "pledge_create_offline",
    "pledge_figures",
    "pledge_payment_failed_send",
    "pledge_record_payment",
    "pledge_reminders_send",
    "pledge_schedule_text",
    "pledge_sentences",
    "pledge_set_end",
    "pledges_with_payments",
    "stripe_reconcile",
]
