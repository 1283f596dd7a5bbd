"""Failure text for control items, prepared once, never a Python traceback.

The repr is pytest's own ``ReprExceptionInfo`` with one native entry holding
our text, and a ``reprcrash`` whose message is the one-line summary.  That
shape matters: JUnit takes ``failure@message`` from ``reprcrash``, ``--tb=line``
prints it, pytest-xdist serialises it faithfully, and pytest's traceback
machinery (quadratic in the number of failures, pytest-dev/pytest#13360)
is never involved.
"""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Any

from _pytest._code.code import ReprEntryNative, ReprExceptionInfo, ReprFileLocation, ReprTraceback

if TYPE_CHECKING:
    from ..errors import LocatedError
    from ..model.resources import Resource
    from ..rules.controls import Control, Violation


def prepared_repr(path: str, line: int, summary: str, body: list[str]) -> ReprExceptionInfo:
    lines = [summary + "\n"] + [text + "\n" for text in body]
    return ReprExceptionInfo(
        reprtraceback=ReprTraceback([ReprEntryNative(lines)], None, "native"),
        reprcrash=ReprFileLocation(path, line, summary),
    )


def control_failure_repr(control: Control, resource: Resource, violations: list[Violation], notes: list[str] | None = None) -> ReprExceptionInfo:
    body = list(notes or ()) + ["  " + violation.render() for violation in violations]
    if control.remediation:
        body.append("Remediation: " + " ".join(control.remediation.split()))
    if control.references:
        body.append("References: " + ", ".join(control.references))
    if control.overridden:
        body.append("Severity override: " + control.overridden)
    first = violations[0]
    return prepared_repr(first.file, first.line, control.summary(resource, violations), body)


def crash_repr(control: Control, resource: Resource, function: Any, excinfo: Any) -> ReprExceptionInfo:
    """A crash in a Python control: the traceback from the control's own frame on."""
    tb = excinfo.tb
    while tb is not None and tb.tb_frame.f_code is not function.__code__:
        tb = tb.tb_next
    lines = traceback.format_exception(type(excinfo.value), excinfo.value, tb or excinfo.tb)
    summary = f"{control.id} ({control.severity.label}) {resource.ref}: the control crashed: {type(excinfo.value).__name__}: {excinfo.value}"
    body = [line.rstrip("\n") for chunk in lines for line in chunk.splitlines()]
    file, _, line = control.source.rpartition(":")
    return prepared_repr(file, int(line) if line.isdigit() else 1, summary, body)


def located_error_repr(error: LocatedError) -> ReprExceptionInfo:
    return prepared_repr(error.path, error.line or 1, error.render(), [])
