"""Waivers and known findings at the pytest edge.

Loaded once per session from the settings.  A check with an active waiver
gets an ``xfail`` marker when it is collected (pytest then reports a
failure as XFAIL and a pass as XPASS, strict under strict waivers); a
failure whose every finding is in the known-findings file is an expected
failure too.  Each control item's call report carries its findings, masked,
as ``report.paassec``, so the controller can write SARIF, JSON and the
known-findings file from reports alone (the same with or without xdist).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from tabulate import tabulate

from ..errors import LocatedError
from ..governance.findings import Finding
from ..governance.known import KnownFinding, KnownFindingsError, read_known, write_known
from ..governance.waivers import Waiver, WaiverError, file_waivers
from ..parsing.documents import parse_text, read_text
from ..parsing.selection import relative_path
from ..reporting.json_report import json_document
from ..reporting.records import ItemRecord, RecordBook
from ..reporting.sarif import sarif_document
from ..rules.pathselect import format_path
from .settings import Settings

MAX_WAIVERS_FILE_SIZE = 5 * 1024 * 1024
EXPIRING_WITHIN = dt.timedelta(days=30)


@dataclass
class Governance:
    """The session's file waivers and known findings, and their errors."""

    today: dt.date
    strict: bool = False
    max_days: int = 365
    waivers_file: str = ""  # as shown, relative to the rootdir
    waivers: list[Waiver] = field(default_factory=list)
    known_file: str = ""
    known: dict[str, KnownFinding] = field(default_factory=dict)  # by fingerprint
    errors: list[LocatedError] = field(default_factory=list)

    def is_known(self, findings: list[Finding]) -> bool:
        return bool(self.known_file) and bool(findings) and all(f.fingerprint in self.known for f in findings)

    def expiring(self) -> list[Waiver]:
        return [w for w in self.waivers if not w.expired(self.today) and w.expires - self.today <= EXPIRING_WITHIN]

    def header(self) -> str | None:
        if not self.waivers_file and not self.known_file:
            return None
        parts = []
        if self.waivers_file:
            expired = sum(1 for w in self.waivers if w.expired(self.today))
            parts.append(f"{len(self.waivers)} waivers in {self.waivers_file} ({len(self.expiring())} expiring within 30 days, {expired} expired)")
        if self.known_file:
            parts.append(f"{len(self.known)} known findings in {self.known_file}")
        return "paassec: " + "; ".join(parts)


def load_governance(settings: Settings, root: Path) -> Governance:
    governance = Governance(today=settings.today, strict=settings.strict_waivers, max_days=settings.max_waiver_days)
    if settings.waivers is not None:
        shown = relative_path(settings.waivers, root)
        governance.waivers_file = shown
        try:
            parsed = parse_text(shown, "yaml", read_text(settings.waivers, shown, MAX_WAIVERS_FILE_SIZE))
        except LocatedError as error:
            governance.errors.append(WaiverError(error.path, error.line, error.problem, error.hint))
            parsed = None
        if parsed is not None and parsed.error is not None:
            governance.errors.append(WaiverError(shown, parsed.error.line, parsed.error.problem, parsed.error.hint))
        elif parsed is not None and parsed.documents:
            document = parsed.documents[0]
            found, errors = file_waivers(document.data, shown, document.line_of, today=settings.today, max_days=settings.max_waiver_days)
            governance.waivers, governance.errors = found, governance.errors + list(errors)
    if settings.known_findings is not None:
        governance.known_file = relative_path(settings.known_findings, root)
        try:
            governance.known = {k.fingerprint: k for k in read_known(settings.known_findings, governance.known_file)}
        except KnownFindingsError as error:
            governance.errors.append(error)
    return governance


def waiver_data(waiver: Waiver) -> dict[str, str]:
    return {
        "source": waiver.source,
        "kind": waiver.kind,
        "control": waiver.control,
        "owner": waiver.owner,
        "expires": waiver.expires.isoformat(),
        "reason": waiver.reason,
    }


def report_data(findings: list[Finding], violations: list[Any], waiver: Waiver | None, known: bool, note: str = "") -> dict[str, Any]:
    """What a control item's report carries for SARIF, JSON and known findings."""
    return {
        "violations": [
            {
                "file": v.file,
                "line": v.line,
                "path": format_path(v.path),
                "found": v.shown(),
                "expected": v.expected,
                "fingerprint": f.fingerprint,
                "resource": f.resource,
            }
            for f, v in zip(findings, violations)
        ],
        "waiver": waiver_data(waiver) if waiver is not None else None,
        "known": known,
        "note": note,
    }



