"""Background work of the donations app (django.tasks; enqueued after the transaction commits)."""

from django.tasks import task

from . import services


@task
def gift_send_receipt(gift_id: int) -> str:
    return services.gift_receipt_send(gift_id=gift_id)


@task
def plan_send_manage_link(plan_id: int) -> None:
    services.plan_manage_link_send(plan_id=plan_id)
