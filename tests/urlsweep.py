"""
Every URL pattern of the site, with its path converters filled in from real objects: the
security sweeps (tests/test_staff_sweep.py, tests/test_hostile_urls.py) walk these.

The URLconf is resolved recursively, so a view added to any app, or a model registered in the
admin, is swept without anyone listing it here. Each pattern gives one or more concrete URLs:
an admin object URL gets the pk of an object of its model (or "1" when there is none), a
campaign or update slug a real one (a draft update's too), the demo checkout its session id.
"""

import datetime
import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from campaign import demo as campaign_demo
from campaign.models import Update

DRAFT_SLUG = "a-draft-nobody-may-see"


@dataclass(frozen=True)
class SweptUrl:
    url: str
    name: str  # the URL pattern's name (or its route, when it has none)
    route: str  # the whole route, converters unfilled
    path_params: tuple[str, ...]  # the converters' names: where a hostile value can go in the path


def seed_site_objects() -> dict:
    """The demo content, plus one object of each kind the sweeps need. Returns a few of them by name."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from destination.models import CareRequest
    from donations import services
    from donations.models import Frequency, RecurringPlan, WebhookEvent
    from tests.factories import CareRequestFactory, UpdateFactory

    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    from campaign.models import Campaign

    campaign = Campaign.objects.get(slug=campaign_demo.CAMPAIGN_SLUG)
    draft = UpdateFactory(
        campaign=campaign,
        slug=DRAFT_SLUG,
        title="Draft: the board's confidential plan",
        status=Update.Status.DRAFT,
        publish_at=timezone.now() + datetime.timedelta(days=30),
    )
    plan = RecurringPlan.objects.create(
        campaign=campaign,
        amount_cents=25_00,
        stripe_subscription_id="sub_sweep",
        stripe_customer_id="cus_sweep",
        status="active",
        donor_name="Grace Hopper",
        donor_email="grace@example.com",
    )
    gift = services.gift_create_pending(
        campaign=campaign,
        designation=None,
        amount_cents=40_00,
        fee_cents=0,
        frequency=Frequency.ONE_TIME,
        display_name="",
        is_anonymous=False,
        dedication="",
        honoree_name="",
        honoree_email="",
        message="",
        language="en",
    )
    services.gift_checkout_start(gift=gift)
    gift.refresh_from_db()
    care_request = CareRequestFactory()
    WebhookEvent.objects.create(stripe_event_id="evt_sweep", type="invoice.paid")
    TOTPDevice.objects.create(user=_sweep_user_owner(), name="someone's phone", confirmed=True)
    assert CareRequest.objects.exists()
    return {
        "campaign": campaign,
        "draft": draft,
        "plan": plan,
        "checkout_session_id": gift.stripe_checkout_session_id,
        "care_request": care_request,
    }


def _sweep_user_owner():
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username="device.owner", defaults={"email": "device.owner@foundation.example", "is_staff": True}
    )
    return user


def _first_pk(model) -> str:
    obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj is not None else "1"


def _history_id(model) -> str:
    history = getattr(model, "history", None)
    if history is None:
        return "1"
    row = history.order_by("history_id").first()
    return str(row.history_id) if row is not None else "1"


def _model_for(prefix: str):
    """The model whose admin URLs live under admin/<app_label>/<model_name>/, else None."""
    match = re.fullmatch(r"admin/(\w+)/(\w+)/", prefix)
    if not match:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix, pattern


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def site_urls(objects: dict) -> list[SweptUrl]:
    """Every URL pattern, filled in (see the module docstring)."""
    found: list[SweptUrl] = []
    for prefix, pattern in _walk(get_resolver().url_patterns):
        model = _model_for(prefix)
        name = pattern.name or (prefix + str(pattern.pattern))
        if isinstance(pattern.pattern, RegexPattern):
            found.extend(_regex_urls(prefix, pattern, model, name))
            continue
        route = prefix + str(pattern.pattern)
        params = tuple(param for _kind, param in _CONVERTER.findall(route))
        for values in _route_values(route, params, model, objects):
            url = _CONVERTER.sub(lambda m, values=values: values[m[2]], route)
            found.append(SweptUrl(url="/" + url, name=name, route=route, path_params=params))
    return found


def _regex_urls(prefix, pattern, model, name):
    regex = str(pattern.pattern)
    if name.endswith("_simple_history") and model is not None:
        # simple_history's "one version of this object" page: ^([^/]+)/history/([^/]+)/$
        route = prefix + "<object_id>/history/<version_id>/"
        url = f"/{prefix}{_first_pk(model)}/history/{_history_id(model)}/"
        return [SweptUrl(url=url, name=name, route=route, path_params=("object_id", "version_id"))]
    if "app_label" in regex:
        labels = re.search(r"\(\?P<app_label>([^)]*)\)", regex)[1].split("|")
        return [
            SweptUrl(url=f"/{prefix}{label}/", name=name, route=prefix + "<app_label>/", path_params=("app_label",))
            for label in labels
        ]
    if "(?P<url>" in regex:  # the admin's catch-all
        return [SweptUrl(url=f"/{prefix}no-such-page/", name="catch_all", route=prefix + "<url>", path_params=("url",))]
    raise AssertionError(f"A regex URL pattern the sweep cannot fill: {prefix}{regex}")


def _route_values(route: str, params: tuple[str, ...], model, objects: dict) -> list[dict]:
    if not params:
        return [{}]
    campaign, draft = objects["campaign"], objects["draft"]
    if route.startswith("admin/r/"):
        # "View on site" for every model that has a page on the site (a draft update's included).
        values = []
        for candidate in apps.get_models():
            if hasattr(candidate, "get_absolute_url"):
                content_type = ContentType.objects.get_for_model(candidate)
                pk = draft.pk if candidate is Update else _first_pk(candidate)
                values.append({"content_type_id": str(content_type.pk), "object_id": str(pk)})
        return values
    if model is not None:
        pk = str(draft.pk) if model is Update else _first_pk(model)
        return [{param: (pk if param in ("object_id", "pk", "id") else "1") for param in params}]
    if route.startswith("campaigns/") and "pk" in params:  # a naming opportunity's inquiry
        space = apps.get_model("recognition", "NamingOpportunity")._default_manager.order_by("pk").first()
        return [{"slug": campaign.slug, "pk": str(space.pk if space is not None else 1)}]
    if route.startswith("campaigns/"):
        return [{"slug": campaign.slug}]
    if route.startswith("updates/"):
        published = Update.objects.filter(status=Update.Status.PUBLISHED).order_by("pk").first()
        return [{"slug": draft.slug}, {"slug": published.slug}]
    if route.startswith(("fundraisers/<", "teams/<")):
        model = apps.get_model("fundraisers", "Fundraiser" if route.startswith("fundraisers/") else "Team")
        first = model._default_manager.order_by("pk").first()
        return [{"slug": first.slug if first is not None else "no-such-page"}]
    if route.startswith("destination-care/stories/"):  # a patient story's page (issue 17)
        story = apps.get_model("destination", "PatientStory")._default_manager.order_by("pk").first()
        return [{"slug": story.slug if story is not None else "no-such-story"}]
    if route.startswith("fundraisers/new/<"):
        return [{"token": "not-a-real-invitation"}]
    if route.startswith("donate/demo-checkout/"):
        return [{"session_id": objects["checkout_session_id"]}]
    if route.startswith("donate/tribute-card/"):
        gift = apps.get_model("donations", "Gift")._default_manager.order_by("pk").first()
        return [{"gift_id": str(gift.pk if gift else 1)}]
    if route.startswith("tributes/"):  # private pages by unguessable key
        return [{"key": "not-a-real-key-not-a-real-key"}]
    if route.startswith("donate/manage/you/"):  # the donor's pages: open only with an emailed link
        gift = apps.get_model("donations", "Gift")._default_manager.order_by("pk").first()
        return [{"gift_id": str(gift.pk if gift else 1), "year": "2026", "plan_id": "1"}]
    raise AssertionError(f"The sweep does not know how to fill {route}: add it to tests/urlsweep.py")
