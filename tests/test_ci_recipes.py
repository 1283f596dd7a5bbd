"""The CI recipes in docs/ci: valid YAML, options that exist, uploads of the
files the run writes, and the plain shell step run on the example project."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml
from junit_runs import TODAY, read_cases, run

from pytest_paassec.edge.settings import FLAGS, OPTIONS

ROOT = Path(__file__).resolve().parents[1]
CI = ROOT / "docs" / "ci"
KNOWN_FLAGS = {flag for flag, *_ in OPTIONS if flag} | {flag for flag, *_ in FLAGS}


def paassec_flags(command: str) -> dict[str, str]:
    return dict(re.findall(r"(--paassec-[a-z-]+)(?:=(\S+))?", command))


def test_github_actions_recipe() -> None:
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text())
    steps = workflow["jobs"]["baselines"]["steps"]
    command = next(step["run"] for step in steps if "pytest" in step.get("run", "") and "--junitxml" in step["run"])
    flags = paassec_flags(command)
    assert set(flags) <= KNOWN_FLAGS
    junit = re.search(r"--junitxml=(\S+)", command).group(1)  # type: ignore[union-attr]
    uploads = {step["uses"].split("@")[0]: step["with"] for step in steps if "uses" in step and "with" in step}
    assert uploads["mikepenz/action-junit-report"]["report_paths"] == junit
    assert uploads["github/codeql-action/upload-sarif"]["sarif_file"] == flags["--paassec-sarif"]
    assert workflow["permissions"]["security-events"] == "write"


def test_gitlab_recipe() -> None:
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text())["paassec"]
    command = next(line for line in job["script"] if line.startswith("pytest"))
    flags = paassec_flags(command)
    assert set(flags) <= KNOWN_FLAGS
    assert job["artifacts"]["reports"]["junit"] == re.search(r"--junitxml=(\S+)", command).group(1)  # type: ignore[union-attr]
    assert set(job["artifacts"]["paths"]) == {flags["--paassec-sarif"], flags["--paassec-json"]}


def test_the_shell_step_runs_on_the_example_project(tmp_path: Path) -> None:
    project = tmp_path / "example_project"
    shutil.copytree(ROOT / "example_project", project)
    script = (CI / "paassec.sh").read_text()
    assert set(paassec_flags(script)) <= KNOWN_FLAGS
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(["sh", str(CI / "paassec.sh"), "--paassec-today=2026-12-05"], cwd=project, capture_output=True, text=True, env=env)
    assert completed.returncode == 1, completed.stdout[-2000:] + completed.stderr[-2000:]  # the example has findings on purpose
    reports = project / "reports"
    assert (reports / "paassec.xml").read_text().startswith("<?xml")
    assert json.loads((reports / "paassec.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((reports / "paassec.json").read_text())["counts"]["xfailed"] >= 7


# ---- sharded recipes: pytest-split groups, one job each, JUnit merged --------------------


def split_options(command: str) -> dict[str, str]:
    return dict(re.findall(r"(--splits|--group|--durations-path) (\S+)", command))


def merge_step(command: str) -> tuple[str, str]:
    """(glob, output) of a `junitparser merge --glob "GLOB" OUTPUT` line."""
    found = re.fullmatch(r'junitparser merge --glob "(\S+)" (\S+)', command.strip())
    assert found, command
    return found.group(1), found.group(2)


def run_sharded(tmp_path: Path, groups: list[dict[str, str]], command: str, merge: str) -> Path:
    """Run the recipe's pytest line once per group (its variables in the
    environment) on a copy of the example project, then its merge line; the
    merged file must hold one plain run's test cases."""
    project = tmp_path / "example_project"
    shutil.copytree(ROOT / "example_project", project)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for variables in groups:
        completed = subprocess.run(["sh", "-c", f"{command.strip()} {TODAY}"], cwd=project, capture_output=True, text=True, env={**env, **variables})
        assert completed.returncode in (0, 1), completed.stdout[-2000:] + completed.stderr[-2000:]
        assert "deselected" in completed.stdout  # the group ran, not the whole project
    subprocess.run(["sh", "-c", merge], cwd=project, check=True, capture_output=True, env=env)
    plain, _ = run(ROOT / "example_project", tmp_path)
    merged = project / merge_step(merge)[1]
    assert read_cases(merged) == plain
    assert sum(1 for _ in ET.parse(merged).getroot().iter("testcase")) == len(plain)
    return project


