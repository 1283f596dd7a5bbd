"""Pull-request mode (--paassec-changed-since) on real Git repositories:
real commits by several authors, a rename, a deletion, staged, unstaged and
untracked files, a base branch that moved on; and Git's failure modes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from pytest_paassec.git import GitError, Repository

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: nginx:{tag}\n"
COMPOSE = "services:\n  web:\n    image: nginx:{tag}\n"
DOCKERFILE = "FROM python:3.13-slim\nUSER app\n"
APP_JSON = '{{"name": "shop", "stack": "heroku-24", "env": {{"MODE": "{mode}"}}}}\n'

ANA = ("Ana Lima", "ana@example.com")
BO = ("Bo Chen", "bo@example.com")


def git(repo: Path, *args: str, who: tuple[str, str] = ANA, when: str = "2026-10-01T10:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": who[0], "GIT_COMMITTER_EMAIL": who[1], "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def write(repo: Path, relpath: str, text: str) -> None:
    path = repo / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def repo(pytester: pytest.Pytester) -> pytest.Pytester:
    """main: one commit with five deployment files, then a later commit
    (app.json) the feature branch does not have.  feature: commits that
    modify, rename and delete; then staged, unstaged and untracked work."""
    root = pytester.path
    pytester.makeini("[pytest]\n")
    git(root, "init", "-q", "-b", "main")
    write(root, "deploy/api.yaml", POD.format(name="api", tag="1.27"))
    write(root, "deploy/old.yaml", POD.format(name="old", tag="1.27"))
    write(root, "compose.yaml", COMPOSE.format(tag="1.27"))
    write(root, "Dockerfile", DOCKERFILE)
    write(root, "app.json", APP_JSON.format(mode="a"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial deployment")
    git(root, "checkout", "-q", "-b", "feature")
    git(root, "checkout", "-q", "main")
    write(root, "app.json", APP_JSON.format(mode="b"))
    git(root, "commit", "-q", "-am", "main moves on", who=BO, when="2026-10-03T09:00:00+00:00")
    git(root, "checkout", "-q", "feature")
    write(root, "deploy/api.yaml", POD.format(name="api", tag="1.28"))
    git(root, "commit", "-q", "-am", "bump api", who=BO, when="2026-10-02T12:00:00+00:00")
    git(root, "mv", "deploy/old.yaml", "deploy/renamed.yaml")
    git(root, "rm", "-q", "Dockerfile")
    git(root, "commit", "-q", "-m", "rename and delete", when="2026-10-04T08:00:00+00:00")
    write(root, "deploy/staged.yaml", POD.format(name="staged", tag="1.28"))
    git(root, "add", "deploy/staged.yaml")
    write(root, "compose.yaml", COMPOSE.format(tag="1.28"))  # unstaged
    write(root, "deploy/new.yaml", POD.format(name="new", tag="1.28"))  # untracked
    write(root, "notes.txt", "not a deployment file\n")
    return pytester


def collected_files(result: pytest.RunResult) -> set[str]:
    return {line.split("::")[0] for line in result.stdout.lines if "::" in line}


CHANGED = {"deploy/api.yaml", "deploy/renamed.yaml", "deploy/staged.yaml", "compose.yaml", "deploy/new.yaml"}


def test_only_files_changed_since_the_merge_base_are_collected(repo: pytest.Pytester) -> None:
    result = repo.runpytest("--co", "-q", "--paassec-changed-since=main")
    # app.json changed on main after the branch point, not on this branch.
    assert collected_files(result) == CHANGED
    result.stdout.fnmatch_lines(["paassec: changed since main (merge base *): 5 deployment files collected, 1 of them renamed"])
    result.stdout.fnmatch_lines(["paassec: deleted since main: Dockerfile"])
    plain = repo.runpytest("--co", "-q")
    assert collected_files(plain) == CHANGED | {"app.json"}


def test_deleted_and_renamed_files_are_listed_in_the_summary(repo: pytest.Pytester) -> None:
    result = repo.runpytest("--paassec-changed-since=main", "-p", "no:randomly")
    result.stdout.fnmatch_lines([
        "*paassec changes*",
        "changed since main: 6 files, 1 deployment files deleted",
        "  deleted: Dockerfile",
        "  renamed: deploy/old.yaml -> deploy/renamed.yaml",
    ])


def test_the_same_items_under_xdist(repo: pytest.Pytester) -> None:
    plain = repo.runpytest("-q", "--paassec-changed-since=main", "-p", "no:randomly", "-rA")
    spread = repo.runpytest("-q", "--paassec-changed-since=main", "-p", "no:randomly", "-rA", "-n", "2")

    def outcomes(result: pytest.RunResult) -> set[str]:
        return {line.split(" - ")[0] for line in result.stdout.lines if line.startswith(("PASSED ", "FAILED "))}

    assert outcomes(plain) and outcomes(plain) == outcomes(spread)
    assert {line.split(" ", 1)[1].split("::")[0] for line in outcomes(plain)} == CHANGED


def test_nothing_changed_is_a_green_run(repo: pytest.Pytester) -> None:
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-q", "-m", "everything")
    result = repo.runpytest("--paassec-changed-since=HEAD")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["paassec: changed since HEAD (merge base *): 0 deployment files collected"])


def test_unknown_revision(repo: pytest.Pytester) -> None:
    result = repo.runpytest("--paassec-changed-since=no-such-branch")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--paassec-changed-since: unknown revision 'no-such-branch': no such branch, tag or commit in *"])


def test_outside_a_work_tree(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    write(pytester.path, "deploy/api.yaml", POD.format(name="api", tag="1.27"))
    env_dir = pytester.path  # pytester's tmp folder is outside any repository
    result = pytester.runpytest("--paassec-changed-since=main")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--paassec-changed-since: {env_dir}* is not inside a Git work tree*"])


def test_a_shallow_clone_says_to_fetch_more_history(repo: pytest.Pytester, tmp_path: Path) -> None:
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-q", "-m", "everything")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo.path}", str(shallow)], check=True)
    with pytest.raises(GitError, match=r"not in this shallow clone: fetch more history \(git fetch --deepen=50"):
        Repository.at(shallow).changes_since("HEAD~2")
    with pytest.raises(GitError, match="shallow clone: fetch more history"):
        Repository.at(shallow).changes_since("origin/main")


def test_a_revision_that_looks_like_an_option_is_refused(repo: pytest.Pytester) -> None:
    with pytest.raises(GitError, match="is not a revision"):
        Repository.at(repo.path).resolve("--output=/tmp/x")
