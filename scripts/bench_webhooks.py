#!/usr/bin/env python
"""
Webhook throughput and exactly-once, on PostgreSQL behind gunicorn (production settings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_donations .venv/bin/python scripts/bench_webhooks.py \
        [--events 400] [--duplicates 2] [--concurrency 16] [--workers 5]

1. Migrates the database, seeds a fresh campaign and N pending one-time gifts with their
   Checkout Session ids (as the gift form would).
2. Starts gunicorn (config/gunicorn.conf.py, --no-control-socket, DJANGO_DEBUG off, test Stripe
   keys, the database task backend, as in production).
3. Posts N distinct signed checkout.session.completed events concurrently, then every event again
   D times, shuffled and concurrent (Stripe's redeliveries), and reports events/s, p50 and p99.
4. Verifies exactly once: N succeeded gifts, N stored events, and the campaign's tally equal to
   the sum of the gifts, whatever the duplicates did.

With --match-pot DOLLARS a 1:1 matching challenge is open on the campaign during the burst (set
it below the gifts' total so that the pot runs out mid-burst); then the pot must equal the gifts'
matches and the meter's matched money, and never exceed the pot. Set REDIS_URL as in production
(the workers share the cache that says which challenges a campaign has).
"""

import argparse
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = "whsec_bench_" + secrets.token_hex(8)
ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_TESTING": "0",
    "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "STRIPE_SECRET_KEY": "sk_test_bench_never_called",
    "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "EMAIL_URL": "dummy://",
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "GUNICORN_ACCESSLOG": "/dev/null",
    "LOG_LEVEL": "WARNING",
    "AXES_ENABLED": "0",
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def seed(n: int) -> tuple[int, list[dict]]:
    """A fresh campaign, n pending gifts, and the completed session of each (Stripe's shape)."""
    import django

    django.setup()
    from campaign.models import Campaign
    from donations.models import Gift

    slug = "bench-" + secrets.token_hex(4)
    campaign = Campaign.objects.create(title="Bench " + slug, slug=slug, goal_cents=10**9, is_published=False)
    sessions = []
    gifts = []
    for index in range(n):
        gifts.append(
            Gift(
                campaign=campaign,
                amount_cents=random.randint(5, 500) * 100,
                status=Gift.Status.PENDING,
                stripe_checkout_session_id=f"cs_test_bench{slug}{index:06d}",
                display_name=f"Bench {index}",
            )
        )
    # Pending gifts count nothing, so a bulk insert leaves the tallies exact (gift_save is for changes).
    gifts = Gift.objects.bulk_create(gifts)
    for gift in gifts:
        sessions.append(
            {
                "id": gift.stripe_checkout_session_id,
                "object": "checkout.session",
                "mode": "payment",
                "status": "complete",
                "payment_status": "paid",
                "amount_total": gift.amount_cents,
                "currency": "usd",
                "client_reference_id": str(gift.pk),
                "metadata": {"gift_id": str(gift.pk), "campaign": slug, "designation": ""},
                "customer": f"cus_bench{gift.pk}",
                "customer_details": {"email": f"donor{gift.pk % 97}@example.com", "name": f"Donor {gift.pk}"},
                "payment_intent": f"pi_bench{slug}{gift.pk}",
            }
        )
    return campaign.pk, sessions


def open_challenge(campaign_id: int, *, pot_dollars: int) -> int:
    """A 1:1 challenge for online gifts, open for the whole run, saved as staff save one."""
    import datetime

    from django.utils import timezone

    from donations.models import MatchChallenge
    from donations.services.matching import challenge_save

    now = timezone.now()
    challenge = MatchChallenge(
        campaign_id=campaign_id,
        sponsor_name="Bench sponsor",
        pot_cents=pot_dollars * 100,
        starts_at=now - datetime.timedelta(minutes=1),
        ends_at=now + datetime.timedelta(hours=24),
    )
    return challenge_save(challenge).pk


def event(session: dict) -> bytes:
    return json.dumps(
        {
            "id": "evt_bench_" + secrets.token_hex(12),
            "object": "event",
            "type": "checkout.session.completed",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": session},
        }
    ).encode()


def sign(body: bytes) -> tuple[bytes, str]:
    """Signed ahead of the run, so the client's own CPU goes to sending, not to HMACs."""
    import stripe

    return body, stripe.WebhookSignature.generate_signature_header(body.decode(), WEBHOOK_SECRET)