class GovernanceReports:
    """Registered once per session: annotates control reports with their
    findings, collects a record per control item (on the controller under
    xdist) and writes SARIF, JSON and the known-findings file at the end."""

    def __init__(self, state: Any, config: Any) -> None:
        self.state = state
        self.config = config
        self.book = RecordBook()
        self.written: list[str] = []
        self.unused_file_waivers: list[Waiver] = []
        self.fixed: list[KnownFinding] = []
        # What this run left out (-k, -m, a pytest-split group): waivers of
        # items it did not run match something, and known findings of checks
        # it did not run are neither fixed nor dropped from the file.
        self.unseen_waivers: set[str] = set()
        self.unseen_checks: set[tuple[str, str]] = set()  # (file, control)
        self.diff: SecurityDiff | None = None

    @pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: sees pytest's xfail verdict
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if call.when == "call" and hasattr(item, "report_data"):
            annotate(report, item)
        return report

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        # xdist workers judge waivers with the controller's today.
        node.workerinput["paassec_today"] = self.state.settings.today.isoformat()

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            if hasattr(item, "report_data"):  # a control item
                if item.waiver is not None:  # type: ignore[attr-defined]
                    self.unseen_waivers.add(item.waiver.source)  # type: ignore[attr-defined]
                self.unseen_checks.add((dict(item.user_properties).get("paassec.file", ""), item.control.id))  # type: ignore[attr-defined]

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        # Under xdist each worker deselects (the same items): it sends them in
        # its workeroutput, read here on the controller.
        waivers, checks = getattr(node, "workeroutput", {}).get("paassec_unseen", ([], []))
        self.unseen_waivers.update(waivers)
        self.unseen_checks.update((file, control) for file, control in checks)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not report.user_properties or not (report.when == "call" or report.failed or report.skipped):
            return
        # Every item only for the files that need them (SARIF, JSON, known
        # findings); else only what the waiver summary reads, so a plain
        # run keeps nothing per item.
        if self.state.settings.wants_findings or getattr(report, "paassec", None) is not None or hasattr(report, "wasxfail"):
            self.book.add(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            self.config.workeroutput["paassec_unseen"] = (sorted(self.unseen_waivers), [list(c) for c in sorted(self.unseen_checks)])
            return  # the controller writes, from every worker's reports
        settings = self.state.settings
        records = self.book.sorted()
        if not records and not any((settings.sarif, settings.json, settings.update_known_findings, settings.diff)):
            return
        governance = self.state.governance
        used = {r.waiver["source"] for r in records if r.waiver} | self.unseen_waivers
        self.unused_file_waivers = [w for w in governance.waivers if w.source not in used]
        present, files = current_findings(records)
        looked_at = {k for k in governance.known.values() if k.file in files and (k.file, k.control) not in self.unseen_checks}
        if governance.known_file:
            self.fixed = sorted(k for k in looked_at if k.fingerprint not in present)
        rules = rule_metadata(self.state)
        version = package_version()
        if settings.sarif is not None:
            write_json(settings.sarif, sarif_document(records, rules, version=version, root_uri=self.config.rootpath.as_uri() + "/"))
            self.written.append(f"SARIF: {relative_path(settings.sarif, self.config.rootpath)}")
        if settings.json is not None:
            write_json(settings.json, json_document(records, rules, version=version, today=settings.today.isoformat()))
            self.written.append(f"JSON: {relative_path(settings.json, self.config.rootpath)}")
        if settings.update_known_findings and settings.known_findings is not None:
            kept = [k for k in governance.known.values() if k not in looked_at]  # checks this run did not run
            write_known(settings.known_findings, kept + list(present.values()))
            self.written.append(f"known findings: {governance.known_file} ({len(kept) + len(present)} findings)")
        if self.state.diff_repository is not None:
            self.diff = security_diff(records, self.state.diff_base, self.config.rootpath, self.unseen_checks)
        if governance.strict and self.unused_file_waivers and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput"):
            return
        lines = summary_lines(self.book.sorted(), self.state.governance, self.unused_file_waivers, self.fixed, self.written)
        if lines:
            terminalreporter.section("paassec governance")
            for line in lines:
                terminalreporter.line(line)
        if self.diff is not None:
            terminalreporter.section("paassec security diff")
            for line in self.diff.lines():
                terminalreporter.line(line)


def annotate(report: Any, item: Any) -> None:
    """The control's findings on its call report; XPASS says what to do."""
    data = item.report_data()
    if data is not None:
        report.paassec = data
    waiver = item.waiver
    if waiver is None:
        return
    remove = f"waiver no longer needed: remove it from {waiver.source}"
    if report.passed and hasattr(report, "wasxfail"):
        report.wasxfail = remove
    elif report.failed and str(report.longrepr).startswith("[XPASS(strict)]"):
        report.longrepr = f"[XPASS(strict)] {remove}"


def current_findings(records: list[ItemRecord]) -> tuple[dict[str, KnownFinding], set[str]]:
    """Findings still present (failing or known, not waived), and the files looked at."""
    present: dict[str, KnownFinding] = {}
    files = {r.properties.get("paassec.file", "") for r in records}
    for record in records:
        if record.outcome == "failed" or (record.outcome == "xfailed" and record.known):
            for v in record.violations:
                present[v["fingerprint"]] = KnownFinding(v["file"], record.control, v.get("resource", ""), v["path"], v["fingerprint"])
    return present, files


@dataclass
class SecurityDiff:
    """New, fixed and unchanged findings since the --paassec-diff revision."""

    revision: str
    commit: str
    new: list[tuple[str, str, str, str]]  # (control, file:line, resource, path)
    fixed: list[tuple[str, str, str, str]]
    unchanged: int

    def lines(self) -> list[str]:
        out = [f"security diff since {self.revision} ({self.commit[:7]}): {len(self.new)} new, {len(self.fixed)} fixed, {self.unchanged} unchanged"]
        rows = [("new", *row) for row in self.new] + [("fixed", *row) for row in self.fixed]
        if rows:
            out.extend(["", *tabulate(rows, headers=["", "control", "where", "resource", "path"]).splitlines()])
        return out


def security_diff(records: list[ItemRecord], base: Any, root: Path, unseen: set[tuple[str, str]]) -> SecurityDiff:
    """Compare the run's findings with the revision's: a finding of a failing
    (or expected-failing) item is present; the revision's findings in the
    files this run looked at (or that are gone) that are not present are fixed."""
    present: dict[str, tuple[str, str, str, str]] = {}
    files = {r.properties.get("paassec.file", "") for r in records}
    for record in records:
        if record.outcome in ("failed", "xfailed"):
            for v in record.violations:
                present[v["fingerprint"]] = (record.control, f"{v['file']}:{v['line']}", v.get("resource", ""), v["path"])
    new = sorted(row for fp, row in present.items() if fp not in base.findings)
    fixed = sorted(
        (k.control, k.file, k.resource, k.path)
        for k in base.findings.values()
        if k.fingerprint not in present
        and (k.file, k.control) not in unseen
        and (k.file in files or not (root / k.file).exists())
    )
    return SecurityDiff(base.revision, base.commit, new, fixed, sum(1 for fp in present if fp in base.findings))


def summary_lines(records: list[ItemRecord], governance: Governance, unused: list[Waiver], fixed: list[KnownFinding], written: list[str]) -> list[str]:
    lines = []
    waived = [r for r in records if r.outcome == "xfailed" and r.waiver]
    stale = [r for r in records if r.outcome == "xpassed" and r.waiver]
    known = [r for r in records if r.outcome == "xfailed" and r.known]
    expired = sorted({r.waiver["source"] for r in records if r.outcome == "failed" and r.waiver and r.waiver["expires"] < governance.today.isoformat()})
    if waived or stale or expired or unused or governance.waivers_file:
        lines.append(f"waivers: {len(waived)} failures waived, {len(stale)} waivers no longer needed, {len(expired)} expired, {len(unused)} in {governance.waivers_file or 'no waivers file'} matching nothing")
    lines.extend(f"  no longer needed: {r.waiver['source']} ({r.nodeid})" for r in stale)
    lines.extend(f"  expired: {source}" for source in expired)
    lines.extend(f"  matches no item: {w.source} ({w.control}, owner {w.owner})" for w in unused)
    lines.extend(f"  expiring within 30 days: {w.source} ({w.control}, owner {w.owner}, {w.expires.isoformat()})" for w in governance.expiring())
    if governance.known_file:
        lines.append(f"known findings: {len(known)} items still known, {len(fixed)} recorded findings fixed (shrink {governance.known_file} with --paassec-update-known-findings)")
        lines.extend(f"  fixed: {k.control} {k.file} {k.resource} {k.path}" for k in fixed)
    lines.extend(f"written: {text}" for text in written)
    return lines


def rule_metadata(state: Any) -> dict[str, dict[str, Any]]:
    return {
        c.id: {
            "title": c.title,
            "description": c.extra.get("description") or c.title,
            "remediation": " ".join(c.remediation.split()),
            "references": list(c.references),
            "severity": c.severity.label,
            "category": c.category,
        }
        for c in state.catalog.controls
    }


def package_version() -> str:
    try:
        return metadata.version("pytest-paassec")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return "0"


def write_json(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
