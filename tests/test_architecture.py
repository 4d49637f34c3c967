"""
The arrows between the apps (README, "Architecture"), checked with import-linter: the contracts
are in pyproject.toml ([tool.importlinter]). `lint-imports` prints the offending import chain.
"""

from pathlib import Path

from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept(monkeypatch):
    monkeypatch.chdir(ROOT)
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert status == EXIT_STATUS_SUCCESS


def test_a_broken_contract_fails(monkeypatch, tmp_path):
    """The check can fail: a contract that today's code breaks (campaign does read donations.selectors)."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["campaign", "donations"]\n'
        '[[tool.importlinter.contracts]]\nname = "campaign imports nothing of donations"\ntype = "forbidden"\n'
        'source_modules = ["campaign"]\nforbidden_modules = ["donations.selectors"]\nallow_indirect_imports = true\n'
    )
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) != EXIT_STATUS_SUCCESS
