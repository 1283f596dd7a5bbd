"""Watches reports during the run: the summary table and the exit status.

Registered once per session as a plugin object, so it holds the session's
state without module globals.  On an xdist controller it sees every
worker's reports.

It also tunes the garbage collector, which is process-wide state: only
when the lean protocol is chosen (see protocol.py), so ``paassec_protocol =
standard``, or a plugin that makes ``auto`` fall back, leaves it alone.
"""

from __future__ import annotations

import gc
from typing import Any

import pytest

from ..parsing.selection import relative_path
from . import internals
from .protocol import choose
from .state import SessionState

FREEZE_FROM_ITEMS = 5000


class RunObserver:
    def __init__(self, state: SessionState, config: pytest.Config) -> None:
        self.state = state
        self.config = config
        self._terminal_stats: dict[str, list[Any]] | None = None
        self._frozen = False
        self._since_freeze = 0

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session: pytest.Session) -> Any:
        # Collection creates objects that all survive; a cyclic collection
        # pass over them finds nothing, and they grow with the repository.
        # Decided on what is registered so far; after collection, again.
        if not choose(self.state.settings.protocol, self.config).lean:
            return (yield)
        enabled = gc.isenabled()
        gc.disable()
        try:
            return (yield)
        finally:
            if enabled:
                gc.enable()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # Every collected item lives to the end of the run; freezing them keeps
        # the cyclic garbage collector from walking 100,000s of objects again
        # and again, which made the time per item grow with the run's size.
        protocol = self.state.protocol  # chosen after collection (plugin.py, tryfirst)
        if protocol is not None and protocol.lean and len(session.items) >= FREEZE_FROM_ITEMS:
            gc.freeze()
            self._frozen = True

    def pytest_runtest_logfinish(self) -> None:
        # Reports and JUnit records also live to the end: freeze them in
        # batches, for the same reason.
        if self._frozen:
            self._since_freeze += 1
            if self._since_freeze >= FREEZE_FROM_ITEMS:
                gc.freeze()
                self._since_freeze = 0

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.state.summary.record(report, self.state.settings.fail_on)
        if getattr(report, "paassec_quiet", False) and not report.sections:
            # Last, so the terminal reporter has counted it; see runner.quiet.
            if self._terminal_stats is None:
                self._terminal_stats = internals.terminal_stats(self.config)
            kept = self._terminal_stats.get(internals.PASSED_SETUP_TEARDOWN)
            if kept and kept[-1] is report:
                kept.pop()

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.state.summary.blocking += 1

    def pytest_unconfigure(self) -> None:
        if self._frozen:
            gc.unfreeze()

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # Failures below --paassec-fail-on stay in every report but do not
        # fail the run: only they failed, so the run is a success.
        summary = self.state.summary
        if exitstatus == pytest.ExitCode.TESTS_FAILED and summary.blocking == 0 and summary.below_threshold:
            session.exitstatus = pytest.ExitCode.OK
        # Pull-request mode with no deployment file changed: nothing to gate, not an error.
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and self.state.changes is not None:
            session.exitstatus = pytest.ExitCode.OK

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        state = self.state
        if state.changes is not None:
            deleted = state.changes.deleted_deployment_files(state.discovery)
            terminalreporter.section("paassec changes")
            terminalreporter.line(f"changed since {state.changes.revision}: {len(state.changes.change.changed)} files, "
                                  f"{len(deleted)} deployment files deleted")
            for path in deleted:
                terminalreporter.line(f"  deleted: {path}")
            for old, new in state.changes.change.renamed:
                terminalreporter.line(f"  renamed: {old} -> {new}")
        if not state.summary.checked and not state.summary.errors and not state.unrecognized and not state.summary.uncovered:
            return
        if state.summary.failing_controls:
            state.catalog  # baseline titles; an xdist controller has not needed the catalog yet
        terminalreporter.section("paassec summary")
        for line in state.summary.lines(state.settings.fail_on):
            terminalreporter.line(line)
        plan = state.settings.drift_plan
        if state.drift_plan_error:
            terminalreporter.line(state.drift_plan_error, red=True)
        elif plan is not None and (plan / "index.md").is_file():
            terminalreporter.line(f"drift plan: {relative_path(plan / 'index.md', self.config.rootpath)} (nothing applied)")
        for path in sorted(state.unrecognized):
            terminalreporter.line(
                f"not checked: {path} is named like a deployment file but no platform recognised its content"
            )
