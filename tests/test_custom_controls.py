"""Custom controls: team baselines, Python controls and fixture-based controls."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from acme_plugin import ACME_CONFTEST, ACME_FORMAT_HOOKS

BASELINE = """\
baseline: base
controls:
  - id: T-PRIV-001
    title: Containers must not run privileged
    severity: critical
    category: least-privilege
    platforms: [kubernetes]
    subject: containers
    expect: {path: securityContext.privileged, not_equals: true}
  - id: T-IMG-001
    title: Images are not latest
    severity: medium
    category: images
    platforms: [kubernetes]
    subject: containers
    expect: {path: image, not_matches: ':latest$'}
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
    - name: app
      image: {image}
      securityContext:
        privileged: {privileged}
"""

PYTHON_CONTROLS = '''
import pytest_paassec as paassec

@paassec.control(id="TEAM-IMG-001", title="Images come from our registry", severity="high",
                 category="images", platforms=["kubernetes"], subject="containers",
                 remediation="Push the image to registry.example.com.")
def our_registry(container):
    if not container["image"].startswith("registry.example.com/"):
        yield paassec.violation(path=["image"], found=container["image"], expected="registry.example.com/...")

@paassec.control(id="TEAM-BUG-001", title="Crashes", severity="low", category="images",
                 platforms=["kubernetes"], kinds=["Pod"])
def crashes(pod):
    raise RuntimeError("bug in the team control")

def pytest_paassec_controls(config):
    return [our_registry, crashes]
'''


def write_pod(directory: Path, name: str, image: str, privileged: str = "false") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.yaml").write_text(POD.format(name=name, image=image, privileged=privileged))


@pytest.fixture
def repo(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", base=BASELINE)
    pytester.makeini("[pytest]\npaassec_builtin_baselines = false\npaassec_baselines = base.yaml\n")
    write_pod(pytester.path / "deploy", "good", "registry.example.com/app:1.0")
    write_pod(pytester.path / "deploy", "bad", "docker.io/app:latest", privileged="true")
    return pytester


def test_team_baseline_overrides_and_disables_with_reasons(repo: pytest.Pytester) -> None:
    repo.makefile(".yaml", team="""\
baseline: team
overrides:
  - id: T-PRIV-001
    severity: low
    reason: sandboxed nodes only
  - id: T-IMG-001
    disabled: true
    reason: tags are immutable in our registry
