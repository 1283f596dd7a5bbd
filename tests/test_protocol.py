"""The run protocol: lean only when no other plugin needs the per-item hooks.

``paassec_protocol = auto`` (the default) must give a conftest or plugin
with a per-item run hook every item, stop a run on pytest-timeout's
``--session-timeout``, and keep the lean loop (and its garbage-collector
tuning) when only pytest, this plugin and the plugins on the safe list hook
in.  Both protocols must report the same ids, outcomes, messages and
properties.  In-process runs pass ``-p no:timeout``: pytest-timeout is
installed with the test extra and would otherwise make every run fall back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from junit_runs import TARGETS, run

from pytest_paassec.edge.protocol import RUN_HOOKS, SAFE_PLUGINS

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{index}
  namespace: team
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.{index}
"""

# Appends the id of every item the hook sees, one file per process (xdist).
RECORDING_CONFTEST = """\
import os

def {hook}({args}):
    with open(os.path.join({root!r}, f"seen-{{os.getpid()}}.txt"), "a") as out:
        out.write(item.nodeid + "\\n")
"""

HOOK_ARGS = {
    "pytest_runtest_protocol": "item, nextitem",
    "pytest_runtest_setup": "item",
    "pytest_runtest_call": "item",
    "pytest_runtest_teardown": "item, nextitem",
    "pytest_runtest_makereport": "item, call",
}


def deployments(count: int) -> str:
    return "---\n".join(DEPLOYMENT.format(index=index) for index in range(count))


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\n")
    (pytester.path / "deploy").mkdir()
    (pytester.path / "deploy" / "app.yaml").write_text(deployments(2))
    (pytester.path / "deploy" / "fly.toml").write_text("")  # a notice item (input error)
    return pytester


def collected(pytester: pytest.Pytester, *args: str) -> list[str]:
    result = pytester.runpytest("-p", "no:timeout", "--co", "-q", *args)
    ids = [line for line in result.outlines if "::" in line]
    assert len(ids) > 20
    return ids


def expected(ids: list[str], hook: str) -> list[str]:
    """What pytest's own protocol shows the hook: no call after a setup error."""
    if hook == "pytest_runtest_call":
        return sorted(nodeid for nodeid in ids if "PAASSEC-INPUT" not in nodeid)
    return sorted(ids)


def seen(pytester: pytest.Pytester) -> list[str]:
    return sorted(line for path in pytester.path.glob("seen-*.txt") for line in path.read_text().splitlines())


def record_with(pytester: pytest.Pytester, hook: str, folder: Path) -> None:
    (folder / "conftest.py").write_text(RECORDING_CONFTEST.format(hook=hook, args=HOOK_ARGS[hook], root=str(pytester.path)))


@pytest.mark.parametrize("hook", RUN_HOOKS)
def test_a_conftest_run_hook_sees_every_item_under_auto(project: pytest.Pytester, hook: str) -> None:
    ids = collected(project)
    record_with(project, hook, project.path)
    result = project.runpytest("-p", "no:timeout")
    result.stdout.fnmatch_lines([f"paassec: protocol: standard (auto fell back: conftest conftest.py implements {hook})"])
    assert sorted(set(seen(project))) == expected(ids, hook)
    assert any("PAASSEC-INPUT[empty]" in nodeid for nodeid in ids)


def test_a_conftest_below_the_rootdir_is_seen_after_collection(project: pytest.Pytester) -> None:
    ids = collected(project)
    record_with(project, "pytest_runtest_setup", project.path / "deploy")
    result = project.runpytest("-p", "no:timeout")
    # The header is written before deploy/conftest.py is registered.
    result.stdout.fnmatch_lines(
        [
            "paassec: protocol: lean (auto: no other plugin hooks into each test's run)",
            "paassec: after collection, protocol: standard (auto fell back: conftest deploy/conftest.py implements pytest_runtest_setup)",
        ]
    )
    assert seen(project) == sorted(ids)


@pytest.mark.parametrize("hook", ["pytest_runtest_protocol", "pytest_runtest_call"])
def test_each_xdist_worker_falls_back_too(project: pytest.Pytester, hook: str) -> None:
    ids = collected(project)
    record_with(project, hook, project.path / "deploy")
    result = project.runpytest_subprocess("-p", "no:timeout", "-n", "2")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert seen(project) == expected(ids, hook)
    assert len(list(project.path.glob("seen-*.txt"))) == 2  # both workers ran items


def test_lean_ignores_run_hooks_as_documented(project: pytest.Pytester) -> None:
    record_with(project, "pytest_runtest_setup", project.path)
    result = project.runpytest("-p", "no:timeout", "--paassec-protocol=lean")
    result.stdout.fnmatch_lines(["paassec: protocol: lean (paassec_protocol=lean)"])
    assert seen(project) == []
    result = project.runpytest_subprocess("-p", "no:timeout", "--paassec-protocol=lean", "-n", "2")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert seen(project) == []  # the workers ran the lean protocol too


