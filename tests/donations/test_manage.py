import re

import pytest
from django.core import mail
from django.utils import timezone

from donations.models import RecurringPlan
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

# /donate/manage/ is the door to the donor's pages (donors/); a plan opens from there.
LINK = re.compile(r"https://give\.example\.org(/donate/manage/access/)#(\S+)")
PLAN_LINK = re.compile(r"https://give\.example\.org(/donate/manage/open/)#(\S+)")


@pytest.fixture
def plan(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), frequency="monthly", amount="25")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="monthly@example.com")
    deliver("checkout.session.completed", session)
    mail.outbox.clear()
    return RecurringPlan.objects.get()


def ask(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/donate/manage/", {"email": email})


def test_the_answer_is_the_same_whether_or_not_the_address_gives(client, plan, django_capture_on_commit_callbacks):
    known = ask(client, "Monthly@Example.com", django_capture_on_commit_callbacks)
    unknown = ask(client, "stranger@example.com", django_capture_on_commit_callbacks)

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [["monthly@example.com"]]
    assert LINK.search(mail.outbox[0].body)


def test_the_emailed_link_opens_the_customer_portal(client, fake_stripe, plan, django_capture_on_commit_callbacks):
    ask(client, "monthly@example.com", django_capture_on_commit_callbacks)
    path, token = LINK.search(mail.outbox[0].body).groups()

    assert client.get(path).status_code == 200
    opened = client.post(path, {"token": token})
    assert opened["Location"] == "/donate/manage/you/"
    assert client.get("/donate/manage/you/").status_code == 200
    assert client.post(f"/donate/manage/you/plans/{plan.pk}/")["Location"] == "/donate/manage/plan/"
    page = client.get("/donate/manage/plan/")
    assert page.status_code == 200
    assert fake_stripe.calls("POST", "/v1/billing_portal/sessions") == []  # a GET (mail scanner) opens nothing

    response = client.post("/donate/manage/plan/")
    assert response.status_code == 303
    [call] = fake_stripe.calls("POST", "/v1/billing_portal/sessions")
    assert call.params == {
        "customer": plan.stripe_customer_id,
        "return_url": "https://give.example.org/donate/manage/you/",
    }
    assert response["Location"] == fake_stripe.portal_sessions[next(iter(fake_stripe.portal_sessions))]["url"]
    # The browser's access ends with the portal: another visit needs a new link.
    assert client.get("/donate/manage/plan/").status_code == 400


def test_expired_or_forged_links_are_refused(client, fake_stripe, plan):
    # A plan's own link (emailed before the donor's pages existed, and still in a pledge's payment-failed
    # email) works until it expires.
    from donations.models import PlanManageToken
    from donations.services.plans import plan_manage_url

    path, token = PLAN_LINK.search(plan_manage_url(plan=plan)).groups()
    PlanManageToken.objects.update(expires_at=timezone.now())
    for attempt in [token, token[:-1], "garbage", "1:abc:def", "x" * 101]:
        response = client.post(path, {"token": attempt})
        assert response.status_code == 400
        assert "expired or is not valid" in response.content.decode()
    assert client.get("/donate/manage/plan/").status_code == 400
    assert client.post("/donate/manage/plan/").status_code == 400
    assert fake_stripe.calls("POST", "/v1/billing_portal/sessions") == []


def test_a_link_works_for_thirty_minutes():
    from donations import selectors

    assert (selectors.PLAN_LINK_MAX_AGE, selectors.PLAN_SESSION_MAX_AGE) == (30 * 60, 15 * 60)


def test_requests_are_rate_limited_per_address(client, plan, django_capture_on_commit_callbacks):
    for _ in range(3):
        assert ask(client, "monthly@example.com", django_capture_on_commit_callbacks).status_code == 200
    response = ask(client, "monthly@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_requests_are_rate_limited_per_client(client, plan, django_capture_on_commit_callbacks):
    for index in range(10):
        assert ask(client, f"someone{index}@example.com", django_capture_on_commit_callbacks).status_code == 200
    assert ask(client, "monthly@example.com", django_capture_on_commit_callbacks).status_code == 429
    assert mail.outbox == []


def test_invalid_email_gets_a_message(client, fake_stripe):
    response = client.post("/donate/manage/", {"email": "not-an-email"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter a valid email address, like name@example.com."]


def test_asking_does_the_same_work_whether_or_not_the_address_gives(rf, plan, django_capture_on_commit_callbacks):
    # Answer time must not tell who gives: the request does the same queries and the same calls
    # for any address, and the email (lookup, rendering, sending) happens after the answer is sent.
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    from donors import views

    def ask_in_view(email):
        request = rf.post("/donate/manage/", {"email": email}, REMOTE_ADDR="192.0.2.10")
        mail_before = len(mail.outbox)
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
            response = views.door(request)
        work = {
            "queries": [query["sql"].replace(email, "<email>") for query in queries.captured_queries],
            "on_commit": len(callbacks),
            "mail": len(mail.outbox) - mail_before,
        }
        for callback in callbacks:
            callback()
        # What the WSGI server does once the answer is sent (without request_finished closing the
        # test's connection, as Django's test client does too).
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
        return response, work

    known, known_work = ask_in_view("monthly@example.com")
    unknown, unknown_work = ask_in_view("stranger@example.com")

    assert known.content == unknown.content
    assert known_work == unknown_work == {"queries": [], "on_commit": 0, "mail": 0}
    assert [message.to for message in mail.outbox] == [["monthly@example.com"]]


def test_the_emailed_token_is_never_in_a_path_and_works_once(client, plan, django_capture_on_commit_callbacks):
    ask(client, "monthly@example.com", django_capture_on_commit_callbacks)
    url = re.search(r"https://give\.example\.org\S+", mail.outbox[0].body).group(0)
    path, _hash, token = url.removeprefix("https://give.example.org").partition("#")
    # The token rides in the fragment, which browsers never send: no access log can record it.
    assert path == "/donate/manage/access/"
    assert len(token) >= 40
    assert token not in client.get(path).content.decode()

    opened = client.post(path, {"token": token})
    assert (opened.status_code, opened["Location"]) == (303, "/donate/manage/you/")
    assert "$25.00" in client.get("/donate/manage/you/").content.decode()

    # Spent: the same token, from another browser, opens nothing.
    other = client.__class__()
    again = other.post(path, {"token": token})
    assert again.status_code == 400
    assert "expired or is not valid" in again.content.decode()
    assert other.get("/donate/manage/you/").status_code == 403


def test_gunicorn_access_log_holds_no_query_string_or_referer():
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"))
    for field in ("%(r)s", "%(q)s", "%(f)s", "%({referer}i)s", "%(u)s"):
        assert field not in config["access_log_format"]
    assert "%(U)s" in config["access_log_format"]  # the path alone
