"""
A password alone opens nothing a visitor cannot see (issue 18, finding 2).

Every URL pattern of every app (tests/urlsweep.py) is requested with a staff session that
passed the password step but not the second one, by a superuser (every permission, so nothing
but the missing second step can stop it). Each answer must be what an anonymous visitor gets,
or a redirect into sign-in, or 403/404/405: never staff content.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client

from campaign.models import Update
from tests.staff import make_staff
from tests.urlsweep import seed_site_objects, site_urls

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

# The sign-in steps themselves: a password-only session is meant to reach them.
SIGN_IN_STEPS = {"login", "otp_verify", "otp_enrol", "otp_cancel", "otp_invitation"}
SIGN_IN_PREFIXES = ("/admin/login/", "/admin/otp/")


def _templates(response) -> list[str]:
    return sorted({template.name for template in (response.templates or []) if template.name})


def test_a_password_only_staff_session_sees_nothing_a_visitor_cannot(django_user_model):
    objects = seed_site_objects()
    staff = django_user_model.objects.create_superuser("root", "root@foundation.example", "a-long-password-1")
    password_only = Client()
    password_only.force_login(staff)  # no second step: real_two_factor
    anonymous = Client()

    urls = site_urls(objects)
    assert len(urls) >= 140  # every admin model's views, the public pages, the staff extras
    shown_to_staff_only = []
    for swept in urls:
        if swept.name in SIGN_IN_STEPS:
            continue
        # Each rendered afresh (the page and gift form caches serve a visitor without rendering a
        # template, so what each was shown is compared render to render).
        cache.clear()
        staff_response = password_only.get(swept.url)
        cache.clear()
        visitor_response = anonymous.get(swept.url)
        status = staff_response.status_code
        if status in (301, 302, 303) and staff_response["Location"].startswith(SIGN_IN_PREFIXES):
            continue
        if status in (403, 404, 405):
            continue
        same_as_visitor = status == visitor_response.status_code and _templates(staff_response) == _templates(
            visitor_response
        )
        leaked = objects["draft"].title.encode() in staff_response.content
        if not same_as_visitor or leaked:
            shown_to_staff_only.append((swept.url, status, visitor_response.status_code))
    assert shown_to_staff_only == []


@pytest.fixture
def swept_objects():
    return seed_site_objects()


def test_view_on_site_gives_a_draft_url_only_to_staff_who_may_see_drafts(client, swept_objects, django_user_model):
    draft = swept_objects["draft"]
    content_type = ContentType.objects.get_for_model(Update)
    url = f"/admin/r/{content_type.pk}/{draft.pk}/"

    coordinator = make_staff(django_user_model, "coordinator", "Care coordinators")
    from tests.conftest import otp_verify_session

    client.force_login(coordinator)
    otp_verify_session(client, coordinator)
    response = client.get(url)
    assert response.status_code == 404
    assert draft.slug not in response.get("Location", "")

    officer = make_staff(django_user_model, "dev.officer", "Development staff")
    client.force_login(officer)
    otp_verify_session(client, officer)
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"http://testserver/updates/{draft.slug}/")
