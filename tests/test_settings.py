"""Production settings pass Django's deployment checklist, and every response carries the headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-the-check",
    "DJANGO_ALLOWED_HOSTS": "give.example.org",
    "SITE_URL": "https://give.example.org",
    "STRIPE_SECRET_KEY": "sk_live_placeholder",
    "STRIPE_WEBHOOK_SECRET": "whsec_placeholder",
    "EMAIL_URL": "submission://mailer:secret@smtp.example.org:587",
    "REDIS_URL": "redis://redis.example.org:6379/0",  # README's deployment: rate limits and ALTCHA claims shared
}


def run_manage(*args, env_overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.pop("STRIPE_SECRET_KEY", None)
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY is required"),
        ("STRIPE_SECRET_KEY", "demo payments are for development only"),
        ("STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET is required"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing, message):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    "email_url",
    [None, "console://", "locmem://"],
    ids=["unset", "console", "locmem"],
)
def test_production_refuses_to_start_without_a_real_mail_setting(email_url):
    # Receipts carry donors' and families' addresses: printed to stdout, they end up in log files.
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "EMAIL_URL"}
    if email_url is not None:
        env["EMAIL_URL"] = email_url
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert (
        "EMAIL_URL must name a real mail server when DJANGO_DEBUG is off "
        "(smtp://, smtps:// or submission://; dummy:// to send nothing on purpose)"
    ) in result.stderr


def test_production_starts_with_dummy_email_chosen_on_purpose():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "EMAIL_URL": "dummy://"})
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_security_headers_on_a_public_response(client):
    response = client.get("/healthz", secure=True)

    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})