def test_github_actions_sharded_recipe(tmp_path: Path) -> None:
    # GitHub substitutes the expression before the shell runs; as a shell
    # variable the lines parse (and run) the same way
    workflow = yaml.safe_load((CI / "github-actions-sharded.yml").read_text().replace("${{ matrix.group }}", "$GROUP"))
    shard = workflow["jobs"]["baselines"]
    groups = shard["strategy"]["matrix"]["group"]
    steps = shard["steps"]
    command = next(step["run"] for step in steps if "pytest" in step.get("run", "") and "--junitxml" in step["run"])
    flags = paassec_flags(command)
    assert set(flags) <= KNOWN_FLAGS
    assert split_options(command) == {"--splits": str(len(groups)), "--group": "$GROUP", "--durations-path": ".test_durations"}
    junit = re.search(r"--junitxml=(\S+)", command).group(1)  # type: ignore[union-attr]
    uploads = {step["uses"].split("@")[0]: step["with"] for step in steps if "uses" in step and "with" in step}
    assert uploads["actions/upload-artifact"]["path"] == junit
    assert uploads["github/codeql-action/upload-sarif"]["sarif_file"] == flags["--paassec-sarif"]
    assert "$GROUP" in uploads["github/codeql-action/upload-sarif"]["category"]  # one analysis per group

    merge_job = workflow["jobs"]["junit"]
    assert merge_job["needs"] == "baselines" and merge_job["if"] == "always()"
    merge_uses = {step["uses"].split("@")[0]: step["with"] for step in merge_job["steps"] if "uses" in step}
    download = merge_uses["actions/download-artifact"]
    assert fnmatch.fnmatch(uploads["actions/upload-artifact"]["name"], download["pattern"]) and download["merge-multiple"]
    merge = next(step["run"] for step in merge_job["steps"] if "junitparser merge" in step.get("run", ""))
    pattern, merged = merge_step(merge)
    assert fnmatch.fnmatch(junit, pattern) and not fnmatch.fnmatch(merged, pattern)
    assert Path(pattern).parent.as_posix() == download["path"]
    assert merge_uses["mikepenz/action-junit-report"]["report_paths"] == merged
    assert workflow["permissions"]["security-events"] == "write"

    run_sharded(tmp_path, [{"GROUP": str(group)} for group in groups], command, merge)


def test_gitlab_sharded_recipe(tmp_path: Path) -> None:
    pipeline = yaml.safe_load((CI / "gitlab-ci-sharded.yml").read_text())
    shard, merge_job = pipeline["paassec"], pipeline["paassec-junit"]
    command = next(line for line in shard["script"] if line.startswith("pytest"))
    flags = paassec_flags(command)
    assert set(flags) <= KNOWN_FLAGS
    assert split_options(command) == {"--splits": "$CI_NODE_TOTAL", "--group": "$CI_NODE_INDEX", "--durations-path": ".test_durations"}
    junit = re.search(r"--junitxml=(\S+)", command).group(1)  # type: ignore[union-attr]
    assert fnmatch.fnmatch(junit, shard["artifacts"]["reports"]["junit"])
    assert shard["artifacts"]["paths"] == ["reports/"] and all(path.startswith("reports/") for path in (junit, *flags.values()))
    assert merge_job["needs"] == ["paassec"] and merge_job["when"] == "always"
    merge = next(line for line in merge_job["script"] if line.startswith("junitparser"))
    pattern, merged = merge_step(merge)
    assert fnmatch.fnmatch(junit, pattern) and not fnmatch.fnmatch(merged, pattern)
    assert merge_job["artifacts"]["paths"] == [merged]

    total = shard["parallel"]
    groups = [{"CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(total)} for index in range(1, total + 1)]
    run_sharded(tmp_path, groups, command, merge)
