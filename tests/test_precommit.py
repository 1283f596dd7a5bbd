"""The pre-commit hook: a valid manifest, and a real pre-commit run of it
on a commit's files (a failing compose file fails; other YAML passes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
COMPOSE = "services:\n  web:\n    image: nginx:latest\n    privileged: true\n"


def test_the_hook_manifest_is_valid() -> None:
    completed = subprocess.run([*PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_entry_point_checks_only_deployment_files(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "mkdocs.yml").write_text("site_name: docs\n")
    run = [sys.executable, "-m", "pytest_paassec.edge.precommit"]
    only_docs = subprocess.run([*run, "mkdocs.yml"], capture_output=True, text=True, cwd=tmp_path)
    assert only_docs.returncode == 0, only_docs.stdout
    both = subprocess.run([*run, "mkdocs.yml", "docker-compose.yml"], capture_output=True, text=True, cwd=tmp_path)
    assert both.returncode == 1, both.stdout + both.stderr
    assert "FAILED docker-compose.yml::XP-IMG-001[service/web]" in both.stdout
    assert "mkdocs" not in both.stdout
    distributed = subprocess.run([*run, "-n", "2", "mkdocs.yml", "docker-compose.yml"], capture_output=True, text=True, cwd=tmp_path)
    assert distributed.returncode == 1, distributed.stdout[-2000:] + distributed.stderr[-2000:]
    assert "FAILED docker-compose.yml::XP-IMG-001[service/web]" in distributed.stdout


def test_pre_commit_runs_the_hook_from_this_repository(tmp_path: Path) -> None:
    """pre-commit installs this checkout into its own environment, as it
    would from a release tag, and runs the hook."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "docker-compose.yml").write_text(COMPOSE)
    (repo / "mkdocs.yml").write_text("site_name: docs\n")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)

    # A committed copy of this checkout: pre-commit installs a repository's
    # committed files, and new modules may not be committed yet.
    source = tmp_path / "pytest-paassec"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".nox", ".venv", "__pycache__", "*.egg-info", "build", "work"))
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "snapshot"]):
        subprocess.run(command, cwd=source, check=True, env=env, capture_output=True)

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*PRE_COMMIT, "try-repo", str(source), "paassec", "--files", *files], capture_output=True, text=True, cwd=repo, env=env)

    failing = try_repo("docker-compose.yml", "mkdocs.yml")
    assert failing.returncode == 1, failing.stdout[-3000:] + failing.stderr[-3000:]
    assert "paassec (deployment security baselines)" in failing.stdout and "Failed" in failing.stdout
    assert "docker-compose.yml::" in failing.stdout
    passing = try_repo("mkdocs.yml")
    assert passing.returncode == 0, passing.stdout[-3000:]
    assert "Passed" in passing.stdout
