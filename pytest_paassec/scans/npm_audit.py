"""npm audit JSON from npm 7 or later (``npm audit --json``, auditReportVersion 2).

One finding per advisory (a ``via`` object) of each vulnerable package; a
package vulnerable only through another (``via`` names) adds none: the
advisory is reported where it lives. Severity: npm's moderate is medium,
the rest are ours. ``fixed``: the version ``npm audit fix`` would install
(``fixAvailable``), ``npm audit fix`` when npm gives none, else nothing.
"""

from __future__ import annotations

from pathlib import Path

from .common import expect, links, load, text_of
from .model import ReportError, ScanFinding, ScannedArtifact, ScanReport

SEVERITIES = {"critical": "critical", "high": "high", "moderate": "medium", "low": "low", "info": "info"}
_HINT = "produce it with 'npm audit --json > npm-audit.json' (npm 7 or later)"


def read(path: Path, relpath: str, max_size: int) -> ScanReport:
    doc = load(path, relpath, max_size, "npm-audit")
    data = doc.data
    if isinstance(data, dict) and "advisories" in data and "auditReportVersion" not in data:
        raise ReportError(relpath, doc.line_of(("advisories",)), "npm audit report version 1 (npm 6, 'advisories'): only auditReportVersion 2 is read", "re-run 'npm audit --json' with npm 7 or later")
    if not isinstance(data, dict) or "auditReportVersion" not in data:
        raise ReportError(relpath, 1, "not an npm audit report: no top-level 'auditReportVersion'", _HINT)
    if data["auditReportVersion"] != 2:
        raise ReportError(relpath, doc.line_of(("auditReportVersion",)), f"unknown npm auditReportVersion {data['auditReportVersion']!r}: only 2 is read", _HINT)
    report = ScanReport(path=relpath, format="npm-audit", tool="npm audit", tool_version=None, created=None)
    report.artifacts.append(ScannedArtifact("lockfile", "package-lock.json", (), 1))
    vulnerabilities = expect(doc, data.get("vulnerabilities") or {}, dict, ("vulnerabilities",), "vulnerabilities")
    for name, entry in vulnerabilities.items():
        expect(doc, entry, dict, ("vulnerabilities", name), f"vulnerabilities.{name}")
        for v, via in enumerate(expect(doc, entry.get("via") or [], list, ("vulnerabilities", name, "via"), f"vulnerabilities.{name}.via")):
            where = ("vulnerabilities", name, "via", v)
            if isinstance(expect(doc, via, (str, dict), where, f"an item of vulnerabilities.{name}.via"), str):
                # The package it is vulnerable through: that one has its own entry.
                if via not in vulnerabilities:
                    raise ReportError(relpath, doc.line_of(where), f"vulnerabilities.{name} is vulnerable via {via!r}, which has no entry of its own", "the report was edited or truncated")
                continue
            url = text_of(via.get("url"))
            tool_severity = text_of(via.get("severity")) or text_of(entry.get("severity"))
            report.findings.append(ScanFinding(
                id=url.rstrip("/").rpartition("/")[2] or str(via.get("source")), kind="vulnerability",
                severity=SEVERITIES.get(tool_severity.lower(), "medium"), tool_severity=tool_severity,
                title=text_of(via.get("title")), target="package-lock.json", ref=f"package-lock.json/{name}",
                package=name, installed=text_of(entry.get("range")) or None,
                fixed=_fixed(entry.get("fixAvailable")), references=links(url),
                report_path=where, report_line=doc.line_of(where)))
    return report


def _fixed(available: object) -> str | None:
    if isinstance(available, dict):
        text = f"{available.get('name')}@{available.get('version')}"
        return text + " (semver-major)" if available.get("isSemVerMajor") else text
    return "npm audit fix" if available is True else None
