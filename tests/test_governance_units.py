"""Fingerprints, waivers, known findings and verdicts, without pytest's run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pytest_paassec.governance.clock import parse_date, resolve_today
from pytest_paassec.governance.findings import findings_of, fingerprint
from pytest_paassec.governance.known import KnownFinding, KnownFindingsError, read_known, render_known, write_known
from pytest_paassec.governance.verdict import judge
from pytest_paassec.governance.waivers import (
    Waiver,
    WaiverError,
    annotation_waivers,
    comment_waivers,
    file_waivers,
    parse_inline,
)
from pytest_paassec.model.repository import Repository
from pytest_paassec.parsing.discovery import classify
from pytest_paassec.parsing.intake import take_in_text
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import plan_checks

TODAY = dt.date(2026, 12, 5)
CATALOG = build_catalog([])

POD = """apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
spec:
  containers:
    - name: api
      image: shop/api:1.2
      securityContext:
        privileged: true
      env:
        - name: DB_PASSWORD
          value: hunter2-Very-Secret
"""

# The same Pod: moved down by a comment block, keys reordered, flow style.
POD_REFORMATTED = """# A comment block
# that moves every line down.

kind: Pod
apiVersion: v1
metadata: {namespace: shop, name: api}
spec:
  containers:
  - env: [{name: DB_PASSWORD, value: hunter2-Very-Secret}]
    securityContext: {privileged: true}
    image: shop/api:1.2
    name: api
