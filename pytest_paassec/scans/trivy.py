"""Trivy JSON (``trivy image|fs|config --format json``), schema version 2.

Severity: Trivy's CRITICAL/HIGH/MEDIUM/LOW are ours; UNKNOWN (not scored
yet, often a fresh CVE) is medium: unscored is not harmless.
A secret finding keeps only its rule, title, file and line: never Trivy's
``Match`` or ``Code.Lines`` (they hold the secret).
"""

from __future__ import annotations

from pathlib import Path

from .common import digests_of, links, load, records, require_object, text_of, timestamp
from .model import ReportError, ScanFinding, ScannedArtifact, ScanReport

SEVERITIES = {"CRITICAL": "critical", "HIGH": "high", "MEDIUM": "medium", "LOW": "low", "UNKNOWN": "medium"}
# Trivy's MisconfStatus values (pkg/types): only FAIL is a finding.
_STATUSES = ("FAIL", "PASS", "EXCEPTION")
_KINDS = {"container_image": "image", "filesystem": "filesystem", "repository": "repository", "vm": "filesystem"}


def severity(text: str) -> str:
    return SEVERITIES.get(text.upper(), "medium")


def read(path: Path, relpath: str, max_size: int) -> ScanReport:
    doc = load(path, relpath, max_size, "trivy")
    version = require_object(doc, "SchemaVersion", "Trivy JSON", "produce it with 'trivy image --format json --output trivy.json IMAGE'")
    if version != 2:
        raise ReportError(relpath, doc.line_of(("SchemaVersion",)), f"unknown Trivy SchemaVersion {version!r}: only 2 is read", "re-run the scan with Trivy 0.20 or later")
    data = doc.data
    report = ScanReport(path=relpath, format="trivy", tool="Trivy", tool_version=None,
                        created=timestamp(doc, data.get("CreatedAt"), ("CreatedAt",)))
    name = text_of(data.get("ArtifactName"))
    metadata = data.get("Metadata") if isinstance(data.get("Metadata"), dict) else {}
    kind = _KINDS.get(text_of(data.get("ArtifactType")), "filesystem")
    digests = [metadata.get("ImageID")] + list(metadata.get("RepoDigests") or []) if kind == "image" else []
    report.artifacts.append(ScannedArtifact(kind, name, digests_of(digests), doc.line_of(("ArtifactName",))))
    if kind == "image":  # the other tags of the same image are scanned too
        report.artifacts.extend(
            ScannedArtifact("image", tag, digests_of(digests), doc.line_of(("Metadata", "RepoTags", i)))
            for i, tag in enumerate(metadata.get("RepoTags") or []) if isinstance(tag, str) and tag != name)
    for r, result in records(doc, data.get("Results"), ("Results",), "Results"):
        target = text_of(result.get("Target"))
        base = ("Results", r)
        for v, vuln in records(doc, result.get("Vulnerabilities"), base + ("Vulnerabilities",), "Vulnerabilities"):
            where = base + ("Vulnerabilities", v)
            package = text_of(vuln.get("PkgName"))
            subject = name if kind == "image" and result.get("Class") == "os-pkgs" else target
            report.findings.append(ScanFinding(
                id=text_of(vuln.get("VulnerabilityID")), kind="vulnerability",
                severity=severity(text_of(vuln.get("Severity"))), tool_severity=text_of(vuln.get("Severity")),
                title=text_of(vuln.get("Title")) or text_of(vuln.get("Description"))[:120],
                target=subject, ref=f"{subject}/{package}", package=package,
                installed=text_of(vuln.get("InstalledVersion")) or None,
                fixed=text_of(vuln.get("FixedVersion")) or None,
                references=links(vuln.get("PrimaryURL"), vuln.get("References")),
                report_path=where, report_line=doc.line_of(where)))
        for m, misconf in records(doc, result.get("Misconfigurations"), base + ("Misconfigurations",), "Misconfigurations"):
            where = base + ("Misconfigurations", m)
            status = misconf.get("Status")
            if status not in _STATUSES:  # an unknown status is not a pass: say so
                raise ReportError(relpath, doc.line_of(where + ("Status",)) or doc.line_of(where),
                                  f"misconfiguration status {status!r} is none of {', '.join(_STATUSES)}", "the report was edited or written by another tool")
            if status != "FAIL":
                continue
            cause = misconf.get("CauseMetadata") if isinstance(misconf.get("CauseMetadata"), dict) else {}
            line = cause.get("StartLine") if isinstance(cause.get("StartLine"), int) else None
            report.findings.append(ScanFinding(
                id=text_of(misconf.get("ID")), kind="misconfiguration",
                severity=severity(text_of(misconf.get("Severity"))), tool_severity=text_of(misconf.get("Severity")),
                title=text_of(misconf.get("Title")), target=target, ref=_file_ref(target, line),
                fixed=text_of(misconf.get("Resolution")) or None, file=target, line=line,
                references=links(misconf.get("PrimaryURL"), misconf.get("References")),
                report_path=where, report_line=doc.line_of(where)))
        for s, secret in records(doc, result.get("Secrets"), base + ("Secrets",), "Secrets"):
            where = base + ("Secrets", s)
            line = secret.get("StartLine") if isinstance(secret.get("StartLine"), int) else None
            report.findings.append(ScanFinding(
                id=text_of(secret.get("RuleID")), kind="secret",
                severity=severity(text_of(secret.get("Severity"))), tool_severity=text_of(secret.get("Severity")),
                title=text_of(secret.get("Title")), target=target, ref=_file_ref(target, line),
                file=target, line=line, report_path=where, report_line=doc.line_of(where)))
    return report


def _file_ref(file: str, line: int | None) -> str:
    return f"{file}:{line}" if line else file

