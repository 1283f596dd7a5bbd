"""End-to-end behaviour of the plugin through pytester."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

BASELINE = """\
baseline: test
controls:
  - id: T-PRIV-001
    title: Containers must not run privileged
    severity: critical
    category: least-privilege
    platforms: [kubernetes]
    subject: containers
    expect: {path: securityContext.privileged, not_equals: true}
    message: "a container runs privileged"
    remediation: Set privileged to false.
    references: ["CIS 5.2.1", "NIST 800-53 AC-6"]
  - id: T-RES-001
    title: Memory limit set
    severity: low
    category: resources
    platforms: [kubernetes]
    subject: containers
    expect: {path: resources.limits.memory, le: 2Gi}
    remediation: Set resources.limits.memory.
  - id: T-SEC-001
    title: No literal passwords in env
    severity: high
    category: secrets
    platforms: [kubernetes]
    subject: containers
    expect:
      for_each:
        path: env[*]
        where: {path: name, matches: PASSWORD}
        expect: {path: value, absent: true}
  - id: T-NET-001
    title: Compose services must not use host networking
    severity: high
    category: network
    platforms: [compose]
    expect: {path: network_mode, not_equals: host}
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0
          securityContext:
            privileged: true
          resources:
            limits:
              memory: 1Gi
          env:
            - name: DB_PASSWORD
              value: Sup3rS3cretValue!2024
"""

INI = """\
[pytest]
paassec_builtin_baselines = false
paassec_baselines = baseline.yaml
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", baseline=BASELINE)
    pytester.makeini(INI)
    (pytester.path / "deploy").mkdir()
    (pytester.path / "deploy" / "api.yaml").write_text(DEPLOYMENT)
    (pytester.path / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx:1.27\n    network_mode: host\n")
    return pytester


def test_inventory_names_every_control_and_resource(project: pytest.Pytester) -> None:
    result = project.runpytest("--co", "-q")
    result.stdout.fnmatch_lines(
        [
            "deploy/api.yaml::T-PRIV-001[[]Deployment/payments/api]",
            "deploy/api.yaml::T-RES-001[[]Deployment/payments/api]",
            "deploy/api.yaml::T-SEC-001[[]Deployment/payments/api]",
            "docker-compose.yml::T-NET-001[[]service/web]",
        ]
    )
    assert "4 tests collected" in result.stdout.str()


def test_failures_are_plain_text_with_file_line_and_remediation(project: pytest.Pytester) -> None:
    result = project.runpytest("deploy")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "T-PRIV-001 (critical) Deployment/payments/api: a container runs privileged",
            "  deploy/api.yaml:13  $.spec.template.spec.containers[[]0].securityContext.privileged  true -> not true",
            "Remediation: Set privileged to false.",
            "References: CIS 5.2.1, NIST 800-53 AC-6",
        ]
    )
    output = result.stdout.str()
    assert "Traceback" not in output and "_pytest" not in output and "raise " not in output


def test_secret_values_are_masked(project: pytest.Pytester) -> None:
    result = project.runpytest("deploy", "-rA", "-v", "--tb=long", "--junitxml=out.xml")
    output = result.stdout.str()
    assert "T-SEC-001 (high)" in output
    assert "(21 chars, masked)" in output
    assert "Sup3rS3cretValue" not in output
    assert "Sup3rS3cretValue" not in (project.path / "out.xml").read_text()


@pytest.mark.parametrize("family", ["xunit2", "xunit1"])
def test_junit_properties_and_message(project: pytest.Pytester, family: str) -> None:
    project.runpytest("-o", f"junit_family={family}", "--junitxml=out.xml")
    root = ET.parse(project.path / "out.xml").getroot()
    cases = {case.get("name"): case for case in root.iter("testcase")}
    case = cases["T-PRIV-001[Deployment/payments/api]"]
    assert case.get("classname") == "deploy.api.yaml"
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties == {
        "paassec.control": "T-PRIV-001",
        "paassec.severity": "critical",
        "paassec.platform": "kubernetes",
        "paassec.resource": "Deployment/payments/api",
        "paassec.file": "deploy/api.yaml",
        "paassec.line": "1",
        "paassec.category": "least-privilege",
        "paassec.references": "CIS 5.2.1, NIST 800-53 AC-6",
    }
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "T-PRIV-001 (critical) Deployment/payments/api: a container runs privileged"
    assert "deploy/api.yaml:13" in (failure.text or "")
    assert cases["T-RES-001[Deployment/payments/api]"].find("failure") is None