"""


def all_findings(relpath: str, text: str) -> dict[str, tuple[str, int]]:
    candidate = classify(Path(relpath))
    assert candidate is not None
    intake = take_in_text(relpath, candidate, text)
    assert intake.parsed is not None
    plan = plan_checks(intake.parsed, candidate, CATALOG)
    found = {}
    repository = Repository(plan.resources)
    for resource, control in plan.checks:
        for finding in findings_of(control.id, resource.ref, control.evaluate(resource, repository)):
            found[finding.fingerprint] = (f"{finding.control} {finding.path}", finding.line)
    return found


def test_fingerprints_survive_line_moves_and_reformatting() -> None:
    before = all_findings("pod.yaml", POD)
    after = all_findings("pod.yaml", POD_REFORMATTED)
    assert len(before) >= 3
    assert sorted(before) == sorted(after)
    assert any(before[key][1] != after[key][1] for key in before), "the lines did move"


def test_fingerprints_change_with_what_makes_a_finding_different() -> None:
    base = fingerprint("K8S-PSS-001", "a.yaml", "Pod/shop/api", ("spec", "containers", 0, "securityContext", "privileged"), True)
    assert base == fingerprint("K8S-PSS-001", "a.yaml", "Pod/shop/api", ("spec", "containers", 0, "securityContext", "privileged"), True)
    assert base != fingerprint("K8S-PSS-002", "a.yaml", "Pod/shop/api", ("spec", "containers", 0, "securityContext", "privileged"), True)
    assert base != fingerprint("K8S-PSS-001", "b.yaml", "Pod/shop/api", ("spec", "containers", 0, "securityContext", "privileged"), True)
    assert base != fingerprint("K8S-PSS-001", "a.yaml", "Pod/shop/web", ("spec", "containers", 0, "securityContext", "privileged"), True)
    assert base != fingerprint("K8S-PSS-001", "a.yaml", "Pod/shop/api", ("spec", "containers", 1, "securityContext", "privileged"), True)
    assert base != fingerprint("K8S-PSS-001", "a.yaml", "Pod/shop/api", ("spec", "containers", 0, "securityContext", "privileged"), "true")


def test_a_secret_value_enters_a_fingerprint_only_as_a_hash() -> None:
    from pytest_paassec.governance.findings import value_token

    assert "hunter2" not in value_token("hunter2-Very-Secret", True)
    assert "s3cr3t" not in value_token("s3cr3t-value", False, key="DB_PASSWORD")
    assert value_token("nginx:1.27", False) == '"nginx:1.27"'


def test_today_is_the_override_or_the_system_date() -> None:
    assert resolve_today("2027-01-31", "--paassec-today") == dt.date(2027, 1, 31)
    assert resolve_today(None, "x") == dt.date.today()
    with pytest.raises(ValueError, match="--paassec-today: '31/01/2027' is not a date; use YYYY-MM-DD"):
        resolve_today("31/01/2027", "--paassec-today")
    assert parse_date("2027-02-30") is None


def test_inline_fields_parse_quoted_and_bare_values() -> None:
    control, fields, problem = parse_inline('K8S-PSS-001 reason="needs host \\"net\\"" owner=ana expires=2027-01-31')
    assert (control, problem) == ("K8S-PSS-001", None)
    assert fields == {"reason": 'needs host "net"', "owner": "ana", "expires": "2027-01-31"}
    assert parse_inline("K8S-PSS-001 color=red")[2] == "unknown waiver field 'color'; use reason, owner and expires"


def waiver(**fields: object) -> Waiver | WaiverError:
    base = {"control": "K8S-PSS-*", "path": "deploy/*.yaml", "reason": "legacy", "owner": "ana", "expires": "2027-01-31"}
    base.update(fields)
    found, errors = file_waivers([base], ".paassec-waivers.yaml", lambda path: 7, today=TODAY, max_days=365)
    return found[0] if found else errors[0]


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"reason": ""}, "has no reason"),
        ({"owner": None}, "has no owner"),
        ({"expires": "soon"}, "has no valid expiry"),
        ({"expires": "2028-01-01"}, "more than 365 days ahead (latest 2027-12-05)"),
        ({"control": "k8s pss"}, "names no valid control"),
        ({"path": ""}, "path must be a non-empty glob"),
        ({"colour": "red"}, "unknown waiver field 'colour'"),
    ],
)
def test_an_invalid_file_waiver_is_a_located_error(fields: dict, problem: str) -> None:
    error = waiver(**fields)
    assert isinstance(error, WaiverError)
    assert problem in error.problem
    assert (error.path, error.line) == (".paassec-waivers.yaml", 7)


def test_file_waivers_match_control_prefix_path_and_resource_globs() -> None:
    found = waiver(resource="Deployment/payments/*")
    assert isinstance(found, Waiver)
    assert found.covers("K8S-PSS-001", "deploy/api.yaml", "Deployment/payments/api")
    assert not found.covers("K8S-IAM-001", "deploy/api.yaml", "Deployment/payments/api")
    assert not found.covers("K8S-PSS-001", "other/api.yaml", "Deployment/payments/api")
    assert not found.covers("K8S-PSS-001", "deploy/api.yaml", "Deployment/shop/api")
    assert waiver(control="K8S-PSS-001").covers("K8S-PSS-001", "deploy/x.yaml", "Pod/a")  # type: ignore[union-attr]
    assert not waiver(control="K8S-PSS-001").covers("K8S-PSS-0011", "deploy/x.yaml", "Pod/a")  # type: ignore[union-attr]


def test_a_mapping_with_a_waivers_list_is_accepted() -> None:
    entry = {"control": "XP-SEC-001", "path": "*", "reason": "r", "owner": "o", "expires": dt.date(2027, 1, 1)}
    found, errors = file_waivers({"waivers": [entry]}, "w.yaml", lambda path: 2, today=TODAY, max_days=365)
    assert errors == [] and found[0].expires == dt.date(2027, 1, 1) and found[0].source == "w.yaml:2"


def test_comment_waivers_know_whether_they_sit_at_a_documents_top() -> None:
    text = (
        "# paassec: waive K8S-PSS-* reason=\"whole doc\" owner=ana expires=2027-01-31\n"
        "apiVersion: v1\n"
        "kind: Pod\n"
        "spec:\n"
        "  # paassec: waive XP-SEC-001 reason=demo owner=bo expires=2027-02-01\n"
        "  hostNetwork: true\n"
        "---\n"
        "# paassec: waive K8S-IAM-001 reason=x owner=y\n"
        "kind: Role\n"
    )
    found, errors = comment_waivers("k.yaml", text, [2, 9], today=TODAY, max_days=365)
    assert [(w.waiver.control, w.line, w.document_level) for w in found] == [("K8S-PSS-*", 1, True), ("XP-SEC-001", 5, False)]
    assert [(e.line, e.problem) for e in errors] == [(8, "waiver of K8S-IAM-001 has no valid expiry (None)")]


def test_annotation_waivers() -> None:
    annotations = {
        "paassec.dev/waive.K8S-PSS-001": 'reason="CNI needs it" owner=net-team expires=2027-03-01',
        "paassec.dev/waive.K8S-PSS-002": "owner=x expires=2027-03-01",
        "other": "ignored",
    }
    found, errors = annotation_waivers(annotations, "k.yaml", lambda key: 12, today=TODAY, max_days=365)
    assert [(w.control, w.owner, w.kind, w.source) for w in found] == [("K8S-PSS-001", "net-team", "annotation", "k.yaml:12")]
    assert [e.problem for e in errors] == ["waiver of K8S-PSS-002 has no reason"]


def test_verdicts() -> None:
    active = waiver()
    assert isinstance(active, Waiver)
    expired = Waiver("K8S-PSS-001", "legacy", "ana", dt.date(2026, 12, 4), "w.yaml:3", "file", "*")
    assert judge(True, active, TODAY).outcome == "xfailed"
    assert "waived: legacy (owner ana, expires 2027-01-31" in judge(True, active, TODAY).reason
    xpass = judge(False, active, TODAY, strict_waivers=True)
    assert (xpass.outcome, xpass.strict) == ("xpassed", True)
    assert xpass.reason == "waiver no longer needed: remove it from .paassec-waivers.yaml:7"
    lapsed = judge(True, expired, TODAY)
    assert (lapsed.outcome, lapsed.reason) == ("failed", "waiver expired on 2026-12-04 (w.yaml:3, owner ana)")
    assert judge(True, expired, dt.date(2026, 12, 4)).outcome == "xfailed", "a waiver holds through its expiry day"
    assert judge(True, None, TODAY, all_known=True, known_file="known.json").reason == "known finding, recorded in known.json"
    assert judge(True, None, TODAY).outcome == "failed" and judge(False, None, TODAY).outcome == "passed"


def test_known_findings_round_trip_sorted_and_diffable(tmp_path: Path) -> None:
    rows = [KnownFinding("b.yaml", "K8S-PSS-001", "Pod/b", "$.spec", "2" * 20), KnownFinding("a.yaml", "XP-SEC-001", "Pod/a", "$.env[0].value", "1" * 20)]
    path = tmp_path / "known.json"
    write_known(path, rows + rows[:1])
    text = path.read_text()
    assert text.index("a.yaml") < text.index("b.yaml")
    assert len(text.splitlines()) == 7, "one finding per line"
    assert json.loads(text)["version"] == 1
    assert read_known(path, "known.json") == sorted(rows)
    assert read_known(tmp_path / "absent.json", "absent.json") == []
    assert render_known([]) == '{\n  "version": 1,\n  "findings": []\n}\n'
    path.write_text('{"version": 1, "findings": [\n{"file": "a"}\n]}')
    with pytest.raises(KnownFindingsError, match="lacks file, control"):
        read_known(path, "known.json")
    path.write_text("{nope")
    with pytest.raises(KnownFindingsError, match="known.json:1: not valid JSON"):
        read_known(path, "known.json")


COMPOSE = """services:
  web:
    image: nginx:latest
    # paassec: waive XP-IMG-001 reason="tracked upstream" owner=web-team expires=2027-01-31
    privileged: true
  db:
    image: postgres
    # paassec: waive COMPOSE-NOPE-001 reason="nothing to waive" owner=db-team expires=2027-01-31
    user: root
