"""
manage.py recompute_tallies [--check] [--campaign SLUG]

Rebuilds the progress meter's running totals (Tally, CampaignDonor) from the gifts themselves
and reports any drift between what was stored and what the gifts add up to. Safe to run at any
time, also while gifts come in (see donations.services.tallies.tally_recompute). It also shows
each campaign's outstanding pledges (the meter's pledged part): that figure is summed from the
active pledges and their paid instalments whenever the meter is rendered, so it is never stored
and cannot drift.
"""

from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from core import money
from donations.selectors import pledges_outstanding_cents
from donations.services.tallies import tally_recompute

MONEY_FIELDS = {"raised_cents", "online_cents", "offline_cents", "pledged_cents"}


class Command(BaseCommand):
    help = "Recompute the progress meter's totals from the gifts and report (or, with --check, only report) drift."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report drift; change nothing. Exits with status 1 when any drift is found.",
        )
        parser.add_argument("--campaign", metavar="SLUG", help="Only this campaign (default: every campaign).")
        parser.add_argument("--chunk-size", type=int, default=2000, help="Gifts read per database round trip.")

    def handle(self, *args, check: bool, campaign: str | None, chunk_size: int, verbosity: int, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be a positive number of gifts, for example 2000.")
        campaigns = Campaign.objects.order_by("pk")
        if campaign:
            campaigns = campaigns.filter(slug=campaign)
            if not campaigns.exists():
                known = ", ".join(Campaign.objects.order_by("slug").values_list("slug", flat=True)[:20]) or "none"
                raise CommandError(f"No campaign with the slug {campaign!r}. Known campaigns: {known}.")

        drifted = 0
        for current in campaigns:
            self.stdout.write(f"{current.title} ({current.slug})")

            def show(done: int, total: int) -> None:
                if verbosity >= 1:
                    self.stdout.write(f"  {done:,} / {total:,} gifts read")

            report = tally_recompute(campaign=current, fix=not check, chunk_size=chunk_size, progress=show)
            outstanding = pledges_outstanding_cents(campaign_id=current.pk)
            self.stdout.write(f"  outstanding pledges: {money.format_cents(outstanding)} (summed from the pledges)")
            if not report.has_drift:
                self.stdout.write(self.style.SUCCESS("  no drift"))
                continue
            drifted += 1
            for drift in report.drifts:
                if drift.designation_id is None:
                    where = "whole campaign"
                else:
                    where = f"designation {drift.designation_name or drift.designation_id}"
                changes = ", ".join(
                    f"{name}: {self._value(name, drift.old[name])} → {self._value(name, drift.new[name])}"
                    for name in drift.changed_fields
                )
                self.stdout.write(self.style.WARNING(f"  drift in {where}: {changes}"))
            if report.gifts_fixed:
                self.stdout.write(self.style.WARNING(f"  {report.gifts_fixed:,} gift(s) recorded a wrong contribution"))
            if report.donors_fixed:
                self.stdout.write(self.style.WARNING(f"  {report.donors_fixed:,} donor count row(s) were wrong"))
            if report.fundraisers_fixed:
                self.stdout.write(self.style.WARNING(f"  {report.fundraisers_fixed:,} fundraiser total(s) were wrong"))
            self.stdout.write("  reported only (--check)" if check else self.style.SUCCESS("  fixed"))

        if drifted and check:
            raise CommandError(
                f"Drift found in {drifted} campaign(s). Run `manage.py recompute_tallies` without --check to fix it.",
                returncode=1,
            )
        if not drifted:
            self.stdout.write(self.style.SUCCESS("All tallies match the gifts."))

    @staticmethod
    def _value(name: str, value: int) -> str:
        return money.format_cents(value) if name in MONEY_FIELDS else f"{value:,}"
