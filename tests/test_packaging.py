"""The wheel carries the built-in baselines and the pytest11 entry point."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_baselines_and_entry_point(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    [wheel] = tmp_path.glob("pytest_paassec-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("pytest_paassec/baselines/") and n.endswith(".yaml")}
    assert shipped == {p.name for p in (ROOT / "baselines").glob("*.yaml")}
    assert "pytest_paassec/py.typed" in names
    [entry_points] = [n for n in names if n.endswith("entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[pytest11]" in text and "paassec = pytest_paassec.edge.plugin" in text


def test_installed_package_finds_its_baselines() -> None:
    from pytest_paassec.rules.baseline import builtin_baseline_dir

    directory = builtin_baseline_dir()
    assert sorted(p.name for p in directory.glob("*.yaml")) == sorted(p.name for p in (ROOT / "baselines").glob("*.yaml"))
