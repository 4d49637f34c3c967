#!/usr/bin/env python
"""
Where the milliseconds of one new payment go, in one process on PostgreSQL (no HTTP, no
concurrency): N signed checkout.session.completed deliveries through webhooks.webhook_receive,
each statement timed, with and without a matching challenge open.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<own db> .venv/bin/python scripts/profile_webhook.py [--events 300]

Prints, per delivery: the whole (median), the signature check, each kind of SQL statement, the
Python in between, and how long the campaign's hot rows stay locked (from the statement that locks
them to the end of COMMIT): one hot row admits at most 1000 / (that time in ms) payments a second,
however many workers there are.
"""

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--cprofile", action="store_true", help="also where the Python time goes, by package")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("error: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    import bench_webhooks as bench

    os.environ.update(bench.ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import subprocess

    from benchdb import database_ensure

    database_ensure(os.environ["DATABASE_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, check=True)
    for label, pot in (("no challenge", 0), ("1:1 challenge open", 10**7)):
        campaigns, sessions = bench.seed(args.events)
        if pot:
            bench.open_challenge(campaigns[0][0], pot_dollars=pot)
        profile(label, [bench.sign(bench.event(session)) for session in sessions], cprofile=args.cprofile)
    return 0


# Where a frame's own time is charged: the first of these found in its file's path.
AREAS = (
    ("psycopg", "psycopg (driver, waiting on PostgreSQL)"),
    ("django/db/models/sql", "Django ORM: SQL compiler"),
    ("django/db/models", "Django ORM: models, querysets, signals"),
    ("django/db/backends", "Django DB backend (cursor, execute wrapper)"),
    ("django/db", "Django DB: transactions, connections"),
    ("simple_history", "simple_history (gift history rows)"),
    ("django_tasks", "django_tasks (receipt task enqueue)"),
    ("stripe", "stripe SDK (signature, event parsing)"),
    ("django/core/cache", "Django cache (Redis client)"),
    ("redis", "Django cache (Redis client)"),
    ("json", "json"),
    ("django/", "Django, other"),
    ("/donations/", "project: donations"),
    ("/campaign/", "project: campaign"),
    ("/fundraisers/", "project: fundraisers"),
    ("/core/", "project: core"),
)


def _by_area(stats) -> list[tuple[str, float]]:
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        area = next((name for key, name in AREAS if key in filename), "Python, other (stdlib, builtins)")
        totals[area] += tottime
    return sorted(totals.items(), key=lambda item: -item[1])


def profile(label: str, deliveries: list, *, cprofile: bool = False) -> None:
    from django.db import connection

    from donations import stripe_gateway, webhooks

    totals: list[float] = []
    verify: list[float] = []
    per_kind: dict[str, list[float]] = defaultdict(list)
    hot_hold: dict[str, list[float]] = defaultdict(list)
    current: dict = {}

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            end = time.perf_counter()
            words = sql.split()
            kind = " ".join(words[:3]) if words[0] in ("UPDATE", "INSERT") else words[0]
            if "campaign_tally" in sql and words[0] == "UPDATE":
                current.setdefault("tally stripe", start)  # one of TALLY_STRIPES: others take the rest
            if "donations_matchchallenge" in sql and words[0] == "UPDATE":
                current.setdefault("pot", start)
            if "donations_receiptsequence" in sql:  # SQLite's row; PostgreSQL's nextval locks nothing
                current.setdefault("receipt sequence", start)
            current.setdefault("kinds", defaultdict(float))[kind[:60]] += (end - start) * 1000

    original_construct = stripe_gateway.event_construct

    def construct(**kwargs):
        start = time.perf_counter()
        try:
            return original_construct(**kwargs)
        finally:
            verify.append((time.perf_counter() - start) * 1000)

    stripe_gateway.event_construct = construct
    try:
        profiler = None
        if cprofile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        with connection.execute_wrapper(timed):
            for body, signature in deliveries:
                current.clear()
                start = time.perf_counter()
                status, _body = webhooks.webhook_receive(payload=body, signature_header=signature)
                end = time.perf_counter()
                if status != 200:
                    raise RuntimeError(f"delivery refused: {status} {_body}")
                totals.append((end - start) * 1000)
                for kind, ms in current.get("kinds", {}).items():
                    per_kind[kind].append(ms)
                for row in ("tally stripe", "pot", "receipt sequence"):
                    if row in current:
                        # Autocommit ends the transaction as webhook_receive returns: the lock is held to here.
                        hot_hold[row].append((end - current[row]) * 1000)
        if profiler is not None:
            profiler.disable()
    finally:
        stripe_gateway.event_construct = original_construct

    n = len(totals)
    sql_total = sum(sum(values) for values in per_kind.values()) / n
    print(f"\n{label}: {n} new payments, one process, PostgreSQL")
    print(f"  whole delivery (median)        {statistics.median(totals):7.2f} ms")
    print(f"  signature check (median)       {statistics.median(verify):7.2f} ms")
    for kind, values in sorted(per_kind.items(), key=lambda item: -sum(item[1])):
        print(f"  SQL {kind:<40} {sum(values) / n:7.2f} ms  ({len(values) / n:.1f} a payment)")
    print(f"  all SQL (mean)                 {sql_total:7.2f} ms")
    print(f"  Python and the rest (mean)     {statistics.fmean(totals) - sql_total:7.2f} ms")
    for row, values in hot_hold.items():
        held = statistics.median(values)
        print(f"  {row} row locked (median)        {held:7.2f} ms  -> at most {1000 / held:,.0f} payments/s on it")
    if profiler is not None:
        import pstats

        stats = pstats.Stats(profiler)
        print("  where the time goes (cProfile, own time a payment; inflated by the profiler itself):")
        for area, seconds in _by_area(stats):
            print(f"    {area:<48} {seconds * 1000 / n:7.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
