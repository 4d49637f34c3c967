#!/usr/bin/env python3
"""
Where a GET of the gift form (/donate/) spends its time: cProfile over many requests served by
the full middleware stack in one process, with production settings (DJANGO_DEBUG off, the
database and cache the environment names), as scripts/bench_http.py serves them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> \
        .venv/bin/python scripts/profile_gift_form.py [--requests 300] [--path /donate/] [--top 25]

Run it after `make bench` (or `manage.py seed_demo`) has filled the database. Each request comes
from a new visitor (no cookies), as wrk's do. It prints the mean time per request for the path
and for /bare/ (the yardstick, the same middleware with a constant view), then the functions with
the most cumulative and own time for the path.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--path", default="/donate/")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative,tottime")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_TESTING", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "profile-only-secret-key-0123456789abcdefghijkl")
    os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_profile_never_called")
    os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_profile")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
    os.environ.setdefault("BENCHMARK_VIEWS", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("EMAIL_URL", "dummy://")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")

    import django

    django.setup()
    from django.test import Client

    client = Client()  # one handler (its middleware loaded once, as in a gunicorn worker)

    def serve(path: str, count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            client.cookies.clear()  # no cookies: a new visitor
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        return (time.perf_counter() - started) / count * 1000

    for path in ("/bare/", args.path):
        serve(path, 20)  # connections, template loaders, the caches: warm
    bare_ms = serve("/bare/", args.requests)
    path_ms = serve(args.path, args.requests)
    rate = bare_ms / path_ms
    print(f"mean per request: /bare/ {bare_ms:.2f} ms, {args.path} {path_ms:.2f} ms ({rate:.0%} of bare's rate)")

    # CPU time, not wall time: on a shared machine a wait for the cache or the database is mostly
    # other processes' turn, and it costs a worker nothing.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    serve(args.path, args.requests)
    profiler.disable()
    for key in args.sort.split(","):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(args.top)
        print(f"--- by {key} ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
