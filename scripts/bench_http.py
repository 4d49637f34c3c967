#!/usr/bin/env python3
"""
Requests per second and p50 / p99 latency of the public pages against a bare Django view
(`/bare/`, a constant response through the same middleware), all served by one production
gunicorn setup, measured with wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> make bench
    BENCH_SECONDS=10 BENCH_CONNECTIONS=10 BENCH_ROUNDS=3 .venv/bin/python scripts/bench_http.py

What it does, as a release would: `migrate`, `seed_demo` (safe to run twice) and
`collectstatic` with production settings (DJANGO_DEBUG off, whitenoise's hashed, compressed
files, Redis cache, PostgreSQL), then starts `gunicorn -c config/gunicorn.conf.py
--no-control-socket config.wsgi` (WEB_CONCURRENCY workers, 2 × cores + 1 by default), warms the
page cache with one request per page, and runs wrk on each path in turn, BENCH_ROUNDS times
(interleaved, so a burst of load from elsewhere hits every path alike). It prints and writes
(artifacts/bench/http.json and http.md) the median requests/s, the spread over the rounds,
p50 / p99 latency and each path's ratio to the bare view, with the load average.

Needs wrk: `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS).
"""

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) * 2 + 1))
CAMPAIGN = os.environ.get("BENCH_CAMPAIGN", "infusion-dialysis-centers")
PATHS = ["/bare/", "/", "/updates/", f"/campaigns/{CAMPAIGN}/progress.json", "/donate/"]
TARGETS = {"/": 0.50, f"/campaigns/{CAMPAIGN}/progress.json": 0.70, "/donate/": 0.50}
OUT = ROOT / "artifacts" / "bench"


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
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f}s; rerun with BENCH_VERBOSE=1 to see its log.")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk_run(wrk: str, url: str) -> dict:
    command = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", output, flags=re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(latency["50"]),
        "p99_ms": to_ms(latency["99"]),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed: apt-get install -y wrk (Debian, Ubuntu) or brew install wrk.", file=sys.stderr)
        return 2
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL=postgres://… (a database of its own: the benchmark seeds it).", file=sys.stderr)
        return 2
    if not os.environ.get("REDIS_URL", "").startswith("redis"):
        print("Set REDIS_URL=redis://127.0.0.1:6379/<n> (the shared cache, as in production).", file=sys.stderr)
        return 2
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_TESTING": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijkl"),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", "sk_test_bench_never_called"),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_bench"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_URL": os.environ.get("EMAIL_URL", "dummy://"),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": WORKERS,
        "LOG_LEVEL": "WARNING",
        "BENCHMARK_VIEWS": "1",  # serves /bare/, the yardstick
    }
    print("Release steps: migrate, seed_demo, collectstatic (production settings)…", flush=True)
    from benchdb import database_ensure

    database_ensure(os.environ["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--no-input", "-v", "0")

    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c", "config/gunicorn.conf.py", "--no-control-socket", "config.wsgi",
    ]  # fmt: skip
    print("$", " ".join(command), f"(WEB_CONCURRENCY={WORKERS}, bound to 127.0.0.1:{port})", flush=True)
    log = None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    runs: dict[str, list[dict]] = {path: [] for path in PATHS}
    load = []
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        for path in PATHS:
            for _ in range(int(WORKERS) * 2):  # every worker's connections, and the page cache, warm
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                    response.read()
                    if response.status != 200:
                        raise SystemExit(f"{path} answered {response.status}; is the database seeded?")
        for round_number in range(1, ROUNDS + 1):
            load.append(os.getloadavg()[0])
            for path in PATHS:
                result = wrk_run(wrk, f"http://127.0.0.1:{port}{path}")
                runs[path].append(result)
                errors = f"  !! {result['errors']} errors" if result["errors"] else ""
                print(
                    f"round {round_number}  {path:45} {result['rps']:9.1f} req/s  p50 {result['p50_ms']:7.2f} ms"
                    f"  p99 {result['p99_ms']:7.2f} ms{errors}",
                    flush=True,
                )
            load.append(os.getloadavg()[0])
    finally:
        server.terminate()
        server.wait(timeout=30)

    bare = statistics.median(run["rps"] for run in runs["/bare/"])
    rows = []
    for path, results in runs.items():
        rps = statistics.median(r["rps"] for r in results)
        rows.append(
            {
                "path": path,
                "rps_median": round(rps, 1),
                "rps_min": round(min(r["rps"] for r in results), 1),
                "rps_max": round(max(r["rps"] for r in results), 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 2),
                "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 2),
                "ratio_to_bare": round(rps / bare, 3) if bare else None,
                "target": TARGETS.get(path),
                "errors": sum(r["errors"] for r in results),
                "runs": results,
            }
        )
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cores": os.cpu_count(),
        "gunicorn_workers": int(WORKERS),
        "wrk": f"-t1 -c{CONNECTIONS} -d{SECONDS}s --latency",
        "rounds": ROUNDS,
        "load_average_1m": {"min": min(load), "max": max(load)},
        "rows": rows,
    }
    lines = [
        f"Benchmark {report['when']}: {report['cores']} cores, gunicorn {WORKERS} sync workers, wrk {report['wrk']},",
        f"{ROUNDS} rounds (median; min–max); 1-min load average {min(load):.2f}–{max(load):.2f} while measuring.",
        "",
        "| path | req/s (median) | min–max | p50 ms | p99 ms | × bare | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        target = row["target"]
        verdict = ""
        if target is not None:
            verdict = f"≥ {target:.0%} " + ("met" if row["ratio_to_bare"] >= target else "NOT met")
        lines.append(
            f"| `{row['path']}` | {row['rps_median']:.0f} | {row['rps_min']:.0f}–{row['rps_max']:.0f} "
            f"| {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['ratio_to_bare']:.0%} | {verdict} |"
        )
    if any(row["errors"] for row in rows):
        lines.append("")
        failed = ", ".join(f"{row['path']} {row['errors']}" for row in rows if row["errors"])
        lines.append("Some responses were errors: " + failed)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "http.json").write_text(json.dumps(report, indent=2) + "\n")
    (OUT / "http.md").write_text("\n".join(lines) + "\n")
    print()
    print("\n".join(lines))
    print(f"\nWritten to {OUT / 'http.json'} and {OUT / 'http.md'}")
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
