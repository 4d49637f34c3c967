"""mypy over the Stripe gateway: every request's parameters checked against stripe-python's own types."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_stripe_gateway_passes_mypy():
    # Configuration in pyproject.toml ([tool.mypy]): the files, and Django's imports taken as Any.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "Success: no issues found in 2 source files"
