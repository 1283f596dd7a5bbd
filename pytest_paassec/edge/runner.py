"""A lean run protocol for data-only control items.

pytest's default protocol costs about 300 µs per item (setup state, capture,
logging and three ``CallInfo`` rounds through ``pytest_runtest_makereport``).
A control item runs no user code: it evaluates a compiled condition on
parsed data.  For such items we emit exactly the standard sequence
(``logstart``, setup/call/teardown reports through ``pytest_runtest_logreport``,
``logfinish``) so the terminal, JUnit, ``--lf``, ``-x`` and pytest-xdist see
what they always see, and skip the machinery that has nothing to do.

Like the default protocol, each item ends by tearing down the setup state
that the next item does not share (fixtures of neighbouring Python tests);
there is nothing to set up for the item itself.

An item takes the default protocol instead when anything could need it:
another marker on it (skip, xfail, usefixtures...), options that inspect
setup, or an exception inside the check (its traceback goes through the
normal path).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from _pytest.reports import TestReport

from .collect import MARKER, ControlItem, NoticeItem
from .state import STATE

# Options under which items must go through the full protocol.
_FULL_PROTOCOL_OPTIONS = ("setupshow", "setuponly", "setupplan", "usepdb", "trace", "runxfail")


def lean_protocol_allowed(config: pytest.Config) -> bool:
    return not any(config.getoption(name, False) for name in _FULL_PROTOCOL_OPTIONS)


def can_run_lean(item: ControlItem) -> bool:
    if not item.control.extra.get("data_only", True):
        return False
    markers = item.own_markers
    return len(markers) == 1 and markers[0].name == MARKER


def _keywords(item: ControlItem) -> dict[str, int]:
    """The keywords a report carries, as pytest builds them, without walking
    every parent's keywords for each item: the file's are computed once."""
    parent = item.parent
    base = getattr(parent, "_report_keywords", None)
    if base is None:
        base = parent._report_keywords = {name: 1 for name in parent.keywords}  # type: ignore[union-attr]
    keywords = dict(base)
    keywords[item.name] = 1
    keywords[MARKER] = 1
    return keywords


def run_lean(item: ControlItem, nextitem: Any) -> bool:
    """Run one control item; return False (nothing emitted) to fall back."""
    try:
        start = time.perf_counter()
        violations = item.violations()
        duration = time.perf_counter() - start
    except Exception:
        return False  # the default protocol reports the crash with its traceback
    if violations and item.known_reason() is not None:
        return False  # an expected failure: pytest's xfail handling reports it
    ihook = item.ihook
    nodeid = item.nodeid
    # pytest 9.2+ reports take the structured id as is; a string is parsed.
    report_id = getattr(item, "id", nodeid)
    location = item.location
    keywords = _keywords(item)
    properties = item.user_properties
    now = time.time()
    ihook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    ihook.pytest_runtest_logreport(report=_quiet(TestReport(report_id, location, keywords, "passed", None, "setup", (), 0.0, now, now, properties)))
    if violations:
        call = TestReport(
            report_id, location, keywords, "failed", item.failure_repr(violations), "call", (), duration, now, now + duration, properties
        )
    else:
        call = TestReport(report_id, location, keywords, "passed", None, "call", (), duration, now, now + duration, properties)
    call.paassec = item.report_data()  # type: ignore[attr-defined]
    ihook.pytest_runtest_logreport(report=call)
    ihook.pytest_runtest_logreport(report=_teardown(item, nextitem, keywords, now))
    ihook.pytest_runtest_logfinish(nodeid=nodeid, location=location)
    return True


def _teardown(item: ControlItem | NoticeItem, nextitem: Any, keywords: dict[str, int], now: float) -> TestReport:
    """Tear down what ``nextitem`` does not share, as the default protocol does."""
    if item.session.shouldfail or item.session.shouldstop:
        nextitem = None
    setup_state = item.session._setupstate
    try:
        setup_state.teardown_exact(nextitem)
    except Exception as exc:  # a neighbouring fixture's finalizer failed: report it the usual way

        def reraise(error: Exception = exc) -> None:
            raise error

        call = pytest.CallInfo.from_call(reraise, when="teardown")
        return item.ihook.pytest_runtest_makereport(item=item, call=call)
    report_id = getattr(item, "id", item.nodeid)
    return _quiet(TestReport(report_id, item.location, keywords, "passed", None, "teardown", (), 0.0, now, now, item.user_properties))


def _quiet(report: TestReport) -> TestReport:
    """Mark a passed setup/teardown report that has nothing to show.

    The terminal reporter keeps such reports and, for every failure, scans
    all of them for teardown output (quadratic in the run's size,
    pytest-dev/pytest#13360).  ``RunObserver`` drops marked ones once the
    reporter has counted them: they carry no output, so nothing changes.
    """
    report.paassec_quiet = True  # type: ignore[attr-defined]
    return report


def run_notice(item: NoticeItem, nextitem: Any) -> None:
    """Report a notice: an input error as a setup error, a file finding as a failure.

    The default protocol would render a setup failure as a traceback of
    pytest's own frames; this gives the located message alone.
    """
    ihook = item.ihook
    nodeid, location = item.nodeid, item.location
    keywords = {name: 1 for name in item.keywords}
    properties = item.user_properties
    now = time.time()
    ihook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    if item.phase == "skip":
        ihook.pytest_runtest_logreport(report=_quiet(TestReport(nodeid, location, keywords, "passed", None, "setup", (), 0.0, now, now, properties)))
        skipped = (item.error.path, item.error.line or 1, f"Skipped: {item.error.render()}")
        ihook.pytest_runtest_logreport(report=TestReport(nodeid, location, keywords, "skipped", skipped, "call", (), 0.0, now, now, properties))
    elif item.phase == "setup":
        ihook.pytest_runtest_logreport(
            report=TestReport(nodeid, location, keywords, "failed", item.error_repr(), "setup", (), 0.0, now, now, properties)
        )
    else:
        ihook.pytest_runtest_logreport(report=_quiet(TestReport(nodeid, location, keywords, "passed", None, "setup", (), 0.0, now, now, properties)))
        ihook.pytest_runtest_logreport(
            report=TestReport(nodeid, location, keywords, "failed", item.error_repr(), "call", (), 0.0, now, now, properties)
        )
    ihook.pytest_runtest_logreport(report=_teardown(item, nextitem, keywords, now))
    ihook.pytest_runtest_logfinish(nodeid=nodeid, location=location)


def runs_own_loop(session: pytest.Session) -> bool:
    """Whether this process drives the run loop itself.

    Not when pytest-xdist is in charge (its controller and workers have loops
    of their own and call ``pytest_runtest_protocol``, which we still
    implement), and not when the lean protocol is off.
    """
    config = session.config
    if hasattr(config, "workerinput") or config.pluginmanager.has_plugin("dsession"):
        return False
    return bool(config.stash[STATE].lean_protocol) and not config.option.collectonly


def run_loop(session: pytest.Session) -> None:
    """pytest's run loop, but data items skip the per-item protocol wrappers.

    The default loop calls ``pytest_runtest_protocol`` for every item, and
    the wrappers around it (warnings capture, assertion rewriting state,
    faulthandler, unittest) do per-item work that an item running no user
    code does not need.  Every other item goes through the hook unchanged.
    """
    if session.testsfailed and not session.config.option.continue_on_collection_errors:
        raise session.Interrupted(
            f"{session.testsfailed} error{'s' if session.testsfailed != 1 else ''} during collection"
        )
    items = session.items
    hook = session.config.hook
    last = len(items) - 1
    for index, item in enumerate(items):
        nextitem = items[index + 1] if index < last else None
        if isinstance(item, ControlItem) and can_run_lean(item) and run_lean(item, nextitem):
            pass
        elif isinstance(item, NoticeItem):
            run_notice(item, nextitem)
        else:
            hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        if session.shouldfail:
            raise session.Failed(session.shouldfail)
        if session.shouldstop:
            raise session.Interrupted(session.shouldstop)
