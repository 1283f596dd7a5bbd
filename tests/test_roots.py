"""A project with ``testpaths = ["tests"]``: a plain ``pytest`` also checks
the deployment files under paassec_roots, and collects nothing else there."""

from __future__ import annotations

import pytest

COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_unit.py").write_text("def test_unit():\n    assert True\n")
    pytester.mkdir("docs")
    (pytester.path / "docs" / "test_docs.py").write_text("def test_outside_testpaths():\n    assert False\n")
    pytester.mkdir("deploy")
    (pytester.path / "deploy" / "docker-compose.yml").write_text(COMPOSE)
    pytester.mkdir("vendor")
    (pytester.path / "vendor" / "compose.yaml").write_text(COMPOSE)
    (pytester.path / "mkdocs.yml").write_text("site_name: docs\n")
    return pytester


def collected(result: pytest.RunResult) -> list[str]:
    return [line for line in result.stdout.lines if "::" in line]


def test_a_plain_run_checks_deployment_files_outside_testpaths(project: pytest.Pytester) -> None:
    result = project.runpytest("--co", "-q")
    items = collected(result)
    assert "tests/test_unit.py::test_unit" in items
    assert any(item.startswith("deploy/docker-compose.yml::") for item in items)
    assert any(item.startswith("vendor/compose.yaml::") for item in items)
    assert not any(item.startswith("docs/") or "mkdocs" in item for item in items), "nothing else outside testpaths"
    header = project.runpytest("--co")
    header.stdout.fnmatch_lines(["paassec: 2 deployment files collected, 2 of them from paassec_roots outside testpaths (deploy, vendor)"])


def test_ignore_norecursedirs_exclude_and_roots_are_honoured(project: pytest.Pytester) -> None:
    assert not any(i.startswith("vendor/") for i in collected(project.runpytest("--co", "-q", "--ignore=vendor")))
    project.makeini("[pytest]\ntestpaths = tests\nnorecursedirs = vendor\n")
    assert not any(i.startswith("vendor/") for i in collected(project.runpytest("--co", "-q")))
    project.makeini("[pytest]\ntestpaths = tests\npaassec_exclude = vendor/*\n")
    assert not any(i.startswith("vendor/") for i in collected(project.runpytest("--co", "-q")))
    project.makeini("[pytest]\ntestpaths = tests\npaassec_roots = deploy\n")
    items = collected(project.runpytest("--co", "-q"))
    assert any(i.startswith("deploy/") for i in items) and not any(i.startswith("vendor/") for i in items)


def test_explicit_paths_keep_their_meaning(project: pytest.Pytester) -> None:
    assert collected(project.runpytest("--co", "-q", "tests")) == ["tests/test_unit.py::test_unit"]
    result = project.runpytest("--co")
    assert "testpaths: tests" in result.stdout.str()


def test_the_same_items_under_xdist(project: pytest.Pytester) -> None:
    plain = project.runpytest_subprocess("-q", "-rA", "-p", "no:randomly")
    distributed = project.runpytest_subprocess("-q", "-rA", "-n", "2")

    def outcomes(result: pytest.RunResult) -> list[str]:
        return sorted(line.split(" - ")[0] for line in result.stdout.lines if line.startswith(("PASSED ", "FAILED ")))

    assert outcomes(plain) == outcomes(distributed)
    assert any(line.startswith("FAILED deploy/docker-compose.yml::") for line in outcomes(plain))
    assert "PASSED tests/test_unit.py::test_unit" in outcomes(plain)
