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
from pathlib import Path

import pytest
from junit_runs import TARGETS, run


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
