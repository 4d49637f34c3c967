import pytest
from django.core import mail

from campaign.models import Tally
from campaign.tallies import tally_totals
from donations.models import Gift, RecurringPlan, WebhookEvent
from tests.factories import CampaignFactory

from .conftest import form_data

pytestmark = pytest.mark.django_db


def start(client, campaign, **overrides):
    response = client.post("/donate/", form_data(campaign, **overrides))
    assert response.status_code == 303
    assert response["Location"].startswith("/donate/demo-checkout/cs_test_demo")
    return response["Location"]


def test_demo_pay_goes_through_the_real_webhook(client, demo_payments, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    url = start(client, campaign, amount="100")
    page = client.get(url)
    assert page.status_code == 200
    assert "$100.00" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "pay", "email": "demo@example.com", "name": "Demo Person"})

    gift = Gift.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}"
    assert (gift.status, gift.donor_email, gift.donor_name) == ("succeeded", "demo@example.com", "Demo Person")
    assert WebhookEvent.objects.get().type == "checkout.session.completed"
    assert tally_totals(campaign=campaign, designation=None).raised_cents == 100_00
    assert [m.to for m in mail.outbox] == [["demo@example.com"]]
    assert client.get(response["Location"]).context["state"] == "received"

    client.post(url, {"action": "pay"})  # paying twice: the session is finished
    assert tally_totals(campaign=campaign, designation=None).raised_cents == 100_00
    assert WebhookEvent.objects.count() == 1


def test_demo_monthly_gift_is_one_gift_and_an_active_plan(client, demo_payments):
    campaign = CampaignFactory()
    url = start(client, campaign, frequency="monthly", amount="25")
    client.post(url, {"action": "pay", "email": "m@example.com", "name": "M"})

    gift = Gift.objects.get()
    assert gift.status == Gift.Status.SUCCEEDED
    assert sorted(WebhookEvent.objects.values_list("type", flat=True)) == ["checkout.session.completed", "invoice.paid"]
    plan = RecurringPlan.objects.get()
    assert (plan.status, plan.donor_email, gift.plan_id) == ("active", "m@example.com", plan.pk)
    assert tally_totals(campaign=campaign, designation=None).raised_cents == 25_00


def test_demo_decline_and_cancel_record_no_payment(client, demo_payments):
    campaign = CampaignFactory()
    declined = start(client, campaign)
    response = client.post(declined, {"action": "decline"})
    assert client.get(response["Location"]).context["state"] == "failed"

    cancelled = start(client, campaign)
    response = client.post(cancelled, {"action": "cancel"})
    assert response["Location"].startswith("/donate/cancelled/?gift=")

    assert sorted(Gift.objects.values_list("status", flat=True)) == ["failed", "pending"]
    assert not Tally.objects.filter(campaign=campaign, raised_cents__gt=0).exists()


def test_demo_plan_can_be_cancelled_from_the_emailed_link(client, demo_payments, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    client.post(start(client, campaign, frequency="monthly"), {"action": "pay", "email": "m@example.com", "name": "M"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/donate/manage/", {"email": "m@example.com"})
    link = mail.outbox[0].body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    path, token = link.split("#")
    assert client.post(path, {"token": token})["Location"] == "/donate/manage/you/"
    plan = RecurringPlan.objects.get()
    assert client.post(f"/donate/manage/you/plans/{plan.pk}/")["Location"] == "/donate/manage/plan/"

    response = client.post("/donate/manage/plan/")

    assert response.status_code == 200
    assert "has been cancelled" in response.content.decode()
    assert RecurringPlan.objects.get().status == RecurringPlan.Status.CANCELED
    assert Gift.objects.get().status == Gift.Status.SUCCEEDED  # the month already given stays given


def test_demo_pages_do_not_exist_with_real_keys(client, demo_payments, settings):
    url = start(client, CampaignFactory())
    settings.DEMO_PAYMENTS = False
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "pay"}).status_code == 404
    assert Gift.objects.get().status == Gift.Status.PENDING
