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
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("error: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    import bench_webhooks as bench

    os.environ.update(bench.ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import subprocess

    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, check=True)
    for label, pot in (("no challenge", 0), ("1:1 challenge open", 10**7)):
        campaign_id, sessions = bench.seed(args.events)
        if pot:
            bench.open_challenge(campaign_id, pot_dollars=pot)
        profile(label, [bench.sign(bench.event(session)) for session in sessions])
    return 0


def profile(label: str, deliveries: list) -> None:
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
                current.setdefault("tally", start)
            if "donations_matchchallenge" in sql and words[0] == "UPDATE":
                current.setdefault("pot", start)
            if "donations_receiptsequence" in sql:
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
                for row in ("tally", "pot", "receipt sequence"):
                    if row in current:
                        # Autocommit ends the transaction as webhook_receive returns: the lock is held to here.
                        hot_hold[row].append((end - current[row]) * 1000)
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


if __name__ == "__main__":
    sys.exit(main())
