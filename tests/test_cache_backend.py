"""The Redis cache backend that reuses its client (core.cache_backends)."""

import os
import secrets

import pytest
import redis

from core.cache_backends import ReusingRedisCache

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    backend = ReusingRedisCache(REDIS_URL, {"KEY_PREFIX": "test-" + secrets.token_hex(4), "TIMEOUT": 30})
    yield backend
    backend.delete_many(["page", "version-a", "version-b"])


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client("a")

    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("c", write=True) is client  # one server: one pool


def test_it_behaves_as_django_s_redis_cache(redis_cache):
    redis_cache.set_many({"version-a": "1", "version-b": "2"}, timeout=None)
    redis_cache.set("page", (("1", "2"), 200, [("Content-Type", "text/html")], b"<p>hi</p>", '"e"'))

    found = redis_cache.get_many(["version-a", "version-b", "page", "missing"])

    assert found == {
        "version-a": "1",
        "version-b": "2",
        "page": (("1", "2"), 200, [("Content-Type", "text/html")], b"<p>hi</p>", '"e"'),
    }
    assert redis_cache.add("version-a", "3") is False
