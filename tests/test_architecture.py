"""
The arrows between the apps (README, "Architecture"), checked with import-linter: the contracts
are in pyproject.toml ([tool.importlinter]). It runs in its own process (it reconfigures logging),
and prints the offending import chain when a contract is broken.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own venv's lint-imports, fixed arguments
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 10 kept, 0 broken." in result.stdout


def test_a_broken_contract_fails(tmp_path):
    """The check can fail: a contract that today's code breaks (campaign does read donations.selectors)."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["campaign", "donations"]\n'
        '[[tool.importlinter.contracts]]\nname = "campaign imports nothing of donations"\ntype = "forbidden"\n'
        'source_modules = ["campaign"]\nforbidden_modules = ["donations.selectors"]\nallow_indirect_imports = true\n'
    )
    result = lint_imports(config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "campaign imports nothing of donations BROKEN" in result.stdout
