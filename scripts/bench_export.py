"""
Measure the gift export on 100,000 gifts: time and peak Python memory (tracemalloc) of the CSV
stream and of the Excel file, and the size of each. The gifts are made inside a transaction that
is rolled back at the end, so the database is left as it was.

    DJANGO_DEBUG=1 .venv/bin/python scripts/bench_export.py [--rows 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_admin DJANGO_DEBUG=1 .venv/bin/python scripts/bench_export.py
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaign.models import Campaign  # noqa: E402
from donations import exports  # noqa: E402
from donations.models import Gift  # noqa: E402


class Rollback(Exception):
    pass


def measure(label, produce, *, trace: bool):
    # Timed without tracemalloc (it slows Python several times over), then traced for the peak.
    started = time.perf_counter()
    size = produce()
    elapsed = time.perf_counter() - started
    peak_text = ""
    if trace:
        tracemalloc.start()
        produce()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_text = f"   peak {peak / 1024 / 1024:6.2f} MiB"
    print(f"{label:6} {elapsed:7.2f} s{peak_text}   output {size / 1024 / 1024:6.2f} MiB", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-trace", action="store_true", help="time only (tracemalloc is slow)")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(title="Export benchmark", slug="export-benchmark-tmp", goal_cents=10**9)
            now = timezone.now()
            print(f"Creating {args.rows:,} gifts (rolled back at the end)…", flush=True)
            for start in range(0, args.rows, 10_000):
                Gift.objects.bulk_create(
                    [
                        Gift(
                            campaign=campaign,
                            amount_cents=25_00 + index,
                            status=Gift.Status.SUCCEEDED,
                            donor_name=f"Donor {index}",
                            donor_email=f"donor{index}@example.com",
                            reference=f"=cmd{index}" if index % 1000 == 0 else "",
                            paid_at=now,
                            counted_cents=25_00 + index,
                            stripe_payment_intent_id=f"pi_bench_{index}",
                        )
                        for index in range(start, min(start + 10_000, args.rows))
                    ],
                    batch_size=2000,
                )
                print(f"  {min(start + 10_000, args.rows):,}", flush=True)
            gifts = Gift.objects.filter(campaign=campaign).order_by("-paid_at", "-pk")
            trace = not args.no_trace
            measure("csv", lambda: sum(len(line.encode()) for line in exports.gift_export_csv(gifts)), trace=trace)

            def xlsx():
                output, _count = exports.gift_export_xlsx(gifts)
                size = len(output.read())
                output.close()
                return size

            measure("xlsx", xlsx, trace=trace)
            raise Rollback
    except Rollback:
        print("Rolled back.")


if __name__ == "__main__":
    main()
