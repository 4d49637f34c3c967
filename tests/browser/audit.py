"""
The tools of the audit suite (tests/browser/test_audit.py): axe-core injected into the page, the
W3C Nu HTML checker (vnu.jar) over the saved HTML, and Lighthouse against a production-like
gunicorn. They come from npm (package.json + package-lock.json at the repository root, installed
with `npm ci --ignore-scripts`). Without them the tests skip locally, with the command to run;
under CI (CI=true) a missing tool is a failure, never a silent skip.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
AUDIT_DIR = ROOT / "artifacts" / "audit"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LIGHTHOUSE_CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(path: Path, what: str) -> None:
    """Skip (locally) or fail (in CI) with what to run when an audit tool is missing."""
    if path.exists():
        return
    message = f"{what} not found at {path.relative_to(ROOT)}: run `npm ci --ignore-scripts` at the repository root"
    if IN_CI:
        pytest.fail(message + " (CI must run the audit suite, not skip it)", pytrace=False)
    pytest.skip(message)


def require_command(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    message = f"`{name}` is not on PATH (apt-get install {'default-jre-headless' if name == 'java' else name})"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
    raise AssertionError  # unreachable: pytest.skip raises


# --- axe-core -------------------------------------------------------------------------------------


def run_axe(page) -> list[dict]:
    """axe's violations on the page as loaded: [{id, impact, help, nodes: [target, ...]}]."""
    require(AXE_JS, "axe-core")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    # All rules run (axe.getRules() lists them all, including best practices and experimental).
    results = page.evaluate(
        """async () => {
            const rules = axe.getRules().map(rule => rule.ruleId);
            const result = await axe.run(document, {runOnly: {type: 'rule', values: rules}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary,
                                          html: n.html.slice(0, 200)})),
            }));
        }"""
    )
    return results


# --- the Nu HTML checker ----------------------------------------------------------------------


def run_vnu(files: dict[str, Path]) -> dict[str, list[dict]]:
    """{name: [Nu messages of type error]} for HTML files, checked in one java run."""
    require(VNU_JAR, "vnu-jar (the W3C Nu HTML checker)")
    java = require_command("java")
    by_path = {str(path.resolve()): name for name, path in files.items()}
    completed = subprocess.run(  # noqa: S603 (our own tools, fixed arguments)
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *by_path],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar printed no JSON (exit {completed.returncode}): {completed.stderr[-2000:]}", pytrace=False)
    errors: dict[str, list[dict]] = {name: [] for name in files}
    for message in report.get("messages", []):
        if message.get("type") != "error":
            continue
        url = message.get("url", "")
        path = url.removeprefix("file:")
        name = by_path.get(str(Path(urllib.request.url2pathname(path)).resolve()), url)
        errors.setdefault(name, []).append(
            {"message": message.get("message", ""), "line": message.get("lastLine"), "extract": message.get("extract")}
        )
    return errors


# --- a production-like server for Lighthouse ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f}s")


@contextlib.contextmanager
def production_server():
    """
    gunicorn as in production (DEBUG off, whitenoise's compressed manifest storage, test Stripe
    keys so demo payments are off) on a free port, over a fresh SQLite database seeded with
    seed_demo. Yields the base URL. HTTPS redirects are off: Lighthouse treats 127.0.0.1 as secure.
    """
    with tempfile.TemporaryDirectory(prefix="audit-prod-") as tmp:
        port = _free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_TESTING", "PYTEST_VERSION", "PYTEST_CURRENT_TEST", "DATABASE_URL", "REDIS_URL"}
        }
        env.update(
            DJANGO_DEBUG="0",
            DJANGO_TESTING="0",
            DJANGO_SECRET_KEY="audit-only-secret-key-0123456789abcdefghijklmnop",
            DATABASE_URL=f"sqlite:///{tmp}/audit.sqlite3",
            STRIPE_SECRET_KEY="sk_test_audit_only",
            STRIPE_WEBHOOK_SECRET="whsec_audit_only",
            EMAIL_URL="dummy://",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_HSTS_SECONDS="0",
            MEDIA_ROOT=f"{tmp}/media",
            SITE_URL=f"http://127.0.0.1:{port}",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="tests.browser.audit_settings",
            AUDIT_STATIC_ROOT=f"{tmp}/static",
        )
        python = sys.executable
        for command in (
            ["migrate", "--no-input", "-v", "0"],
            ["collectstatic", "--no-input", "-v", "0"],
            ["seed_demo"],
        ):
            subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        gunicorn = Path(python).with_name("gunicorn")
        server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
            [str(gunicorn), "-c", "config/gunicorn.conf.py", "--no-control-socket", "-w", "2", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def run_lighthouse(url: str, out: Path) -> dict:
    """Lighthouse's four category scores (0-100) and the failing audits, for one URL."""
    require(LIGHTHOUSE_CLI, "lighthouse")
    node = require_command("node")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    # Lighthouse's trace recording now and then fails on a busy machine (NO_NAVSTART, NO_FCP): a
    # runtime error is not a score, so it gets two more tries; a low score is never retried.
    for _attempt in range(3):
        out.unlink(missing_ok=True)
        completed = _lighthouse_once(node, url, out, env)
        if completed.returncode == 0 and out.exists():
            break
    if completed.returncode != 0 or not out.exists():
        pytest.fail(f"lighthouse failed on {url} (exit {completed.returncode}): {completed.stderr[-2000:]}")
    return _scores(json.loads(out.read_text()))


def _lighthouse_once(node: str, url: str, out: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own tools, fixed arguments)
        [
            node,
            str(LIGHTHOUSE_CLI),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            f"--chrome-flags={LIGHTHOUSE_CHROME_FLAGS}",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        check=False,
    )


def _scores(report: dict) -> dict:
    scores = {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    failing = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 0.9:
                failing.append(f"{name}/{ref['id']} ({audit['score']}): {audit.get('displayValue', '')}".strip())
    return {"scores": scores, "failing": failing}
