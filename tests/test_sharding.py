"""One run split across machines with pytest-split gives one plain run's results.

Runs the plugin as a user would (subprocesses) on the example project and on
a generated corpus, in 2 and 3 groups, with and without a stored durations
file and with both of pytest-split's algorithms: every item lands in exactly
one group, the groups' JUnit files together hold a plain run's test cases
(names, outcomes, properties, failure messages), and ``junitparser merge``
makes one file of them.  pytest-xdist inside each group changes nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from junit_runs import TARGETS, TODAY, Cases, read_cases

ROOT = Path(__file__).resolve().parents[1]
# The user's default (auto) protocol is lean; pytest-timeout, in our test
# extra, would switch it to the standard one.
BASE = ("-p", "no:cacheprovider", "-p", "no:timeout", "-q", TODAY)


def pytest_run(target: Path, cwd: Path, *extra: str, ok: tuple[int, ...] = (0, 1)) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", str(target), f"--rootdir={target}", *BASE, *extra], capture_output=True, text=True, cwd=cwd
    )
    assert completed.returncode in ok, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed.stdout


def collected(target: Path, *extra: str) -> list[str]:
    """Item ids as `--co -q` lists them (run from the rootdir: ids are node ids)."""
    out = pytest_run(target, target, "--co", *extra, ok=(0, 5))  # 5: an empty group (see below)
    return [line for line in out.splitlines() if "::" in line]


def junit_cases(path: Path) -> tuple[Cases, int]:
    """The file's test cases and how many there were (a repeated one counts twice)."""
    return read_cases(path), sum(1 for _ in ET.parse(path).getroot().iter("testcase"))


class Target:
    """A plain run of one target, and its durations stored by pytest-split."""

    def __init__(self, path: Path, work: Path) -> None:
        self.path, self.work = path, work
        self.ids = collected(path)
        plain = work / "plain.xml"
        pytest_run(path, work, f"--junitxml={plain}")
        self.cases, count = junit_cases(plain)
        assert count == len(self.cases) == len(self.ids)
        self.durations = work / "durations.json"
        # -v cancels -q: the header says which protocol wrote the reports
        self.header = pytest_run(path, work, "-v", "--store-durations", f"--durations-path={self.durations}")

    def shard_options(self, splits: int, group: int, durations: bool, algorithm: str) -> list[str]:
        path = self.durations if durations else self.work / "absent.json"
        return ["--splits", str(splits), "--group", str(group), f"--durations-path={path}", f"--splitting-algorithm={algorithm}"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "repo"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), str(out), "--manifests", "10"], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module", params=["example_project", "corpus"])
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Target:
    path = TARGETS["example_project"] if request.param == "example_project" else request.getfixturevalue("corpus")
    return Target(path, tmp_path_factory.mktemp(f"plain-{request.param}"))


def test_the_stored_durations_name_every_item(target: Target) -> None:
    assert "paassec: protocol: lean (auto:" in target.header  # pytest-split implements no per-item run hook
    durations = json.loads(target.durations.read_text())
    assert sorted(durations) == sorted(target.ids)  # lean reports carry the node id and a duration
    assert all(isinstance(d, float) and d >= 0 for d in durations.values())


@pytest.mark.parametrize("splits", [2, 3])
@pytest.mark.parametrize(("durations", "algorithm"), [(False, "least_duration"), (True, "least_duration"), (True, "duration_based_chunks")])
def test_groups_partition_the_items(target: Target, splits: int, durations: bool, algorithm: str) -> None:
    groups = [collected(target.path, *target.shard_options(splits, g, durations, algorithm)) for g in range(1, splits + 1)]
    if algorithm == "least_duration":  # the default: every group gets items
        assert all(groups), f"an empty group: {[len(g) for g in groups]}"
    # duration_based_chunks cuts the ordered items into runs of at least the
    # mean group duration, so the last group can be empty (pytest then exits
    # 5, failing that CI job): docs/ci.md recommends least_duration.
    every = [item for group in groups for item in group]
    duplicated = [item for item, n in Counter(every).items() if n > 1]
    assert not duplicated
    assert sorted(every) == sorted(target.ids)
    for group in groups:  # each group keeps the plain run's order
        assert group == [item for item in target.ids if item in set(group)]


@pytest.mark.parametrize("splits", [2, 3])
def test_groups_junit_files_hold_one_plain_run(target: Target, splits: int) -> None:
    files = []
    for group in range(1, splits + 1):
        junit = target.work / f"shard-{splits}-{group}.xml"
        pytest_run(target.path, target.work, f"--junitxml={junit}", *target.shard_options(splits, group, True, "least_duration"))
        files.append(junit)
    union: Cases = {}
    for junit in files:
        cases, count = junit_cases(junit)
        assert count == len(cases) and not set(cases) & set(union), "a test case in two groups"
        union.update(cases)
    assert union == target.cases

    merged = target.work / f"merged-{splits}.xml"
    merge = [str(Path(sys.executable).parent / "junitparser"), "merge", *map(str, files), str(merged)]
    subprocess.run(merge, check=True, capture_output=True)
    cases, count = junit_cases(merged)
    assert count == len(target.cases) and cases == target.cases


def test_xdist_inside_each_group(corpus: Path, tmp_path: Path) -> None:
    """What a CI job with several cores runs: its group, spread over workers."""
    reference = Target(corpus, tmp_path)
    union: Cases = {}
    for group in (1, 2):
        junit = tmp_path / f"group{group}.xml"
        pytest_run(corpus, tmp_path, "-n", "2", f"--junitxml={junit}", *reference.shard_options(2, group, True, "least_duration"))
        cases, count = junit_cases(junit)
        assert count == len(cases) and not set(cases) & set(union)
        union.update(cases)
    assert union == reference.cases


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["plain", "xdist"])
def test_a_group_judges_waivers_and_known_findings_by_the_whole_run(xdist: tuple[str, ...], tmp_path: Path) -> None:
    """A waiver of an item in another group does not "match nothing", and a
    known finding of a check another group runs is not "fixed"."""
    project = TARGETS["example_project"]
    waived = {"docker-compose.yml::COMPOSE-PRIV-002[service/docker-proxy]", "docker-compose.yml::XP-NET-002[service/db]"}
    options = [["--splits", "3", "--group", str(group), f"--durations-path={tmp_path / 'absent.json'}"] for group in (1, 2, 3)]
    assert any(not waived & set(collected(project, *group)) for group in options)  # a group without them
    for group in options:
        out = pytest_run(project, tmp_path, *group, *xdist)
        assert "0 in .paassec-waivers.yaml matching nothing" in out
        assert ", 0 recorded findings fixed" in out
