"""The golden corpus: every built-in control has failing and passing examples.

Layout: ``tests/examples/<platform>/<CONTROL-ID>/<outcome>[-N]/`` where
``<outcome>`` is ``fail`` or ``pass`` and the folder holds deployment files
under the names the platform uses (``fly.toml``, ``.do/app.yaml``...).

For each example folder the control must apply to at least one resource,
and every one of its checks must fail (``fail``) or pass (``pass``).  The
files of one folder are scanned together, as one run: controls that read
other files (``subject: repository``) see all of them.  A
control with no example of either kind fails ``test_every_control_has_examples``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_paassec.parsing.discovery import classify
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_files

EXAMPLES = Path(__file__).parent / "examples"
CATALOG = build_catalog([])


def example_dirs() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*/*/*") if p.is_dir() and p.name.split("-")[0] in ("pass", "fail"))


def outcomes(example: Path, control_id: str) -> list[tuple[str, bool]]:
    """(resource ref, passed) for every check of ``control_id`` in the folder."""
    results = []
    files = [(p, p.relative_to(example).as_posix()) for p in sorted(example.rglob("*")) if p.is_file()]
    scanned = scan_files([(path, relpath) for path, relpath in files if classify(Path(relpath)) is not None], CATALOG)
    for relpath, (parsed, checks) in scanned.items():
        assert parsed is not None and parsed.error is None, f"{example / relpath}: {parsed.error if parsed else 'not a deployment file'}"
        results.extend((resource.ref, not violations) for resource, control, violations in checks if control.id == control_id)
    return results


# ids as a list: pytest 8.0 calls an ids function with NOTSET when the list is empty.
@pytest.mark.parametrize("example", example_dirs(), ids=[f"{p.parent.name}/{p.name}" for p in example_dirs()])
def test_example_outcome(example: Path) -> None:
    control_id = example.parent.name
    expected_pass = example.name.startswith("pass")
    results = outcomes(example, control_id)
    assert results, f"{control_id} does not apply to anything in {example}"
    wrong = [ref for ref, passed in results if passed != expected_pass]
    assert not wrong, f"{control_id} should {'pass' if expected_pass else 'fail'} on {wrong} in {example}"


def test_every_control_has_examples() -> None:
    missing = []
    for control in CATALOG.controls:
        kinds = {p.name.split("-")[0] for p in EXAMPLES.glob(f"*/{control.id}/*") if p.is_dir()}
        for outcome in ("pass", "fail"):
            if outcome not in kinds:
                missing.append(f"{control.id}: no {outcome} example")
    assert not missing, "\n".join(missing)


def test_builtin_baselines_load_cleanly() -> None:
    assert not CATALOG.errors, "\n".join(str(e) for e in CATALOG.errors)
    assert CATALOG.controls


def test_reference_page_is_generated_from_the_baselines() -> None:
    from pytest_paassec.rules.reference import render

    page = (Path(__file__).parents[1] / "docs" / "controls.md").read_text()
    assert page == render(CATALOG), "docs/controls.md is stale: run python -m pytest_paassec.rules.reference > docs/controls.md"
