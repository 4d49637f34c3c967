"""Background work of the fundraisers app (django.tasks; enqueued after the transaction commits)."""

from django.tasks import task

from . import notices


@task
def fundraiser_send_manage_link(fundraiser_id: int) -> str:
    return notices.manage_link_send(fundraiser_id=fundraiser_id)


@task
def fundraiser_send_gift_notice(gift_id: int) -> str:
    return notices.gift_notice_send(gift_id=gift_id)


@task
def fundraiser_send_thank_you(fundraiser_id: int, gift_id: int, note: str) -> str:
    return notices.thank_you_send(fundraiser_id=fundraiser_id, gift_id=gift_id, note=note)


@task
def fundraiser_send_staff_message(fundraiser_id: int, subject: str, body: str) -> str:
    return notices.staff_message_send(fundraiser_id=fundraiser_id, subject=subject, body=body)


@task
def fundraiser_send_approved(fundraiser_id: int) -> str:
    return notices.approved_send(fundraiser_id=fundraiser_id)
