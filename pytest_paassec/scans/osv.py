"""OSV-Scanner JSON (``osv-scanner scan source --format json -r .``).

Severity: the group's ``max_severity`` (a CVSS score) in CVSS bands; when
empty, the advisory's ``database_specific.severity`` (GitHub: CRITICAL,
HIGH, MODERATE, LOW); else medium. One finding per group of aliased ids,
named by its first id, as OSV-Scanner's own table shows them.
"""

from __future__ import annotations

from pathlib import Path

from .common import cvss_band, links, load, records, require_object, text_of
from .model import ScanFinding, ScannedArtifact, ScanReport

DATABASE_SEVERITIES = {"critical": "critical", "high": "high", "moderate": "medium", "medium": "medium", "low": "low"}


def read(path: Path, relpath: str, max_size: int) -> ScanReport:
    doc = load(path, relpath, max_size, "osv")
    results = require_object(doc, "results", "OSV-Scanner JSON", "produce it with 'osv-scanner scan source --format json --output osv.json -r .'")
    report = ScanReport(path=relpath, format="osv", tool="osv-scanner", tool_version=None, created=None)
    for r, result in records(doc, results, ("results",), "results"):
        source = result.get("source") or {}
        target = text_of(source.get("path")).removeprefix("./")
        report.artifacts.append(ScannedArtifact("lockfile", target, (), doc.line_of(("results", r, "source"))))
        for p, entry in records(doc, result.get("packages"), ("results", r, "packages"), "packages"):
            package = text_of((entry.get("package") or {}).get("name"))
            vulns = {text_of(v.get("id")): (i, v) for i, v in records(doc, entry.get("vulnerabilities"), ("results", r, "packages", p, "vulnerabilities"), "vulnerabilities")}
            groups = entry.get("groups") or [{"ids": [vid]} for vid in vulns]
            for group in groups:
                ids = [i for i in group.get("ids") or [] if isinstance(i, str)]
                index, vuln = next((vulns[i] for i in ids if i in vulns), (0, {}))
                where = ("results", r, "packages", p, "vulnerabilities", index)
                tool_severity = text_of(group.get("max_severity"))
                ours = cvss_band(tool_severity) if tool_severity else None
                if ours is None:
                    tool_severity = text_of((vuln.get("database_specific") or {}).get("severity"))
                    ours = DATABASE_SEVERITIES.get(tool_severity.lower(), "medium")
                report.findings.append(ScanFinding(
                    id=ids[0] if ids else text_of(vuln.get("id")), kind="vulnerability", severity=ours,
                    tool_severity=tool_severity, title=text_of(vuln.get("summary")), target=target,
                    ref=f"{target}/{package}", package=package,
                    installed=text_of((entry.get("package") or {}).get("version")) or None,
                    fixed=_fixed(vuln, package),
                    references=links(f"https://osv.dev/vulnerability/{ids[0]}" if ids else None,
                                     [ref.get("url") for ref in vuln.get("references") or [] if ref.get("type") == "ADVISORY"]),
                    report_path=where, report_line=doc.line_of(where)))
    return report


def _fixed(vuln: dict, package: str) -> str | None:
    """The ``fixed`` events of the advisory's ranges for this package."""
    found: list[str] = []
    for affected in vuln.get("affected") or []:
        if text_of((affected.get("package") or {}).get("name")).lower() != package.lower():
            continue
        for span in affected.get("ranges") or []:
            for event in span.get("events") or []:
                fixed = event.get("fixed")
                if isinstance(fixed, str) and fixed not in found:
                    found.append(fixed)
    return ", ".join(found) or None
