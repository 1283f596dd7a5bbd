"""The same items, outcomes and reports with and without pytest-xdist.

Runs the plugin as a user would (a subprocess) over the example project and
over the public files in ../shared/realworld, plainly and with -n 2 and -n 4,
and compares every JUnit test case (name, outcome, properties, failure
message) and the paassec summary section.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "example_project": ROOT / "example_project",
    "realworld": ROOT.parent / "shared" / "realworld",
}


def run(target: Path, tmp_path: Path, *extra: str) -> tuple[dict, list[str]]:
    junit = tmp_path / f"junit{'-'.join(extra)}.xml"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", str(target), "-p", "no:cacheprovider", "-q", f"--junitxml={junit}", f"--rootdir={target}", *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert completed.returncode in (0, 1), completed.stdout[-3000:] + completed.stderr[-3000:]
    cases = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        outcome = "failed" if failure is not None else "error" if error is not None else "passed"
        message = (failure if failure is not None else error).get("message") if outcome != "passed" else None  # type: ignore[union-attr]
        properties = tuple((p.get("name"), p.get("value")) for p in case.iter("property"))
        cases[(case.get("classname"), case.get("name"))] = (outcome, message, properties)
    lines = completed.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "paassec summary" in line)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("="))
    summary = [line for line in lines[start + 1 : end] if line.strip()]
    return cases, summary


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_xdist_gives_the_same_results(name: str, tmp_path: Path) -> None:
    target = TARGETS[name]
    if not target.is_dir():
        pytest.skip(f"{target} is not beside this checkout")
    plain_cases, plain_summary = run(target, tmp_path)
    assert len(plain_cases) > 50
    for workers in ("2", "4"):
        cases, summary = run(target, tmp_path, "-n", workers)
        assert cases == plain_cases, f"-n {workers} differs from a plain run"
        assert summary == plain_summary, f"-n {workers} summary differs"


def test_collection_order_is_stable(tmp_path: Path) -> None:
    def collected() -> list[str]:
        out = subprocess.run(
            [sys.executable, "-m", "pytest", str(TARGETS["example_project"]), "--co", "-q", "-p", "no:cacheprovider"],
            capture_output=True, text=True, cwd=tmp_path,
        ).stdout
        return [line for line in out.splitlines() if "::" in line]

    first = collected()
    assert first and first == collected()
    assert not any(re.search(r"[\s@]|::.*::", line) for line in first)
