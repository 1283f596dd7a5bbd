"""No silent corners: a recognised deployment file that no control applies
to still yields an item, PAASSEC-COVERAGE[file], naming what it holds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junit_runs import TARGETS

from pytest_paassec.parsing.discovery import classify

PRIORITY = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: batch\nvalue: 1000\n"
POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n"


def properties(junit: Path) -> dict[str, dict[str, str]]:
    return {
        f"{case.get('classname')}::{case.get('name')}": {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in ET.parse(junit).getroot().iter("testcase")
    }


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\n")
    (pytester.path / "config").mkdir()
    (pytester.path / "config" / "settings.yaml").write_text(PRIORITY)
    (pytester.path / "pod.yaml").write_text(POD)
    return pytester


@pytest.mark.parametrize("protocol", ["lean", "standard"])
def test_a_file_no_control_applies_to_gets_a_passing_item(project: pytest.Pytester, protocol: str) -> None:
    result = project.runpytest("-rA", "--junitxml=out.xml", f"--paassec-protocol={protocol}")
    result.stdout.fnmatch_lines([
        "*1 file no control applies to (PAASSEC-COVERAGE)*",
        "PASSED config/settings.yaml::PAASSEC-COVERAGE[[]settings.yaml[]]",
    ])
    found = properties(project.path / "out.xml")
    coverage = [props for name, props in found.items() if "PAASSEC-COVERAGE" in name]
    assert coverage == [{
        "paassec.control": "PAASSEC-COVERAGE",
        "paassec.severity": "info",
        "paassec.platform": "kubernetes",
        "paassec.file": "config/settings.yaml",
        "paassec.line": "1",
        "paassec.coverage": "holds PriorityClass/batch; no selected baseline control applies to them",
        "paassec.title": "Every recognised deployment file is accounted for",
    }]
    # A file that controls apply to gets none.
    assert not [name for name in found if name.startswith("pod") and "COVERAGE" in name]


def test_a_selection_that_leaves_a_file_unchecked_says_so(project: pytest.Pytester) -> None:
    result = project.runpytest("--co", "-q", "--paassec-select=K8S-IAM-001")
    result.stdout.fnmatch_lines_random(["config/settings.yaml::PAASSEC-COVERAGE[[]settings.yaml[]]", "pod.yaml::PAASSEC-COVERAGE[[]pod.yaml[]]"])


def test_the_items_can_be_turned_off(project: pytest.Pytester) -> None:
    result = project.runpytest("--co", "-q", "-o", "paassec_coverage_items=false")
    assert "PAASSEC-COVERAGE" not in result.stdout.str()
    assert "pod.yaml::" in result.stdout.str()


def test_every_recognised_realworld_file_yields_items(pytester: pytest.Pytester) -> None:
    realworld = TARGETS["realworld"]
    if not realworld.is_dir():
        pytest.skip(f"{realworld} is not beside this checkout")
    result = pytester.runpytest(str(realworld), f"--rootdir={realworld}", "--co", "-q", "-p", "no:cacheprovider")
    with_items = {line.split("::")[0] for line in result.stdout.lines if "::" in line}
    candidates = {
        p.relative_to(realworld).as_posix() for p in realworld.rglob("*")
        if p.is_file() and classify(p.relative_to(realworld)) is not None and ".git" not in p.parts
    }
    named = {c for c in candidates if classify(Path(c)).by_name}  # type: ignore[union-attr]
    # Every file recognised by its name yields an item (controls, coverage or an input notice).
    assert named and named <= with_items, sorted(named - with_items)[:10]
