"""Production settings for the Lighthouse server (tests/browser/audit.py), with its own STATIC_ROOT."""

import os
from pathlib import Path

from config.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["AUDIT_STATIC_ROOT"])
# Uploads (the seeded hero and update images) as a CDN would serve them in production.
ROOT_URLCONF = "tests.browser.media_urls"
