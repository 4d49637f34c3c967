"""
The gift limits hold across processes when the cache is Redis: attempts counted by another
process (another gunicorn worker or host) count here too. Needs Redis (REDIS_TEST_URL, default
redis://127.0.0.1:6379/6); skipped without it.
"""

import os
import socket
import subprocess
import sys
import types
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from core import ratelimit
from donations.models import Gift
from tests.donations import conftest as donation_fixtures
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/6")
FROZEN = 1_800_000_000.0

fake_stripe = donation_fixtures.fake_stripe


def redis_reachable() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def shared_cache(settings, monkeypatch):
    if not redis_reachable():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: FROZEN))
    return prefix


def other_process_attempts(prefix: str, *, address: str, count: int) -> list[int]:
    code = (
        "import types; from core import ratelimit; "
        f"ratelimit.time = types.SimpleNamespace(time=lambda: {FROZEN}); "
        f"counts = [ratelimit.hit_count(scope='gift-address', key={address!r}, window_seconds=600) "
        f"for _ in range({count})]; print(counts)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(DJANGO_DEBUG="1", REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own printed list of ints


@pytest.mark.django_db
def test_attempts_in_another_process_count_against_the_same_address(client, fake_stripe, shared_cache, settings):
    settings.GIFT_SESSIONS_PER_ADDRESS = 5
    settings.TURNSTILE_SITE_KEY = settings.TURNSTILE_SECRET_KEY = ""
    campaign = CampaignFactory()

    assert other_process_attempts(shared_cache, address="198.51.100.7", count=3) == [1, 2, 3]
    responses = [client.post("/donate/", form_data(campaign), REMOTE_ADDR="198.51.100.7") for _ in range(5)]

    assert [r.status_code for r in responses] == [303, 303, 429, 429, 429]
    assert Gift.objects.count() == 2
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 2
    # And the other way round: this process's attempts are seen there.
    assert other_process_attempts(shared_cache, address="198.51.100.7", count=1) == [9]
