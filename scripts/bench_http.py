#!/usr/bin/env python3
"""
Requests per second of the campaign page ("/") against a bare Django view ("/bare/"), both
served by the production gunicorn setup, measured with wrk (apt-get install wrk).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> make bench
    BENCH_SECONDS=10 BENCH_CONNECTIONS=10 BENCH_WORKERS=3 .venv/bin/python scripts/bench_http.py

The database must be migrated and seeded (`manage.py migrate && manage.py seed_demo`) and
static files collected (`manage.py collectstatic`), as in production. Nothing is cached: the
numbers are what one gunicorn host does with every request reaching Django.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
PATHS = ["/bare/", "/"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f}s; see its output above.")


def main() -> int:
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a migrated, seeded PostgreSQL database (see the docstring).", file=sys.stderr)
        return 2
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijkl"),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", "sk_test_x"),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_x"),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c", "config/gunicorn.conf.py", "--no-control-socket", "-w", str(WORKERS), "config.wsgi",
    ]  # fmt: skip
    print("$", " ".join(command), f"(bound to 127.0.0.1:{port})")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        results = {}
        for path in PATHS:
            url = f"http://127.0.0.1:{port}{path}"
            urllib.request.urlopen(url, timeout=10).read()  # warm the workers' caches
            run = [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", url]
            print("$", " ".join(run))
            output = subprocess.run(run, capture_output=True, text=True, check=True).stdout
            match = re.search(r"Requests/sec:\s+([\d.]+)", output)
            results[path] = float(match.group(1)) if match else 0.0
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
            print(output.strip())
            if errors:
                print(f"!! {errors.group(1)} responses were errors", file=sys.stderr)
        print()
        for path, rps in results.items():
            print(f"{path:10} {rps:10.1f} requests/s")
        if results.get("/bare/"):
            print(f"'/' runs at {results['/'] / results['/bare/'] * 100:.1f} % of the bare view's rate.")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
