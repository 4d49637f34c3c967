"""
The staff roles, exactly: for each group, every model's view/add/change/delete, and export,
refund, resend receipt, and Destination Care requests, asked of has_perm AND of the admin.
"""

import pytest
from django.contrib.auth.models import Group

from tests.factories import CampaignFactory, CareRequestFactory, GiftFactory
from tests.staff import make_staff

pytestmark = pytest.mark.django_db

CAMPAIGN_MODELS = ["campaign", "figure", "division", "designation", "milestone", "update"]
CRUD = ["view", "add", "change", "delete"]


def expected_permissions(group: str) -> set[str]:
    """The matrix DESIGN.md gives, written out independently of the migration."""
    if group == "Care coordinators":
        return set()  # checked separately: destination only
    campaign = {f"campaign.{action}_{model}" for model in CAMPAIGN_MODELS for action in CRUD}
    gifts = {
        "donations.view_gift",
        "donations.export_gift",
        "donations.resend_receipt",
        "donations.view_offlinegift",
        "donations.add_offlinegift",
        "donations.change_offlinegift",
        "donations.view_recurringplan",
        "donations.moderate_message",
        # Pledges: entered, changed (notes, cancel, write off) and paid by hand; never deleted.
        "donations.view_pledge",
        "donations.add_pledge",
        "donations.change_pledge",
        "donations.record_pledge_payment",
    }
    # Fundraisers' pages: reviewed, never deleted (gifts keep their soft credit); teams kept in full.
    fundraising = {"fundraisers.view_fundraiser", "fundraisers.add_fundraiser", "fundraisers.change_fundraiser"}
    fundraising |= {f"fundraisers.{action}_team" for action in CRUD}
    fundraising |= {"fundraisers.export_fundraiser", "fundraisers.message_fundraisers"}
    pages = {"pages.view_sitepage", "pages.change_sitepage"}
    # Naming: spaces kept and claimed (never deleted: one may carry a donor's name), claims read,
    # inquiries read and marked handled, giving societies kept in full.
    naming = {f"recognition.{action}_namingopportunity" for action in ("view", "add", "change")}
    naming |= {"recognition.view_namingclaim", "recognition.view_naminginquiry", "recognition.change_naminginquiry"}
    naming |= {f"recognition.{action}_recognitionlevel" for action in CRUD}
    pages |= {"donors.view_tributecard", "donors.change_tributecard", "donors.view_honoree", "donors.change_honoree"}
    pages |= {"donors.view_contactpreference", "donors.view_consentrecord"}
    # Matching challenges: opened and changed, never deleted (their gifts keep them).
    matching = {"donations.view_matchchallenge", "donations.add_matchchallenge", "donations.change_matchchallenge"}
    if group == "Finance":
        finance = {"donations.refund_gift", "donations.view_webhookevent"}
        return campaign | gifts | fundraising | pages | naming | matching | finance
    return campaign | gifts | fundraising | pages | naming | matching


def every_permission_asked() -> list[str]:
    models = {
        "campaign": [*CAMPAIGN_MODELS, "tally", "campaigndonor"],
        "donations": [
            "gift",
            "offlinegift",
            "recurringplan",
            "webhookevent",
            "democheckoutsession",
            "pledge",
            "matchchallenge",
        ],
        "destination": ["carerequest", "destinationpage", "requestcount"],
        "fundraisers": ["fundraiser", "team", "fundraisertally"],
        "auth": ["user", "group"],
        "pages": ["sitepage"],
        "recognition": ["namingopportunity", "namingclaim", "naminginquiry", "recognitionlevel"],
        "donors": ["tributecard", "honoree", "donoraccesstoken", "statementsend", "contactpreference", "consentrecord"],
    }
    asked = [f"{app}.{action}_{model}" for app, names in models.items() for model in names for action in CRUD]
    return [
        *asked,
        "donations.export_gift",
        "donations.refund_gift",
        "donations.resend_receipt",
        "donations.moderate_message",
        "donations.record_pledge_payment",
    ]


@pytest.mark.parametrize("group", ["Development staff", "Finance"])
def test_the_group_holds_exactly_its_permissions(group):
    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert held == expected_permissions(group)


@pytest.mark.parametrize("group", ["Development staff", "Finance", "Care coordinators"])
def test_has_perm_answers_the_whole_matrix(django_user_model, group):
    user = make_staff(django_user_model, "member", group)
    expected = expected_permissions(group)
    for permission in every_permission_asked():
        if group == "Care coordinators":  # the requests only, not the page's content (issue 17)
            allowed = permission.startswith("destination.") and permission.endswith("_carerequest")
        else:
            allowed = permission in expected
        assert user.has_perm(permission) is allowed, permission


def test_nobody_but_a_superuser_deletes_gifts_or_changes_online_ones(django_user_model):
    for group in ("Development staff", "Finance", "Care coordinators"):
        user = make_staff(django_user_model, f"u-{group[:3]}", group)
        assert not user.has_perm("donations.delete_gift")
        assert not user.has_perm("donations.change_gift")
        assert not user.has_perm("donations.delete_offlinegift")