def test_select_with_k_and_m(project: pytest.Pytester) -> None:
    result = project.runpytest("--co", "-q", "-k", "critical")
    assert "1/4 tests collected" in result.stdout.str()
    result = project.runpytest("--co", "-q", "-k", "T-NET")
    assert "1/4 tests collected" in result.stdout.str()
    result = project.runpytest("--co", "-q", "-m", "paassec")
    assert "4 tests collected" in result.stdout.str()
    result = project.runpytest("--co", "-q", "--paassec-select", "T-PRIV,T-NET", "--paassec-ignore", "T-NET-001")
    # The compose file, which no selected control applies to, says so.
    assert [line for line in result.stdout.lines if "::" in line] == [
        "deploy/api.yaml::T-PRIV-001[Deployment/payments/api]",
        "docker-compose.yml::PAASSEC-COVERAGE[docker-compose.yml]",
    ]


def test_fail_on_threshold(project: pytest.Pytester) -> None:
    (project.path / "deploy" / "api.yaml").write_text(DEPLOYMENT.replace("memory: 1Gi", "memory: 4Gi").replace("privileged: true", "privileged: false").replace("value: Sup3rS3cretValue!2024", "valueFrom: {secretKeyRef: {name: db, key: pw}}"))
    result = project.runpytest("deploy")
    result.assert_outcomes(passed=2, failed=1)
    assert result.ret == 1
    result = project.runpytest("deploy", "--paassec-fail-on", "medium")
    result.assert_outcomes(passed=2, failed=1)  # still visible as a failure...
    assert result.ret == 0  # ...but it does not fail the run
    result.stdout.fnmatch_lines(["*1 failures below the fail-on threshold (medium)*"])
    result = project.runpytest("deploy", "--paassec-fail-on", "urgent")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--paassec-fail-on: unknown severity 'urgent'*"])


def test_report_header_and_summary(project: pytest.Pytester) -> None:
    result = project.runpytest()
    result.stdout.fnmatch_lines(
        [
            "paassec: 4 controls from baseline.yaml",
            "paassec: fail-on: low",
            "*paassec summary*",
            "4 control checks: 1 passed, 3 failed (3 at or above fail-on low), 0 input errors",
        ]
    )
    result.stdout.re_match_lines([r"T-PRIV-001\s+critical\s+kubernetes\s+1\s+Containers must not run privileged"])


