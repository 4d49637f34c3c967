#!/usr/bin/env python3
"""
The meter at scale: load a campaign with a million gifts, and compare what its page costs with
what it costs at a hundred.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db>_1m .venv/bin/python scripts/seed_million.py \
        [--small 100] [--large 1000000] [--samples 50]

On a database of its own (it adds a campaign, "meter-at-scale", and its gifts):
1. migrate and seed_demo; two campaigns get the demo campaign's story, figures, designations
   and updates: meter-at-scale-small and meter-at-scale;
2. loads --small gifts into the first and --large into the second with PostgreSQL's COPY (in
   batches, with progress), and runs `manage.py recompute_tallies --campaign …` on each (which
   builds the Tally and donor rows from the gifts, and is itself measured);
3. measures each campaign page: queries, and the median and p90 time of --samples uncached
   renders (the view called directly, so the page cache plays no part), the two in turn;
4. prints both, their ratio, and EXPLAIN ANALYZE of the donor wall's query at the large size;
   writes artifacts/bench/meter_scale.json and .md. Run it again to measure again: loaded
   gifts are kept.

Gifts are a realistic mix: mostly one-time online gifts, some monthly, checks and pledges, a
few pending, failed or refunded, from about a third as many donors as gifts.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUGS = {"small": "meter-at-scale-small", "large": "meter-at-scale"}
OUT = ROOT / "artifacts" / "bench"
ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_TESTING": "0",
    "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "seed-million-only-0123456789abcdefghijklmnop"),
    "STRIPE_SECRET_KEY": "sk_test_never_called",
    "STRIPE_WEBHOOK_SECRET": "whsec_never_called",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "WARNING",
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
}


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def scale_campaign(slug: str):
    """A measured campaign: the demo campaign's content, under its own slug, with no gifts."""
    from campaign.models import Campaign, Update

    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is not None:
        return campaign
    demo = Campaign.objects.prefetch_related("figures", "divisions", "designations", "milestones").get(
        slug="infusion-dialysis-centers"
    )
    campaign = Campaign.objects.get(pk=demo.pk)
    campaign.pk = None
    campaign.slug, campaign.title, campaign.is_featured = slug, f"Meter at scale ({slug})", False
    campaign.save()
    for relation in ("figures", "divisions", "designations", "milestones"):
        for item in getattr(demo, relation).all():
            item.pk, item.campaign = None, campaign
            if relation == "designations":
                item.slug = f"{item.slug}-{slug}"
            item.save()
    for update in Update.objects.filter(campaign=demo)[:3]:
        update.pk, update.campaign, update.slug = None, campaign, f"{update.slug}-{slug}"
        update.save()
    return campaign


