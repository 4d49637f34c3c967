"""/bare/ (the benchmark's yardstick) is served only when BENCHMARK_VIEWS turns it on."""

import importlib

from django.test import override_settings
from django.urls import clear_url_caches

import config.urls


def test_bare_is_not_served_by_default(client):
    assert client.get("/bare/").status_code == 404


def test_bare_is_served_when_benchmark_views_is_on(client):
    with override_settings(BENCHMARK_VIEWS=True):
        importlib.reload(config.urls)
        clear_url_caches()
        response = client.get("/bare/")
    importlib.reload(config.urls)
    clear_url_caches()

    assert (response.status_code, response.content) == (200, b"ok")
    assert client.get("/bare/").status_code == 404
