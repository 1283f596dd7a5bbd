"""Failure text a platform engineer reads at a glance.

Golden texts pin the full failure (summary, evidence lines, remediation,
references) of one failing example per control family (``K8S-PSS``,
``XP-SEC``, ``COMPOSE-PRIV``...), so a change to any wording is a
deliberate, reviewed diff: re-record with ``PAASSEC_RECORD=1 pytest
tests/test_failure_texts.py``. And no evidence line of any failing example
shows a condition's internals: a regular expression or a compound
``either (...) or (...)`` falls back to the control's ``expected:`` text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from pytest_paassec.parsing.discovery import classify
from pytest_paassec.reporting.failures import control_failure
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_files

EXAMPLES = Path(__file__).parent / "examples"
GOLDEN = Path(__file__).parent / "golden" / "failure_texts.txt"
CATALOG = build_catalog([])
CONTROLS = {control.id: control for control in CATALOG.controls}
# A regular expression as the operators print one, or a compound's inner text.
INTERNALS = re.compile(r"matching /|either \(|none of \(|\) or \(|\) and \(|each \S+: ")


def family(control_id: str) -> str:
    return control_id.rsplit("-", 1)[0]


def fail_examples(control_id: str) -> list[Path]:
    return sorted(p for p in EXAMPLES.glob(f"*/{control_id}/fail*") if p.is_dir())


def failure_texts(example: Path, control_id: str) -> list[str]:
    files = [(p, p.relative_to(example).as_posix()) for p in sorted(example.rglob("*")) if p.is_file()]
    scanned = scan_files([(p, rel) for p, rel in files if classify(Path(rel)) is not None], CATALOG)
    texts = []
    for _, checks in scanned.values():
        for resource, control, violations in checks:
            if control.id == control_id and violations:
                failure = control_failure(control, resource, violations)
                texts.append("\n".join([failure.summary, *failure.body]))
    return texts


def golden_cases() -> list[tuple[str, Path]]:
    chosen: dict[str, tuple[str, Path]] = {}
    for control_id in sorted(CONTROLS):
        examples = fail_examples(control_id)
        if examples and family(control_id) not in chosen:
            chosen[family(control_id)] = (control_id, examples[0])
    return [chosen[name] for name in sorted(chosen)]


def render_golden() -> str:
    sections = []
    for control_id, example in golden_cases():
        where = example.relative_to(EXAMPLES).as_posix()
        sections.append(f"## {control_id} ({where})\n" + "\n".join(failure_texts(example, control_id)) + "\n")
    return "\n".join(sections)


def test_golden_failure_texts_per_family() -> None:
    text = render_golden()
    if os.environ.get("PAASSEC_RECORD") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert len(golden_cases()) >= 30  # every family is pinned
    assert text == GOLDEN.read_text(encoding="utf-8"), "failure texts changed: review, then re-record with PAASSEC_RECORD=1"


ALL_FAILURES = [(cid, example) for cid in sorted(CONTROLS) for example in fail_examples(cid)]


@pytest.mark.parametrize("control_id,example", ALL_FAILURES, ids=[f"{c}/{e.name}" for c, e in ALL_FAILURES])
def test_evidence_shows_no_condition_internals(control_id: str, example: Path) -> None:
    texts = failure_texts(example, control_id)
    assert texts, f"{example} gives no failure"
    evidence = [line for text in texts for line in text.splitlines()[1:] if line.startswith("  ")]
    shown = [line for line in evidence if INTERNALS.search(line.split(" -> ", 1)[-1])]
    assert not shown, f"{control_id}: give the control an `expected:` text; the failure shows {shown[0]!r}"
