"""One record per control item, built on the controller from its reports.

Everything a machine-readable report needs travels on the reports
themselves (``user_properties`` and the ``paassec`` attribute set by the
items), which pytest-xdist carries from the workers, so the SARIF and JSON
files are the same with or without ``-n``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Outcomes as a reader knows them (pytest's xfail/xpass made explicit).
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")


@dataclass
class ItemRecord:
    nodeid: str
    outcome: str
    properties: dict[str, str]
    summary: str = ""  # the failure's first line
    violations: list[dict[str, Any]] = field(default_factory=list)  # masked: file, line, path, found, expected, fingerprint
    waiver: dict[str, str] | None = None  # source, kind, owner, expires, reason
    known: bool = False  # matched the known-findings file
    note: str = ""  # why it is xfailed/xpassed, or an expired waiver

    @property
    def control(self) -> str:
        return self.properties.get("paassec.control", "")


def outcome_of(report: Any) -> str:
    wasxfail = getattr(report, "wasxfail", None)
    if report.when != "call" and report.failed:
        return "error"
    if wasxfail is not None and report.skipped:
        return "xfailed"
    if wasxfail is not None and report.passed:
        return "xpassed"
    if report.failed and str(getattr(report, "longrepr", "")).startswith("[XPASS(strict)]"):
        return "xpassed"  # pytest gives a strict XPASS no wasxfail, only this text
    return str(report.outcome)


class RecordBook:
    """Collects one record per control item from the logged reports."""

    def __init__(self) -> None:
        self.records: dict[str, ItemRecord] = {}

    def add(self, report: Any) -> None:
        properties = dict(report.user_properties or ())
        if "paassec.control" not in properties:
            return
        outcome = outcome_of(report)
        if report.when != "call" and outcome != "error" and not report.skipped:
            return  # setup/teardown that passed: the call report decides
        data = getattr(report, "paassec", None) or {}
        record = self.records.get(report.nodeid)
        if record is not None and record.outcome in ("error", "failed") and outcome not in ("error", "failed"):
            return  # an error in setup or teardown outranks the call's outcome
        self.records[report.nodeid] = ItemRecord(
            nodeid=report.nodeid,
            outcome=outcome,
            properties=properties,
            summary=_first_line(report) if outcome in ("failed", "error") else "",
            violations=list(data.get("violations", ())),
            waiver=data.get("waiver"),
            known=bool(data.get("known")),
            note=str(data.get("note") or getattr(report, "wasxfail", "") or ""),
        )

    def sorted(self) -> list[ItemRecord]:
        return [self.records[key] for key in sorted(self.records)]


def _first_line(report: Any) -> str:
    """The failure's summary: the crash message (what JUnit shows as
    failure@message), not the text's first line, which xdist prefixes with
    the worker's name."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        return str(crash.message).splitlines()[0]
    text = str(getattr(report, "longreprtext", "") or "")
    return text.splitlines()[0] if text else ""
