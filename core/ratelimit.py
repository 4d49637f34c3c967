"""
Fixed-window rate limits kept in the shared cache, so a limit holds across every gunicorn process
and host that shares REDIS_URL (with the local-memory cache it holds per process only).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """
    The client's address. Behind a load balancer, trust only the last TRUSTED_PROXY_COUNT hops of
    X-Forwarded-For, as anything to their left is whatever the client chose to send.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """
    Count one attempt for (scope, key) in the current window; return True while within `limit`.
    """
    return hit_count(scope=scope, key=key, window_seconds=window_seconds) <= limit


def hit_count(*, scope: str, key: str, window_seconds: int) -> int:
    """
    Count one attempt for (scope, key) in the current window and return the count so far (1 for
    the first). `cache.add` then `cache.incr` is atomic on Redis and on the local-memory cache, so
    concurrent requests cannot both slip under a limit.
    """
    window = int(time.time() // window_seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no raw address or email in cache keys
    cache_key = f"rl:{scope}:{window}:{digest}"
    if cache.add(cache_key, 1, timeout=window_seconds + 1):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr: a new window has begun
        cache.add(cache_key, 1, timeout=window_seconds + 1)
        return 1
