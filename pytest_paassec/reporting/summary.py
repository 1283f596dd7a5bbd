"""The end-of-run summary tables, built from reports on the controller.

Everything comes from ``report.user_properties``, which pytest-xdist carries
from the workers, so the tables are the same with or without ``-n``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tabulate import tabulate

from ..rules.controls import Severity


@dataclass
class Summary:
    checked: int = 0
    passed: int = 0
    failed: int = 0
    at_threshold: int = 0  # control failures at or above fail-on
    below_threshold: int = 0  # control failures that do not fail the run
    blocking: int = 0  # any failure or error that does fail the run
    errors: int = 0  # files or baselines that could not be evaluated
    expected: int = 0  # failures a waiver or the known-findings file expects (xfail)
    uncovered: int = 0  # recognised files no control applies to (PAASSEC-COVERAGE items)
    by_severity_platform: Counter[tuple[str, str]] = field(default_factory=Counter)
    failing_controls: dict[str, dict[str, Any]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # baseline controls' titles, by id
    drift: Counter[str] = field(default_factory=Counter)  # DRIFT items by status, DRIFT-POSTURE failures

    def record(self, report: Any, fail_on: Severity) -> None:
        if report.when != "call" and report.passed:
            return  # two of every three reports: nothing to count
        props = dict(report.user_properties) if report.user_properties else {}
        control = props.get("paassec.control")
        if control is None:
            if report.failed:
                self.blocking += 1
            return
        if control == "PAASSEC-COVERAGE":
            self.uncovered += report.when == "call" and report.passed
            return
        if control.startswith("PAASSEC-") and report.when == "setup":
            if report.failed:  # a file, baseline or control that cannot be evaluated
                self.errors += 1
                self.blocking += 1
            return
        if report.when != "call":
            if report.failed:  # a crash before or after the check itself
                self.blocking += 1
            return
        if "paassec.drift" in props:
            self.drift["live posture failures" if control == "DRIFT-POSTURE" else props["paassec.drift"]] += 1
        self.checked += 1
        if report.passed:
            self.passed += 1
            return
        if not report.failed:
            if hasattr(report, "wasxfail"):
                self.expected += 1
            return
        severity = Severity.parse(props["paassec.severity"])
        self.failed += 1
        if severity >= fail_on:
            self.at_threshold += 1
            self.blocking += 1
        else:
            self.below_threshold += 1
        platform = props.get("paassec.platform", "?")
        self.by_severity_platform[(severity.label, platform)] += 1
        entry = self.failing_controls.setdefault(
            control, {"severity": severity, "title": props.get("paassec.title", ""), "resources": set(), "platforms": set()}
        )
        # One id may fail at several severities (DRIFT-POSTURE, an imported CVE): the highest, whatever the order.
        entry["severity"] = max(entry["severity"], severity)
        entry["resources"].add((props.get("paassec.file", ""), props.get("paassec.resource", "")))
        entry["platforms"].add(platform)

    def lines(self, fail_on: Severity) -> list[str]:
        out = [
            f"{self.checked} control checks: {self.passed} passed, {self.failed} failed "
            f"({self.at_threshold} at or above fail-on {fail_on.label}), "
            + (f"{self.expected} expected (waived or known), " if self.expected else "")
            + f"{self.errors} input errors"
            + (f"; {self.uncovered} file{'s' if self.uncovered != 1 else ''} no control applies to (PAASSEC-COVERAGE)" if self.uncovered else "")
        ]
        if self.below_threshold:
            out.append(
                f"{self.below_threshold} failures below the fail-on threshold ({fail_on.label}) are reported but do not fail the run"
            )
        if self.drift:
            out.append("drift: " + ", ".join(f"{count} {status}" for status, count in sorted(self.drift.items())))
        if not self.by_severity_platform:
            return out
        platforms = sorted({p for _, p in self.by_severity_platform})
        rows = []
        for severity in sorted(Severity, reverse=True):
            counts = [self.by_severity_platform.get((severity.label, p), 0) for p in platforms]
            if any(counts):
                rows.append([severity.label, *counts, sum(counts)])
        out.append("")
        out.extend(tabulate(rows, headers=["severity", *platforms, "total"], tablefmt="simple").splitlines())
        control_rows = [
            [control, entry["severity"].label, ", ".join(sorted(entry["platforms"])), len(entry["resources"]), entry["title"] or self.titles.get(control, "")]
            for control, entry in sorted(
                self.failing_controls.items(), key=lambda kv: (-kv[1]["severity"], -len(kv[1]["resources"]), kv[0])
            )
        ]
        out.append("")
        out.extend(
            tabulate(control_rows, headers=["failing control", "severity", "platforms", "resources", "title"], tablefmt="simple").splitlines()
        )
        return out
