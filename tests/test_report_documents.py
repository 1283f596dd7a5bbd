"""SARIF and JSON documents built from item records, checked against the
official SARIF 2.1.0 schema (jsonschema) and loaded by an independent
consumer (sarif-pydantic)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import sarif_pydantic

from pytest_paassec.reporting.json_report import json_document
from pytest_paassec.reporting.records import RecordBook
from pytest_paassec.reporting.sarif import sarif_document

SCHEMA = json.loads((Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text())
PROPS = [
    ("paassec.control", "K8S-PSS-001"),
    ("paassec.severity", "critical"),
    ("paassec.platform", "kubernetes"),
    ("paassec.resource", "Pod/shop/api"),
    ("paassec.file", "deploy/pod.yaml"),
    ("paassec.line", "3"),
    ("paassec.category", "least-privilege"),
    ("paassec.references", "CIS 5.2.1, NIST 800-53 AC-6"),
]
VIOLATION = {"file": "deploy/pod.yaml", "line": 11, "path": "$.spec.containers[0].securityContext.privileged", "found": "true", "expected": "!= true", "fingerprint": "a" * 20}
RULES = {"K8S-PSS-001": {"title": "No privileged containers", "description": "d", "remediation": "Remove privileged.", "references": ["CIS 5.2.1", "NIST 800-53 AC-6"], "severity": "critical", "category": "least-privilege"}}


def report(nodeid: str, outcome: str, when: str = "call", props=PROPS, wasxfail: str | None = None, text: str = "", **paassec):
    attrs = dict(nodeid=nodeid, outcome=outcome, when=when, user_properties=list(props), longreprtext=text, paassec=paassec or None)
    attrs["passed"], attrs["failed"], attrs["skipped"] = outcome == "passed", outcome == "failed", outcome == "skipped"
    if wasxfail is not None:
        attrs["wasxfail"] = wasxfail
    return SimpleNamespace(**attrs)


def book() -> RecordBook:
    records = RecordBook()
    records.add(report("pod.yaml::K8S-PSS-001[Pod/shop/api]", "failed", text="K8S-PSS-001 (critical) Pod/shop/api: privileged\nmore", violations=[VIOLATION]))
    records.add(report("pod.yaml::K8S-PSS-001[Pod/shop/web]", "passed", violations=[]))
    waiver = {"source": ".paassec-waivers.yaml:3", "kind": "file", "owner": "ana", "expires": "2027-01-31", "reason": "legacy"}
    records.add(report("pod.yaml::K8S-PSS-001[Pod/shop/old]", "skipped", wasxfail="waived: legacy", violations=[dict(VIOLATION, fingerprint="b" * 20)], waiver=waiver))
    comment = dict(waiver, kind="comment", source="deploy/pod.yaml:30")
    records.add(report("pod.yaml::K8S-PSS-001[Pod/shop/cron]", "skipped", wasxfail="waived", violations=[dict(VIOLATION, fingerprint="c" * 20)], waiver=comment))
    records.add(report("pod.yaml::K8S-PSS-001[Pod/shop/legacy]", "skipped", wasxfail="known finding, recorded in known.json", violations=[dict(VIOLATION, fingerprint="d" * 20)], known=True))
    error_props = [("paassec.control", "PAASSEC-INPUT"), ("paassec.severity", "critical"), ("paassec.file", "bad.yaml"), ("paassec.line", "4"), ("paassec.title", "Readable")]
    records.add(report("bad.yaml::PAASSEC-INPUT[parse]", "failed", when="setup", props=error_props, text="bad.yaml:4: mapping values are not allowed here"))
    records.add(report("test_x.py::test_plain", "passed", props=[]))  # not a control item
    return records


def test_sarif_is_valid_against_the_official_schema() -> None:
    document = sarif_document(book().sorted(), RULES, version="0.1.0", root_uri="file:///repo/")
    jsonschema.validate(document, SCHEMA)
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["K8S-PSS-001", "PAASSEC-INPUT"]
    rule = run["tool"]["driver"]["rules"][0]
    assert rule["properties"]["security-severity"] == "9.5" and rule["help"]["text"].startswith("Remove privileged.")
    by_item = {r["properties"]["paassec.item"]: r for r in run["results"]}
    assert set(by_item) == {
        "pod.yaml::K8S-PSS-001[Pod/shop/api]",
        "pod.yaml::K8S-PSS-001[Pod/shop/old]",
        "pod.yaml::K8S-PSS-001[Pod/shop/cron]",
        "pod.yaml::K8S-PSS-001[Pod/shop/legacy]",
        "bad.yaml::PAASSEC-INPUT[parse]",
    }, "passes are not results"
    failed = by_item["pod.yaml::K8S-PSS-001[Pod/shop/api]"]
    assert failed["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    assert failed["partialFingerprints"] == {"paassecFinding/v1": "a" * 20}
    assert "suppressions" not in failed
    assert by_item["pod.yaml::K8S-PSS-001[Pod/shop/old]"]["suppressions"][0]["kind"] == "external"
    assert by_item["pod.yaml::K8S-PSS-001[Pod/shop/cron]"]["suppressions"][0]["kind"] == "inSource"
    assert "legacy (owner ana, expires 2027-01-31" in by_item["pod.yaml::K8S-PSS-001[Pod/shop/cron]"]["suppressions"][0]["justification"]
    assert by_item["pod.yaml::K8S-PSS-001[Pod/shop/legacy]"]["suppressions"][0]["justification"] == "known finding, recorded in known.json"
    error = by_item["bad.yaml::PAASSEC-INPUT[parse]"]
    assert error["locations"][0]["physicalLocation"]["region"]["startLine"] == 4 and error["level"] == "error"


def test_sarif_loads_in_an_independent_consumer() -> None:
    document = sarif_document(book().sorted(), RULES, version="0.1.0", root_uri="file:///repo/")
    log = sarif_pydantic.Sarif.model_validate(document)
    assert len(log.runs[0].results) == 5
    assert log.runs[0].tool.driver.name == "pytest-paassec"


def test_an_invalid_sarif_document_is_caught_by_the_schema() -> None:
    document = sarif_document(book().sorted(), RULES, version="0.1.0", root_uri="file:///repo/")
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_json_document_lists_every_control_item_in_order() -> None:
    document = json_document(book().sorted(), RULES, version="0.1.0", today="2026-12-05")
    assert document["schema_version"] == 1 and document["today"] == "2026-12-05"
    assert [item["id"] for item in document["items"]] == sorted(item["id"] for item in document["items"])
    assert document["counts"] == {"passed": 1, "failed": 1, "error": 1, "skipped": 0, "xfailed": 3, "xpassed": 0}
    first = document["items"][1]
    assert first["id"] == "pod.yaml::K8S-PSS-001[Pod/shop/api]"
    assert (first["outcome"], first["line"], first["title"]) == ("failed", 3, "No privileged containers")
    assert first["references"] == ["CIS 5.2.1", "NIST 800-53 AC-6"]
    assert first["violations"] == [VIOLATION] and first["waiver"] is None
    legacy = next(item for item in document["items"] if item["id"].endswith("[Pod/shop/legacy]"))
    assert legacy["known_finding"] is True and legacy["note"] == "known finding, recorded in known.json"
    json.dumps(document)  # serialisable as is
