"""An imported report's findings as (resource, control) checks.

Each finding becomes one check that fails, so it runs through everything a
baseline control runs through: the item name ``ID[ref]`` under the report
file, the severity gate, waivers (a CVE is waived like a control), known
findings, JUnit properties, SARIF and JSON.  The control carries the tool's
id, title and severity (mapped to ours), the fixed version in its
remediation and the tool's link first in its references; the violation is
located where the tool says the problem is (the source file and line of a
SAST finding) or, for a package, at the finding in the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..model.resources import Resource
from ..parsing.documents import Document, ParsedFile
from ..parsing.names import clean_ref_part
from ..rules.conditions import Finding as ConditionFinding
from ..rules.controls import Control, Severity
from .model import ScanFinding, ScanReport

# Our category for each kind of finding.
CATEGORY = {"vulnerability": "dependencies", "misconfiguration": "images", "secret": "secrets", "code": "code"}


@dataclass(eq=False)
class ImportedResource(Resource):
    """The thing a finding is about (a package in an image, a source line),
    named by the finding's ref and located in the report."""

    finding: ScanFinding | None = None

    @cached_property
    def ref(self) -> str:  # type: ignore[override]
        # Refs may hold @ (scoped npm packages, digests) or spaces: cleaned as item ids need.
        return clean_ref_part(self.finding.ref) if self.finding is not None else super().ref

    @cached_property
    def identity(self) -> str:
        """The ref without the line: what the finding's fingerprint uses, so
        a code finding that moves to another line stays the same finding."""
        finding = self.finding
        if finding is not None and finding.kind != "vulnerability" and finding.file:
            return finding.file
        return self.ref

    @cached_property
    def line(self) -> int:  # type: ignore[override]
        return self.finding.report_line if self.finding is not None else 1

    def locate(self, path: tuple) -> tuple[str, int]:
        finding = self.finding
        if finding is not None and finding.file:
            return finding.file, finding.line or 1
        return self.document.path, self.line


def _found(finding: ScanFinding) -> Any:
    if finding.kind == "vulnerability":
        return f"{finding.package} {finding.installed}" if finding.installed else finding.package
    return finding.title


def _expected(finding: ScanFinding) -> str:
    if finding.kind == "vulnerability":
        return f"a version with the fix ({finding.fixed})" if finding.fixed else "no fixed version yet: replace or mitigate"
    return f"no {finding.id} finding"


def _remediation(finding: ScanFinding, tool: str) -> str:
    if finding.kind == "vulnerability":
        if finding.fixed:
            return f"Upgrade {finding.package} to {finding.fixed} in {finding.target} and rebuild; then re-run {tool}."
        return f"{tool} knows no fixed version of {finding.package}: remove it, mitigate, or waive with an owner and an end date."
    if finding.kind == "secret":
        return "Remove the secret from the artifact, rotate it, and read it from the platform's secret store at runtime."
    return f"Fix the code or configuration {tool} points at, or waive {finding.id} with an owner and an end date."


def imported_control(finding: ScanFinding, report: ScanReport) -> Control:
    """A control that stands for one finding: it fails wherever it runs."""
    expected = _expected(finding)
    found = _found(finding)

    def check(value: Any, resource: Any) -> list[ConditionFinding]:
        return [ConditionFinding((), found, expected)]

    return Control(
        id=finding.id,
        title=finding.title or finding.id,
        severity=Severity.parse(finding.severity),
        category=CATEGORY.get(finding.kind, "dependencies"),
        check=check,
        message=f"{report.tool} reports {finding.id} ({finding.tool_severity}): {finding.title}",
        remediation=_remediation(finding, report.tool),
        references=finding.references,
        source=f"{report.path}:{finding.report_line}",
        sensitive=finding.kind == "secret",
        extra={"imported": report.format},
    )


def report_document(report: ScanReport) -> Document:
    """The report as the document its findings' resources belong to."""
    return Document(ParsedFile(report.path, "json", ""), 0, {}, 1)


def report_checks(report: ScanReport) -> list[tuple[Resource, Control]]:
    """One failing check per finding, in report order."""
    document = report_document(report)
    checks: list[tuple[Resource, Control]] = []
    for finding in report.findings:
        resource = ImportedResource(
            platform=report.format,
            kind=finding.kind,
            name=finding.ref,
            document=document,
            data={},
            finding=finding,
        )
        checks.append((resource, imported_control(finding, report)))
    return checks
