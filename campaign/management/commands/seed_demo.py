"""
manage.py seed_demo: the first campaign, its updates, a hero picture and a spread of demo gifts,
its naming opportunities and giving societies,
then the Destination Care content and the privacy, terms and contact pages. Safe to run twice:
whatever already exists is left alone (staff edits included), and each demo gift carries a
unique marker so none is added twice.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaign import demo
from campaign.models import Campaign, Designation, Division, Figure, Milestone, Update
from campaign.services import campaign_save, update_save
from core import money
from core.localization import translation_fill
from destination.seed import seed_destination_content
from donations.models import Gift
from donations.services import gift_save
from pages.seed import seed_site_pages
from recognition.demo import seed_naming


class Command(BaseCommand):
    help = "Load the demo campaign, its updates and demo gifts, and the Destination Care content (safe to run twice)."

    def handle(self, *args, **options):
        now = timezone.now()
        campaign = self.seed_campaign(today=timezone.localdate())
        self.seed_updates(campaign=campaign, now=now)
        self.seed_spanish(campaign=campaign)
        self.seed_gifts(campaign=campaign, now=now)
        seed_naming(campaign=campaign, stdout=self.stdout)
        seed_destination_content(stdout=self.stdout)
        seed_site_pages(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {campaign.get_absolute_url()}"))

    @transaction.atomic
    def seed_campaign(self, *, today: datetime.date) -> Campaign:
        campaign = Campaign.objects.filter(slug=demo.CAMPAIGN_SLUG).first()
        if campaign is not None:
            self.stdout.write(f"Campaign “{campaign.title}” already exists: left as it is.")
            return campaign
        campaign = Campaign(
            **demo.CAMPAIGN,
            story=demo.STORY,
            starts_on=today - datetime.timedelta(days=75),
            ends_on=today + datetime.timedelta(days=150),
            # Only one campaign can be featured; don't take the place of one staff chose.
            is_featured=not Campaign.objects.filter(is_featured=True).exists(),
            is_published=True,
        )
        campaign.hero_image.save("infusion-dialysis-hero.jpg", ContentFile(demo.draw_hero()), save=False)
        campaign_save(campaign=campaign)
        Figure.objects.bulk_create(
            Figure(campaign=campaign, value=value, label=label, position=position)
            for position, (value, label) in enumerate(demo.FIGURES)
        )
        Division.objects.bulk_create(
            Division(campaign=campaign, name=name, position=position) for position, name in enumerate(demo.DIVISIONS)
        )
        Designation.objects.bulk_create(
            Designation(campaign=campaign, position=position, **values)
            for position, values in enumerate(demo.DESIGNATIONS)
        )
        Milestone.objects.bulk_create(
            Milestone(campaign=campaign, amount_cents=cents, label=label) for cents, label in demo.MILESTONES
        )
        self.stdout.write(f"Created the campaign “{campaign.title}”.")
        return campaign

    @transaction.atomic
    def seed_updates(self, *, campaign: Campaign, now: datetime.datetime) -> None:
        created = 0
        for slug, title, summary, body, status, days, has_image in demo.UPDATES:
            if Update.objects.filter(slug=slug).exists():
                continue
            update = Update(
                campaign=campaign,
                slug=slug,
                title=title,
                summary=summary,
                body=body,
                status=status,
                publish_at=now + datetime.timedelta(days=days),
                author_name="The Foundation team",
            )
            if has_image:
                update.image.save(f"{slug}.jpg", ContentFile(demo.draw_hero(width=1200, height=630)), save=False)
                update.image_alt = demo.UPDATE_IMAGE_ALT
            update_save(update=update)
            created += 1
        self.stdout.write(f"Updates: {created} created, {len(demo.UPDATES) - created} already there.")

    @transaction.atomic
    def seed_spanish(self, *, campaign: Campaign) -> None:
        """
        The Spanish versions of the demo content, wherever the English is still the seed's and the
        Spanish is blank: a second run changes nothing, and staff edits and translations stay.
        """
        changed = 0
        original = {field: demo.CAMPAIGN[field] for field in demo.CAMPAIGN_ES} | {"story": demo.STORY}
        fields = translation_fill(campaign, original=original, translated=demo.CAMPAIGN_ES | {"story": demo.STORY_ES})
        if fields:
            campaign.save(update_fields=fields)
            changed += 1
        rows = [
            (campaign.figures.all(), [{"value": v, "label": label} for v, label in demo.FIGURES], demo.FIGURES_ES),
            (campaign.divisions.all(), [{"name": name} for name in demo.DIVISIONS], demo.DIVISIONS_ES),
            (campaign.milestones.all(), [{"label": label} for _cents, label in demo.MILESTONES], demo.MILESTONES_ES),
        ]
        for objects, originals, translations in rows:
            for obj in objects:
                for english, spanish in zip(originals, translations, strict=True):
                    spanish = dict(zip(english, spanish if isinstance(spanish, tuple) else (spanish,), strict=True))
                    fields = translation_fill(obj, original=english, translated=spanish)
                    if fields:
                        obj.save(update_fields=fields)
                        changed += 1
        for designation in campaign.designations.all():
            seeded = next((d for d in demo.DESIGNATIONS if d["slug"] == designation.slug), None)
            if seeded is not None:
                fields = translation_fill(
                    designation, original=seeded, translated=demo.DESIGNATIONS_ES[designation.slug]
                )
                if fields:
                    designation.save(update_fields=fields)
                    changed += 1
        seeded_updates = {slug: (title, summary, body) for slug, title, summary, body, *_rest in demo.UPDATES}
        for update in Update.objects.filter(slug__in=demo.UPDATES_ES):
            title, summary, body = seeded_updates[update.slug]
            spanish = dict(zip(("title", "summary", "body"), demo.UPDATES_ES[update.slug], strict=True))
            spanish["image_alt"] = demo.UPDATE_IMAGE_ALT_ES
            original = {"title": title, "summary": summary, "body": body, "image_alt": demo.UPDATE_IMAGE_ALT}
            fields = translation_fill(update, original=original, translated=spanish)
            if fields:
                update.save(update_fields=fields)
                changed += 1
        self.stdout.write(f"Spanish versions added to {changed} demo items (blank ones only).")

    def seed_gifts(self, *, campaign: Campaign, now: datetime.datetime) -> None:
        existing = set(
            Gift.objects.filter(reference__startswith=demo.GIFT_MARKER_PREFIX).values_list("reference", flat=True)
        )
        designations = {designation.slug: designation for designation in campaign.designations.all()}
        planned = demo.demo_gifts(now=now)
        to_create = [values for values in planned if values["reference"] not in existing]
        for done, values in enumerate(to_create, start=1):
            values = dict(values)
            covers_fee = values.pop("covers_fee", False)
            designation = designations.get(values.pop("designation"))
            gift = Gift(campaign=campaign, designation=designation, status=Gift.Status.SUCCEEDED, **values)
            if covers_fee:
                gift.fee_cents = money.fee_cents(gift.amount_cents)
            gift_save(gift)
            if done % 50 == 0 or done == len(to_create):
                self.stdout.write(f"  demo gifts: {done} / {len(to_create)}")
        # One gift partly refunded, as happens: the meter shows what was kept.
        refunded = Gift.objects.filter(reference=f"{demo.GIFT_MARKER_PREFIX}0005", refunded_cents=0).first()
        if refunded is not None and refunded.reference not in existing:
            refunded.refunded_cents = refunded.amount_cents // 2
            refunded.status = Gift.Status.PARTIALLY_REFUNDED
            gift_save(refunded)
        self.stdout.write(f"Demo gifts: {len(to_create)} created, {len(planned) - len(to_create)} already there.")
