"""Item ids, outcomes, failure summaries and JUnit properties stay as recorded.

Item ids are API (CI history, waivers and ``--lf`` key on them), so a change
to any of them must be deliberate: the recorded inventories under
``tests/inventory/`` are compared with a fresh run on the example project
and on the public files in ../shared/realworld.  After an intended change,
re-record with ``PAASSEC_RECORD=1 pytest tests/test_inventory.py`` and list
the difference in the README's changelog.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from junit_runs import TARGETS, Cases, run

RECORDED = Path(__file__).resolve().parent / "inventory"


def _lines(cases: Cases) -> list[str]:
    return [
        json.dumps([f"{classname}::{name}", outcome, message, [list(p) for p in properties]], ensure_ascii=False)
        for (classname, name), (outcome, message, properties) in sorted(cases.items())
    ]


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_inventory_matches_the_recording(name: str, tmp_path: Path) -> None:
    target = TARGETS[name]
    if not target.is_dir():
        pytest.skip(f"{target} is not beside this checkout")
    recording = RECORDED / f"{name}.jsonl"
    cases, _ = run(target, tmp_path)
    lines = _lines(cases)
    if os.environ.get("PAASSEC_RECORD") == "1":
        recording.write_text("\n".join(lines) + "\n", encoding="utf-8")
    recorded = recording.read_text(encoding="utf-8").splitlines()
    added = sorted(set(lines) - set(recorded))
    removed = sorted(set(recorded) - set(lines))
    assert not added and not removed, (
        f"{len(added)} items new or changed, {len(removed)} gone or changed; first new: {added[:3]}; first gone: {removed[:3]}"
    )
