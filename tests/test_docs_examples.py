"""Every YAML example in docs/baselines.md compiles with the real loader.

A block with ``controls:`` is a baseline file; one with ``id:`` a control;
one with only ``when:``, ``unknown:`` and ``expect:`` the parts of a
control; anything else a bare condition.  A block whose first line is
``# invalid: <reason>`` must be refused with that reason.  The operator
table is the registry's own rendering, and every operator and compound
form has an example.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_paassec.parsing.documents import parse_text
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.conditions import COMPOUND, OPERATORS, ConditionError, compile_condition
from pytest_paassec.rules.operators import operator_table
from pytest_paassec.rules.pathselect import SelectorCache

DOC = Path(__file__).parents[1] / "docs" / "baselines.md"
TEXT = DOC.read_text()
BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.MULTILINE | re.DOTALL)
INVALID = re.compile(r"# invalid: (.+)\n")
CONTROL_PARTS = {"when", "unknown", "expect"}


def examples() -> list[tuple[int, str]]:
    return [(TEXT.count("\n", 0, match.start()) + 2, match.group(1)) for match in BLOCK.finditer(TEXT)]


def problems(data: Any, tmp_path: Path) -> list[str]:
    """What the loader says about an example: empty when it compiles."""
    if isinstance(data, dict) and not ({"controls", "overrides", "id"} & set(data) or set(data) <= CONTROL_PARTS):
        try:
            compile_condition(data, SelectorCache())
        except ConditionError as exc:
            return [str(exc)]
        return []
    if isinstance(data, dict) and "controls" not in data and "overrides" not in data:
        control = {"id": "DOC-EXAMPLE-001", "title": "An example", "severity": "info", "category": "logging"}
        data = {"controls": [control | data]}
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return [f"{error.problem} ({error.hint})" for error in build_catalog([path], builtin=False).errors]


@pytest.mark.parametrize("line, text", examples(), ids=[f"line-{line}" for line, _ in examples()])
def test_example_compiles_or_is_refused_as_marked(tmp_path: Path, line: int, text: str) -> None:
    parsed = parse_text(f"docs/baselines.md:{line}", "yaml", text)
    assert parsed.error is None and len(parsed.documents) == 1, parsed.error
    assert not parsed.duplicates, f"line {line}: a key is given twice; split the example"
    found = problems(parsed.documents[0].data, tmp_path)
    invalid = INVALID.match(text)
    if invalid is None:
        assert not found, f"docs/baselines.md:{line}: {found}"
    else:
        assert any(invalid.group(1) in problem for problem in found), f"docs/baselines.md:{line} should be refused: {invalid.group(1)}; got {found}"


def test_the_examples_cover_every_operator_and_compound_form() -> None:
    used: set[str] = set()

    def keys(node: Any) -> None:
        if isinstance(node, dict):
            used.update(str(key) for key in node)
            for value in node.values():
                keys(value)
        elif isinstance(node, list):
            for value in node:
                keys(value)

    for _, text in examples():
        if not INVALID.match(text):
            keys(yaml.safe_load(text))
    assert sorted((set(OPERATORS) | set(COMPOUND) | {"unknown", "missing", "match"}) - used) == []


def test_operator_table_is_the_registry() -> None:
    assert operator_table() in TEXT, (
        "the operator table in docs/baselines.md is stale; replace it with the output of\n"
        "python -c 'from pytest_paassec.rules.operators import operator_table; print(operator_table(), end=\"\")'"
    )
