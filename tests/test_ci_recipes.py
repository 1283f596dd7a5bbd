"""The CI recipes in docs/ci: valid YAML, options that exist, uploads of the
files the run writes, and the plain shell step run on the example project."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

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