"""

PODS = """# paassec: waive K8S-PSS-* reason="migrating" owner=plat expires=2027-02-01
apiVersion: v1
kind: Pod
metadata:
  name: a
spec:
  containers: [{name: a, image: a:1, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: Pod
metadata:
  name: b
  annotations:
    paassec.dev/waive.K8S-PSS-001: 'reason="node agent" owner=sre expires=2027-03-01'
    paassec.dev/waive.K8S-PSS-002: 'owner=sre expires=2027-03-01'
    paassec.dev/waive.XP-PRIV-002: 'reason="replaced here" owner=sre expires=2027-03-01'
spec:
  containers: [{name: b, image: b:1, securityContext: {privileged: true}}]
"""


def plan_of(relpath: str, text: str):
    from pytest_paassec.governance.assign import assign

    candidate = classify(Path(relpath))
    intake = take_in_text(relpath, candidate, text)
    plan = plan_checks(intake.parsed, candidate, CATALOG)
    return intake.parsed, plan, assign


def test_comment_waivers_cover_their_own_resource_and_unused_ones_are_returned() -> None:
    parsed, plan, assign = plan_of("compose.yaml", COMPOSE)
    file_waiver = waiver(control="XP-IMG-001", path="compose.yaml", resource="service/db")
    result = assign(parsed, plan.checks, [file_waiver], today=TODAY, max_days=365)
    by = {(control.id, resource.name): result.waiver_for(control.id, resource) for resource, control in plan.checks}
    assert by[("XP-IMG-001", "web")].source == "compose.yaml:4"  # the comment inside web
    assert by[("XP-IMG-001", "db")] is file_waiver  # the file's entry for db
    assert by[("XP-PRIV-002", "web")] is None  # another control: not waived
    assert [w.source for w in result.unused] == ["compose.yaml:8"]
    assert result.errors == []


def test_document_top_comments_and_annotations() -> None:
    parsed, plan, assign = plan_of("pods.yaml", PODS)
    result = assign(parsed, plan.checks, [], today=TODAY, max_days=365)
    waived = {(control.id, resource.name): result.waiver_for(control.id, resource) for resource, control in plan.checks}
    pss_a = [key for key, w in waived.items() if key[1] == "a" and key[0].startswith("K8S-PSS-")]
    assert pss_a and all(waived[key].source == "pods.yaml:1" for key in pss_a), "the top comment covers every PSS check of Pod a"
    assert all(w is None or w.source != "pods.yaml:1" for (control, name), w in waived.items() if name == "b")
    assert waived[("K8S-PSS-001", "b")].source == "pods.yaml:14"
    assert waived[("K8S-PSS-001", "b")].kind == "annotation" and waived[("K8S-PSS-001", "b")].owner == "sre"
    assert [(e.line, e.problem) for e in result.errors] == [(15, "waiver of K8S-PSS-002 has no reason")]
    # XP-PRIV-002 does not run on Kubernetes (K8S-PSS-001 replaces it): that waiver covers nothing.
    assert [w.source for w in result.unused] == ["pods.yaml:16"]
