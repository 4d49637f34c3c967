"""The audit tools: missing locally, the suite skips with the command to run; missing in CI, it fails."""

import pytest

from tests.browser import audit


def test_missing_tool_skips_locally(monkeypatch):
    monkeypatch.setattr(audit, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="npm ci"):
        audit.require(audit.ROOT / "node_modules" / "nope.js", "nope")


def test_missing_tool_fails_in_ci(monkeypatch):
    monkeypatch.setattr(audit, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI must run the audit suite"):
        audit.require(audit.ROOT / "node_modules" / "nope.js", "nope")
