"""What an item's outcome is once waivers and known findings are weighed.

The control says whether a resource passes; governance says what that
means for the run: a waived failure is an expected failure (xfail), a
waiver on a passing item is no longer needed (XPASS, a failure under
strict waivers), an expired waiver does not apply and says so, and a
failure whose every finding is known is an expected failure too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .waivers import Waiver

PASSED, FAILED, XFAILED, XPASSED = "passed", "failed", "xfailed", "xpassed"


@dataclass(frozen=True)
class Verdict:
    outcome: str  # passed, failed, xfailed or xpassed
    reason: str = ""  # xfailed/xpassed: why; failed: a line to put before the violations
    waiver: Waiver | None = None  # the waiver that decided, if any
    known: bool = False  # decided by the known-findings file
    strict: bool = False  # an XPASS that fails the run


def judge(
    failed: bool,
    waiver: Waiver | None,
    today: dt.date,
    *,
    strict_waivers: bool = False,
    all_known: bool = False,
    known_file: str = "",
) -> Verdict:
    if waiver is not None:
        if waiver.expired(today):
            note = f"waiver expired on {waiver.expires.isoformat()} ({waiver.source}, owner {waiver.owner})"
            return Verdict(FAILED if failed else PASSED, note if failed else "", waiver)
        if failed:
            return Verdict(XFAILED, f"waived: {waiver.describe()}", waiver)
        return Verdict(XPASSED, f"waiver no longer needed: remove it from {waiver.source}", waiver, strict=strict_waivers)
    if failed and all_known:
        return Verdict(XFAILED, f"known finding, recorded in {known_file}", known=True)
    return Verdict(FAILED if failed else PASSED)
