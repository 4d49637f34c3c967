from django.test import RequestFactory, override_settings

from core.ratelimit import client_ip, hit


def test_hit_allows_exactly_the_limit_then_refuses():
    results = [hit(scope="t", key="1.2.3.4", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_limits_are_per_key():
    assert [hit(scope="t", key="a", limit=1, window_seconds=60) for _ in range(2)] == [True, False]
    assert hit(scope="t", key="b", limit=1, window_seconds=60) is True


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_trusts_only_the_proxy_hop():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.9"


def test_client_ip_ignores_forwarded_header_without_proxies():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="198.51.100.7")
    assert client_ip(request) == "198.51.100.7"
