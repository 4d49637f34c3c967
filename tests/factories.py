"""Test data. Gifts are saved through donations.services.gift_save so the tallies stay true."""

import datetime

import factory
from django.utils import timezone

from campaign.models import Campaign, Designation, Update
from donations.models import Gift
from donations.services import gift_save


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    tagline = "Help children get care close to home"
    story = "We are building **two centers**."
    goal_cents = 1_000_000_00
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Designation {n}")
    slug = factory.Sequence(lambda n: f"designation-{n}")


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Update

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Update {n}")
    slug = factory.Sequence(lambda n: f"update-{n}")
    summary = "What happened this month."
    body = "Construction has **started**."
    status = Update.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


class GiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gift

    campaign = factory.SubFactory(CampaignFactory)
    amount_cents = 50_00
    donor_name = factory.Sequence(lambda n: f"Donor {n}")
    donor_email = factory.Sequence(lambda n: f"donor{n}@example.com")
    display_name = factory.LazyAttribute(lambda gift: gift.donor_name)
    status = Gift.Status.SUCCEEDED
    paid_at = factory.LazyFunction(timezone.now)
    message = ""
    # A factory gift's message is one staff already approved (the wall's moderation has its own tests).
    message_status = factory.LazyAttribute(lambda gift: Gift.MessageStatus.APPROVED if gift.message else "")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return gift_save(model_class(*args, **kwargs))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "fundraisers.Team"

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Runners {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class FundraiserFactory(factory.django.DjangoModelFactory):
    """An approved fundraiser's page (pass status= for the others)."""

    class Meta:
        model = "fundraisers.Fundraiser"

    campaign = factory.SubFactory(CampaignFactory)
    owner_email = factory.Sequence(lambda n: f"fundraiser{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Ana {n}")
    slug = factory.Sequence(lambda n: f"fundraiser-{n}")
    title = factory.Sequence(lambda n: f"Ana runs for the hospital {n}")
    story = "My son was treated here. **Thank you**, nurses."
    goal_cents = 1_000_00
    status = "approved"
    share_consent = True
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from fundraisers.services import fundraiser_save

        return fundraiser_save(fundraiser=model_class(*args, **kwargs))


class CareRequestFactory(factory.django.DjangoModelFactory):
    """A Destination Care inquiry (use kind=CareRequest.Kind.REFERRAL and its fields for a referral)."""

    class Meta:
        model = "destination.CareRequest"

    kind = "inquiry"
    reference = factory.Sequence(lambda n: f"DC-TEST{n:06d}")
    contact_name = factory.Sequence(lambda n: f"Parent {n}")
    email = factory.Sequence(lambda n: f"family{n}@example.com")
    phone = "+12025550143"
    country = "NG"
    preferred_contact = "email"
    preferred_language = "en"
    age_value = 4
    age_unit = "years"
    specialty = "cardiology"
    details = "A second opinion on a heart murmur."
    consented_at = factory.LazyFunction(timezone.now)


class MatchChallengeFactory(factory.django.DjangoModelFactory):
    """An open 1:1 challenge of $1,000 for online gifts, from an hour ago to tomorrow."""

    class Meta:
        model = "donations.MatchChallenge"

    campaign = factory.SubFactory(CampaignFactory)
    sponsor_name = "Acme Health"
    pot_cents = 1_000_00
    ratio = 1
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from donations.services.matching import challenge_save

        return challenge_save(model_class(*args, **kwargs))