def load_gifts(campaign, target: int, batch: int = 50_000) -> bool:
    """COPY gifts into the campaign until it has `target` of them (counted values computed here)."""
    from django.db import connection
    from django.utils import timezone

    from donations.models import Frequency, Gift
    from donations.services import gift_counted_cents, gift_donor_key

    have = Gift.objects.filter(campaign=campaign).count()
    if have >= target:
        print(f"  {have:,} gifts already (target {target:,})")
        return False
    designations = list(campaign.designations.values_list("pk", flat=True)) or [None]
    fields = [f for f in Gift._meta.concrete_fields if not f.primary_key]
    template = Gift(campaign=campaign, amount_cents=1, currency="usd")
    base = {f.attname: getattr(template, f.attname) for f in fields}
    columns = [f.column for f in fields]
    rng = random.Random(target)
    now = timezone.now()
    donors = max(1, target // 3)
    statuses = [Gift.Status.SUCCEEDED] * 90 + [Gift.Status.PENDING] * 4 + [Gift.Status.FAILED] * 3
    statuses += [Gift.Status.REFUNDED, Gift.Status.PARTIALLY_REFUNDED, Gift.Status.EXPIRED]
    sources = [Gift.Source.ONLINE] * 94 + [Gift.Source.CHECK] * 3 + [Gift.Source.WIRE, Gift.Source.STOCK]
    sources += [Gift.Source.PLEDGE]
    started = time.monotonic()
    done = have
    while done < target:
        count = min(batch, target - done)
        connection.ensure_connection()
        sql = f"COPY {Gift._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for index in range(done, done + count):
                gift = Gift(**base)
                donor = rng.randrange(donors)
                gift.amount_cents = rng.choice((10_00, 25_00, 50_00, 100_00, 250_00, rng.randrange(5_00, 5000_00)))
                gift.source = rng.choice(sources)
                gift.status = rng.choice(statuses) if gift.source == Gift.Source.ONLINE else Gift.Status.SUCCEEDED
                gift.frequency = Frequency.MONTHLY if rng.random() < 0.15 and gift.source == "online" else "one_time"
                if gift.status == Gift.Status.REFUNDED:
                    gift.refunded_cents = gift.amount_cents
                elif gift.status == Gift.Status.PARTIALLY_REFUNDED:
                    gift.refunded_cents = gift.amount_cents // 2
                gift.designation_id = rng.choice(designations) if rng.random() < 0.3 else None
                gift.donor_email = f"donor{donor}@example.org"
                gift.donor_name = f"Donor {donor}"
                gift.is_anonymous = rng.random() < 0.1
                gift.display_name = "" if gift.is_anonymous else f"Donor {donor}"
                gift.created_at = gift.updated_at = now - datetime.timedelta(seconds=target - index)
                gift.paid_at = gift.created_at if gift.status != Gift.Status.PENDING else None
                gift.counted_cents = gift_counted_cents(gift)
                gift.counted_donor_key = gift_donor_key(gift) if gift.counted_cents > 0 else ""
                values = (getattr(gift, f.attname) for f in fields)
                copy.write_row([str(value) if isinstance(value, str) else value for value in values])
        done += count
        rate = (done - have) / (time.monotonic() - started)
        print(f"  {done:,} / {target:,} gifts  ({rate:,.0f} a second)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Gift._meta.db_table}")
    return True


def measure(campaigns: dict, samples: int) -> dict:
    """
    Queries and time of each campaign's page, rendered by its view without the page cache. The
    campaigns are rendered in turn, sample after sample, so that load from elsewhere on the
    machine falls on both alike.
    """
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from campaign import views
    from donations.models import Gift

    factory = RequestFactory()
    times = {label: [] for label in campaigns}
    queries = {}
    for sample in range(samples + 3):
        for label, campaign in campaigns.items():
            request = factory.get(f"/campaigns/{campaign.slug}/")
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = views.campaign_detail(request, slug=campaign.slug)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{request.path} answered {response.status_code}: is the campaign published?")
            queries[label] = captured.captured_queries
            if sample >= 3:  # the first few warm the connection and the template cache
                times[label].append(elapsed)
    results = {}
    for label, campaign in campaigns.items():
        ordered = sorted(times[label])
        results[label] = {
            "gifts": Gift.objects.filter(campaign=campaign).count(),
            "queries": len(queries[label]),
            "sql_ms_last": round(sum(float(q["time"]) for q in queries[label]) * 1000, 2),
            "median_ms": round(statistics.median(ordered), 2),
            "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1], 2),
            "samples": samples,
        }
    return results


def wall_plan(campaign) -> str:
    from django.db import connection
    from django.db.models import F

    from donations.models import Gift

    queryset = (
        Gift.objects.filter(campaign=campaign, status__in=Gift.COUNTED_STATUSES, counted_cents__gt=0)
        # campaign.selectors.campaign_recent_gifts's query, as the page runs it
        .order_by(F("paid_at").desc(nulls_last=True), "-created_at", "-pk")
        .values("pk")[:8]
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--recompute", action="store_true", help="recompute tallies even if no gift was added")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL=postgres://…/<a database of its own> (COPY is PostgreSQL's).", file=sys.stderr)
        return 2
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    print("migrate, seed_demo…", flush=True)
    manage("migrate", "--no-input", "-v", "0")
    manage("seed_demo")

    import django

    django.setup()
    campaigns = {label: scale_campaign(slug) for label, slug in SLUGS.items()}
    recompute_seconds = {}
    for label, size in (("small", args.small), ("large", args.large)):
        print(f"{SLUGS[label]}: loading gifts up to {size:,}…", flush=True)
        if not load_gifts(campaigns[label], size) and not args.recompute:
            recompute_seconds[label] = None  # loaded and recomputed by an earlier run
            continue
        print("recompute_tallies…", flush=True)
        started = time.monotonic()
        manage("recompute_tallies", "--campaign", SLUGS[label], "--chunk-size", "5000")
        recompute_seconds[label] = round(time.monotonic() - started, 1)
    load_before = os.getloadavg()[0]
    results = measure(campaigns, args.samples)
    load = (min(load_before, os.getloadavg()[0]), max(load_before, os.getloadavg()[0]))
    for label in results:
        results[label]["recompute_seconds"] = recompute_seconds[label]
        print(f"  {label}: {results[label]}", flush=True)

    small, large = results["small"], results["large"]
    ratio = large["median_ms"] / small["median_ms"]
    plan = wall_plan(campaigns["large"])
    lines = [
        f"Campaign page, uncached render (the view called directly), median of {args.samples} renders each,",
        f"the two campaigns in turn; 1-min load average {load[0]:.2f}–{load[1]:.2f}:",
        "",
        "| gifts | queries | median ms | p90 ms | recompute_tallies s |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in (small, large):
        lines.append(
            f"| {row['gifts']:,} | {row['queries']} | {row['median_ms']} | {row['p90_ms']} "
            f"| {row['recompute_seconds'] if row['recompute_seconds'] is not None else 'earlier run'} |"
        )
    lines += [
        "",
        f"Time at {large['gifts']:,} gifts is {ratio:.0%} of the time at {small['gifts']:,} "
        f"({'within' if abs(ratio - 1) <= 0.10 else 'NOT within'} 10 %); "
        f"queries {small['queries']} vs {large['queries']}.",
        "",
        "The donor wall's query at the large size:",
        "",
        "```",
        plan,
        "```",
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    report = {**results, "ratio": ratio, "load_average_1m": load, "wall_plan": plan}
    (OUT / "meter_scale.json").write_text(json.dumps(report, indent=2) + "\n")
    (OUT / "meter_scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if small["queries"] == large["queries"] else 1


if __name__ == "__main__":
    sys.exit(main())
