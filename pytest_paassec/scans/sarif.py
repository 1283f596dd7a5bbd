"""SARIF 2.1.0 from any tool (Bandit, Semgrep, CodeQL, hadolint, Trivy...).

Severity, first that applies: the rule's or result's ``security-severity``
(CodeQL, GitHub's CVSS bands); a tool's own severity property (Bandit's
``issue_severity``); the result's ``level``, else the rule's default level,
else SARIF's default ``warning``: error high, warning medium, note low,
none info. The message is the title, with quoted text masked when the rule
is about secrets (Bandit's B105 quotes the password it found).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..masking import mask
from ..secrets import is_secret_name
from .common import cvss_band, digests_of, expect, links, load, records, require_object, text_of, timestamp
from .model import ReportError, ScanFinding, ScannedArtifact, ScanReport

LEVELS = {"error": "high", "warning": "medium", "note": "low", "none": "info"}
TOOL_SEVERITIES = {"critical": "critical", "high": "high", "medium": "medium", "low": "low", "info": "info", "undefined": "info"}
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def read(path: Path, relpath: str, max_size: int) -> ScanReport:
    doc = load(path, relpath, max_size, "sarif")
    runs = require_object(doc, "runs", "SARIF", "produce SARIF 2.1.0, e.g. 'bandit -r src -f sarif -o bandit.sarif'")
    version = doc.data.get("version")
    if version != "2.1.0":
        raise ReportError(relpath, doc.line_of(("version",)), f"unknown SARIF version {version!r}: only 2.1.0 is read", "re-run the tool with a SARIF 2.1.0 writer")
    runs = expect(doc, runs, list, ("runs",), "runs")
    first = runs[0] if runs and isinstance(runs[0], dict) else {}
    driver = (first.get("tool") or {}).get("driver") or {}
    report = ScanReport(path=relpath, format="sarif", tool=text_of(driver.get("name")) or "SARIF",
                        tool_version=text_of(driver.get("version")) or text_of(driver.get("semanticVersion")) or None,
                        created=None)
    for r, run in records(doc, runs, ("runs",), "runs"):
        _read_run(doc, report, run, r)
    return report


def _read_run(doc: Any, report: ScanReport, run: dict, r: int) -> None:
    driver = (run.get("tool") or {}).get("driver") or {}
    rules = {rule.get("id"): rule for rule in driver.get("rules") or [] if isinstance(rule, dict)}
    rule_list = [rule for rule in driver.get("rules") or [] if isinstance(rule, dict)]
    bases = {key: text_of((value or {}).get("uri")) for key, value in (run.get("originalUriBaseIds") or {}).items()}
    for i, invocation in enumerate(run.get("invocations") or []):
        for key in ("endTimeUtc", "startTimeUtc"):
            if invocation.get(key):
                moment = timestamp(doc, invocation[key], ("runs", r, "invocations", i, key))
                report.created = max(filter(None, (report.created, moment)))
                break
    properties = run.get("properties") or {}
    if properties.get("imageName"):  # Trivy's SARIF names the image it scanned
        report.artifacts.append(ScannedArtifact("image", text_of(properties["imageName"]), digests_of(list(properties.get("repoDigests") or [])), doc.line_of(("runs", r, "properties", "imageName"))))
    for n, result in records(doc, run.get("results"), ("runs", r, "results"), "results"):
        where = ("runs", r, "results", n)
        rule_id = text_of(result.get("ruleId")) or text_of((result.get("rule") or {}).get("id"))
        rule = rules.get(rule_id)
        if rule is None and isinstance(result.get("ruleIndex"), int) and result["ruleIndex"] < len(rule_list):
            rule = rule_list[result["ruleIndex"]]
        rule = rule or {}
        ours, tool_severity = _severity(result, rule)
        file, line = _location(result, bases)
        title = text_of((result.get("message") or {}).get("text")) or text_of((rule.get("shortDescription") or {}).get("text"))
        if is_secret_name(rule.get("name")) or is_secret_name(rule_id):
            title = _QUOTED.sub(lambda m: mask(m.group(0)[1:-1]), title)
        report.findings.append(ScanFinding(
            id=rule_id, kind="code", severity=ours, tool_severity=tool_severity, title=title.split("\n")[0],
            target=file or "", ref=f"{file}:{line}" if file and line else file or rule_id,
            file=file, line=line, references=links(rule.get("helpUri")),
            report_path=where, report_line=doc.line_of(where)))


def _severity(result: dict, rule: dict) -> tuple[str, str]:
    for props in (result.get("properties") or {}, rule.get("properties") or {}):
        score = props.get("security-severity")
        if score is not None and cvss_band(score) is not None:
            return cvss_band(score), str(score)  # type: ignore[return-value]
    for props in (result.get("properties") or {}, rule.get("properties") or {}):
        tool = text_of(props.get("issue_severity"))
        if tool.lower() in TOOL_SEVERITIES:
            return TOOL_SEVERITIES[tool.lower()], tool
    level = text_of(result.get("level")) or text_of((rule.get("defaultConfiguration") or {}).get("level")) or "warning"
    return LEVELS.get(level, "medium"), level


def _location(result: dict, bases: dict[str, str]) -> tuple[str | None, int | None]:
    locations = result.get("locations") or []
    physical = (locations[0] if locations and isinstance(locations[0], dict) else {}).get("physicalLocation") or {}
    artifact = physical.get("artifactLocation") or {}
    uri = text_of(artifact.get("uri"))
    if not uri:
        return None, None
    base = artifact.get("uriBaseId")
    if base and base != "%SRCROOT%" and bases.get(base) and not bases[base].startswith("file:"):
        uri = bases[base].rstrip("/") + "/" + uri
    uri = re.sub(r"^file://[^/]*", "", uri)
    for root in sorted((b for b in bases.values() if b.startswith("file:")), key=len, reverse=True):
        prefix = re.sub(r"^file://[^/]*", "", root).rstrip("/") + "/"
        if uri.startswith(prefix):
            uri = uri[len(prefix):]
            break
    line = (physical.get("region") or {}).get("startLine")
    return uri.removeprefix("./"), line if isinstance(line, int) else None
