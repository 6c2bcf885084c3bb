"""The core library's one rule: it never imports Django, Wagtail or the plugin.

The contract lives in pyproject.toml and ``make test`` runs ``lint-imports``.
These tests show the contract holds for the real tree and would catch a
violation, by running import-linter on a copy of the core with one bad import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contract_config() -> str:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    forbidden = ", ".join(f'"{m}"' for m in contract["forbidden_modules"])
    return f"""
[tool.importlinter]
root_packages = ["ahmadi_campaign"]
include_external_packages = true

[[tool.importlinter.contracts]]
name = "{contract["name"]}"
type = "forbidden"
source_modules = ["ahmadi_campaign"]
forbidden_modules = [{forbidden}]
"""


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def core_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ahmadi_campaign", tmp_path / "ahmadi_campaign")
    (tmp_path / "pyproject.toml").write_text(_contract_config())
    return tmp_path


def test_contract_holds_for_the_real_core(core_copy: Path) -> None:
    result = _lint(core_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    "bad_import",
    [
        "import django",
        "from django.db import models",
        "from wagtail.models import Page",
        "import wagtail_campaign",
    ],
)
def test_contract_breaks_when_a_core_module_imports_a_framework(
    core_copy: Path, bad_import: str
) -> None:
    # Indirect on purpose: a module deep in the core, imported by another.
    (core_copy / "ahmadi_campaign" / "_leak.py").write_text(f"{bad_import}\n")
    text = (core_copy / "ahmadi_campaign" / "stats.py").read_text()
    (core_copy / "ahmadi_campaign" / "stats.py").write_text("from . import _leak  # noqa\n" + text)
    result = _lint(core_copy)
    assert result.returncode != 0
    assert "0 kept, 1 broken" in result.stdout
    assert "ahmadi_campaign._leak" in result.stdout


def test_core_imports_without_django_installed() -> None:
    # Import every core module in a fresh interpreter that refuses to load django/wagtail.
    modules = sorted(f"ahmadi_campaign.{p.stem}" for p in (ROOT / "ahmadi_campaign").glob("*.py"))
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'django', 'wagtail', 'wagtail_campaign'}:\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {modules!r}: __import__(m)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
