"""The gifts list: filters, search, read-only Stripe data with dashboard links, bounded queries."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.models import Designation, Milestone, Update
from donations.admin import stripe_dashboard_url
from donations.models import Gift, RecurringPlan, WebhookEvent
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def listed_ids(response) -> list[int]:
    return [gift.pk for gift in response.context["cl"].result_list]


# --- Query counts: the same for 5 rows as for 50 -----------------------------------------------------


_serial = itertools.count()


def make_rows(kind: str, count: int, campaign, designation):
    if kind in ("gift", "offlinegift"):
        for index in range(count):
            GiftFactory(
                campaign=campaign,
                designation=designation if index % 2 else None,
                source=Gift.Source.CHECK if kind == "offlinegift" else Gift.Source.ONLINE,
                received_on=timezone.localdate() if kind == "offlinegift" else None,
            )
    elif kind == "recurringplan":
        for _index in range(count):
            RecurringPlan.objects.create(
                campaign=campaign, amount_cents=2500, stripe_subscription_id=f"sub_{next(_serial)}", status="active"
            )
    elif kind == "webhookevent":
        for _index in range(count):
            WebhookEvent.objects.create(stripe_event_id=f"evt_{next(_serial)}", type="invoice.paid", status="processed")
    elif kind == "update":
        for _index in range(count):
            UpdateFactory(campaign=campaign)
    elif kind == "designation":
        for _index in range(count):
            DesignationFactory(campaign=campaign)
    elif kind == "milestone":
        for index in range(count):
            Milestone.objects.create(campaign=campaign, amount_cents=(index + 1) * 1000_00, label=f"Mark {index}")
    elif kind == "campaign":
        for _index in range(count):
            CampaignFactory()


CHANGELISTS = {
    "gift": "/admin/donations/gift/",
    "offlinegift": "/admin/donations/offlinegift/",
    "recurringplan": "/admin/donations/recurringplan/",
    "webhookevent": "/admin/donations/webhookevent/",
    "campaign": "/admin/campaign/campaign/",
    "update": "/admin/campaign/update/",
    "designation": "/admin/campaign/designation/",
    "milestone": "/admin/campaign/milestone/",
}
# Session, user, groups/permissions, the page's count and rows, filters' choices: fixed whatever
# the number of rows.
EXPECTED_QUERIES = {
    "gift": 13,  # whether to show the campaign column (several campaigns); the fundraiser and team filters
    "offlinegift": 10,
    "recurringplan": 7,
    "webhookevent": 7,
    "campaign": 7,
    "update": 10,
    "designation": 8,
    "milestone": 8,
}


def count_queries(client, url) -> int:
    client.get(url)  # warm: content types, permissions cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", list(CHANGELISTS))
def test_changelist_queries_do_not_grow_with_rows(client, superuser, kind):
    campaign = CampaignFactory()
    designation = Designation.objects.create(campaign=campaign, name="Infusion Center", slug="infusion")
    client.force_login(superuser)
    url = CHANGELISTS[kind]
    make_rows(kind, 5, campaign, designation)
    with_five = count_queries(client, url)
    make_rows(kind, 45, campaign, designation)
    with_fifty = count_queries(client, url)
    assert (kind, with_five, with_fifty) == (kind, EXPECTED_QUERIES[kind], EXPECTED_QUERIES[kind])


# --- Filters and search --------------------------------------------------------------------------------


@pytest.fixture
def gifts():
    campaign = CampaignFactory(title="Dialysis Centers")
    other = CampaignFactory(title="Other campaign")
    infusion = Designation.objects.create(campaign=campaign, name="Infusion Center", slug="infusion")
    now = timezone.now()
    return {
        "online": GiftFactory(
            campaign=campaign,
            donor_name="Ada Lovelace",
            donor_email="ada@example.com",
            stripe_payment_intent_id="pi_3Ada",
            stripe_customer_id="cus_Ada",
            paid_at=now - datetime.timedelta(days=40),
        ),
        "monthly": GiftFactory(
            campaign=campaign,
            designation=infusion,
            frequency="monthly",
            donor_name="Grace Hopper",
            stripe_subscription_id="sub_Grace",
            stripe_invoice_id="in_Grace",
            paid_at=now - datetime.timedelta(days=3),
        ),
        "check": GiftFactory(
            campaign=other,
            source=Gift.Source.CHECK,
            reference="1042",
            donor_name="Katherine Johnson",
            received_on=timezone.localdate(),
        ),
        "failed": GiftFactory(campaign=campaign, status=Gift.Status.FAILED, paid_at=None, donor_name="Failed Donor"),
        "designation": infusion,
        "campaign": campaign,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=failed", ["failed"]),
        ("frequency__exact=monthly", ["monthly"]),
        ("source__exact=check", ["check"]),
        ("q=lovelace", ["online"]),
        ("q=ADA%40example.com", ["online"]),
        ("q=pi_3Ada", ["online"]),
        ("q=cus_Ada", ["online"]),
        ("q=sub_Grace", ["monthly"]),
        ("q=1042", ["check"]),
    ],
)
def test_filters_and_search(dev_client, gifts, query, expected):
    response = dev_client.get(f"/admin/donations/gift/?{query}")
    assert response.status_code == 200
    assert sorted(listed_ids(response)) == sorted(gifts[name].pk for name in expected)


def test_filter_by_campaign_and_designation(dev_client, gifts):
    by_campaign = dev_client.get(f"/admin/donations/gift/?campaign__id__exact={gifts['campaign'].pk}&payment=all")
    assert sorted(listed_ids(by_campaign)) == sorted(gifts[name].pk for name in ("online", "monthly", "failed"))
    by_designation = dev_client.get(f"/admin/donations/gift/?designation__id__exact={gifts['designation'].pk}")
    assert listed_ids(by_designation) == [gifts["monthly"].pk]


def test_date_range_is_inclusive_and_bad_dates_are_explained(dev_client, gifts):
    today = timezone.localdate()
    start = (today - datetime.timedelta(days=7)).isoformat()
    response = dev_client.get(f"/admin/donations/gift/?date_from={start}&date_to={today.isoformat()}")
    assert sorted(listed_ids(response)) == sorted([gifts["monthly"].pk, gifts["check"].pk])
    older = (today - datetime.timedelta(days=40)).isoformat()
    response = dev_client.get(f"/admin/donations/gift/?date_from={older}&date_to={older}")
    assert listed_ids(response) == [gifts["online"].pk]

    response = dev_client.get("/admin/donations/gift/?date_from=31/12/2026&payment=all")
    assert response.status_code == 200
    assert "is not a date: use YYYY-MM-DD" in response.content.decode()
    assert len(listed_ids(response)) == 4  # a bad date filters nothing out


# --- What came from Stripe ----------------------------------------------------------------------------


def test_stripe_dashboard_links_follow_the_key_mode(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    assert stripe_dashboard_url("payments", "pi_1") == "https://dashboard.stripe.com/test/payments/pi_1"
    settings.STRIPE_SECRET_KEY = "rk_live_123"
    assert stripe_dashboard_url("customers", "cus_1") == "https://dashboard.stripe.com/customers/cus_1"
    settings.STRIPE_SECRET_KEY = ""
    assert stripe_dashboard_url("subscriptions", "sub_1") == "https://dashboard.stripe.com/test/subscriptions/sub_1"


def test_gift_page_links_to_stripe(dev_client, gifts, settings):
    settings.STRIPE_SECRET_KEY = "sk_live_abc"
    page = dev_client.get(f"/admin/donations/gift/{gifts['online'].pk}/change/").content.decode()
    assert 'href="https://dashboard.stripe.com/payments/pi_3Ada"' in page
    assert 'href="https://dashboard.stripe.com/customers/cus_Ada"' in page
    monthly = dev_client.get(f"/admin/donations/gift/{gifts['monthly'].pk}/change/").content.decode()
    assert 'href="https://dashboard.stripe.com/subscriptions/sub_Grace"' in monthly
    assert 'href="https://dashboard.stripe.com/invoices/in_Grace"' in monthly


def test_even_a_superuser_cannot_change_an_online_gifts_amount_or_status(client, superuser, gifts):
    gift = gifts["online"]
    client.force_login(superuser)
    form = client.get(f"/admin/donations/gift/{gift.pk}/change/").context["adminform"].form
    assert sorted(form.fields) == ["display_name", "donor_email", "donor_name", "is_anonymous"]
    response = client.post(
        f"/admin/donations/gift/{gift.pk}/change/",
        {
            "donor_name": "Ada King",
            "donor_email": "ada@example.com",
            "display_name": "Ada",
            "amount_cents": "1",
            "status": "refunded",
            "stripe_payment_intent_id": "pi_other",
        },
    )
    assert response.status_code == 302
    gift.refresh_from_db()
    assert (gift.donor_name, gift.amount_cents, gift.status, gift.stripe_payment_intent_id) == (
        "Ada King",
        50_00,
        "succeeded",
        "pi_3Ada",
    )


def test_a_superuser_deletes_only_gifts_that_count_nothing(client, superuser, gifts):
    client.force_login(superuser)
    assert client.get(f"/admin/donations/gift/{gifts['online'].pk}/delete/").status_code == 403
    # Never-paid gifts are listed (and so can be selected) once the list is asked to include them.
    mixed = client.post(
        "/admin/donations/gift/?payment=all",
        {"action": "delete_selected", "_selected_action": [gifts["online"].pk, gifts["failed"].pk], "post": "yes"},
    )
    assert mixed.status_code == 403
    assert Gift.objects.filter(pk__in=[gifts["online"].pk, gifts["failed"].pk]).count() == 2
    alone = client.post(
        "/admin/donations/gift/?payment=all",
        {"action": "delete_selected", "_selected_action": [gifts["failed"].pk], "post": "yes"},
    )
    assert alone.status_code == 302
    assert not Gift.objects.filter(pk=gifts["failed"].pk).exists()
    assert Gift.objects.filter(pk=gifts["online"].pk).exists()


def test_updates_list_shows_draft_scheduled_and_published(dev_client):
    campaign = CampaignFactory()
    UpdateFactory(campaign=campaign, title="A draft", status=Update.Status.DRAFT)
    UpdateFactory(
        campaign=campaign, title="Later", publish_at=timezone.now() + datetime.timedelta(days=2), slug="later"
    )
    UpdateFactory(campaign=campaign, title="Out now")
    page = dev_client.get("/admin/campaign/update/").content.decode()
    assert page.count('class="update-state update-state-draft">Draft<') == 1
    assert page.count('class="update-state update-state-scheduled">Scheduled<') == 1
    assert page.count('class="update-state update-state-published">Published<') == 1
    assert 'href="/updates/later/"' in page