def test_standard_on_request_and_for_setup_options(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\npaassec_protocol = Standard\n")
    result = project.runpytest("-p", "no:timeout")
    result.stdout.fnmatch_lines(["paassec: protocol: standard (paassec_protocol=standard)"])
    result = project.runpytest("-p", "no:timeout", "--paassec-protocol=lean", "--setup-show")
    result.stdout.fnmatch_lines(["paassec: protocol: standard (--setup-show needs it)"])


def test_an_invalid_protocol_names_its_source(project: pytest.Pytester) -> None:
    result = project.runpytest("--paassec-protocol=fast")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--paassec-protocol: 'fast' is not a run protocol; use auto, lean, standard*"])
    project.makeini("[pytest]\npaassec_protocol = quick\n")
    result = project.runpytest()
    result.stderr.fnmatch_lines(["*paassec_protocol (ini file): 'quick' is not a run protocol*"])


def test_hypothesis_is_on_the_safe_list(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:timeout")
    result.stdout.fnmatch_lines(["paassec: protocol: lean (auto: no other plugin hooks into each test's run)"])
    result.stdout.fnmatch_lines(["plugins:*hypothesis*"])
    assert "_hypothesis_pytestplugin" in SAFE_PLUGINS


# Stand-ins with the module and class names of the real plugins, and the
# per-item hooks the real ones implement (pytest-cov 7.1, pytest-randomly 5.1).
STAND_INS = {
    "pytest_randomly.py": """\
def pytest_runtest_setup(item): pass
def pytest_runtest_call(item): pass
def pytest_runtest_teardown(item): pass
""",
    "pytest_cov/__init__.py": "",
    "pytest_cov/plugin.py": """\
import os
import pytest

class CovPlugin:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        yield

class TestContextPlugin:
    def pytest_runtest_setup(self, item): pass
    def pytest_runtest_call(self, item): pass
    def pytest_runtest_teardown(self, item): pass

def pytest_configure(config):
    config.pluginmanager.register(CovPlugin(), "_cov")
    if os.environ.get("COV_CONTEXT"):
        config.pluginmanager.register(TestContextPlugin(), "_cov_contexts")
""",
}


def test_pytest_cov_and_pytest_randomly_keep_the_lean_protocol(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text in STAND_INS.items():
        (project.path / name).parent.mkdir(exist_ok=True)
        (project.path / name).write_text(text)
    project.syspathinsert()
    plugins = ("-p", "no:timeout", "-p", "pytest_randomly", "-p", "pytest_cov.plugin")
    result = project.runpytest(*plugins)
    result.stdout.fnmatch_lines(["paassec: protocol: lean (auto: no other plugin hooks into each test's run)"])
    # --cov-context=test switches coverage contexts per item: not safe.
    monkeypatch.setenv("COV_CONTEXT", "1")
    result = project.runpytest(*plugins)
    result.stdout.fnmatch_lines(
        ["paassec: protocol: standard (auto fell back: pytest_cov.plugin:TestContextPlugin implements pytest_runtest_setup, pytest_runtest_call, pytest_runtest_teardown)"]
    )


# Records the garbage collector's state during collection and at the end.
GC_CONFTEST = """\
import gc, json

STATE = {}

def pytest_collect_file(file_path, parent):
    STATE["enabled_while_collecting"] = gc.isenabled()

def pytest_sessionfinish(session):
    STATE["frozen"] = gc.get_freeze_count()
    with open("gc.json", "w") as out:
        json.dump(STATE, out)
"""


@pytest.fixture
def long_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """About 5,300 items: enough for the lean protocol to freeze the GC.
    pytest-timeout loads in these runs (see tests/conftest.py)."""
    monkeypatch.delenv("PYTEST_ADDOPTS")
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(GC_CONFTEST)
    (pytester.path / "deploy.yaml").write_text(deployments(160))
    return pytester


def test_session_timeout_stops_a_long_run_under_auto(long_run: pytest.Pytester) -> None:
    result = long_run.runpytest_subprocess("--session-timeout=0.5")
    result.stdout.fnmatch_lines(["paassec: protocol: standard (auto fell back: pytest_timeout implements *)", "*session-timeout: 0.5 sec exceeded*"])
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) < 5000
    state = json.loads((long_run.path / "gc.json").read_text())
    assert state == {"enabled_while_collecting": True, "frozen": 0}  # the GC is left alone


def test_lean_runs_everything_and_tunes_the_gc(long_run: pytest.Pytester) -> None:
    result = long_run.runpytest_subprocess("--session-timeout=0.5", "--paassec-protocol=lean")
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] + outcomes["failed"] > 5000
    assert "session-timeout" not in result.stdout.str()
    state = json.loads((long_run.path / "gc.json").read_text())
    assert state["enabled_while_collecting"] is False and state["frozen"] > 0


def test_both_protocols_report_the_same(tmp_path: Path) -> None:
    lean, lean_summary = run(TARGETS["example_project"], tmp_path, "--paassec-protocol=lean")
    standard, standard_summary = run(TARGETS["example_project"], tmp_path, "--paassec-protocol=standard")
    assert len(lean) > 50
    assert lean == standard
    assert lean_summary == standard_summary
    # xdist workers run the lean protocol through pytest_runtest_protocol.
    assert run(TARGETS["example_project"], tmp_path, "--paassec-protocol=lean", "-n", "2") == (lean, lean_summary)


def test_the_setting_takes_the_command_line_over_the_ini_file() -> None:
    from pytest_paassec.edge.settings import resolve

    def settings(option: str | None, ini: str | None) -> str:
        values = {"paassec_protocol": ini, "paassec_builtin_baselines": True}
        return resolve(lambda name: option if name == "paassec_protocol" else None, values.get, Path(".")).protocol

    assert settings(None, None) == "auto"
    assert settings("lean", "standard") == "lean"
    assert settings(None, " LEAN ") == "lean"
