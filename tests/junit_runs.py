"""Run the plugin as a user would (a subprocess) and read its JUnit report.

Shared by the determinism test (plain against -n 2 and -n 4) and the
recorded-inventory test (today's run against the recorded one).
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "example_project": ROOT / "example_project",
    "realworld": ROOT.parent / "shared" / "realworld",
}

# (outcome, failure message, properties) per (classname, name)
Cases = dict[tuple[str, str], tuple[str, str | None, tuple]]


def run(target: Path, tmp_path: Path, *extra: str) -> tuple[Cases, list[str]]:
    junit = tmp_path / f"junit{'-'.join(extra)}.xml"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", str(target), "-p", "no:cacheprovider", "-q", f"--junitxml={junit}", f"--rootdir={target}", *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert completed.returncode in (0, 1), completed.stdout[-3000:] + completed.stderr[-3000:]
    lines = completed.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "paassec summary" in line)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("="))
    summary = [line for line in lines[start + 1 : end] if line.strip()]
    return read_cases(junit), summary


def read_cases(junit: Path) -> Cases:
    cases: Cases = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        outcome = "failed" if failure is not None else "error" if error is not None else "passed"
        message = (failure if failure is not None else error).get("message") if outcome != "passed" else None  # type: ignore[union-attr]
        properties = tuple((p.get("name"), p.get("value")) for p in case.iter("property"))
        cases[(case.get("classname") or "", case.get("name") or "")] = (outcome, message, properties)
    return cases
