"""Development staff set up spaces, hold one for a prospect, attach a gift, name it, release it."""

import datetime

import pytest
from django.utils import timezone

from recognition import services
from recognition.models import NamingClaim, NamingOpportunity, NamingStatus
from tests.factories import GiftFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db


def _change_url(space):
    return f"/admin/recognition/namingopportunity/{space.pk}/change/"


def _form(space, **changes):
    data = {
        "campaign": space.campaign_id,
        "name": space.name,
        "designation": "",
        "description": space.description,
        "center": space.center,
        "price_cents": "25,000",
        "position": "0",
        "plan_x": space.plan_x,
        "plan_y": space.plan_y,
        "plan_w": space.plan_w,
        "plan_h": space.plan_h,
        "name_es": "",
        "description_es": "",
        "claim_action": "",
        "hold_for": "",
        "hold_until": "",
        "gift_id": "",
        "approved_name": "",
        "claim_seen": (services.active_claim_id(space) if space.pk else None) or "",
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def _post(client, space, capture, **changes):
    with capture(execute=True):
        return client.post(_change_url(space), _form(space, **changes))


def _until(days=14):
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_staff_add_a_space_typing_the_price_in_dollars(dev_client, campaign, django_capture_on_commit_callbacks):
    data = _form(
        NamingOpportunity(
            campaign=campaign, name="Playroom", center="infusion", plan_x=15, plan_y=19, plan_w=11, plan_h=8
        ),
        price_cents="$150,000",
        **{"claim_seen": ""},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = dev_client.post("/admin/recognition/namingopportunity/add/", data)
    assert response.status_code == 302, page_text(response)[:3000]
    assert NamingOpportunity.objects.get(name="Playroom").price_cents == 150_000_00
    off_plan = _form(
        NamingOpportunity(campaign=campaign, name="Off", center="infusion", plan_x=45, plan_y=0, plan_w=8, plan_h=2),
        claim_seen="",
    )
    response = dev_client.post("/admin/recognition/namingopportunity/add/", off_plan)
    assert response.status_code == 200 and "The space runs off the plan" in page_text(response)


def test_hold_then_attach_a_gift_then_name_from_the_admin(dev_client, space, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert dev_client.get(_change_url(space)).status_code == 200
    response = _post(dev_client, space, capture, claim_action="hold", hold_for="Rivera family", hold_until=_until())
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.status == NamingStatus.HELD
    claim = NamingClaim.objects.get(opportunity=space)
    assert claim.holder_note == "Rivera family" and claim.created_by.username == "dev.officer"
    assert claim.expires_at > timezone.now() + datetime.timedelta(days=13)

    gift = GiftFactory(campaign=space.campaign, amount_cents=25_000_00)
    assert _post(dev_client, space, capture, claim_action="pledge", gift_id=gift.pk).status_code == 302
    space.refresh_from_db()
    assert space.status == NamingStatus.PLEDGED

    assert _post(dev_client, space, capture, claim_action="name", approved_name="The Rivera Family").status_code == 302
    space.refresh_from_db()
    assert (space.status, space.recognition_name) == (NamingStatus.NAMED, "The Rivera Family")
    assert NamingClaim.objects.get(opportunity=space, released_at__isnull=True).gift_id == gift.pk
    listing = page_text(dev_client.get("/admin/recognition/namingopportunity/"))
    assert "The Rivera Family" in listing and "$25,000" in listing

    # Editing the description afterwards leaves the naming alone.
    _post(dev_client, space, capture, description="Now with a window.")
    space.refresh_from_db()
    assert (space.status, space.description) == (NamingStatus.NAMED, "Now with a window.")

    assert _post(dev_client, space, capture, claim_action="release").status_code == 302
    space.refresh_from_db()
    assert space.status == NamingStatus.AVAILABLE


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"claim_action": "hold", "hold_for": "x", "hold_until": ""}, "Give a date and time in the future"),
        ({"claim_action": "hold", "hold_for": "", "hold_until": _until()}, "Say who the space is held for."),
        ({"claim_action": "pledge"}, "Give the number of the gift or pledge."),
        ({"claim_action": "pledge", "gift_id": "99999999"}, "No gift of this campaign that counts has this number."),
        ({"claim_action": "pledge", "gift_id": "-3"}, "greater than or equal to 1"),
        ({"claim_action": "name", "approved_name": "  "}, "Give the recognition name"),
        ({"claim_action": "release"}, "This space is already available."),
        ({"claim_action": "steal"}, "Select a valid choice"),
        ({"price_cents": "lots"}, "Enter"),
    ],
)
def test_bad_staff_input_gets_a_clear_message(dev_client, space, changes, error, django_capture_on_commit_callbacks):
    response = _post(dev_client, space, django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 200
    assert error in page_text(response)
    space.refresh_from_db()
    assert space.status == NamingStatus.AVAILABLE


def test_a_gift_of_another_campaign_cannot_be_attached(dev_client, space, django_capture_on_commit_callbacks):
    elsewhere = GiftFactory()
    response = _post(dev_client, space, django_capture_on_commit_callbacks, claim_action="pledge", gift_id=elsewhere.pk)
    assert "No gift of this campaign" in page_text(response)


def test_a_space_claimed_while_the_form_was_open_is_not_taken_over(
    dev_client, space, django_capture_on_commit_callbacks
):
    stale_form = _form(space, claim_action="name", approved_name="Second donor")  # opened while available
    services.space_hold(opportunity=space, expires_at=timezone.now() + datetime.timedelta(days=2), holder_note="first")
    with django_capture_on_commit_callbacks(execute=True):
        response = dev_client.post(_change_url(space), stale_form, follow=True)
    assert "was just claimed for someone else" in page_text(response)
    space.refresh_from_db()
    assert space.status == NamingStatus.HELD
    assert NamingClaim.objects.get(opportunity=space, released_at__isnull=True).holder_note == "first"


def test_the_list_shows_each_holds_expiry_in_a_fixed_number_of_queries(
    dev_client, campaign, django_assert_max_num_queries
):
    from tests.recognition.conftest import make_space

    until = timezone.now() + datetime.timedelta(days=5)
    for index in range(6):
        space = make_space(campaign, f"Bay {index + 1}", xywh=(index * 4, 0, 4, 4))
        services.space_hold(opportunity=space, expires_at=until, holder_note=f"prospect {index}")
    dev_client.get("/admin/recognition/namingopportunity/")  # warm the session and permissions
    with django_assert_max_num_queries(9):  # one more per held space before the subquery
        listing = page_text(dev_client.get("/admin/recognition/namingopportunity/"))
    assert listing.count(">Held<") >= 6
    assert timezone.localtime(until).strftime("%Y") in listing


def test_inquiries_are_read_and_marked_handled_but_not_added_or_deleted(dev_client, space):
    from recognition.models import NamingInquiry

    inquiry = NamingInquiry.objects.create(opportunity=space, name="Ana", email="ana@example.com")
    url = f"/admin/recognition/naminginquiry/{inquiry.pk}/change/"
    assert "ana@example.com" in page_text(dev_client.get(url))
    assert dev_client.get("/admin/recognition/naminginquiry/add/").status_code == 403
    assert dev_client.get(f"/admin/recognition/naminginquiry/{inquiry.pk}/delete/").status_code == 403
    assert dev_client.post(url, {"is_handled": "on"}).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.is_handled


@pytest.mark.real_two_factor
def test_a_password_only_session_sees_no_naming_admin(client, development_officer, space):
    client.force_login(development_officer)  # the password step only: no verified second factor
    response = client.get(_change_url(space))
    assert response.status_code in (302, 403)
    assert "Bay 1" not in page_text(response)
