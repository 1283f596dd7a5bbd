"""One control, written once, finds the same problem in every format."""

from __future__ import annotations

from pathlib import Path

from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_file

EXAMPLES = Path(__file__).parent / "examples" / "common" / "XP-SEC-001"
SECRET = "correct-horse-battery"


def test_literal_password_is_found_at_its_line_in_every_format() -> None:
    catalog = build_catalog([])
    platforms = set()
    for example in sorted(EXAMPLES.glob("fail*")):
        [path] = [p for p in example.rglob("*") if p.is_file()]
        relpath = path.relative_to(example).as_posix()
        expected_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if SECRET in line)
        _, checks = scan_file(path, relpath, catalog)
        found = [(resource, v) for resource, control, violations in checks if control.id == "XP-SEC-001" for v in violations]
        assert found, f"{relpath}: not flagged"
        assert {v.line for _, v in found} == {expected_line}, f"{relpath}: expected line {expected_line}"
        for _, violation in found:
            assert SECRET not in violation.render(), "the secret must be masked"
        platforms.update(resource.platform for resource, _ in found)
    assert len(platforms) >= 6, platforms
