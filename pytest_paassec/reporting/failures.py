"""Failure text for control items, prepared once, never a Python traceback.

A :class:`PreparedFailure` is the location, the one-line summary and the
body lines.  The pytest edge turns it into pytest's own failure
representation (``edge.internals.prepared_repr``): a native entry holding
the text and a ``reprcrash`` whose message is the summary.  That shape
matters: JUnit takes ``failure@message`` from ``reprcrash``, ``--tb=line``
prints it, pytest-xdist serialises it faithfully, and pytest's traceback
machinery (quadratic in the number of failures, pytest-dev/pytest#13360)
is never involved.  This module stays free of pytest.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from ..errors import LocatedError
    from ..model.resources import Resource
    from ..rules.controls import Control, Violation


@dataclass(frozen=True)
class PreparedFailure:
    path: str
    line: int
    summary: str
    body: tuple[str, ...] = ()


def control_failure(
    control: Control, resource: Resource, violations: list[Violation], notes: list[str] | None = None,
    locate: Callable[[Violation], str] | None = None,
) -> PreparedFailure:
    """``locate`` may add to each violation's ``file:line`` (who last changed it)."""
    body = list(notes or ()) + ["  " + violation.render(locate(violation) if locate else "") for violation in violations]
    if control.remediation:
        body.append("Remediation: " + " ".join(control.remediation.split()))
    if control.references:
        body.append("References: " + ", ".join(control.references))
    if control.overridden:
        body.append("Severity override: " + control.overridden)
    first = violations[0]
    return PreparedFailure(first.file, first.line, control.summary(resource, violations), tuple(body))


def crash_failure(control: Control, resource: Resource, function: Any, error: BaseException) -> PreparedFailure:
    """A crash in a Python control: the traceback from the control's own frame on."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code is not function.__code__:
        tb = tb.tb_next
    lines = traceback.format_exception(type(error), error, tb or error.__traceback__)
    summary = f"{control.id} ({control.severity.label}) {resource.ref}: the control crashed: {type(error).__name__}: {error}"
    body = tuple(line.rstrip("\n") for chunk in lines for line in chunk.splitlines())
    file, _, line = control.source.rpartition(":")
    return PreparedFailure(file, int(line) if line.isdigit() else 1, summary, body)


def located_error_failure(error: LocatedError) -> PreparedFailure:
    return PreparedFailure(error.path, error.line or 1, error.render())
