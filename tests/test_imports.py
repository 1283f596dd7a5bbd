"""Imported scanner reports as items, and deployed images tied to them,
end to end (pytester), plain and under ``-n 2``."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

REPORTS = Path(__file__).parent / "reports"
SCHEMA = json.loads((Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text())
TODAY = "--paassec-today=2026-12-05"

COMPOSE = """services:
  api:
    image: registry.example.com/shop/api:1.4.2
  db:
    image: postgres:16.4
"""


@pytest.fixture
def repo(pytester: pytest.Pytester) -> pytest.Pytester:
    # Only the image controls among the baselines: the reports' items are the subject here.
    pytester.makeini("[pytest]\npaassec_ignore = XP COMPOSE DEP\n")
    shutil.copytree(REPORTS, pytester.path / "reports")
    (pytester.path / "docker-compose.yml").write_text(COMPOSE)
    return pytester


def cases(junit: Path) -> dict[str, tuple[str, dict[str, str], str]]:
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        outcome = "failed" if failure is not None else "error" if error is not None else "skipped" if case.find("skipped") is not None else "passed"
        text = (failure if failure is not None else error).text if outcome in ("failed", "error") else ""
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        found[f"{case.get('classname')}::{case.get('name')}"] = (outcome, props, text or "")
    return found


def by_name(found: dict[str, tuple[str, dict[str, str], str]]) -> dict[str, str]:
    return {key.rsplit("::", 1)[1]: value[0] for key, value in found.items()}


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["plain", "xdist"])
def test_trivy_findings_are_items_and_the_unscanned_image_fails(repo: pytest.Pytester, workers: list[str]) -> None:
    result = repo.runpytest("--paassec-import=trivy:reports/trivy/image.json", TODAY, "--junitxml=junit.xml", "-p", "no:cacheprovider", *workers)
    found = cases(repo.path / "junit.xml")
    outcomes = by_name(found)
    assert outcomes["CVE-2024-3094[registry.example.com/shop/api:1.4.2/xz-utils]"] == "failed"
    assert outcomes["SCAN-IMG-001[service/api]"] == "passed"
    assert outcomes["SCAN-IMG-001[service/db]"] == "failed"
    assert outcomes["SCAN-IMG-002[service/api]"] == "passed"
    # The age of a scan that does not exist is not judged (SCAN-IMG-001 fails instead).
    assert "SCAN-IMG-002[service/db]" not in outcomes
    key = next(k for k in found if k.endswith("CVE-2024-3094[registry.example.com/shop/api:1.4.2/xz-utils]"))
    outcome, props, text = found[key]
    assert key.startswith("reports/trivy/image.json::") or key.startswith("reports.trivy.image.json::")
    assert props["paassec.severity"] == "critical"
    assert props["paassec.platform"] == "trivy"
    assert props["paassec.references"].startswith("https://avd.aquasec.com/nvd/cve-2024-3094")
    assert "Upgrade xz-utils to" in text
    unscanned = found[next(k for k in found if k.endswith("SCAN-IMG-001[service/db]"))][2]
    assert "docker-compose.yml:5" in unscanned and "postgres:16.4" in unscanned
    assert result.ret == 1


def test_a_stale_report_fails_the_age_control(repo: pytest.Pytester) -> None:
    result = repo.runpytest("--paassec-import=trivy:reports/trivy/image.json", "--paassec-today=2027-01-31", "-p", "no:cacheprovider", "-rf")
    result.stdout.fnmatch_lines(["*SCAN-IMG-002 (medium) service/api*older than 7 days*"])
    result.stdout.fnmatch_lines(["*docker-compose.yml:3*scanned 2026-1*days before 2027-01-31 -> a scan at most 7 days old*"])
    relaxed = repo.runpytest("--paassec-import=trivy:reports/trivy/image.json", "--paassec-today=2027-01-31", "--paassec-scan-max-age=90",
                             "-p", "no:cacheprovider", "-k", "SCAN-IMG-002")
    relaxed.assert_outcomes(passed=1)


def test_sarif_from_a_sast_tool_is_shown_at_its_source_line(repo: pytest.Pytester) -> None:
    result = repo.runpytest("--paassec-import=sarif:reports/sarif/bandit.sarif", TODAY, "-p", "no:cacheprovider", "--paassec-sarif=out.sarif", "-k", "B113")
    result.stdout.fnmatch_lines(["*B113 (medium) app_src/app.py:26*", "*app_src/app.py:26 *Call to requests without timeout*"])
    document = json.loads((repo.path / "out.sarif").read_text())
    jsonschema.validate(document, SCHEMA)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app_src/app.py"
    assert location["region"]["startLine"] == 26


def test_a_cve_is_waived_like_a_control(repo: pytest.Pytester) -> None:
    (repo.path / ".paassec-waivers.yaml").write_text(
        "- control: CVE-2024-3094\n  path: reports/trivy/image.json\n  resource: 'registry.example.com/shop/api:*'\n"
        "  reason: the base image with the fix ships next sprint\n  owner: shop-team\n  expires: 2026-12-20\n"
    )
    result = repo.runpytest("--paassec-import=trivy:reports/trivy/image.json", TODAY, "-p", "no:cacheprovider", "-rx", "-k", "CVE-2024-3094")
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["*waived: the base image with the fix ships next sprint (owner shop-team, expires 2026-12-20*"])
    expired = repo.runpytest("--paassec-import=trivy:reports/trivy/image.json", "--paassec-today=2026-12-21", "-p", "no:cacheprovider", "-k", "CVE-2024-3094")
    expired.assert_outcomes(failed=1)


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("trivy:reports/bad/truncated.json", "*reports/bad/truncated.json:*"),
        ("trivy:reports/bad/trivy-schema1.json", "*SchemaVersion*"),
        ("npm-audit:reports/bad/npm-audit-v1.json", "*npm*"),
        ("sarif:reports/bad/sarif-2.0.0.sarif", "*2.0.0*"),
        ("trivy:reports/bad/grype-as-trivy.json", "*grype*"),
        ("trivy:reports/missing.json", "*reports/missing.json: the trivy report * does not exist*"),
    ],
)
def test_a_bad_report_is_an_error_item_never_zero_findings(repo: pytest.Pytester, spec: str, problem: str) -> None:
    result = repo.runpytest(f"--paassec-import={spec}", TODAY, "-p", "no:cacheprovider", "-rE")
    result.stdout.fnmatch_lines(["*ERROR*PAASSEC-IMPORT*", problem])
    assert result.ret == 1
    # The deployment files are still checked.
    result.stdout.fnmatch_lines(["*SCAN-IMG-001*service/api*"])


def test_every_format_gives_items(repo: pytest.Pytester) -> None:
    specs = [
        "trivy:reports/trivy/image.json", "trivy:reports/trivy/config.json", "grype:reports/grype/image.json",
        "pip-audit:reports/pip-audit/pip-audit.json", "osv:reports/osv/osv-scanner.json", "npm-audit:reports/npm-audit/npm-audit.json",
        "sarif:reports/sarif/bandit.sarif", "sarif:reports/sarif/semgrep.sarif", "sarif:reports/sarif/codeql.sarif",
    ]
    result = repo.runpytest(*[f"--paassec-import={s}" for s in specs], TODAY, "-p", "no:cacheprovider", "--co", "-q")
    lines = result.stdout.lines
    for spec in specs:
        path = spec.split(":", 1)[1]
        assert any(line.startswith(path + "::") for line in lines), f"no item under {path}"
    assert not any("PAASSEC-IMPORT" in line for line in lines)


def test_a_clean_report_is_a_passing_item_saying_what_was_scanned(repo: pytest.Pytester) -> None:
    report = json.loads((REPORTS / "trivy" / "image.json").read_text())
    for result in report["Results"]:
        for key in ("Vulnerabilities", "Secrets", "Misconfigurations"):
            result.pop(key, None)
    (repo.path / "clean.json").write_text(json.dumps(report, indent=2))
    result = repo.runpytest("--paassec-import=trivy:clean.json", TODAY, "-p", "no:cacheprovider", "-v", "-k", "IMPORT")
    result.stdout.fnmatch_lines(["*clean.json::PAASSEC-IMPORT?clean.json? PASSED*"])