""")
    result = repo.runpytest("--paassec-baseline", "team.yaml", "--junitxml=out.xml", "--paassec-fail-on", "medium")
    result.stdout.fnmatch_lines([
        "paassec: override T-PRIV-001: critical -> severity set to low by team.yaml:3: sandboxed nodes only",
        "paassec: override T-IMG-001: disabled by team.yaml:6: tags are immutable in our registry",
    ])
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == 0  # the overridden failure is below fail-on now
    root = ET.parse(repo.path / "out.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["paassec.severity"] == "low"
    assert properties["paassec.override"].startswith("critical -> severity set to low by team.yaml:3")


def test_override_of_unknown_control_is_an_error(repo: pytest.Pytester) -> None:
    repo.makefile(".yaml", team="overrides:\n  - id: T-NOPE-001\n    disabled: true\n    reason: x\n")
    result = repo.runpytest("--paassec-baseline", "team.yaml")
    result.stdout.fnmatch_lines(["*team.yaml:2: override names unknown control T-NOPE-001*"])
    result.assert_outcomes(passed=2, failed=2, errors=1)


def test_python_controls_pass_fail_and_crash_on_their_own_items(repo: pytest.Pytester) -> None:
    repo.makeconftest(PYTHON_CONTROLS)
    result = repo.runpytest("-p", "no:randomly")
    # 2 pods x (2 baseline + 2 Python controls); the crashing control fails on both.
    result.assert_outcomes(passed=3, failed=5, errors=0)
    output = result.stdout.str()
    result.stdout.fnmatch_lines([
        "TEAM-IMG-001 (high) Pod/bad: Images come from our registry",
        "  deploy/bad.yaml:8  $.spec.containers[[]0].image  docker.io/app:latest -> registry.example.com/...",
        "Remediation: Push the image to registry.example.com.",
    ])
    # The crash shows the user's traceback on the crashing items only.
    result.stdout.fnmatch_lines([
        "TEAM-BUG-001 (low) Pod/bad: the control crashed: RuntimeError: bug in the team control",
        "Traceback (most recent call last):",
        '*conftest.py", line 13, in crashes',
        '    raise RuntimeError("bug in the team control")',
        "RuntimeError: bug in the team control",
    ])
    assert "_pytest/" not in output and "pluggy/" not in output
    assert output.count("RuntimeError: bug in the team control\n") >= 2
    result.stdout.fnmatch_lines(["FAILED deploy/bad.yaml::TEAM-BUG-001[[]Pod/bad] - TEAM-BUG-001 (low)*"])


def test_subdirectory_conftest_controls_only_apply_below_it(repo: pytest.Pytester) -> None:
    write_pod(repo.path / "teams" / "payments", "pay", "registry.example.com/pay:2")
    (repo.path / "teams" / "payments" / "conftest.py").write_text(PYTHON_CONTROLS.replace(", crashes]", "]"))
    result = repo.runpytest("--co", "-q")
    output = result.stdout.str()
    assert "teams/payments/pay.yaml::TEAM-IMG-001[Pod/pay]" in output
    assert "deploy/good.yaml::TEAM-IMG-001" not in output


def test_invalid_python_control_definitions_are_located_errors(repo: pytest.Pytester) -> None:
    repo.makeconftest('''
import pytest_paassec as paassec

@paassec.control(id="TEAM-X-001", title="x", severity="urgent", category="images")
def bad_severity(data):
    return []

@paassec.control(id="T-PRIV-001", title="dup", severity="low", category="images")
def duplicate(data):
    return []

def pytest_paassec_controls(config):
    return [bad_severity, duplicate, "not a control"]
''')
    result = repo.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=2, errors=3)
    result.stdout.fnmatch_lines([
        "conftest.py:3: control TEAM-X-001: unknown severity 'urgent'*",
        "conftest.py:7: duplicate control id T-PRIV-001 (first defined at base.yaml:3)*",
        "*pytest_paassec_controls: returned str, not a Control*",
    ])


FIXTURE_CONTROL = '''
import pytest

@pytest.fixture(scope="session")
def allowed_registries(pytestconfig):
    path = pytestconfig.rootpath / "allowed-registries.txt"
    return set(path.read_text().split())

@pytest.mark.paassec_control(id="TEAM-IMG-002", title="Images from an allowed registry",
                             severity="high", category="images", platforms=["kubernetes"],
                             subject="images")
def test_registry_is_allowed(paassec_subject, allowed_registries):
    assert paassec_subject["registry"] in allowed_registries
'''


def test_fixture_based_control_with_a_team_allowlist(repo: pytest.Pytester) -> None:
    (repo.path / "allowed-registries.txt").write_text("registry.example.com\n")
    (repo.path / "tests").mkdir()
    (repo.path / "tests" / "test_policy.py").write_text(FIXTURE_CONTROL)
    result = repo.runpytest("-p", "no:randomly", "-v", "--junitxml=out.xml", "-k", "TEAM-IMG-002")
    result.stdout.fnmatch_lines([
        "tests/test_policy.py::test_registry_is_allowed[[]deploy/bad.yaml:Pod/bad] FAILED*",
        "tests/test_policy.py::test_registry_is_allowed[[]deploy/good.yaml:Pod/good] PASSED*",
    ])
    result.assert_outcomes(passed=1, failed=1)
    root = ET.parse(repo.path / "out.xml").getroot()
    cases = {c.get("name"): {p.get("name"): p.get("value") for p in c.iter("property")} for c in root.iter("testcase")}
    bad = cases["test_registry_is_allowed[deploy/bad.yaml:Pod/bad]"]
    assert bad["paassec.control"] == "TEAM-IMG-002" and bad["paassec.severity"] == "high"
    assert bad["paassec.resource"] == "Pod/bad" and bad["paassec.line"] == "8"
    result = repo.runpytest("-p", "no:randomly", "--paassec-fail-on", "critical", "-k", "TEAM-IMG-002")
    assert result.ret == 0  # below the threshold, like any control


def test_all_three_kinds_collect_the_same_under_xdist(repo: pytest.Pytester) -> None:
    repo.makeconftest(PYTHON_CONTROLS.replace(", crashes]", "]"))
    (repo.path / "allowed-registries.txt").write_text("registry.example.com\n")
    (repo.path / "tests").mkdir()
    (repo.path / "tests" / "test_policy.py").write_text(FIXTURE_CONTROL)
    plain = repo.runpytest_subprocess("--co", "-q", "-p", "no:randomly")
    plain_ids = sorted(line for line in plain.stdout.lines if "::" in line)
    parallel = repo.runpytest_subprocess("-n", "2", "-p", "no:randomly", "-v")
    parallel_ids = sorted(re.search(r"(?:PASSED|FAILED) (\S+)", line).group(1) for line in parallel.stdout.lines if re.search(r"\[gw\d\].*(?:PASSED|FAILED) \S+::", line))
    assert len(plain_ids) == 8
    assert parallel_ids == plain_ids


def test_third_party_pack_installed_as_a_plugin(repo: pytest.Pytester, tmp_path: Path) -> None:
    # Built from a copy: pip leaves build/ and *.egg-info beside the sources.
    pack = tmp_path / "pack"
    shutil.copytree(Path(__file__).parent / "packs" / "paassec-pack-demo", pack, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check", "--target", str(target), str(pack)],
        check=True,
        capture_output=True,
    )
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH")]))
    try:
        result = repo.runpytest_subprocess("--co", "-q")
    finally:
        os.environ["PYTHONPATH"] = os.environ["PYTHONPATH"].split(os.pathsep, 1)[1] if os.pathsep in os.environ["PYTHONPATH"] else ""
    output = result.stdout.str()
    assert "deploy/bad.yaml::DEMO-LBL-001[Pod/bad]" in output  # from the pack's baseline file
    assert "deploy/bad.yaml::DEMO-NET-001[Pod/bad]" in output  # from the pack's Python control


def test_custom_format_through_hooks(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\npaassec_builtin_baselines = false\n")
    pytester.makeconftest(ACME_CONFTEST + ACME_FORMAT_HOOKS)
    pytester.makefile(".acme", shop="name=shop\ntls=off\n", blog="name=blog\ntls=on\n", broken="name=x\n!\n")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(["*ACME-TLS-001 (high) app/shop: TLS on*", "*broken.acme:2: no bangs allowed*"])


def test_a_contributed_platform_declares_its_own_files(pytester: pytest.Pytester) -> None:
    """A plugin adapter's file rules take part in discovery: no candidate hook needed."""
    pytester.makeini("[pytest]\npaassec_builtin_baselines = false\n")
    pytester.makeconftest(ACME_CONFTEST)
    (pytester.path / "acme.json").write_text('{"name": "shop", "tls": "off"}\n')
    (pytester.path / "other.json").write_text('{"name": "shop", "tls": "off"}\n')
    result = pytester.runpytest("-rA")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["FAILED acme.json::ACME-TLS-001[[]app/shop[]]*"])
