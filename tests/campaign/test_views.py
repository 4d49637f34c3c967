"""Site-wide: /healthz and the base layout."""

import pytest

from tests.readings import page_text

pytestmark = pytest.mark.django_db


# --- Site-wide --------------------------------------------------------------------------------


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


def test_base_layout_has_skip_link_landmarks_and_no_inline_styles(client, campaign):
    text = page_text(client.get("/campaigns/infusion/"))

    assert '<a class="visually-hidden-focusable skip-link" href="#main">' in text
    assert '<main id="main" tabindex="-1">' in text
    assert '<header class="site-header">' in text
    assert '<footer class="site-footer">' in text
    assert 'aria-label="Main"' in text
    assert " style=" not in text
    assert "<script>" not in text  # scripts are files (CSP), none inline
