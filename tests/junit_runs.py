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

# Waiver expiry is judged on this day, so recordings do not age.
TODAY = "--paassec-today=2026-12-05"

# (outcome, failure message, properties) per (classname, name)
Cases = dict[tuple[str, str], tuple[str, str | None, tuple]]


def run(target: Path, tmp_path: Path, *extra: str) -> tuple[Cases, list[str]]:
    junit = tmp_path / f"junit{'-'.join(extra)}.xml"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", str(target), "-p", "no:cacheprovider", "-q", f"--junitxml={junit}", f"--rootdir={target}", TODAY, *extra],
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
        failure, error, skipped = case.find("failure"), case.find("error"), case.find("skipped")
        outcome = "failed" if failure is not None else "error" if error is not None else "skipped" if skipped is not None else "passed"
        found = failure if failure is not None else error if error is not None else skipped
        message = found.get("message") if found is not None else None
        properties = tuple((p.get("name"), p.get("value")) for p in case.iter("property"))
        cases[(case.get("classname") or "", case.get("name") or "")] = (outcome, message, properties)
    return cases
