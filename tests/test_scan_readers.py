"""The scanner report readers: real report shapes in, our findings out."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from pytest_paassec.errors import SettingsError
from pytest_paassec.scans.images import covering, normalize
from pytest_paassec.scans.model import ReportError, ScannedArtifact, ScanReport
from pytest_paassec.scans.read import FORMATS, parse_import_spec, read_report

REPORTS = Path(__file__).parent / "reports"
IMAGE = "registry.example.com/shop/api:1.4.2"
MANIFEST = "sha256:9c2a7e51d3b04f6e8a1c5d7b9e0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f"
IMAGE_ID = "sha256:4f5e1b2c9a7d3e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7"


def read(fmt: str, name: str) -> ScanReport:
    return read_report(fmt, REPORTS / name, f"reports/{name}", 10_000_000)


def rows(report: ScanReport) -> list[tuple]:
    return [(f.id, f.kind, f.severity, f.tool_severity, f.ref, f.fixed, f.file, f.line, f.report_line) for f in report.findings]


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.timezone.utc)


def test_trivy_image_report():
    report = read("trivy", "trivy/image.json")
    assert (report.path, report.format, report.tool, report.created) == (
        "reports/trivy/image.json", "trivy", "Trivy", utc(2026, 12, 3, 6, 14, 27, 482913))
    assert report.artifacts == [
        ScannedArtifact("image", IMAGE, (IMAGE_ID, MANIFEST), 4),
        ScannedArtifact("image", "registry.example.com/shop/api:stable", (IMAGE_ID, MANIFEST), 17),  # RepoTags
    ]
    assert rows(report) == [
        ("CVE-2024-3094", "vulnerability", "critical", "CRITICAL", f"{IMAGE}/xz-utils", "5.4.1-1", None, None, 46),
        ("CVE-2023-45853", "vulnerability", "medium", "UNKNOWN", f"{IMAGE}/zlib1g", None, None, None, 80),
        ("aws-access-key-id", "secret", "critical", "CRITICAL", "/app/shop/settings.py:14", None, "/app/shop/settings.py", 14, 118),
    ]
    xz = report.findings[0]
    assert (xz.package, xz.installed, xz.title) == ("xz-utils", "5.4.1-0.2", "xz: malicious code in distributed source")
    assert xz.references[0] == "https://avd.aquasec.com/nvd/cve-2024-3094"
    assert xz.report_path == ("Results", 0, "Vulnerabilities", 0)


def test_trivy_secret_text_is_never_kept():
    report = read("trivy", "trivy/image.json")
    raw = (REPORTS / "trivy/image.json").read_text()
    assert "AKIAIOSFODNN7EXAMPLE" in raw  # the sample does carry the match
    assert "AKIAIOSFODNN7EXAMPLE" not in repr(report)
    assert "AWS_ACCESS_KEY_ID" not in repr(report)


def test_trivy_config_report_keeps_failures_only():
    report = read("trivy", "trivy/config.json")
    assert report.created == utc(2026, 12, 3, 6, 15, 2, 118204)
    assert report.artifacts == [ScannedArtifact("filesystem", ".", (), 4)]
    assert rows(report) == [
        ("DS002", "misconfiguration", "high", "HIGH", "Dockerfile", "Add 'USER <non root user name>' line to the Dockerfile", "Dockerfile", None, 28),
        ("DS026", "misconfiguration", "low", "LOW", "Dockerfile:1", "Add HEALTHCHECK instruction in Dockerfile", "Dockerfile", 1, 55),
    ]  # DS001 has Status PASS


def test_grype_image_report():
    report = read("grype", "grype/image.json")
    assert (report.tool, report.tool_version, report.created) == ("grype", "0.86.1", utc(2026, 11, 30, 22, 41, 9, 553101))
    assert report.artifacts == [ScannedArtifact("image", IMAGE, (MANIFEST, IMAGE_ID), 162)]
    assert rows(report) == [
        ("CVE-2024-3094", "vulnerability", "critical", "Critical", f"{IMAGE}/xz-utils", "5.4.1-1", None, None, 3),
        ("CVE-2023-45853", "vulnerability", "info", "Negligible", f"{IMAGE}/zlib1g", None, None, None, 95),
    ]
    assert report.findings[0].references == ("https://security-tracker.debian.org/tracker/CVE-2024-3094",)


def test_osv_scanner_report():
    report = read("osv", "osv/osv-scanner.json")
    assert report.created is None  # OSV-Scanner writes no timestamp
    assert [a.name for a in report.artifacts] == ["services/api/requirements.txt", "web/package-lock.json"]
    assert rows(report) == [
        # one finding per alias group; the group's CVSS score 5.4 is medium
        ("GHSA-h5c8-rqwp-cp95", "vulnerability", "medium", "5.4", "services/api/requirements.txt/jinja2", "3.1.3", None, None, 16),
        # no score in the group: GitHub's database severity
        ("GHSA-3xgq-45jj-v275", "vulnerability", "high", "HIGH", "web/package-lock.json/cross-spawn", "7.0.5", None, None, 151),
    ]
    assert report.findings[0].references == (
        "https://osv.dev/vulnerability/GHSA-h5c8-rqwp-cp95", "https://nvd.nist.gov/vuln/detail/CVE-2024-22195")


def test_npm_audit_report():
    report = read("npm-audit", "npm-audit/npm-audit.json")
    assert rows(report) == [
        ("GHSA-xvch-5gv4-984h", "vulnerability", "critical", "critical", "package-lock.json/minimist", "mkdirp@0.5.6", None, None, 9),
        ("GHSA-c2qf-rxjj-qqgw", "vulnerability", "high", "high", "package-lock.json/semver", "npm audit fix", None, None, 62),
        ("GHSA-72xf-g2v4-qvf3", "vulnerability", "medium", "moderate", "package-lock.json/tough-cookie", None, None, None, 91),
    ]  # mkdirp is vulnerable only through minimist: no finding of its own
    assert report.findings[0].references == ("https://github.com/advisories/GHSA-xvch-5gv4-984h",)


def test_pip_audit_report():
    report = read("pip-audit", "pip-audit/pip-audit.json")
    assert rows(report) == [
        ("PYSEC-2023-62", "vulnerability", "high", "", "flask", "2.2.5, 2.3.2", None, None, 1),
        ("GHSA-9wx4-h78v-vm56", "vulnerability", "high", "", "requests", "2.32.0", None, None, 1),
        ("GHSA-h5c8-rqwp-cp95", "vulnerability", "high", "", "jinja2", "3.1.3", None, None, 1),
    ]  # werkzeug has no vulns, shop-internal was skipped
    assert report.findings[0].report_path == ("dependencies", 0, "vulns", 0)
    assert report.findings[0].references[:2] == (
        "https://osv.dev/vulnerability/PYSEC-2023-62", "https://osv.dev/vulnerability/CVE-2023-30861")


def test_bandit_sarif_generated_by_bandit():
    report = read("sarif", "sarif/bandit.sarif")
    assert (report.tool, report.tool_version, report.created) == ("Bandit", "1.9.4", utc(2026, 12, 5, 17, 16, 5))
    assert [(f.id, f.severity, f.tool_severity, f.ref) for f in report.findings] == [
        ("B404", "low", "LOW", "app_src/app.py:4"),
        ("B105", "low", "LOW", "app_src/app.py:10"),
        ("B602", "high", "HIGH", "app_src/app.py:16"),
        ("B324", "high", "HIGH", "app_src/app.py:21"),
        ("B501", "high", "HIGH", "app_src/app.py:26"),
        ("B113", "medium", "MEDIUM", "app_src/app.py:26"),
        ("B201", "high", "HIGH", "app_src/app.py:30"),
        ("B104", "medium", "MEDIUM", "app_src/app.py:30"),
    ]
    b105 = report.findings[1]
    assert (b105.kind, b105.file, b105.line, b105.report_line) == ("code", "app_src/app.py", 10, 184)
    assert b105.references == ("https://bandit.readthedocs.io/en/1.9.4/plugins/b105_hardcoded_password_string.html",)
    # Bandit quotes the password it found; we keep the rule, not the password
    assert "hunter2-not-a-real-one" not in repr(report)
    assert b105.title.startswith("Possible hardcoded password: ")


def test_semgrep_sarif_level_from_rule_default():
    report = read("sarif", "sarif/semgrep.sarif")
    assert (report.tool, report.tool_version, report.created) == ("Semgrep OSS", "1.97.0", None)
    assert rows(report) == [
        ("python.flask.security.injection.subprocess-injection.subprocess-injection", "code", "high", "error", "app_src/app.py:16", None, "app_src/app.py", 16, 13),
        ("python.flask.security.audit.debug-enabled.debug-enabled", "code", "medium", "warning", "app_src/app.py:30", None, "app_src/app.py", 30, 42),
    ]


def test_codeql_sarif_security_severity_and_relative_uris():
    report = read("sarif", "sarif/codeql.sarif")
    assert (report.tool, report.tool_version) == ("CodeQL", "2.19.3")
    assert rows(report) == [
        ("py/sql-injection", "code", "high", "8.8", "shop/views.py:42", None, "shop/views.py", 42, 125),
        # file:// URI under %SRCROOT% made relative
        ("py/flask-debug", "code", "high", "7.5", "shop/app.py:88", None, "shop/app.py", 88, 156),
    ]


@pytest.mark.parametrize(
    ("fmt", "name", "line", "problem"),
    [
        ("trivy", "bad/truncated.json", 41, "not valid JSON (Unterminated string starting): truncated or malformed trivy report"),
        ("trivy", "bad/trivy-schema1.json", 2, "unknown Trivy SchemaVersion 1: only 2 is read"),
        ("npm-audit", "bad/npm-audit-v1.json", 19, "npm audit report version 1 (npm 6, 'advisories'): only auditReportVersion 2 is read"),
        ("sarif", "bad/sarif-2.0.0.sarif", 3, "unknown SARIF version '2.0.0': only 2.1.0 is read"),
        ("trivy", "bad/grype-as-trivy.json", 1, "not a Trivy JSON report: no top-level 'SchemaVersion'; it looks like a grype report"),
        ("trivy", "bad/binary.json", None, "binary file (contains NUL bytes)"),
        ("grype", "bad/empty.json", None, "empty grype report"),
    ],
)
def test_bad_reports_are_located_errors(fmt, name, line, problem):
    with pytest.raises(ReportError) as caught:
        read(fmt, name)
    assert (caught.value.path, caught.value.line, caught.value.problem) == (f"reports/{name}", line, problem)
    assert caught.value.hint


@pytest.mark.parametrize(("fmt", "name"), [(f, "trivy/image.json") for f in FORMATS if f != "trivy"] + [("trivy", "sarif/bandit.sarif")])
def test_a_report_read_as_another_format_is_an_error(fmt, name):
    with pytest.raises(ReportError) as caught:
        read(fmt, name)
    assert caught.value.path == f"reports/{name}"


def test_a_clean_report_has_no_findings(tmp_path):
    clean = tmp_path / "clean.json"
    clean.write_text('{"SchemaVersion": 2, "CreatedAt": "2026-11-20T09:00:00Z", "ArtifactName": "nginx:1.27", "ArtifactType": "container_image", "Results": []}')
    report = read_report("trivy", clean, "clean.json", 10_000)
    assert report.findings == [] and report.artifacts[0].name == "nginx:1.27"


def test_over_the_size_limit(tmp_path):
    big = tmp_path / "big.json"
    big.write_text("{}" + " " * 100)
    with pytest.raises(ReportError, match="over the paassec_max_file_size limit of 50"):
        read_report("grype", big, "big.json", 50)


@pytest.mark.parametrize(
    "alias",
    ["nginx", "nginx:latest", "docker.io/nginx", "docker.io/library/nginx:latest", "index.docker.io/library/nginx", "registry-1.docker.io/library/nginx"],
)
def test_docker_hub_aliases_are_one_image(alias):
    assert normalize(alias) == ("docker.io", "library/nginx", "latest", None)


def test_normalize_keeps_tag_and_digest():
    assert normalize("ghcr.io/acme/web:2.0") == ("ghcr.io", "acme/web", "2.0", None)
    assert normalize(f"registry.example.com/shop/api@{MANIFEST}") == ("registry.example.com", "shop/api", None, MANIFEST)
    assert normalize("localhost:5000/api") == ("localhost:5000", "api", "latest", None)


def test_covering_by_tag_alias_and_digest():
    trivy, grype = read("trivy", "trivy/image.json"), read("grype", "grype/image.json")
    reports = [trivy, grype]
    assert [r.format for r, _ in covering(reports, IMAGE)] == ["trivy", "grype"]
    assert [r.format for r, _ in covering(reports, "registry.example.com/shop/api:stable")] == ["trivy"]
    by_digest = covering(reports, f"registry.example.com/shop/api@{MANIFEST}")
    assert [(r.format, a.name) for r, a in by_digest] == [
        ("trivy", IMAGE), ("trivy", "registry.example.com/shop/api:stable"), ("grype", IMAGE)]
    assert covering(reports, "registry.example.com/shop/api:1.4.3") == []
    assert covering(reports, "registry.example.com/shop/api") == []  # latest is not 1.4.2
    assert covering(reports, "shop/api:1.4.2") == []  # Docker Hub, not our registry
    assert covering(reports, "registry.example.com/shop/api@sha256:" + "0" * 64) == []
    hub = ScanReport("r.json", "trivy", "Trivy", None, None, [ScannedArtifact("image", "nginx", ())])
    assert covering([hub], "docker.io/library/nginx:latest") == [(hub, hub.artifacts[0])]
    assert covering([hub], "nginx:1.27") == []
    # a file system scan never covers an image
    assert covering([read("trivy", "trivy/config.json")], ".") == []


def test_trivy_sarif_names_the_image(tmp_path):
    sarif = tmp_path / "trivy.sarif"
    sarif.write_text(
        '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Trivy", "version": "0.57.1", "rules": []}},'
        ' "results": [], "properties": {"imageName": "registry.example.com/shop/api:1.4.2",'
        f' "repoDigests": ["registry.example.com/shop/api@{MANIFEST}"], "repoTags": ["registry.example.com/shop/api:1.4.2"]}}}}]}}'
    )
    report = read_report("sarif", sarif, "trivy.sarif", 10_000)
    assert report.artifacts == [ScannedArtifact("image", IMAGE, (MANIFEST,), 1)]
    assert covering([report], f"registry.example.com/shop/api@{MANIFEST}") == [(report, report.artifacts[0])]


def test_parse_import_spec():
    assert parse_import_spec("trivy:reports/trivy.json", "--paassec-import") == ("trivy", "reports/trivy.json")
    assert parse_import_spec(" npm-audit:web/audit.json ", "ini paassec_imports") == ("npm-audit", "web/audit.json")
    with pytest.raises(SettingsError, match=r"--paassec-import: 'snyk:x.json' is not FORMAT:PATH with FORMAT one of trivy, grype, pip-audit, osv, npm-audit, sarif"):
        parse_import_spec("snyk:x.json", "--paassec-import")
    with pytest.raises(SettingsError, match="ini paassec_imports"):
        parse_import_spec("reports/trivy.json", "ini paassec_imports")


def test_a_wrong_structure_is_located(tmp_path):
    report = tmp_path / "trivy.json"
    report.write_text('{\n  "SchemaVersion": 2,\n  "ArtifactName": "nginx:1.27",\n  "Results": [\n    {"Target": "x", "Vulnerabilities": "none"}\n  ]\n}\n')
    with pytest.raises(ReportError) as caught:
        read_report("trivy", report, "trivy.json", 10_000)
    assert (caught.value.line, caught.value.problem) == (5, "Vulnerabilities is not a JSON array")


SAMPLES = [("trivy", "trivy/image.json"), ("trivy", "trivy/config.json"), ("grype", "grype/image.json"),
           ("osv", "osv/osv-scanner.json"), ("npm-audit", "npm-audit/npm-audit.json"), ("pip-audit", "pip-audit/pip-audit.json"),
           ("sarif", "sarif/bandit.sarif"), ("sarif", "sarif/semgrep.sarif"), ("sarif", "sarif/codeql.sarif")]


def _every_path(node, prefix=()):
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        yield prefix + (key,)
        yield from _every_path(value, prefix + (key,))


@pytest.mark.parametrize(("fmt", "name"), SAMPLES)
def test_a_value_of_the_wrong_type_anywhere_is_an_error_or_changes_nothing(fmt, name, tmp_path):
    """Each value of each sample, in turn, replaced by a string and by a
    number: the reader either raises a ReportError naming the report, or
    still reads every finding. Never a crash, never a finding lost."""
    original = json.loads((REPORTS / name).read_text())
    expected = len(read(fmt, name).findings)
    target = tmp_path / "report.json"
    errors = 0
    for path in _every_path(original):
        for wrong in ("x", 7):
            mutated = copy.deepcopy(original)
            node = mutated
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = wrong
            target.write_text(json.dumps(mutated, indent=2))
            try:
                report = read_report(fmt, target, "reports/edited.json", 10_000_000)
            except ReportError as exc:
                errors += 1
                assert exc.path == "reports/edited.json" and exc.line, (path, wrong, exc.render())
            else:
                assert len(report.findings) == expected, (path, wrong)
    assert errors, "no mutation was caught"


def test_a_wrong_type_inside_a_finding_is_located_at_the_finding(tmp_path):
    data = json.loads((REPORTS / "sarif/bandit.sarif").read_text())
    data["runs"][0]["results"][2]["locations"] = 7
    target = tmp_path / "bandit.sarif"
    target.write_text(json.dumps(data, indent=2))
    with pytest.raises(ReportError) as caught:
        read_report("sarif", target, "reports/bandit.sarif", 10_000_000)
    line = next(n for n, text in enumerate(target.read_text().splitlines(), 1) if text.strip() == '"locations": 7,')
    assert caught.value.problem.startswith("a value in runs[0].results[2] does not have the type the sarif format gives it (TypeError: ")
    assert 0 < line - caught.value.line < 40  # the finding's opening line, a few lines above the bad value
