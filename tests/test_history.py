"""paassec-history on a real repository: several authors and dates, a fix
that arrives through a merge, queries at points in time, incremental
re-runs, a rebuilt database giving the same answers, a rewritten history."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_changed_since import ANA, BO, git, write
from test_security_diff import BASELINE

from pytest_paassec.history.cli import main
from pytest_paassec.history.store import SCHEMA_VERSION

CY = ("Cy Okafor", "cy@example.com")

API = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop}}
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:{tag}
          securityContext: {{privileged: {privileged}}}
"""
WORKER = "apiVersion: v1\nkind: Pod\nmetadata: {name: worker, namespace: shop}\nspec:\n  hostNetwork: true\n  containers:\n    - {name: w, image: 'ghcr.io/acme/w:2.0'}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return build_shop(tmp_path)


def build_shop(tmp_path: Path) -> Path:
    """main: Ana adds a privileged api (Jan 10); Bo switches it to latest
    (Feb 1); Ana adds a worker on the host network (Feb 20); Bo merges Cy's
    branch, which dropped privileged mode on Feb 15 (merge Mar 5); Cy pins the
    image (Mar 10)."""
    root = tmp_path / "shop"
    root.mkdir()
    write(root, "security/team.yaml", BASELINE)
    git(root, "init", "-q", "-b", "main")
    write(root, "deploy/api.yaml", API.format(tag="1.0.0", privileged="true"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "api", who=ANA, when="2026-01-10T09:00:00+00:00")
    write(root, "deploy/api.yaml", API.format(tag="latest", privileged="true"))
    git(root, "commit", "-q", "-am", "track latest", who=BO, when="2026-02-01T09:00:00+00:00")
    git(root, "checkout", "-q", "-b", "harden")
    write(root, "deploy/api.yaml", API.format(tag="latest", privileged="false"))
    git(root, "commit", "-q", "-am", "drop privileged mode", who=CY, when="2026-02-15T09:00:00+00:00")
    git(root, "checkout", "-q", "main")
    write(root, "deploy/worker.yaml", WORKER)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "worker", who=ANA, when="2026-02-20T09:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "harden", "-m", "merge harden", who=BO, when="2026-03-05T09:00:00+00:00")
    write(root, "deploy/api.yaml", API.format(tag="1.4.2", privileged="false"))
    git(root, "commit", "-q", "-am", "pin the image", who=CY, when="2026-03-10T09:00:00+00:00")
    return root


def history(repo: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--repo", str(repo), "--no-builtin-baselines", "--baseline", str(repo / "security/team.yaml"), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def query(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    code, out = history(repo, *args, "--json", capsys=capsys)
    assert code == 0, out
    return json.loads(out)


def test_compliance_at_a_point_in_time(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = history(repo, "update", capsys=capsys)
    assert code == 0 and "5 new commits processed" in out  # first-parent: Cy's branch commit is inside the merge
    march_1 = query(repo, capsys, "findings", "--open-at", "2026-03-01")
    assert sorted(r["control"] for r in march_1) == ["T-IMG-001", "T-NET-001", "T-PRIV-001"]
    end_of_march = query(repo, capsys, "findings", "--open-at", "2026-03-31")
    assert [r["control"] for r in end_of_march] == ["T-NET-001"]
    assert query(repo, capsys, "findings", "--open-at", "2026-01-09") == []


def test_who_broke_a_control_and_who_fixed_it(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (episode,) = query(repo, capsys, "findings", "--control", "T-PRIV-001")
    assert (episode["introduced_by"], episode["introduced_at"][:10]) == ("Ana Lima", "2026-01-10")
    # The fix reached main with Bo's merge: that is when the branch became compliant.
    assert (episode["fixed_by"], episode["fixed_at"][:10], episode["days_open"]) == ("Bo Chen", "2026-03-05", 54.0)
    assert episode["file"] == "deploy/api.yaml" and episode["resource"] == "Deployment/shop/api"
    assert query(repo, capsys, "findings", "--control", "T-PRIV", "--since", "2026-03-06") == []


def test_the_security_changelog_of_one_commit(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = query(repo, capsys, "commit", "HEAD^")  # the merge
    assert report["commit"]["subject"] == "merge harden"
    assert [r["control"] for r in report["fixed"]] == ["T-PRIV-001"] and report["introduced"] == []
    code, out = history(repo, "--no-update", "commit", "HEAD", capsys=capsys)
    assert code == 0
    assert "introduced 0, fixed 1" in out and "T-IMG-001" in out and "Cy Okafor" in out


def test_stats(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = query(repo, capsys, "stats")
    assert result["by_severity"]["critical"] == {"fixed": 1, "open": 0, "mean_days_to_fix": 54.0}
    assert result["by_severity"]["high"] == {"fixed": 0, "open": 1, "mean_days_to_fix": None}
    assert [m["open"] for m in result["open_by_month"]] == [1, 3, 1]  # open at the end of Jan, Feb, Mar
    code, out = history(repo, "--no-update", "stats", capsys=capsys)
    assert "mean days to fix" in out and "open findings by month (2026-01 .. 2026-03)" in out


def test_incremental_rebuilt_and_rewritten(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = query(repo, capsys, "findings")
    db = repo / ".paassec" / "history.sqlite"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
    # Nothing new: nothing processed.
    code, out = history(repo, "update", capsys=capsys)
    assert "0 new commits processed; 5 in" in out
    write(repo, "deploy/worker.yaml", WORKER.replace("hostNetwork: true", "hostNetwork: false"))
    git(repo, "commit", "-q", "-am", "worker off the host network", who=ANA, when="2026-04-01T09:00:00+00:00")
    code, out = history(repo, "update", capsys=capsys)
    assert "1 new commits processed; 6 in" in out
    assert query(repo, capsys, "findings", "--open-at", "2026-04-02") == []
    # An index, never the truth: deleting it rebuilds the same answers.
    db.unlink()
    rebuilt = query(repo, capsys, "findings")
    assert [r for r in rebuilt if r["control"] != "T-NET-001"] == [r for r in answers if r["control"] != "T-NET-001"]
    # History rewritten under it: rebuilt, and said.
    git(repo, "commit", "-q", "--amend", "-m", "worker off the host network (amended)", when="2026-04-02T09:00:00+00:00")
    code, out = history(repo, "update", capsys=capsys)
    assert "no longer the first-parent history of HEAD (rebased or reset): rebuilding" in out and "6 new commits processed" in out


def test_errors(tmp_path: Path, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = history(tmp_path, "stats", capsys=capsys)
    assert code == 2 and "is not inside a Git work tree" in out
    code, out = history(repo, "commit", "no-such-tag", capsys=capsys)
    assert code == 2 and "unknown revision 'no-such-tag'" in out
    code, out = history(repo, "findings", "--open-at", "March", capsys=capsys)
    assert code == 2 and "--open-at: 'March' is not a date (YYYY-MM-DD)" in out


def test_the_documented_schema_is_the_database_schema(tmp_path: Path) -> None:
    import re

    from pytest_paassec.history.store import Store

    store = Store(tmp_path / "h.sqlite")
    doc = (Path(__file__).parents[1] / "docs" / "history.md").read_text()
    sql = doc.split("```sql", 1)[1].split("```", 1)[0]
    documented = {
        name: re.findall(r"\b([a-z_]+) (?:TEXT|INTEGER)", body)
        for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\);", sql, re.S)
    }
    actual = {
        table: [row[1] for row in store.db.execute(f"PRAGMA table_info({table})")]
        for (table,) in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    }
    store.close()
    assert documented == actual


EXAMPLE = Path(__file__).parents[1] / "example_project"


def build_example_history(tmp_path: Path) -> Path:
    """The example project's own history, as the README shows it: Ana ships
    it with the sidecar unprivileged (Sep 1); Bo makes the sidecar
    privileged for debugging (Sep 20); Cy moves the compose session secret
    to the environment (Oct 5); Cy's branch drops privileged mode again
    (Oct 20) and Ana merges it (Nov 2)."""
    import shutil

    root = tmp_path / "example_project"
    shutil.copytree(EXAMPLE, root)  # with its live-state snapshots: --exclude 'live/*' below
    api, compose = root / "deploy/k8s/api.yaml", root / "docker-compose.yml"
    privileged = api.read_text()
    api.write_text(privileged.replace("privileged: true", "privileged: false"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "payments platform: first deployment", who=ANA, when="2026-09-01T10:00:00+02:00")
    api.write_text(privileged)
    git(root, "commit", "-q", "-am", "debug sidecar needs privileged mode", who=BO, when="2026-09-20T16:30:00+02:00")
    compose.write_text(compose.read_text().replace("SESSION_SECRET: dev-only-9f8e7d6c5b4a39281706", "SESSION_SECRET: ${SESSION_SECRET:?set it in the environment}"))
    git(root, "commit", "-q", "-am", "compose: session secret from the environment", who=CY, when="2026-10-05T09:15:00+02:00")
    git(root, "checkout", "-q", "-b", "harden-sidecar")
    api.write_text(privileged.replace("privileged: true", "privileged: false"))
    git(root, "commit", "-q", "-am", "sidecar: no privileged mode", who=CY, when="2026-10-20T11:00:00+02:00")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "harden-sidecar", "-m", "Merge harden-sidecar", who=ANA, when="2026-11-02T14:00:00+01:00")
    return root


def test_the_example_projects_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build_example_history(tmp_path)

    def ask(*args: str) -> list[dict]:
        assert main(["--repo", str(root), "--baseline", str(root / "security/team-baseline.yaml"), "--exclude", "live/*", *args, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    assert not [f for f in ask("findings") if f["file"].startswith("live/")]

    (sidecar,) = ask("findings", "--control", "K8S-PSS-001")
    assert (sidecar["introduced_by"], sidecar["introduced_at"][:10]) == ("Bo Chen", "2026-09-20")
    assert (sidecar["fixed_by"], sidecar["fixed_at"][:10]) == ("Ana Lima", "2026-11-02")
    secret = [f for f in ask("findings", "--control", "XP-SEC-001") if f["file"] == "docker-compose.yml" and f["resource"] == "service/web"]
    assert [(f["introduced_by"], f["fixed_by"], f["fixed_at"][:10]) for f in secret] == [("Ana Lima", "Cy Okafor", "2026-10-05")]
    october = {(f["control"], f["resource"]) for f in ask("findings", "--open-at", "2026-10-01")}
    assert ("K8S-PSS-001", "Deployment/payments/api") in october and ("XP-SEC-001", "service/web") in october
    november = {(f["control"], f["resource"]) for f in ask("findings", "--open-at", "2026-11-03")}
    assert ("K8S-PSS-001", "Deployment/payments/api") not in november and ("XP-SEC-001", "service/web") not in november
    changelog = ask("commit", "HEAD~2")  # Bo's change
    assert "K8S-PSS-001" in {f["control"] for f in changelog["introduced"]} and changelog["fixed"] == []


def test_a_shallow_clone_says_where_its_history_starts(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess

    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo}", str(shallow)], check=True)
    code, out = history(shallow, "update", capsys=capsys)
    assert code == 0 and "shallow clone: the history starts at the oldest commit fetched (git fetch --unshallow" in out
    assert "2 new commits processed" in out


def test_blame_on_the_example_projects_history(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = build_example_history(tmp_path)
    first = git(root, "rev-list", "--max-parents=0", "HEAD").strip()[:7]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "-q", "--paassec-blame", "-k", "XP-SEC-001"],
        cwd=root, capture_output=True, text=True,
    )
    assert f"  .do/app.yaml:23 ({first}, Ana Lima, 2026-09-01)  $.services[0].envs[1].value  literal value: 'http…' (70 chars, masked)" in done.stdout, done.stdout[-3000:]


def test_committed_live_snapshots_are_excluded_by_glob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A kubectl export committed under live/ reads like a manifest; --exclude
    keeps it out of the audit, and a database built with other globs is rebuilt."""
    root = build_example_history(tmp_path)

    def pods(*args: str) -> tuple[set[str], str]:
        code = main(["--repo", str(root), "--baseline", str(root / "security/team-baseline.yaml"),
                     *args, "findings", "--json"])
        out = capsys.readouterr()
        assert code == 0, out.err
        return {f["file"] for f in json.loads(out.out)}, out.err

    files, _ = pods()
    assert "live/payments.yaml" in files  # the snapshot's debug-shell Pod, audited as if declared
    files, err = pods("--exclude", "live/*")
    assert "live/payments.yaml" not in files and "deploy/k8s/api.yaml" in files
    assert 'it was built with other --exclude globs ([], now ["live/*"]): rebuilding' in err
    _, err = pods("--exclude", "live/*")
    assert "rebuilding" not in err