def test_unparsable_file_is_an_error_item_and_the_run_goes_on(project: pytest.Pytester) -> None:
    (project.path / "deploy" / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x\n")
    (project.path / "docker-compose.yml").write_text("services:\n  web: [unclosed\n")
    result = project.runpytest()
    result.assert_outcomes(passed=1, failed=2, errors=2)
    # Located where the unclosed construct began, not at the end of the file.
    result.stdout.fnmatch_lines(["*deploy/broken.yaml:3:11: *", "*docker-compose.yml:2:8: *"])
    assert "Traceback" not in result.stdout.str()


def test_broken_baseline_is_reported_and_other_controls_run(project: pytest.Pytester) -> None:
    project.makefile(".yaml", baseline=BASELINE.replace("severity: low", "severity: lowish"))
    result = project.runpytest()
    result.assert_outcomes(passed=0, failed=3, errors=1)
    result.stdout.fnmatch_lines(["*baseline.yaml:15: unknown severity 'lowish'*"])


def test_unrelated_files_are_not_collected(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makefile(".yaml", ci="name: build\non: push\njobs:\n  test: {runs-on: ubuntu-latest}\n")
    pytester.makefile(".json", package='{"name": "x", "version": "1.0.0"}')
    pytester.makefile(".toml", netlify='[build]\ncommand = "make"\n')
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_dot_folders_with_deployment_files_are_collected(project: pytest.Pytester) -> None:
    project.makefile(".yaml", baseline=BASELINE + """\
  - id: T-DO-001
    title: App has a region
    severity: info
    category: availability
    platforms: [digitalocean]
    kinds: [app]
    expect: {path: region, exists: true}
""")
    (project.path / ".do").mkdir()
    (project.path / ".do" / "app.yaml").write_text("name: shop\nservices:\n  - name: web\n    http_port: 8080\n")
    (project.path / ".github").mkdir()
    (project.path / ".github" / "app.yaml").write_text("name: shop\nservices:\n  - name: web\n")
    result = project.runpytest("--co", "-q")
    result.stdout.fnmatch_lines([".do/app.yaml::T-DO-001[[]app/shop]", ".github/app.yaml::T-DO-001[[]app/shop]"])
    result = project.runpytest("--co", "-q", "--ignore=.do")
    assert ".do/app.yaml" not in result.stdout.str()
    # paassec_dot_dirs = false: only the platforms' own dot-folders are walked.
    result = project.runpytest("--co", "-q", "-o", "paassec_dot_dirs=false")
    result.stdout.fnmatch_lines([".do/app.yaml::T-DO-001[[]app/shop]"])
    assert ".github" not in result.stdout.str()


def test_dot_folder_policy(pytester: pytest.Pytester) -> None:
    """Deployment files in dot-folders (.github/, .devcontainer/) are
    collected; tools' own folders and virtualenvs are not walked; other
    files there are offered to no collector (a test module in .github/ is
    not run), unless named on the command line."""
    pytester.makeini("[pytest]\n")
    dockerfile = "FROM python:3.13-slim\nUSER app\n"
    for folder in (".github/docker", ".devcontainer", ".git", ".tox/py", ".cache", ".env-tools"):
        (pytester.path / folder).mkdir(parents=True)
        (pytester.path / folder / "Dockerfile").write_text(dockerfile)
    (pytester.path / ".env-tools" / "pyvenv.cfg").write_text("home = /usr\n")
    (pytester.path / ".github" / "test_release.py").write_text("def test_release():\n    assert False\n")
    result = pytester.runpytest("--co", "-q")
    files = {line.split("::")[0] for line in result.stdout.lines if "::" in line}
    assert files == {".github/docker/Dockerfile", ".devcontainer/Dockerfile"}
    result = pytester.runpytest("--co", "-q", "--ignore=.devcontainer", "-o", "norecursedirs=.* .github")
    files = {line.split("::")[0] for line in result.stdout.lines if "::" in line}
    assert files == set()
    result = pytester.runpytest("-q", ".github/test_release.py")
    result.assert_outcomes(failed=1)


def test_plugin_can_be_disabled(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "no:paassec")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_last_failed_and_exitfirst(project: pytest.Pytester) -> None:
    project.runpytest()
    result = project.runpytest("--lf", "-q")
    result.assert_outcomes(failed=3)
    result = project.runpytest("-x", "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)


def test_skip_marker_added_by_a_hook_is_honoured(project: pytest.Pytester) -> None:
    project.makeconftest("""
import pytest
def pytest_collection_modifyitems(items):
    for item in items:
        if "T-PRIV-001" in item.name:
            item.add_marker(pytest.mark.skip(reason="waived for the test"))
        if "T-NET-001" in item.name:
            item.add_marker(pytest.mark.xfail(reason="known"))
""")
    result = project.runpytest("-rsx")
    result.assert_outcomes(passed=1, failed=1, skipped=1, xfailed=1)
    result.stdout.fnmatch_lines(["*waived for the test*"])


def test_mixed_with_python_tests_and_fixtures(project: pytest.Pytester) -> None:
    (project.path / "tests").mkdir()
    (project.path / "tests" / "test_app.py").write_text("""
import pytest
events = []
@pytest.fixture(scope="module")
def resource():
    events.append("setup")
    yield 1
    events.append("teardown")
def test_one(resource):
    assert resource == 1
def test_two(resource):
    assert events == ["setup"]
""")
    (project.path / "zz").mkdir()
    (project.path / "zz" / "test_last.py").write_text("def test_last():\n    pass\n")
    result = project.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=4, failed=3)


def test_collection_is_the_same_with_xdist(project: pytest.Pytester) -> None:
    plain = project.runpytest("-p", "no:cacheprovider", "--junitxml=plain.xml")
    parallel = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--junitxml=parallel.xml")

    def outcomes(name: str) -> dict:
        root = ET.parse(project.path / name).getroot()
        return {
            (case.get("classname"), case.get("name")): (
                "failed" if case.find("failure") is not None else "passed",
                tuple((p.get("name"), p.get("value")) for p in case.iter("property")),
            )
            for case in root.iter("testcase")
        }

    assert plain.ret == parallel.ret == 1
    assert outcomes("plain.xml") == outcomes("parallel.xml")
    assert len(outcomes("plain.xml")) == 4
    parallel.stdout.fnmatch_lines(["*paassec summary*", "4 control checks: 1 passed, 3 failed*"])


def test_lean_reports_carry_the_keywords_pytest_would_build(project: pytest.Pytester) -> None:
    from pytest_paassec.edge.internals import report_keywords as _keywords

    items, _ = project.inline_genitems()
    assert items
    for item in items:
        assert _keywords(item) == {name: 1 for name in item.keywords}  # type: ignore[arg-type]


def test_item_location_matches_what_pytest_derives(project: pytest.Pytester) -> None:
    items, _ = project.inline_genitems()
    for item in items:
        assert item.location == pytest.Item.location.func(item)  # type: ignore[attr-defined]
