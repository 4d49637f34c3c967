"""Staff: the printed cards' queue, its print layout, marking cards mailed, and totals per honoree."""

import pytest
from django.utils import timezone

from donors.models import Honoree, TributeCard
from tests.factories import GiftFactory

pytestmark = pytest.mark.django_db

CARDS = "/admin/donors/tributecard/"


@pytest.fixture
def cards():
    rose = Honoree.objects.create(name="Rose Doe", is_memorial=True)
    sam = Honoree.objects.create(name="Sam Lee")
    made = []
    for honoree, cents, printed in ((rose, 100_00, True), (rose, 40_00, False), (sam, 25_00, True)):
        gift = GiftFactory(dedication="memory", honoree_name=honoree.name, amount_cents=cents)
        made.append(
            TributeCard.objects.create(
                gift=gift,
                honoree=honoree,
                from_name=f"Giver {cents}",
                message="With love",
                send_on=timezone.localdate(),
                print_requested=printed,
                mail_to="1 Main St\nHartford CT" if printed else "",
            )
        )
    GiftFactory(amount_cents=999_00, dedication="honor", honoree_name="Rose Doe")  # no card: not on her page
    return made


def test_the_print_queue_lists_only_cards_to_mail(dev_client, cards):
    page = dev_client.get(f"{CARDS}?print=queue")

    assert page.status_code == 200
    listed = list(page.context["cl"].result_list)
    assert sorted(card.from_name for card in listed) == ["Giver 10000", "Giver 2500"]


def test_the_print_layout_has_each_card_and_its_address(dev_client, cards):
    ids = [card.pk for card in cards]
    page = dev_client.post(CARDS, {"action": "print_layout", "_selected_action": ids})

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="print-card"') == 2
    assert "1 Main St<br>Hartford CT" in html
    assert "$" not in html.split('class="print-card"', 1)[1]  # no amount unless the donor allowed it


def test_marking_cards_mailed_empties_the_queue(dev_client, cards):
    dev_client.post(CARDS, {"action": "mark_mailed", "_selected_action": [card.pk for card in cards]})

    assert TributeCard.objects.filter(print_requested=True, printed_at__isnull=True).count() == 0
    assert TributeCard.objects.filter(print_requested=False, printed_at__isnull=False).count() == 0


def test_staff_see_what_each_honorees_tribute_gifts_count(dev_client, cards):
    page = dev_client.get("/admin/donors/honoree/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "$140.00" in html and "$25.00" in html and "$999" not in html