# --- The same matrix through the admin's HTTP answers ---------------------------------------------

ADMIN_PAGES = {
    # name: (url, {group: expected status})
    "campaigns": ("/admin/campaign/campaign/", {"Development staff": 200, "Finance": 200, "Care coordinators": 403}),
    "add campaign": (
        "/admin/campaign/campaign/add/",
        {"Development staff": 200, "Finance": 200, "Care coordinators": 403},
    ),
    "updates": ("/admin/campaign/update/", {"Development staff": 200, "Finance": 200, "Care coordinators": 403}),
    "gifts": ("/admin/donations/gift/", {"Development staff": 200, "Finance": 200, "Care coordinators": 403}),
    "offline gifts": (
        "/admin/donations/offlinegift/",
        {"Development staff": 200, "Finance": 200, "Care coordinators": 403},
    ),
    "add offline gift": (
        "/admin/donations/offlinegift/add/",
        {"Development staff": 200, "Finance": 200, "Care coordinators": 403},
    ),
    "add gift": ("/admin/donations/gift/add/", {"Development staff": 403, "Finance": 403, "Care coordinators": 403}),
    "export": ("/admin/donations/gift/export/", {"Development staff": 200, "Finance": 200, "Care coordinators": 403}),
    "dashboard": ("/admin/dashboard/", {"Development staff": 200, "Finance": 200, "Care coordinators": 403}),
    "monthly plans": (
        "/admin/donations/recurringplan/",
        {"Development staff": 200, "Finance": 200, "Care coordinators": 403},
    ),
    "stripe events": (
        "/admin/donations/webhookevent/",
        {"Development staff": 403, "Finance": 200, "Care coordinators": 403},
    ),
    "inquiries": (
        "/admin/destination/carerequest/",
        {"Development staff": 403, "Finance": 403, "Care coordinators": 200},
    ),
    "users": ("/admin/auth/user/", {"Development staff": 403, "Finance": 403, "Care coordinators": 403}),
}


@pytest.mark.parametrize("group", ["Development staff", "Finance", "Care coordinators"])
def test_admin_pages_answer_the_matrix(client, django_user_model, group):
    CampaignFactory()
    client.force_login(make_staff(django_user_model, "member", group))
    answers = {name: client.get(url).status_code for name, (url, _expected) in ADMIN_PAGES.items()}
    assert answers == {name: expected[group] for name, (_url, expected) in ADMIN_PAGES.items()}


@pytest.mark.parametrize(
    ("group", "status"), [("Development staff", 403), ("Finance", 200), ("Care coordinators", 403)]
)
def test_only_finance_opens_the_refund_page(client, django_user_model, group, status):
    gift = GiftFactory(stripe_payment_intent_id="pi_matrix")
    client.force_login(make_staff(django_user_model, "member", group))
    assert client.get(f"/admin/donations/gift/{gift.pk}/refund/").status_code == status


@pytest.mark.parametrize("group", ["Development staff", "Finance"])
def test_gift_pages_are_read_only_and_have_no_delete(client, django_user_model, group):
    gift = GiftFactory(stripe_payment_intent_id="pi_readonly")
    client.force_login(make_staff(django_user_model, "member", group))
    page = client.get(f"/admin/donations/gift/{gift.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.get(f"/admin/donations/gift/{gift.pk}/delete/").status_code == 403
    response = client.post(f"/admin/donations/gift/{gift.pk}/change/", {"donor_name": "Changed"})
    assert response.status_code == 403
    gift.refresh_from_db()
    assert gift.donor_name != "Changed"


def test_the_resend_action_is_offered_by_permission(client, django_user_model):
    GiftFactory()
    staff = make_staff(django_user_model, "member", "Development staff")
    viewer = make_staff(django_user_model, "viewer")
    viewer.user_permissions.add(
        *Group.objects.get(name="Development staff").permissions.exclude(codename="resend_receipt")
    )
    client.force_login(staff)
    assert "resend_receipts" in dict(
        client.get("/admin/donations/gift/").context["action_form"].fields["action"].choices
    )
    client.force_login(viewer)
    page = client.get("/admin/donations/gift/")
    assert page.status_code == 200
    assert page.context["action_form"] is None or "resend_receipts" not in dict(
        page.context["action_form"].fields["action"].choices
    )


def test_care_coordinators_see_requests_and_nothing_else(client, care_coordinator):
    request = CareRequestFactory()
    client.force_login(care_coordinator)
    assert client.get(f"/admin/destination/carerequest/{request.pk}/change/").status_code == 200
    index = client.get("/admin/")
    assert [app["app_label"] for app in index.context["app_list"]] == ["destination"]
    assert "/admin/dashboard/" not in index.content.decode()


def test_staff_with_gifts_get_the_dashboard_link(client, development_officer):
    client.force_login(development_officer)
    landing = client.get("/admin/")
    assert landing["Location"] == "/admin/dashboard/"  # their landing page (issue 17)
    dashboard = client.get("/admin/", follow=True).content.decode()
    assert 'href="/admin/donations/offlinegift/add/"' in dashboard
