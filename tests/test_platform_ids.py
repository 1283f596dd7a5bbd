"""A platform is one unit: no platform id or title outside its adapter.

Discovery, the cross-platform controls and the reference page read the
adapters' declarations, so the core modules never name a platform, and the
cross-platform baseline never lists platforms: adding a platform is one
adapter module, one baseline file and its examples.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from pytest_paassec.platforms import BUILTIN_PLATFORMS, platform_ids

PACKAGE = Path(__file__).parents[1] / "pytest_paassec"
COMMON = Path(__file__).parents[1] / "baselines" / "common.yaml"

# "dockerfile" is also the name of a file format (the parser a file needs),
# which the parsing table and the formats the inventory reads must spell out.
# Only these modules may use it, and only as a format.
FORMAT_NAMES = {"parsing/documents.py": {"dockerfile"}, "edge/inventory.py": {"dockerfile"}}
# "dependencies" is also a control category, which the category list spells out.
FORMAT_NAMES["rules/controls.py"] = {"dependencies"}
# Scanner reports name the category (and pip-audit's "dependencies" key).
for _module in ("scans/checks.py", "scans/common.py", "scans/pip_audit.py"):
    FORMAT_NAMES[_module] = {"dependencies"}


def platform_words() -> set[str]:
    return {word for variant in platform_ids(BUILTIN_PLATFORMS) for word in (variant.name, variant.title)}


def named_platforms(source: str, words: set[str]) -> list[tuple[int, str]]:
    """(line, literal) for every string literal equal to a platform id or
    title; docstrings are prose and do not count."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in words and id(node) not in docstrings
    )


def test_the_scan_finds_a_platform_literal() -> None:
    source = '"""Kubernetes in a docstring is prose."""\nif platform == "heroku":\n    TITLE = f"{x} Render"\nNAMES = ("Fly.io",)\n'
    assert named_platforms(source, platform_words()) == [(2, "heroku"), (4, "Fly.io")]


def test_no_platform_id_or_title_in_core_modules() -> None:
    words = platform_words()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("platforms/"):
            continue
        allowed = FORMAT_NAMES.get(relative, set())
        found += [f"{relative}:{line}: {literal!r}" for line, literal in named_platforms(path.read_text(), words) if literal not in allowed]
    assert not found, "platform ids and titles belong in the adapters (platforms/):\n" + "\n".join(found)


def test_the_cross_platform_baseline_lists_no_platforms() -> None:
    controls = yaml.safe_load(COMMON.read_text())["controls"]
    assert controls
    listed = [control["id"] for control in controls if "platforms" in control]
    assert not listed, f"cross-platform controls apply where their fields exist; drop platforms: from {listed}"


def test_every_platform_id_has_a_title() -> None:
    variants = platform_ids(BUILTIN_PLATFORMS)
    assert len({v.name for v in variants}) == len(variants)
    assert all(v.name and v.title for v in variants)