def post(url: str, signed: tuple[bytes, str]) -> tuple[int, float]:
    body, header = signed
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", "Stripe-Signature": header}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def run(url: str, bodies: list[bytes], concurrency: int, label: str) -> dict:
    signed = [sign(body) for body in bodies]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda item: post(url, item), signed))
    elapsed = time.perf_counter() - started
    latencies = [ms for _, ms in results]
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    report = {
        "label": label,
        "events": len(bodies),
        "seconds": round(elapsed, 2),
        "events_per_second": round(len(bodies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "statuses": statuses,
        "latencies": latencies,
        "load_average_1m": os.getloadavg()[0],
    }
    print(
        f"{label:<28} {report['events']:>5} events in {report['seconds']:>6}s  "
        f"{report['events_per_second']:>7} ev/s  p50 {report['p50_ms']:>6} ms  "
        f"p99 {report['p99_ms']:>6} ms  {statuses}",
        flush=True,
    )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--duplicates", type=int, default=2, help="times every event is delivered again")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--match-pot", type=int, default=0, help="open a 1:1 challenge with this pot (dollars)")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("error: set DATABASE_URL=postgres://… (the benchmark measures PostgreSQL)", file=sys.stderr)
        return 2
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    python = sys.executable

    print("Migrating…", flush=True)
    subprocess.run([python, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, check=True)
    print(f"Seeding {args.events} pending gifts…", flush=True)
    campaign_id, sessions = seed(args.events)
    challenge_id = open_challenge(campaign_id, pot_dollars=args.match_pot) if args.match_pot else None

    gunicorn = [
        str(Path(python).parent / "gunicorn"),
        "-c", "config/gunicorn.conf.py",
        "--no-control-socket",
        "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.workers),
        "config.wsgi",
    ]  # fmt: skip
    print("Starting gunicorn:", " ".join(gunicorn), flush=True)
    server = subprocess.Popen(gunicorn, cwd=ROOT, env={**os.environ, "WEB_CONCURRENCY": str(args.workers)})
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            print("error: gunicorn did not answer /healthz within 20 s", file=sys.stderr)
            return 1
        url = f"http://127.0.0.1:{args.port}/stripe/webhook/"
        distinct = [event(session) for session in sessions]
        reports = [run(url, distinct, args.concurrency, "distinct events")]
        duplicates = distinct * args.duplicates
        random.shuffle(duplicates)
        if duplicates:
            reports.append(run(url, duplicates, args.concurrency, f"redeliveries (x{args.duplicates})"))
        # The same session under new event ids (Stripe's completed + async_payment_succeeded, say).
        same_session = [event(session) for session in sessions]
        reports.append(run(url, same_session, args.concurrency, "same sessions, new event ids"))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    from django.db.models import Sum

    from campaign.models import CampaignDonor, Tally
    from donations.models import Gift, MatchChallenge, WebhookEvent

    gifts = Gift.objects.filter(campaign_id=campaign_id)
    succeeded = gifts.filter(status=Gift.Status.SUCCEEDED).count()
    expected_cents = gifts.aggregate(total=Sum("amount_cents"))["total"] or 0
    tally = Tally.objects.get(campaign_id=campaign_id, designation=None)
    events = WebhookEvent.objects.filter(stripe_event_id__in=[json.loads(b)["id"] for b in distinct + same_session])
    checks = {
        "every gift succeeded once": succeeded == args.events,
        "each event stored once": events.count() == 2 * args.events,
        "tally equals the gifts": (tally.raised_cents, tally.gift_count) == (expected_cents, args.events),
        "no failed events": not events.exclude(status=WebhookEvent.Status.PROCESSED).exists(),
        "no 5xx or 4xx": all(set(r["statuses"]) == {200} for r in reports),
        "donor count equals the donors": tally.donor_count
        == CampaignDonor.objects.filter(campaign_id=campaign_id, gift_count__gt=0).count()
        == gifts.filter(status=Gift.Status.SUCCEEDED).values("counted_donor_key").distinct().count(),
    }
    if challenge_id:
        challenge = MatchChallenge.objects.get(pk=challenge_id)
        matched = gifts.aggregate(total=Sum("matched_cents"))["total"] or 0
        checks["pot drawn equals the gifts' matches and the meter"] = (
            challenge.drawn_cents == matched == tally.matched_cents
        )
        checks["pot never overdrawn"] = challenge.drawn_cents <= challenge.pot_cents
        checks["pot used in full (it was smaller than the gifts)"] = challenge.drawn_cents == min(
            challenge.pot_cents, expected_cents
        )
        print(f"Pot: {challenge.pot_cents}, drawn {challenge.drawn_cents}, gifts' matches {matched}")
    print(
        f"Tally: raised {tally.raised_cents} (expected {expected_cents}), "
        f"gifts {tally.gift_count}, donors {tally.donor_count}"
    )
    for name, ok in checks.items():
        print(f"  {'ok ' if ok else 'FAIL'} {name}")
    write_report(args, reports, checks)
    return 0 if all(checks.values()) else 1


def write_report(args, reports: list[dict], checks: dict) -> None:
    """All deliveries together (first deliveries and duplicates), as Stripe sends them in a burst."""
    every = [ms for report in reports for ms in report["latencies"]]
    events = sum(report["events"] for report in reports)
    seconds = sum(report["seconds"] for report in reports)
    overall = {
        "events": events,
        "events_per_second": round(events / seconds, 1),
        "p50_ms": round(statistics.median(every), 1),
        "p99_ms": round(percentile(every, 99), 1),
    }
    lines = [
        f"Webhook burst: {args.events} payments, each delivered {1 + args.duplicates} times plus once more under a "
        f"new event id; {args.concurrency} concurrent senders; gunicorn {args.workers} sync workers; PostgreSQL"
        + (f"; a 1:1 matching challenge with a ${args.match_pot:,} pot open." if args.match_pot else "."),
        "",
        "| deliveries | events | events/s | p50 ms | p99 ms | load avg |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for report in reports:
        lines.append(
            f"| {report['label']} | {report['events']} | {report['events_per_second']} | {report['p50_ms']} "
            f"| {report['p99_ms']} | {report['load_average_1m']:.2f} |"
        )
    lines.append(
        f"| **all, duplicates included** | {events} | {overall['events_per_second']} | {overall['p50_ms']} "
        f"| {overall['p99_ms']} | |"
    )
    lines += ["", "Exactly once: " + ", ".join(f"{name} {'ok' if ok else 'FAILED'}" for name, ok in checks.items())]
    out = ROOT / "artifacts" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    for report in reports:
        report.pop("latencies")
    (out / "webhooks.json").write_text(json.dumps({"runs": reports, "overall": overall, "checks": checks}, indent=2))
    (out / "webhooks.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
