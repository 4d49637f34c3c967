"""Background work of the donations app (django.tasks; enqueued after the transaction commits)."""

from django.tasks import task

from . import services


@task
def gift_send_receipt(gift_id: int) -> str:
    return services.gift_receipt_send(gift_id=gift_id)


@task
def gift_send_refund_notice(gift_id: int) -> str:
    return services.gift_refund_notice_send(gift_id=gift_id)


@task
def gift_send_recovery_reminder(gift_id: int) -> str:
    """The one "you did not finish" email, with Checkout's recovery link (services.recovery)."""
    return services.gift_recovery_reminder_send(gift_id=gift_id)


@task
def plan_send_change_confirmation(plan_id: int, kind: str) -> None:
    """The email that confirms a change the donor made to their plan (amount, frequency, pause, resume, cancel)."""
    from . import receipts
    from .models import RecurringPlan

    plan = RecurringPlan.objects.select_related("campaign").get(pk=plan_id)
    if plan.donor_email:
        receipts.plan_change_confirmation_send(plan=plan, kind=kind)


@task
def pledge_send_acknowledgement(pledge_id: int) -> bool:
    return services.pledge_acknowledgement_send(pledge_id=pledge_id)


@task
def pledge_set_end(pledge_id: int) -> str:
    """The pledge's subscription gets its end at Stripe (a schedule that cancels it after the last instalment)."""
    return services.pledge_set_end(pledge_id=pledge_id)


@task
def pledge_send_payment_failed(plan_id: int) -> bool:
    from .models import RecurringPlan

    return services.pledge_payment_failed_send(plan=RecurringPlan.objects.get(pk=plan_id))


@task
def stripe_reconcile_recent(days: int = 3) -> dict:
    """The reconcile job, for a scheduler (cron, or a periodic enqueue) to run every few hours."""
    report = services.stripe_reconcile(days=days)
    return {
        "sessions": report["sessions"],
        "invoices": report["invoices"],
        "plans": report["plans"],
        "linked": report["linked"],
        "rejected": len(report["rejected"]),
        "errors": report["errors"],
    }
