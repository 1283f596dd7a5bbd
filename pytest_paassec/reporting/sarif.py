"""SARIF 2.1.0: one rule per control, one result per violation.

Waived and known findings are results with ``suppressions`` (a waiver
written in the deployment file is ``inSource``, one in the waivers file or
the known-findings file is ``external``), so code-scanning tools show them
as dismissed with their justification instead of hiding them.  Values are
the masked renderings the terminal shows: no secret in clear.
"""

from __future__ import annotations

from typing import Any, Iterable

from .records import ItemRecord

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/pytest-paassec/"
# GitHub reads security-severity as CVSS-like: >= 9 critical, >= 7 high, >= 4 medium, else low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
REPORTED = ("failed", "error", "xfailed")


def rule_for(control: str, meta: dict[str, Any]) -> dict[str, Any]:
    """``meta``: title, description, remediation, references, severity, category."""
    title = meta.get("title") or control
    severity = meta.get("severity") or "medium"
    references = list(meta.get("references") or ())
    help_lines = [meta.get("remediation") or title]
    if references:
        help_lines.append("References: " + ", ".join(references))
    tags = ["security", *(t for t in (meta.get("category"),) if t)]
    return {
        "id": control,
        "name": "".join(word[:1].upper() + word[1:] for word in control.replace("_", "-").split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": meta.get("description") or title},
        "help": {"text": "\n".join(help_lines)},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": {"security-severity": SECURITY_SEVERITY.get(severity, "5.5"), "tags": tags, "precision": "high"},
    }


def sarif_document(records: Iterable[ItemRecord], rules: dict[str, dict[str, Any]], *, version: str, root_uri: str) -> dict[str, Any]:
    """The whole log; ``rules`` maps control id to its metadata (see rule_for)."""
    reported = [r for r in records if r.outcome in REPORTED and r.control]
    used = sorted({r.control for r in reported})
    index = {control: position for position, control in enumerate(used)}
    results = []
    for record in reported:
        meta = rules.get(record.control) or {"title": record.properties.get("paassec.title", record.control)}
        severity = record.properties.get("paassec.severity") or meta.get("severity") or "medium"
        for violation in record.violations or [_whole_item(record)]:
            results.append(_result(record, violation, index[record.control], severity))
    rule_list = [rule_for(control, {**(rules.get(control) or {}), "severity": _severity_of(control, reported, rules)}) for control in used]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "pytest-paassec", "version": version, "informationUri": INFORMATION_URI, "rules": rule_list}},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _severity_of(control: str, records: list[ItemRecord], rules: dict[str, dict[str, Any]]) -> str:
    for record in records:
        if record.control == control and record.properties.get("paassec.severity"):
            return record.properties["paassec.severity"]  # as overridden for this run
    return (rules.get(control) or {}).get("severity") or "medium"


def _whole_item(record: ItemRecord) -> dict[str, Any]:
    """An item without violation detail (an input error, a user's test)."""
    line = record.properties.get("paassec.line", "1")
    return {"file": record.properties.get("paassec.file", ""), "line": int(line) if line.isdigit() else 1, "path": "", "found": "", "expected": ""}


def _result(record: ItemRecord, violation: dict[str, Any], rule_index: int, severity: str) -> dict[str, Any]:
    text = record.summary or record.note or record.control
    if violation.get("path"):
        text += f" ({violation['path']}: {violation.get('found', '')} -> {violation.get('expected', '')})"
    result: dict[str, Any] = {
        "ruleId": record.control,
        "ruleIndex": rule_index,
        "level": LEVEL.get(severity, "warning"),
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": violation.get("file") or record.properties.get("paassec.file", ""), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(1, int(violation.get("line") or 1))},
                },
                "logicalLocations": [{"name": record.properties.get("paassec.resource", ""), "kind": "resource"}],
            }
        ],
        "properties": {"paassec.item": record.nodeid, "paassec.outcome": record.outcome},
    }
    if record.properties.get("paassec.diff"):
        result["properties"]["paassec.diff"] = record.properties["paassec.diff"]
    if violation.get("fingerprint"):
        result["partialFingerprints"] = {"paassecFinding/v1": violation["fingerprint"]}
    if record.outcome == "xfailed":
        result["suppressions"] = [_suppression(record)]
    return result


def _suppression(record: ItemRecord) -> dict[str, Any]:
    if record.waiver is not None:
        kind = "inSource" if record.waiver.get("kind") in ("comment", "annotation") else "external"
        justification = f"{record.waiver.get('reason', '')} (owner {record.waiver.get('owner', '')}, expires {record.waiver.get('expires', '')}, {record.waiver.get('source', '')})"
        return {"kind": kind, "status": "accepted", "justification": justification}
    return {"kind": "external", "status": "accepted", "justification": record.note or "known finding"}
