"""The layer contract can fail: an upward import planted in a copy of the package breaks it,
whether at the top of a module or inside a function."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def _lint(tmp_path: Path, plant: str | None) -> subprocess.CompletedProcess:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "stocksim", src / "stocksim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    if plant is not None:
        target = src / "stocksim" / "scenario" / "checks.py"
        target.write_text(target.read_text(encoding="utf-8") + plant, encoding="utf-8")
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}
    return subprocess.run([str(LINT), "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_the_package_as_it_is_keeps_the_contract(tmp_path):
    out = _lint(tmp_path, None)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


@pytest.mark.parametrize(
    "plant",
    [
        "\nfrom stocksim.experiment.run import run  # noqa\n",
        "\n\ndef _late():\n    from stocksim.supply.reserve import TOL  # noqa\n\n    return TOL\n",
    ],
    ids=["module-level", "inside-a-function"],
)
def test_an_upward_import_breaks_the_layer_contract(tmp_path, plant):
    out = _lint(tmp_path, plant)
    assert out.returncode != 0
    assert "Layers: each imports only from the layers below it BROKEN" in out.stdout
    assert "stocksim.scenario.checks -> stocksim." in out.stdout
