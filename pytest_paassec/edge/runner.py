"""A lean run protocol for data-only control items.

pytest's default protocol costs about 300 µs per item (setup state, capture,
logging and three ``CallInfo`` rounds through ``pytest_runtest_makereport``).
A control item runs no user code: it evaluates a compiled condition on
parsed data.  For such items we emit exactly the standard sequence
(``logstart``, setup/call/teardown reports through ``pytest_runtest_logreport``,
``logfinish``) and skip the machinery that has nothing to do.

So plugins that read the logged reports (the terminal, JUnit, ``--lf``,
``-x``, pytest-xdist) see what they always see; plugins with per-item run
hooks (``pytest_runtest_setup``...) do not see control items at all.  Whether
the lean protocol runs is decided in protocol.py (``paassec_protocol``).

Like the default protocol, each item ends by tearing down the setup state
that the next item does not share (fixtures of neighbouring Python tests);
there is nothing to set up for the item itself.

An item takes the default protocol instead when anything could need it:
another marker on it (skip, xfail, usefixtures...), a Python control, or an
exception inside the check (its traceback goes through the normal path).
Everything taken from pytest's private API is in internals.py.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from ..errors import LocatedError
from . import internals
from .collect import MARKER, ControlItem, NoticeItem
from .state import STATE


def lean_enabled(config: pytest.Config) -> bool:
    """Whether this process chose the lean protocol (after collection; until
    then, and if nothing chose, the standard one)."""
    protocol = config.stash[STATE].protocol
    return protocol is not None and protocol.lean


def can_run_lean(item: ControlItem) -> bool:
    if not item.control.extra.get("data_only", True):
        return False
    markers = item.own_markers
    return len(markers) == 1 and markers[0].name == MARKER


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
    nodeid, location = item.nodeid, item.location
    report_id = internals.report_id(item)
    keywords = internals.report_keywords(item)
    properties = item.report_properties()
    now = time.time()
    ihook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    ihook.pytest_runtest_logreport(report=quiet(internals.test_report(report_id, location, keywords, "passed", None, "setup", 0.0, now, properties)))
    longrepr = item.failure_repr(violations) if violations else None
    outcome = "failed" if violations else "passed"
    call = internals.test_report(report_id, location, keywords, outcome, longrepr, "call", duration, now, properties)
    data = item.report_data()
    if data is not None:
        call.paassec = data  # type: ignore[attr-defined]
    ihook.pytest_runtest_logreport(report=call)
    ihook.pytest_runtest_logreport(report=_teardown(item, nextitem, keywords, properties, now))
    ihook.pytest_runtest_logfinish(nodeid=nodeid, location=location)
    return True


def _teardown(item: ControlItem | NoticeItem, nextitem: Any, keywords: dict[str, int], properties: list[tuple[str, object]], now: float) -> pytest.TestReport:
    """Tear down what ``nextitem`` does not share, as the default protocol does."""
    if item.session.shouldfail or item.session.shouldstop:
        nextitem = None
    try:
        internals.teardown_exact(item.session, nextitem)
    except Exception as exc:  # a neighbouring fixture's finalizer failed: report it the usual way

        def reraise(error: Exception = exc) -> None:
            raise error

        call = pytest.CallInfo.from_call(reraise, when="teardown")
        return item.ihook.pytest_runtest_makereport(item=item, call=call)
    report_id = internals.report_id(item)
    return quiet(internals.test_report(report_id, item.location, keywords, "passed", None, "teardown", 0.0, now, properties))


def quiet(report: pytest.TestReport) -> pytest.TestReport:
    """Mark a passed setup/teardown report that has nothing to show.

    The terminal reporter keeps such reports and, for every failure, scans
    all of them for teardown output (quadratic in the run's size,
    pytest-dev/pytest#13360).  ``RunObserver`` drops marked ones without
    sections once the reporter has counted them: nothing changes.
    """
    report.paassec_quiet = True  # type: ignore[attr-defined]
    return report


def run_notice(item: NoticeItem, nextitem: Any) -> None:
    """Report a notice: an input error as a setup error, a file finding as a failure.

    The standard protocol gives the same reports (see NoticeItem.setup and
    plugin.pytest_runtest_makereport), through every per-item hook.
    """
    ihook = item.ihook
    nodeid, location = item.nodeid, item.location
    keywords = internals.report_keywords(item)
    properties = item.user_properties
    now = time.time()
    ihook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    if item.phase == "skip":
        ihook.pytest_runtest_logreport(report=quiet(internals.test_report(nodeid, location, keywords, "passed", None, "setup", 0.0, now, properties)))
        skipped = (item.error.path, item.error.line or 1, f"Skipped: {item.error.render()}")
        ihook.pytest_runtest_logreport(report=internals.test_report(nodeid, location, keywords, "skipped", skipped, "call", 0.0, now, properties))
    elif item.phase == "setup":
        ihook.pytest_runtest_logreport(report=internals.test_report(nodeid, location, keywords, "failed", item.error_repr(), "setup", 0.0, now, properties))
    elif item.phase == "pass":
        ihook.pytest_runtest_logreport(report=quiet(internals.test_report(nodeid, location, keywords, "passed", None, "setup", 0.0, now, properties)))
        ihook.pytest_runtest_logreport(report=internals.test_report(nodeid, location, keywords, "passed", None, "call", 0.0, now, properties))
    else:
        ihook.pytest_runtest_logreport(report=quiet(internals.test_report(nodeid, location, keywords, "passed", None, "setup", 0.0, now, properties)))
        ihook.pytest_runtest_logreport(report=internals.test_report(nodeid, location, keywords, "failed", item.error_repr(), "call", 0.0, now, properties))
    ihook.pytest_runtest_logreport(report=_teardown(item, nextitem, keywords, properties, now))
    ihook.pytest_runtest_logfinish(nodeid=nodeid, location=location)


def run_item(item: pytest.Item, nextitem: Any) -> bool:
    """Run a control or notice item the lean way; False if it needs the standard protocol."""
    if isinstance(item, ControlItem):
        return can_run_lean(item) and run_lean(item, nextitem)
    if isinstance(item, NoticeItem):
        run_notice(item, nextitem)
        return True
    return False


def runs_own_loop(session: pytest.Session) -> bool:
    """Whether this process drives the run loop itself.

    Not when pytest-xdist is in charge (its controller and workers have loops
    of their own and call ``pytest_runtest_protocol``, which we still
    implement), and not under the standard protocol.
    """
    config = session.config
    if hasattr(config, "workerinput") or config.pluginmanager.has_plugin("dsession"):
        return False
    return lean_enabled(config) and not config.option.collectonly


def run_loop(session: pytest.Session) -> None:
    """pytest's run loop, but data items skip the per-item protocol wrappers.

    The default loop calls ``pytest_runtest_protocol`` for every item, and
    the wrappers around it (warnings capture, assertion rewriting state,
    faulthandler, unittest) do per-item work that an item running no user
    code does not need.  Every other item goes through the hook unchanged.
    """
    internals.loop_check_start(session)
    items = session.items
    hook = session.config.hook
    last = len(items) - 1
    for index, item in enumerate(items):
        nextitem = items[index + 1] if index < last else None
        if not run_item(item, nextitem):
            hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        internals.loop_check_item(session)


def standard_report(item: Any, call: Any, report: Any) -> Any:
    """Under the standard protocol: the reports the lean one gives."""
    from .collect import ControlItem, NoticeItem

    if not isinstance(item, (ControlItem, NoticeItem)):
        return report
    if isinstance(item, NoticeItem) and report.when == "setup" and call.excinfo is not None and isinstance(call.excinfo.value, LocatedError):
        report.longrepr = item.error_repr()  # the located message, not pytest's own frames
    elif report.passed and report.when != "call":
        quiet(report)
    return report
