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
    cached = getattr(item, "_report_keywords", None)
    if cached is None:
        cached = item._report_keywords = {name: 1 for name in item.keywords}  # type: ignore[attr-defined]
    return cached


def run_lean(item: ControlItem, nextitem: Any) -> bool:
    """Run one control item; return False (nothing emitted) to fall back."""
    try:
        start = time.perf_counter()
        violations = item.violations()
        duration = time.perf_counter() - start
    except Exception:
        return False  # the default protocol reports the crash with its traceback
    ihook = item.ihook
    nodeid = item.nodeid
    location = item.location
    keywords = _keywords(item)
    properties = item.user_properties
    now = time.time()
    ihook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    ihook.pytest_runtest_logreport(
        report=TestReport(nodeid, location, keywords, "passed", None, "setup", (), 0.0, now, now, properties)
    )
    if violations:
        call = TestReport(
            nodeid, location, keywords, "failed", item.failure_repr(violations), "call", (), duration, now, now + duration, properties
        )
    else:
        call = TestReport(nodeid, location, keywords, "passed", None, "call", (), duration, now, now + duration, properties)
    ihook.pytest_runtest_logreport(report=call)
    ihook.pytest_runtest_logreport(report=_teardown(item, nextitem, keywords, now))
    ihook.pytest_runtest_logfinish(nodeid=nodeid, location=location)
    return True


def _teardown(item: ControlItem | NoticeItem, nextitem: Any, keywords: dict[str, int], now: float) -> TestReport:
    """Tear down what ``nextitem`` does not share, as the default protocol does."""
    if item.session.shouldfail or item.session.shouldstop:
        nextitem = None
    setup_state = item.session._setupstate
    call = pytest.CallInfo.from_call(lambda: setup_state.teardown_exact(nextitem), when="teardown")
    if call.excinfo is not None:  # a neighbouring fixture's finalizer failed
        return item.ihook.pytest_runtest_makereport(item=item, call=call)
    return TestReport(item.nodeid, item.location, keywords, "passed", None, "teardown", (), 0.0, now, now, item.user_properties)


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
    if item.phase == "setup":
        ihook.pytest_runtest_logreport(
            report=TestReport(nodeid, location, keywords, "failed", item.error_repr(), "setup", (), 0.0, now, now, properties)
        )
    else:
        ihook.pytest_runtest_logreport(report=TestReport(nodeid, location, keywords, "passed", None, "setup", (), 0.0, now, now, properties))
        ihook.pytest_runtest_logreport(
            report=TestReport(nodeid, location, keywords, "failed", item.error_repr(), "call", (), 0.0, now, now, properties)
        )
    ihook.pytest_runtest_logreport(report=_teardown(item, nextitem, keywords, now))
    ihook.pytest_runtest_logfinish(nodeid=nodeid, location=location)
