"""Waivers, known findings, SARIF and JSON end to end (pytester), plain and
under ``-n 2``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

SCHEMA = json.loads((Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text())
TODAY = "--paassec-today=2026-12-05"

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
"""


@pytest.fixture
def repo(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\npaassec_select = K8S-PSS-001 XP-SEC-001 XP-PRIV-002\n")
    (pytester.path / "deploy").mkdir()
    return pytester


def literal(text: str) -> str:
    """``text`` as an fnmatch pattern that matches it literally ([ and ] are classes)."""
    return "".join({"[": "[[]", "]": "[]]"}.get(c, c) for c in text)


def outcomes(result: pytest.RunResult) -> dict[str, int]:
    return {k: v for k, v in result.parseoutcomes().items() if k not in ("seconds", "warnings", "warning")}


def write_waivers(repo: pytest.Pytester, text: str) -> None:
    (repo.path / ".paassec-waivers.yaml").write_text(text)


WAIVER = """- control: K8S-PSS-001
  path: deploy/*.yaml
  resource: Pod/shop/*
  reason: the CNI agent needs it until 2.0
  owner: platform-team
  expires: {expires}
"""


def test_a_file_waiver_makes_a_failure_an_expected_one(repo: pytest.Pytester) -> None:
    (repo.path / "deploy" / "pod.yaml").write_text(POD)
    write_waivers(repo, WAIVER.format(expires="2027-01-31"))
    junit = repo.path / "junit.xml"
    result = repo.runpytest(TODAY, "-rx", f"--junitxml={junit}")
    assert outcomes(result) == {"xfailed": 1}
    result.stdout.fnmatch_lines([
        "paassec: 1 waivers in .paassec-waivers.yaml (0 expiring within 30 days, 0 expired)",
        "*" + literal("XFAIL deploy/pod.yaml::K8S-PSS-001[Pod/shop/api] - waived: the CNI agent needs it until 2.0 (owner platform-team, expires 2027-01-31, .paassec-waivers.yaml:1)"),
    ])
    skipped = ET.parse(junit).getroot().find(".//testcase/skipped")
    assert skipped is not None and skipped.get("type") == "pytest.xfail"
    assert "owner platform-team, expires 2027-01-31, .paassec-waivers.yaml:1" in skipped.get("message", "")


def test_a_waiver_no_longer_needed_is_an_xpass_and_fails_under_strict(repo: pytest.Pytester) -> None:
    (repo.path / "deploy" / "pod.yaml").write_text(POD.replace("privileged: true", "privileged: false"))
    write_waivers(repo, WAIVER.format(expires="2027-01-31"))
    result = repo.runpytest(TODAY, "-rX")
    assert outcomes(result) == {"xpassed": 1}
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*" + literal("XPASS deploy/pod.yaml::K8S-PSS-001[Pod/shop/api] - waiver no longer needed: remove it from .paassec-waivers.yaml:1")])
    strict = repo.runpytest(TODAY, "--paassec-strict-waivers", "--paassec-json=report.json")
    assert outcomes(strict) == {"failed": 1}
    [item] = json.loads((repo.path / "report.json").read_text())["items"]
    assert item["outcome"] == "xpassed" and item["waiver"]["source"] == ".paassec-waivers.yaml:1"
    strict.stdout.fnmatch_lines(["*[[]XPASS(strict)[]] waiver no longer needed: remove it from .paassec-waivers.yaml:1*"])


def test_an_expired_waiver_does_not_apply_and_says_so(repo: pytest.Pytester) -> None:
    (repo.path / "deploy" / "pod.yaml").write_text(POD)
    write_waivers(repo, WAIVER.format(expires="2026-12-01"))
    result = repo.runpytest(TODAY)
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(["*waiver expired on 2026-12-01 (.paassec-waivers.yaml:1, owner platform-team)*", "*expired: .paassec-waivers.yaml:1*"])
    # The same file judged on the day it expires still applies.
    assert outcomes(repo.runpytest("--paassec-today=2026-12-01")) == {"xfailed": 1}


@pytest.mark.parametrize(
    "entry, problem",
    [
        ("- control: K8S-PSS-001\n  path: '*'\n  owner: a\n  expires: 2027-01-01\n", "waiver of K8S-PSS-001 has no reason"),
        ("- control: K8S-PSS-001\n  path: '*'\n  reason: r\n  expires: 2027-01-01\n", "waiver of K8S-PSS-001 has no owner"),
        ("- control: K8S-PSS-001\n  path: '*'\n  reason: r\n  owner: a\n  expires: someday\n", "has no valid expiry"),
        ("- control: K8S-PSS-001\n  path: '*'\n  reason: r\n  owner: a\n  expires: 2028-06-01\n", "more than 365 days ahead"),
    ],
)
def test_a_malformed_or_too_long_waiver_is_an_error_item(repo: pytest.Pytester, entry: str, problem: str) -> None:
    (repo.path / "deploy" / "pod.yaml").write_text(POD)
    write_waivers(repo, entry)
    result = repo.runpytest(TODAY)
    assert outcomes(result) == {"failed": 1, "errors": 1}
    result.stdout.fnmatch_lines(["*PAASSEC-WAIVER[[].paassec-waivers.yaml:1[]]*", f"*.paassec-waivers.yaml:1: *{problem}*"])


def test_unused_file_waivers_are_listed_and_fail_under_strict(repo: pytest.Pytester) -> None:
    (repo.path / "deploy" / "pod.yaml").write_text(POD)
    write_waivers(repo, WAIVER.format(expires="2027-01-31") + WAIVER.replace("K8S-PSS-001", "K8S-PSS-999").format(expires="2027-01-31"))
    result = repo.runpytest(TODAY)
    assert outcomes(result) == {"xfailed": 1}
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*matches no item: .paassec-waivers.yaml:7 (K8S-PSS-999, owner platform-team)*"])
    assert repo.runpytest(TODAY, "--paassec-strict-waivers").ret == 1


INLINE = {
    "deploy/pod.yaml": POD.replace("      securityContext:\n", "      # paassec: waive K8S-PSS-001 reason=\"CNI agent\" owner=net expires=2027-01-31\n      securityContext:\n"),
    "deploy/docker-compose.yml": "services:\n  web:\n    image: nginx:1.27\n    # paassec: waive XP-PRIV-002 reason=\"CNI agent\" owner=net expires=2027-01-31\n    privileged: true\n",
    "fly.toml": "app = \"shop\"\n[env]\n  # paassec: waive XP-SEC-001 reason=\"CNI agent\" owner=net expires=2027-01-31\n  DB_PASSWORD = \"correct-horse-battery\"\n",
    "Dockerfile": "FROM python:3.12-slim\n# paassec: waive XP-SEC-001 reason=\"CNI agent\" owner=net expires=2027-01-31\nENV API_TOKEN=correct-horse-battery\nUSER 10001\n",
    "Procfile": "web: gunicorn app:app\n",
}


@pytest.mark.parametrize("relpath", ["deploy/pod.yaml", "deploy/docker-compose.yml", "fly.toml", "Dockerfile"])
def test_inline_waiver_comments_in_every_comment_format(repo: pytest.Pytester, relpath: str) -> None:
    path = repo.path / relpath
    path.parent.mkdir(exist_ok=True)
    path.write_text(INLINE[relpath])
    result = repo.runpytest(TODAY, "-rx")
    found = outcomes(result)
    assert found.get("xfailed") == 1 and "failed" not in found, result.stdout.str()
    line = next(n for n, text in enumerate(INLINE[relpath].splitlines(), 1) if "paassec: waive" in text)
    result.stdout.fnmatch_lines(["*XFAIL*" + literal(f"waived: CNI agent (owner net, expires 2027-01-31, {relpath}:{line})")])


def test_a_waiver_comment_in_a_procfile(repo: pytest.Pytester) -> None:
    repo.makeini("[pytest]\npaassec_select = HEROKU-PRIV-001\n")
    (repo.path / "Procfile").write_text(
        "# paassec: waive HEROKU-PRIV-001 reason=\"staging preview only\" owner=web expires=2027-01-01\n"
        "web: python manage.py runserver 0.0.0.0:$PORT\n"
        "worker: celery worker\n"
    )
    result = repo.runpytest(TODAY, "-rx")
    assert outcomes(result) == {"xfailed": 1, "passed": 1}
    result.stdout.fnmatch_lines(["*" + literal("XFAIL Procfile::HEROKU-PRIV-001[process/web] - waived: staging preview only (owner web, expires 2027-01-01, Procfile:1)")])
    (repo.path / "Procfile").write_text("# paassec: waive HEROKU-NOPE-001 reason=x owner=y expires=2027-01-01\nweb: gunicorn app:app\n")
    unused = repo.runpytest(TODAY, "-rs")
    unused.stdout.fnmatch_lines(["*Procfile:1: waiver of HEROKU-NOPE-001 covers no check here*"])


def test_annotation_waivers_and_a_document_top_waiver(repo: pytest.Pytester) -> None:
    annotated = POD.replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n    paassec.dev/waive.K8S-PSS-001: 'reason=\"node agent\" owner=sre expires=2027-03-01'\n")
    (repo.path / "deploy" / "pod.yaml").write_text(annotated)
    top = "# paassec: waive K8S-PSS-* reason=\"legacy chart\" owner=sre expires=2027-03-01\n" + POD.replace("name: api", "name: web")
    (repo.path / "deploy" / "web.yaml").write_text(top)
    result = repo.runpytest(TODAY, "-rx")
    assert outcomes(result) == {"xfailed": 2}
    result.stdout.fnmatch_lines(
        [
            "*" + literal("K8S-PSS-001[Pod/shop/api] - waived: node agent (owner sre, expires 2027-03-01, deploy/pod.yaml:7)"),
            "*" + literal("K8S-PSS-001[Pod/shop/web] - waived: legacy chart (owner sre, expires 2027-03-01, deploy/web.yaml:1)"),
        ]
    )


def test_unused_inline_waiver_is_a_skip_and_a_failure_under_strict(repo: pytest.Pytester) -> None:
    text = POD.replace("      securityContext:\n", "      # paassec: waive K8S-PSS-042 reason=\"typo\" owner=net expires=2027-01-31\n      securityContext:\n")
    (repo.path / "deploy" / "pod.yaml").write_text(text)
    assert outcomes(repo.runpytest(TODAY)) == {"failed": 1, "skipped": 1}
    assert outcomes(repo.runpytest(TODAY, "--paassec-strict-waivers")) == {"failed": 2}


def test_known_findings_round_trip(repo: pytest.Pytester) -> None:
    (repo.path / "deploy" / "pod.yaml").write_text(POD)
    known = repo.path / "security" / "known-findings.json"
    first = repo.runpytest(f"--paassec-known-findings={known}", "--paassec-update-known-findings")
    assert outcomes(first) == {"failed": 1}
    recorded = json.loads(known.read_text())["findings"]
    assert [(f["control"], f["file"], f["resource"]) for f in recorded] == [("K8S-PSS-001", "deploy/pod.yaml", "Pod/shop/api")]
    assert "privileged" in recorded[0]["path"] and "true" not in json.dumps(recorded[0]["fingerprint"])
    # A line move and a reformat make no new finding.
    moved = "# a comment\n# that moves everything\n\n" + POD.replace("      securityContext:\n        privileged: true\n", "      securityContext: {privileged: true}\n")
    (repo.path / "deploy" / "pod.yaml").write_text(moved)
    result = repo.runpytest(f"--paassec-known-findings={known}", "-rx")
    assert outcomes(result) == {"xfailed": 1}
    result.stdout.fnmatch_lines(["*known finding, recorded in security/known-findings.json"])
    # A new finding fails; the known one stays expected.
    (repo.path / "deploy" / "web.yaml").write_text(POD.replace("name: api", "name: web"))
    assert outcomes(repo.runpytest(f"--paassec-known-findings={known}")) == {"failed": 1, "xfailed": 1}
    # Fixing the known one lists it, and the update shrinks the file.
    (repo.path / "deploy" / "pod.yaml").write_text(POD.replace("privileged: true", "privileged: false"))
    (repo.path / "deploy" / "web.yaml").unlink()
    fixed = repo.runpytest(f"--paassec-known-findings={known}")
    fixed.stdout.fnmatch_lines(["*1 recorded findings fixed*", "*fixed: K8S-PSS-001 deploy/pod.yaml Pod/shop/api*"])
    repo.runpytest(f"--paassec-known-findings={known}", "--paassec-update-known-findings")
    assert json.loads(known.read_text())["findings"] == []


def test_sarif_and_json_are_valid_and_the_same_under_xdist(repo: pytest.Pytester) -> None:
    (repo.path / "deploy" / "pod.yaml").write_text(POD)
    (repo.path / "deploy" / "web.yaml").write_text(POD.replace("name: api", "name: web"))
    (repo.path / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres:16\n    environment:\n      DB_PASSWORD: correct-horse-battery\n")
    write_waivers(repo, WAIVER.format(expires="2027-01-31").replace("Pod/shop/*", "Pod/shop/web"))
    documents = {}
    for name, extra in (("plain", ()), ("xdist", ("-n", "2"))):
        sarif, report = repo.path / f"{name}.sarif", repo.path / f"{name}.json"
        repo.runpytest_subprocess(TODAY, f"--paassec-sarif={sarif}", f"--paassec-json={report}", *extra)
        documents[name] = (json.loads(sarif.read_text()), json.loads(report.read_text()))
        jsonschema.validate(documents[name][0], SCHEMA)
    assert documents["plain"] == documents["xdist"]
    sarif, report = documents["plain"]
    results = sarif["runs"][0]["results"]
    by_rule = {}
    for result in results:
        by_rule.setdefault(result["ruleId"], []).append(result)
    assert len(by_rule["K8S-PSS-001"]) == 2
    suppressed = [r for r in by_rule["K8S-PSS-001"] if "suppressions" in r]
    assert len(suppressed) == 1 and suppressed[0]["suppressions"][0]["kind"] == "external"
    assert "correct-horse-battery" not in json.dumps(sarif) and "correct-horse-battery" not in json.dumps(report)
    items = {item["id"]: item for item in report["items"]}
    assert items["deploy/web.yaml::K8S-PSS-001[Pod/shop/web]"]["outcome"] == "xfailed"
    assert items["deploy/web.yaml::K8S-PSS-001[Pod/shop/web]"]["waiver"]["owner"] == "platform-team"
    assert items["deploy/pod.yaml::K8S-PSS-001[Pod/shop/api]"]["violations"][0]["line"] == 11
    assert report["counts"]["failed"] == 2 and report["counts"]["xfailed"] == 1


def test_waivers_and_known_findings_under_xdist(repo: pytest.Pytester) -> None:
    (repo.path / "deploy" / "pod.yaml").write_text(POD)
    (repo.path / "deploy" / "web.yaml").write_text(POD.replace("name: api", "name: web"))
    write_waivers(repo, WAIVER.format(expires="2027-01-31").replace("Pod/shop/*", "Pod/shop/web"))
    known = repo.path / "known.json"
    repo.runpytest_subprocess(TODAY, f"--paassec-known-findings={known}", "--paassec-update-known-findings", "-n", "2")
    assert len(json.loads(known.read_text())["findings"]) == 1, "the waived finding is not recorded as known"
    result = repo.runpytest_subprocess(TODAY, f"--paassec-known-findings={known}", "-n", "2")
    assert outcomes(result) == {"xfailed": 2}


def test_every_waiver_state_is_the_same_under_xdist(repo: pytest.Pytester) -> None:
    """Active, expired, no longer needed, inline, annotation, unused and
    malformed waivers in one project: the same outcomes and reasons with -n 2."""
    (repo.path / "deploy" / "active.yaml").write_text(POD.replace("name: api", "name: active"))
    (repo.path / "deploy" / "expired.yaml").write_text(POD.replace("name: api", "name: expired"))
    (repo.path / "deploy" / "fixed.yaml").write_text(POD.replace("name: api", "name: fixed").replace("privileged: true", "privileged: false"))
    (repo.path / "deploy" / "inline.yaml").write_text(INLINE["deploy/pod.yaml"].replace("name: api", "name: inline"))
    (repo.path / "deploy" / "annotated.yaml").write_text(
        POD.replace("name: api", "name: annotated").replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n    paassec.dev/waive.K8S-PSS-001: 'reason=\"agent\" owner=sre expires=2027-03-01'\n")
    )
    (repo.path / "deploy" / "unused.yaml").write_text(POD.replace("name: api", "name: unused").replace("spec:\n", "# paassec: waive K8S-PSS-042 reason=typo owner=x expires=2027-01-01\nspec:\n"))
    write_waivers(
        repo,
        WAIVER.format(expires="2027-01-31").replace("Pod/shop/*", "Pod/shop/active")
        + WAIVER.format(expires="2026-11-01").replace("Pod/shop/*", "Pod/shop/expired")
        + WAIVER.format(expires="2027-01-31").replace("Pod/shop/*", "Pod/shop/fixed")
        + "- control: K8S-PSS-001\n  path: '*'\n  owner: nobody\n  expires: 2027-01-01\n",
    )

    def run(*extra: str) -> tuple[dict[str, int], list[str]]:
        result = repo.runpytest_subprocess(TODAY, "-rA", "-p", "no:randomly", *extra)
        lines = sorted(line for line in result.stdout.lines if line.startswith(("PASSED", "FAILED", "ERROR", "XFAIL", "XPASS", "SKIPPED")))
        return outcomes(result), lines

    plain, distributed = run(), run("-n", "2")
    assert plain == distributed
    counts, lines = plain
    assert counts == {"failed": 2, "xfailed": 3, "xpassed": 1, "skipped": 1, "errors": 1}, lines  # expired, and unused.yaml's pod
    assert any(line.startswith("FAILED deploy/expired.yaml") for line in lines)
    assert any(line.startswith("XPASS deploy/fixed.yaml") and "waiver no longer needed" in line for line in lines)
    assert any(line.startswith("ERROR PAASSEC-WAIVER[.paassec-waivers.yaml:19]") for line in lines), lines
