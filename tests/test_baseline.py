"""Baseline loading: valid controls compile, every mistake is located."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_paassec.platforms import PLATFORM_NAMES
from pytest_paassec.rules.baseline import BaselineLoader, builtin_baseline_dir
from pytest_paassec.rules.controls import Severity

GOOD = """\
baseline: team
controls:
  - id: TEAM-NET-001
    title: No LoadBalancer services
    severity: high
    category: network
    platforms: [kubernetes]
    kinds: [Service]
    expect: {path: spec.type, not_equals: LoadBalancer}
    remediation: Use an Ingress.
    references: ["NIST 800-53 SC-7"]
"""


UNKNOWN = """\
controls:
  - id: TEAM-TLS-001
    title: TLS 1.2 or newer
    severity: high
    category: encryption
    unknown: pass
    expect:
      all_of:
        - {path: minTls, ge: 1.2}
        - {path: ftps, one_of: [Disabled, FtpsOnly]}
"""


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "team.yaml"
    path.write_text(text)
    loader = BaselineLoader(PLATFORM_NAMES, frozenset({"containers", "pod_spec"}), tmp_path)
    return loader.load_paths([path])


def test_valid_control(tmp_path: Path) -> None:
    result = load(tmp_path, GOOD)
    assert not result.errors
    [control] = result.controls
    assert (control.id, control.severity, control.kinds, control.source) == ("TEAM-NET-001", Severity.HIGH, frozenset({"Service"}), "team.yaml:3")
    assert control.check({"spec": {"type": "LoadBalancer"}}, None)
    assert not control.check({"spec": {"type": "ClusterIP"}}, None)


@pytest.mark.parametrize(
    "base, replace, new, line, message",
    [
        (GOOD, "severity: high", "severity: urgent", 5, "unknown severity 'urgent'"),
        (GOOD, "category: network", "category: networking", 6, "unknown category"),
        (GOOD, "platforms: [kubernetes]", "platforms: [kubernetis]", 7, "unknown platform 'kubernetis'"),
        (GOOD, "id: TEAM-NET-001", "id: team net 1", 3, "invalid control id"),
        (GOOD, "    remediation: Use an Ingress.\n", "    remedy: x\n", 10, "unknown key 'remedy'"),
        (GOOD, "not_equals: LoadBalancer", "not_equal: LoadBalancer", 9, "unknown operator 'not_equal'"),
        (GOOD, "spec.type, not", "'spec[?(', not", 9, "invalid JSONPath"),
        (GOOD, "    expect: {path: spec.type, not_equals: LoadBalancer}\n", "", 3, "missing 'expect'"),
        (UNKNOWN, "FtpsOnly]}", "FtpsOnly], missing: pass}", 10, "expect.all_of[1]: missing: pass restates the default (the control's unknown: pass)"),
        (UNKNOWN, "unknown: pass", "unknown: fail", 6, "unknown: fail changes nothing"),
        (UNKNOWN, "unknown: pass", "unknown: sometimes", 6, "unknown takes pass or fail"),
        (UNKNOWN, "ge: 1.2}", "ge: 1.2, match: some}", 9, "expect.all_of[0]: match takes all or any"),
    ],
)
def test_errors_name_file_line_and_fix(tmp_path: Path, base: str, replace: str, new: str, line: int, message: str) -> None:
    result = load(tmp_path, base.replace(replace, new))
    assert not result.controls
    [error] = result.errors
    assert (error.path, error.line) == ("team.yaml", line)
    assert message in error.problem


def test_one_bad_control_keeps_the_others(tmp_path: Path) -> None:
    second = GOOD.split("controls:\n")[1].replace("TEAM-NET-001", "TEAM-NET-002").replace("severity: high", "severity: nope")
    result = load(tmp_path, GOOD + second)
    assert [c.id for c in result.controls] == ["TEAM-NET-001"]
    assert [e.line for e in result.errors] == [14]


def test_duplicate_ids_are_errors(tmp_path: Path) -> None:
    result = load(tmp_path, GOOD + GOOD.split("controls:\n")[1])
    assert len(result.controls) == 1
    [error] = result.errors
    assert error.line == 12 and "duplicate control id TEAM-NET-001 (first defined at team.yaml:3)" in error.problem


def test_invalid_yaml_and_wrong_shape(tmp_path: Path) -> None:
    [error] = load(tmp_path, "controls: [\n").errors
    assert error.path == "team.yaml" and error.line == 2
    [error] = load(tmp_path, "- id: X\n").errors
    assert "one YAML mapping" in error.problem
    [error] = load(tmp_path, "controls: {}\n").errors
    assert "'controls' must be a list" in error.problem


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    loader = BaselineLoader(PLATFORM_NAMES, frozenset(), tmp_path)
    [error] = loader.load_paths([tmp_path / "nope.yaml"]).errors
    assert "does not exist" in error.problem


def test_builtin_baselines_ship_with_the_package() -> None:
    directory = builtin_baseline_dir()
    assert (directory / "kubernetes.yaml").is_file()


def test_override_to_info_is_described(tmp_path: Path) -> None:
    result = load(tmp_path, GOOD + "overrides:\n  - id: TEAM-NET-001\n    severity: info\n    reason: accepted\n")
    [control] = result.controls
    assert control.severity == Severity.INFO
    assert control.overridden == "high -> severity set to info by team.yaml:13: accepted"


def test_unknown_says_what_an_unset_field_means(tmp_path: Path) -> None:
    result = load(tmp_path, UNKNOWN)
    assert not result.errors
    [control] = result.controls
    assert not control.check({}, None)  # both fields unset: passes, as unknown says
    assert control.check({"minTls": 1.0}, None)
    [control] = load(tmp_path, UNKNOWN.replace("    unknown: pass\n", "")).controls
    assert len(control.check({}, None)) == 2  # the operators' own rule: unset fails


def test_a_restating_missing_in_when_is_located(tmp_path: Path) -> None:
    text = GOOD.replace("    expect:", "    when:\n      all_of:\n        - {path: spec.type, exists: true}\n        - {path: spec.ports, not_equals: [], missing: pass}\n    expect:")
    [error] = load(tmp_path, text).errors
    assert error.line == 12 and "when.all_of[1]: missing: pass restates the default (not_equals passes" in error.problem

