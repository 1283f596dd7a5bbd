"""--paassec-blame on a real repository: committed lines name their last
commit, author and date; uncommitted lines say so; one git blame per file."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET

import pytest
from test_changed_since import BO, git, write
from test_security_diff import BEFORE, team_repository

DEPLOYMENT = BEFORE.replace("api:latest", "api:{tag}")  # the image tag changes in the second commit


@pytest.fixture
def repo(pytester: pytest.Pytester) -> pytest.Pytester:
    root = team_repository(pytester)
    write(root, "deploy/api.yaml", DEPLOYMENT.format(tag="1.0.0"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "api", when="2026-10-01T10:00:00+02:00")
    write(root, "deploy/api.yaml", DEPLOYMENT.format(tag="latest"))
    git(root, "commit", "-q", "-am", "use latest", who=BO, when="2026-10-02T23:30:00-05:00")
    # Not committed: the pod joins the host network.
    write(root, "deploy/api.yaml", DEPLOYMENT.format(tag="latest").replace("    spec:\n      containers:", "    spec:\n      hostNetwork: true\n      containers:"))
    return pytester


def commits(repo: pytest.Pytester) -> tuple[str, str]:
    first, second = git(repo.path, "log", "--format=%h", "--reverse").split()
    return first[:7], second[:7]


def properties(junit) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    return {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property") if p.get("name") in ("paassec.commit", "paassec.author", "paassec.date")}
        for case in ET.parse(junit).getroot().iter("testcase")
    }


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["plain", "xdist"])
def test_every_violation_names_its_last_change(repo: pytest.Pytester, workers: list[str]) -> None:
    ana, bo = commits(repo)
    result = repo.runpytest("--paassec-blame", "--junitxml=out.xml", "-p", "no:randomly", *workers)
    result.stdout.fnmatch_lines_random([
        f"  deploy/api.yaml:14 ({ana}, Ana Lima, 2026-10-01)  $.spec.template.spec.containers[[]0].securityContext.privileged  true -> not true",
        f"  deploy/api.yaml:12 ({bo}, Bo Chen, 2026-10-02)  $.spec.template.spec.containers[[]0].image  ghcr.io/acme/api:latest -> *",
        "  deploy/api.yaml:9 (not committed yet)  $.spec.template.spec.hostNetwork  true -> not true",
    ])
    assert properties(repo.path / "out.xml") == {
        "T-PRIV-001[Deployment/shop/api]": {"paassec.commit": ana, "paassec.author": "Ana Lima", "paassec.date": "2026-10-01"},
        "T-IMG-001[Deployment/shop/api]": {"paassec.commit": bo, "paassec.author": "Bo Chen", "paassec.date": "2026-10-02"},
        "T-NET-001[Deployment/shop/api]": {"paassec.commit": "uncommitted", "paassec.author": "", "paassec.date": ""},
    }


def test_one_blame_per_file(repo: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A git on PATH that logs its arguments: three failing items, one blame."""
    log = repo.path / "git.log"
    wrapper = repo.path / "bin" / "git"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec {shutil.which("git")} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}:{os.environ['PATH']}")
    result = repo.runpytest_subprocess("--paassec-blame", "-p", "no:randomly")
    result.assert_outcomes(failed=3)
    calls = log.read_text().splitlines()
    assert sum(1 for call in calls if " blame " in f" {call} ") == 1, calls


def test_outside_a_work_tree(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest("--paassec-blame")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--paassec-blame: * is not inside a Git work tree*"])
