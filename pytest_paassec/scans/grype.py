"""Grype JSON (``grype IMAGE -o json``).

Severity: Critical/High/Medium/Low are ours; Negligible is info; Unknown
is medium (not scored yet is not harmless).
"""

from __future__ import annotations

from pathlib import Path

from .common import digests_of, links, load, records, require_object, text_of, timestamp
from .model import ScanFinding, ScannedArtifact, ScanReport

SEVERITIES = {"critical": "critical", "high": "high", "medium": "medium", "low": "low", "negligible": "info", "unknown": "medium"}


def read(path: Path, relpath: str, max_size: int) -> ScanReport:
    doc = load(path, relpath, max_size, "grype")
    matches = require_object(doc, "matches", "Grype JSON", "produce it with 'grype IMAGE -o json --file grype.json'")
    data = doc.data
    descriptor = data.get("descriptor") if isinstance(data.get("descriptor"), dict) else {}
    report = ScanReport(path=relpath, format="grype", tool="grype", tool_version=text_of(descriptor.get("version")) or None,
                        created=timestamp(doc, descriptor.get("timestamp"), ("descriptor", "timestamp")))
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    target = source.get("target")
    if source.get("type") == "image" and isinstance(target, dict):
        name = text_of(target.get("userInput"))
        digests = [target.get("manifestDigest"), *(target.get("repoDigests") or []), target.get("imageID")]
        line = doc.line_of(("source", "target", "userInput"))
        report.artifacts.append(ScannedArtifact("image", name, digests_of(digests), line))
        report.artifacts.extend(ScannedArtifact("image", tag, digests_of(digests), line)
                                for tag in target.get("tags") or [] if isinstance(tag, str) and tag != name)
    else:
        name = text_of(target) if isinstance(target, str) else text_of((target or {}).get("path") if isinstance(target, dict) else "")
        report.artifacts.append(ScannedArtifact("filesystem", name, (), doc.line_of(("source",))))
    for m, match in records(doc, matches, ("matches",), "matches"):
        where = ("matches", m)
        vuln = match.get("vulnerability") or {}
        artifact = match.get("artifact") or {}
        package = text_of(artifact.get("name"))
        fix = vuln.get("fix") or {}
        fixed = ", ".join(v for v in fix.get("versions") or [] if isinstance(v, str)) or None
        tool_severity = text_of(vuln.get("severity"))
        report.findings.append(ScanFinding(
            id=text_of(vuln.get("id")), kind="vulnerability",
            severity=SEVERITIES.get(tool_severity.lower(), "medium"), tool_severity=tool_severity,
            title=text_of(vuln.get("description"))[:120], target=name, ref=f"{name}/{package}",
            package=package, installed=text_of(artifact.get("version")) or None, fixed=fixed,
            references=links(vuln.get("dataSource"), vuln.get("urls")),
            report_path=where, report_line=doc.line_of(where)))
    return report
