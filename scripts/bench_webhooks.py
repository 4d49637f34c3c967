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

While the first deliveries run, --readers threads (default 2) load the campaign's page and its
progress.json in turn (the page cache is emptied by every payment, as in production), and their
requests a second and p99 are reported. --spread K then pays the same number of new gifts spread
over K campaigns (each with its own challenge and a K-th of the pot): no hot row shared, so the
figure is what the machine gives without contention. --bare adds the bare Django view (a
constant response through the whole middleware stack, BENCHMARK_VIEWS=1): the ceiling of any
request on this machine. Every figure is printed with the load average it was measured under.

The giving day's figure: --events 2000 --duplicates 0 --match-pot 50000 --spread 50 --bare
"""

import argparse
import contextlib
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
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
    "BENCHMARK_VIEWS": "1",
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def seed(n: int, *, campaigns: int = 1) -> tuple[list[tuple[int, str]], list[dict]]:
    """Fresh published campaigns, n pending gifts spread over them, each one's completed session (Stripe's shape)."""
    import django

    django.setup()
    from campaign.models import Campaign
    from donations.models import Gift

    made = []
    for _ in range(campaigns):
        slug = "bench-" + secrets.token_hex(4)
        campaign = Campaign.objects.create(title="Bench " + slug, slug=slug, goal_cents=10**9, is_published=True)
        made.append((campaign.pk, slug))
    sessions = []
    gifts = []
    for index in range(n):
        campaign_id, slug = made[index % campaigns]
        gifts.append(
            Gift(
                campaign_id=campaign_id,
                amount_cents=random.randint(5, 500) * 100,
                status=Gift.Status.PENDING,
                stripe_checkout_session_id=f"cs_test_bench{slug}{index:06d}",
                display_name=f"Bench {index}",
            )
        )
    # Pending gifts count nothing, so a bulk insert leaves the tallies exact (gift_save is for changes).
    gifts = Gift.objects.bulk_create(gifts)
    slugs = dict(made)
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
                "metadata": {"gift_id": str(gift.pk), "campaign": slugs[gift.campaign_id], "designation": ""},
                "customer": f"cus_bench{gift.pk}",
                "customer_details": {"email": f"donor{gift.pk % 97}@example.com", "name": f"Donor {gift.pk}"},
                "payment_intent": f"pi_bench{slugs[gift.campaign_id]}{gift.pk}",
            }
        )
    return made, sessions


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


def get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


class Readers:
    """Threads loading the given pages in turn until stopped: what a visitor sees during the burst."""

    def __init__(self, urls: list[str], threads: int):
        self.urls, self.stop = urls, threading.Event()
        self.results: dict[str, list[tuple[int, float]]] = {url: [] for url in urls}
        self.threads = [threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(threads)]

    def _loop(self, n: int) -> None:
        index = n
        while not self.stop.is_set():
            url = self.urls[index % len(self.urls)]
            self.results[url].append(get(url))
            index += 1

    def __enter__(self):
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        self.seconds = time.perf_counter() - self.started

    def reports(self, label: str) -> list[dict]:
        out = []
        for url, results in self.results.items():
            if not results:
                continue
            latencies = [ms for _, ms in results]
            statuses: dict[int, int] = {}
            for status, _ in results:
                statuses[status] = statuses.get(status, 0) + 1
            out.append(
                {
                    "label": f"{label}: GET {url.split('/', 3)[3]}",
                    "events": len(results),
                    "seconds": round(self.seconds, 2),
                    "events_per_second": round(len(results) / self.seconds, 1),
                    "p50_ms": round(statistics.median(latencies), 1),
                    "p99_ms": round(percentile(latencies, 99), 1),
                    "statuses": statuses,
                    "latencies": latencies,
                    "load_average_1m": os.getloadavg()[0],
                }
            )
            print(
                f"{out[-1]['label']:<60} {len(results):>5} req  {out[-1]['events_per_second']:>7} req/s  "
                f"p50 {out[-1]['p50_ms']:>6} ms  p99 {out[-1]['p99_ms']:>6} ms  {statuses}",
                flush=True,
            )
        return out


class Cpu:
    """
    CPU time spent by the site's processes during a run, from /proc: gunicorn's workers, and the
    PostgreSQL backends connected to the benchmark's database (not the other databases on a
    shared server), and this client. Divided by the requests, it gives the CPU a request costs,
    so the machine's ceiling (CPUs x 1000 ms / that) whatever else shares the machine.
    """

    TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")

    def __init__(self, master_pid: int):
        self.master_pid = master_pid

    @staticmethod
    def _ticks(pid: int) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(fields[11]) + int(fields[12])  # utime, stime

    def _pids(self) -> tuple[set[int], set[int]]:
        from django.db import connection

        app = {self.master_pid}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == self.master_pid:
                        app.add(int(entry.name))
                except (OSError, IndexError, ValueError):
                    continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            db = {pid for (pid,) in cursor.fetchall()}
        return app, db

    def __enter__(self):
        app, db = self._pids()
        self.before = {pid: self._ticks(pid) for pid in app | db}
        self.client_before = sum(os.times()[:2])
        return self

    def __exit__(self, *exc):
        app, db = self._pids()
        client = (sum(os.times()[:2]) - self.client_before) * 1000
        used = {pid: max(0, self._ticks(pid) - self.before.get(pid, 0)) * self.TICK_MS for pid in app | db}
        self.app_ms = sum(used[pid] for pid in app)
        self.db_ms = sum(used[pid] for pid in db - app)
        self.client_ms = client


def run(url: str, bodies: list[bytes], concurrency: int, label: str, *, sender=None, cpu: Cpu | None = None) -> dict:
    signed = [sign(body) for body in bodies] if sender is None else bodies
    send = sender or (lambda item: post(url, item))
    started = time.perf_counter()
    with cpu or contextlib.nullcontext(), ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(send, signed))
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
    if cpu is not None:
        n = len(bodies)
        report["cpu_ms"] = {
            "app": round(cpu.app_ms / n, 2),
            "db": round(cpu.db_ms / n, 2),
            "client": round(cpu.client_ms / n, 2),
        }
        # What the machine could do were it only serving these requests (the client elsewhere).
        report["ceiling_per_second"] = round((os.cpu_count() or 1) * 1000 / max(0.01, (cpu.app_ms + cpu.db_ms) / n))
    print(
        f"{label:<60} {report['events']:>5} events in {report['seconds']:>6}s  "
        f"{report['events_per_second']:>7} ev/s  p50 {report['p50_ms']:>6} ms  "
        f"p99 {report['p99_ms']:>6} ms  {statuses}"
        + (f"  CPU/request {report['cpu_ms']}  ceiling {report['ceiling_per_second']}/s" if cpu else ""),
        flush=True,
    )
    return report


def verify(campaigns: list[tuple[int, str]], *, events: int, event_ids: list[str], pot: bool, label: str) -> dict:
    """Exactly once and exact figures, over the scenario's campaigns."""
    from django.db.models import Sum

    from campaign.models import CampaignDonor
    from campaign.tallies import tally_totals
    from donations.models import Gift, MatchChallenge, WebhookEvent

    ids = [campaign_id for campaign_id, _ in campaigns]
    gifts = Gift.objects.filter(campaign_id__in=ids)
    succeeded = gifts.filter(status=Gift.Status.SUCCEEDED).count()
    stored = WebhookEvent.objects.filter(stripe_event_id__in=event_ids)
    checks = {
        f"{label}: every gift succeeded once": succeeded == events,
        f"{label}: each event stored once": stored.count() == len(event_ids),
        f"{label}: no failed events": not stored.exclude(status=WebhookEvent.Status.PROCESSED).exists(),
    }
    tallies_ok = donors_ok = pot_ok = True
    for campaign_id in ids:
        mine = gifts.filter(campaign_id=campaign_id)
        tally = tally_totals(campaign=campaign_id)
        expected = mine.aggregate(total=Sum("amount_cents"))["total"] or 0
        tallies_ok &= (tally.raised_cents, tally.gift_count) == (expected, mine.count())
        donors_ok &= (
            tally.donor_count
            == CampaignDonor.objects.filter(campaign_id=campaign_id, gift_count__gt=0).count()
            == mine.filter(status=Gift.Status.SUCCEEDED).values("counted_donor_key").distinct().count()
        )
        if pot:
            challenge = MatchChallenge.objects.get(campaign_id=campaign_id)
            matched = mine.aggregate(total=Sum("matched_cents"))["total"] or 0
            pot_ok &= challenge.drawn_cents == matched == tally.matched_cents
            pot_ok &= challenge.drawn_cents == min(challenge.pot_cents, expected)  # used in full, never beyond
            if len(ids) == 1:
                print(f"Pot: {challenge.pot_cents}, drawn {challenge.drawn_cents}, gifts' matches {matched}")
        if len(ids) == 1:
            print(
                f"Tally: raised {tally.raised_cents} (expected {expected}), "
                f"gifts {tally.gift_count}, donors {tally.donor_count}"
            )
    checks[f"{label}: tallies (summed stripes) equal the gifts"] = tallies_ok
    checks[f"{label}: donor count equals the donors"] = donors_ok
    if pot:
        checks[f"{label}: pot drawn = gifts' matches = meter, used in full, never beyond"] = pot_ok
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--duplicates", type=int, default=2, help="times every event is delivered again")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--match-pot", type=int, default=0, help="open a 1:1 challenge with this pot (dollars)")
    parser.add_argument("--readers", type=int, default=2, help="threads loading the campaign page and progress.json")
    parser.add_argument("--spread", type=int, default=0, help="then the same payments over this many campaigns")
    parser.add_argument("--bare", action="store_true", help="then the bare Django view, for the ceiling")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("error: set DATABASE_URL=postgres://… (the benchmark measures PostgreSQL)", file=sys.stderr)
        return 2
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    python = sys.executable

    print("Migrating…", flush=True)
    from benchdb import database_ensure

    database_ensure(os.environ["DATABASE_URL"])
    subprocess.run([python, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, check=True)
    if args.readers:  # the pages name their static files by the production manifest
        subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, check=True)
    print(f"Seeding {args.events} pending gifts…", flush=True)
    campaigns, sessions = seed(args.events)
    if args.match_pot:
        open_challenge(campaigns[0][0], pot_dollars=args.match_pot)
    spread_campaigns, spread_sessions = [], []
    if args.spread > 1:
        print(f"Seeding {args.events} more over {args.spread} campaigns…", flush=True)
        spread_campaigns, spread_sessions = seed(args.events, campaigns=args.spread)
        if args.match_pot:
            for campaign_id, _ in spread_campaigns:
                open_challenge(campaign_id, pot_dollars=max(1, args.match_pot // args.spread))

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
    base = f"http://127.0.0.1:{args.port}"
    checks: dict[str, bool] = {}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            print("error: gunicorn did not answer /healthz within 20 s", file=sys.stderr)
            return 1
        url = f"{base}/stripe/webhook/"
        slug = campaigns[0][1]
        pages = [f"{base}/campaigns/{slug}/", f"{base}/campaigns/{slug}/progress.json"]
        for page in pages:  # warm each worker's imports and templates, as a running site is
            get(page)
        distinct = [event(session) for session in sessions]
        with Readers(pages, args.readers) as readers:
            reports = [run(url, distinct, args.concurrency, "new payments, one campaign", cpu=Cpu(server.pid))]
        reports += readers.reports("during the burst")
        duplicates = distinct * args.duplicates
        random.shuffle(duplicates)
        if duplicates:
            reports.append(run(url, duplicates, args.concurrency, f"redeliveries (x{args.duplicates})"))
        # The same session under new event ids (Stripe's completed + async_payment_succeeded, say).
        same_session = [event(session) for session in sessions]
        reports.append(run(url, same_session, args.concurrency, "same sessions, new event ids", cpu=Cpu(server.pid)))
        event_ids = [json.loads(body)["id"] for body in distinct + same_session]
        checks.update(
            verify(campaigns, events=args.events, event_ids=event_ids, pot=bool(args.match_pot), label="one campaign")
        )
        if spread_sessions:
            spread = [event(session) for session in spread_sessions]
            label = f"new payments, {args.spread} campaigns (no contention)"
            reports.append(run(url, spread, args.concurrency, label, cpu=Cpu(server.pid)))
            checks.update(
                verify(
                    spread_campaigns,
                    events=args.events,
                    event_ids=[json.loads(body)["id"] for body in spread],
                    pot=bool(args.match_pot),
                    label=f"{args.spread} campaigns",
                )
            )
        if args.bare:
            reports.append(
                run(
                    f"{base}/bare/",
                    list(range(args.events)),
                    args.concurrency,
                    "bare Django view (GET /bare/): the ceiling",
                    sender=lambda _: get(f"{base}/bare/"),
                    cpu=Cpu(server.pid),
                )
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    checks["no 5xx or 4xx"] = all(set(r["statuses"]) == {200} for r in reports)
    for name, ok in checks.items():
        print(f"  {'ok ' if ok else 'FAIL'} {name}")
    write_report(args, reports, checks)
    return 0 if all(checks.values()) else 1


def write_report(args, reports: list[dict], checks: dict) -> None:
    """The table; its last row is the one campaign's deliveries together (first ones and duplicates)."""
    deliveries = [r for r in reports if r["label"].startswith(("new payments, one", "redeliveries", "same sessions"))]
    every = [ms for report in deliveries for ms in report["latencies"]]
    events = sum(report["events"] for report in deliveries)
    seconds = sum(report["seconds"] for report in deliveries)
    overall = {
        "events": events,
        "events_per_second": round(events / seconds, 1),
        "p50_ms": round(statistics.median(every), 1),
        "p99_ms": round(percentile(every, 99), 1),
    }
    lines = [
        f"Webhook burst: {args.events} payments, each delivered {1 + args.duplicates} times plus once more under a "
        f"new event id; {args.concurrency} concurrent senders; gunicorn {args.workers} sync workers; PostgreSQL"
        + (f"; a 1:1 matching challenge with a ${args.match_pot:,} pot open" if args.match_pot else "")
        + f"; {args.readers} reader threads; TALLY_STRIPES={os.environ.get('TALLY_STRIPES', 'default 8')}; "
        + f"{os.cpu_count()} CPUs.",
        "",
        "| requests | count | per second | p50 ms | p99 ms | load avg (1 min) "
        "| CPU ms a request: app + db (+ client) | CPU ceiling /s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for report in reports:
        lines.append(
            f"| {report['label']} | {report['events']} | {report['events_per_second']} | {report['p50_ms']} "
            f"| {report['p99_ms']} | {report['load_average_1m']:.2f} "
            + (
                f"| {report['cpu_ms']['app']} + {report['cpu_ms']['db']} (+ {report['cpu_ms']['client']}) "
                f"| {report['ceiling_per_second']} |"
                if "cpu_ms" in report
                else "| | |"
            )
        )
    lines.append(
        f"| **one campaign's deliveries, duplicates included** | {events} | {overall['events_per_second']} "
        f"| {overall['p50_ms']} | {overall['p99_ms']} | | | |"
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
