"""Background work of the donor's pages (django.tasks; run after the answer was sent)."""

from django.tasks import task

from . import access


@task
def donor_send_access_link(email: str, language: str) -> bool:
    """The link to the donor's pages, for an address that gave (nothing for a stranger's)."""
    return access.access_link_send(email=email, language=language)


@task
def tribute_card_send(card_id: int) -> bool:
    """A tribute e-card whose day is today (later days: manage.py send_tribute_cards)."""
    from . import tributes

    return tributes.card_send(card_id=card_id)
