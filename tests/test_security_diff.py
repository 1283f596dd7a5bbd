"""The security diff (--paassec-diff) on a real Git repository: findings
matched by fingerprint across a line move and a reformat, new ones failing,
old ones expected, fixed ones listed; the same under xdist and in the
machine-readable reports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_changed_since import BO, git, write
from test_custom_controls import BASELINE as CUSTOM_BASELINE

# The two container controls of the custom-controls tests, and one on the pod.
BASELINE = CUSTOM_BASELINE + """\
  - id: T-NET-001
    title: Pods must not use the host network
    severity: high
    category: network
    platforms: [kubernetes]
    subject: pod_spec
    expect: {path: hostNetwork, not_equals: true}
"""

BEFORE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:latest
          securityContext:
            privileged: true
"""

# The same privileged container after a reformat (flow style, comments,
# keys moved): not new.  The image is pinned now (fixed); the pod joins the
# host network (new).
AFTER = """\
# payments API
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: shop, name: api}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - securityContext: {privileged: true}
          name: api
          image: ghcr.io/acme/api:1.4.2
"""


def team_repository(pytester: pytest.Pytester) -> Path:
    """An empty Git repository whose runs use the three team controls only."""
    root = pytester.path
    pytester.makeini("[pytest]\npaassec_builtin_baselines = false\npaassec_baselines = team.yaml\n")
    write(root, "team.yaml", BASELINE)
    git(root, "init", "-q", "-b", "main")
    return root


@pytest.fixture
def repo(pytester: pytest.Pytester) -> pytest.Pytester:
    root = team_repository(pytester)
    write(root, "deploy/api.yaml", BEFORE)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "api")
    write(root, "deploy/api.yaml", AFTER)
    git(root, "commit", "-q", "-am", "reformat, pin, host network", who=BO, when="2026-10-05T10:00:00+00:00")
    return pytester


def cases(junit) -> dict[str, tuple[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        skipped, failure = case.find("skipped"), case.find("failure")
        outcome = "failed" if failure is not None else ("xfailed" if skipped is not None else "passed")
        found[case.get("name")] = (outcome, {p.get("name"): p.get("value") for p in case.iter("property")})
    return found


EXPECTED = {
    "T-PRIV-001[Deployment/shop/api]": ("xfailed", "unchanged"),  # moved and reformatted, still the same finding
    "T-NET-001[Deployment/shop/api]": ("failed", "new"),
    "T-IMG-001[Deployment/shop/api]": ("passed", "fixed"),
}


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["plain", "xdist"])
def test_only_new_findings_fail(repo: pytest.Pytester, workers: list[str]) -> None:
    result = repo.runpytest("--paassec-diff=HEAD~1", "--junitxml=out.xml", "--paassec-json=out.json", "-p", "no:randomly", *workers)
    found = cases(repo.path / "out.xml")
    assert {name: (outcome, props["paassec.diff"]) for name, (outcome, props) in found.items()} == EXPECTED
    result.stdout.fnmatch_lines([
        "*paassec security diff*",
        "security diff since HEAD~1 (*): 1 new, 1 fixed, 1 unchanged",
        "*new*T-NET-001*deploy/api.yaml:8*Deployment/shop/api*",
        "*fixed*T-IMG-001*deploy/api.yaml*Deployment/shop/api*",
    ])
    assert result.ret == 1  # the new finding gates the change
    report = json.loads((repo.path / "out.json").read_text())
    assert {item["control"]: item["diff"] for item in report["items"]} == {"T-PRIV-001": "unchanged", "T-NET-001": "new", "T-IMG-001": "fixed"}


def test_the_failure_says_what_is_new(repo: pytest.Pytester) -> None:
    result = repo.runpytest("--paassec-diff=HEAD~1", "-rxX", "-p", "no:randomly")
    result.stdout.fnmatch_lines(["*new since HEAD~1: 1 of 1 findings*"])
    # pytest 8.0 writes "- reason: ...", later versions "- ...".
    result.stdout.fnmatch_lines(["XFAIL deploy/api.yaml::T-PRIV-001[[]Deployment/shop/api[]] - *already failing at HEAD~1 (*)"])


def test_against_the_same_revision_nothing_is_new(repo: pytest.Pytester) -> None:
    result = repo.runpytest("--paassec-diff=HEAD")
    result.stdout.fnmatch_lines(["security diff since HEAD (*): 0 new, 0 fixed, 2 unchanged"])
    assert result.ret == 0


def test_the_revision_is_read_from_git_not_checked_out(repo: pytest.Pytester) -> None:
    repo.runpytest("--paassec-diff=HEAD~1")
    assert (repo.path / "deploy/api.yaml").read_text() == AFTER
    assert git(repo.path, "status", "--porcelain", "--untracked-files=no") == ""


def test_an_unknown_revision_stops_the_run(repo: pytest.Pytester) -> None:
    result = repo.runpytest("--paassec-diff=v9.9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--paassec-diff: unknown revision 'v9.9'*"])


CONFTEST_CONTROL = '''
import pytest_paassec as paassec

@paassec.control(id="TEAM-LBL-001", title="Deployments carry an owner label", severity="low",
                 category="logging", platforms=["kubernetes"], kinds=["Deployment"])
def owner_label(deployment):
    if "owner" not in ((deployment.get("metadata") or {}).get("labels") or {}):
        yield paassec.violation(path=["metadata"], expected="an owner label")

def pytest_paassec_controls(config):
    return [owner_label]
'''


def test_controls_from_conftests_are_evaluated_at_the_revision_too(repo: pytest.Pytester) -> None:
    """A conftest's Python control fails at both revisions: unchanged, not new."""
    (repo.path / "conftest.py").write_text(CONFTEST_CONTROL)
    git(repo.path, "add", "conftest.py")
    git(repo.path, "commit", "-q", "--amend", "--no-edit")
    repo.runpytest("--paassec-diff=HEAD~1", "--junitxml=out.xml", "-p", "no:randomly")
    found = cases(repo.path / "out.xml")
    assert found["TEAM-LBL-001[Deployment/shop/api]"] == ("xfailed", found["TEAM-LBL-001[Deployment/shop/api]"][1])
    assert found["TEAM-LBL-001[Deployment/shop/api]"][1]["paassec.diff"] == "unchanged"
