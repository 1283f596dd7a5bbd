"""Compose projects: override files, extends and env files merged as
``docker compose`` merges them, each value reported where it is written."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_paassec.parsing.documents import parse_text
from pytest_paassec.platforms.compose import Compose, ComposeService
from pytest_paassec.platforms.compose_project import Node, merge, parse_env, wrap
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_files

CATALOG = build_catalog([])


def write(root: Path, files: dict[str, str]) -> None:
    for relpath, text in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def scan(root: Path) -> dict[tuple[str, str, str], list[str]]:
    """(file, control, resource) -> rendered violations, for the compose files of ``root``."""
    files = [(p, p.relative_to(root).as_posix()) for p in sorted(root.rglob("*.y*ml"))]
    found = {}
    for relpath, (parsed, checks) in scan_files(files, CATALOG).items():
        assert parsed is not None and parsed.error is None
        for resource, control, violations in checks:
            found[(relpath, control.id, resource.ref)] = [v.render() for v in violations]
    return found


BASE = """
services:
  web:
    image: registry.example.com/web:1.2.3
    user: "1000"
    environment:
      - MODE=production
    ports:
      - "127.0.0.1:8080:80"
    deploy:
      resources:
        limits:
          memory: 256M
"""


def test_a_privilege_the_override_adds_is_reported_at_the_override(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": BASE, "compose.override.yaml": "services:\n  web:\n    ports: ['9000:90']\n    privileged: true\n"})
    found = scan(tmp_path)
    assert found[("compose.yaml", "XP-PRIV-002", "service/web")] == ["compose.override.yaml:4  $.services.web.privileged  privileged: true -> no privileged mode"]
    # The override's partial service is not judged on its own: nothing "missing" there;
    # its one item says it was checked with its base.
    assert [(key, value) for key, value in found.items() if key[0] == "compose.override.yaml"] == [
        (("compose.override.yaml", "COMPOSE-REF-003", "override-of/compose.yaml"), [])
    ]
    assert found[("compose.yaml", "XP-RES-001", "service/web")] == []
    # Ports append: the base's loopback port and the override's public one.
    assert found[("compose.yaml", "COMPOSE-NET-002", "service/web")] == [
        "compose.override.yaml:3  $.services.web.ports[1]  host ip: <missing> -> a host address (127.0.0.1 for local use, or the one interface clients reach)"
    ]


def test_the_override_yields_one_resource_saying_where_it_is_checked(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml": BASE, "docker-compose.override.yml": "services:\n  web:\n    privileged: true\n"})
    text = (tmp_path / "docker-compose.override.yml").read_text()
    parsed = parse_text("docker-compose.override.yml", "yaml", text)
    parsed.root = tmp_path
    (resource,) = Compose().resources(parsed.documents[0])
    assert (resource.kind, resource.name) == ("override-of", "docker-compose.yml")
    assert [c.id for c in CATALOG.controls if c.is_applicable(resource)] == ["COMPOSE-REF-003"]


def test_an_override_without_its_base_is_checked_on_its_own(tmp_path: Path) -> None:
    write(tmp_path, {"compose.override.yaml": "services:\n  web:\n    image: web:1.0.0\n    privileged: true\n"})
    found = scan(tmp_path)
    assert found[("compose.override.yaml", "XP-PRIV-002", "service/web")] == ["compose.override.yaml:4  $.services.web.privileged  privileged: true -> no privileged mode"]


def test_settings_are_judged_on_the_merged_value(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": BASE.replace('user: "1000"', 'user: "1000"\n    privileged: true\n    cap_add: [NET_ADMIN]'),
            "compose.override.yaml": """
                services:
                  web:
                    privileged: false
                    user: root
                    cap_add: !override [CHOWN]
                    deploy:
                      resources:
                        limits:
                          memory: !reset null
                """,
        },
    )
    found = scan(tmp_path)
    assert found[("compose.yaml", "XP-PRIV-002", "service/web")] == []
    assert found[("compose.yaml", "XP-PRIV-001", "service/web")] == ["compose.override.yaml:4  $.services.web.user  runs as root: true -> a non-root user"]
    assert found[("compose.yaml", "COMPOSE-PRIV-004", "service/web")] == []
    assert found[("compose.yaml", "XP-RES-001", "service/web")][0].startswith("compose.yaml:")


def test_a_secret_in_an_env_file_is_reported_at_its_line_masked(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "deploy/compose.yaml": """
                services:
                  api:
                    image: api:2.0.0
                    env_file: [../config/common.env, {path: api.env, required: true}]
                    environment:
                      SESSION_SECRET: ${SESSION_SECRET:?}
                """,
            "config/common.env": "# shared\nexport LOG_LEVEL=info\nSESSION_SECRET=overridden-by-environment\n",
            "deploy/api.env": "LOG_FORMAT=json # inline comment\nDB_PASSWORD='s3cr3t-Passw0rd'\n",
        },
    )
    found = scan(tmp_path)
    (violation,) = found[("deploy/compose.yaml", "XP-SEC-001", "service/api")]
    assert violation.startswith("deploy/api.env:2  $.services.api.environment.DB_PASSWORD  literal value: 's3cr…' (15 chars, masked)")
    assert "s3cr3t-Passw0rd" not in violation


def test_an_extended_privilege_is_reported_where_it_is_written(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": """
                services:
                  worker:
                    extends: {file: shared/base.yml, service: base}
                    image: worker:3.0.0
                  cron:
                    extends: worker
                """,
            "shared/base.yml": "services:\n  base:\n    image: base:1.0.0\n    privileged: true\n",
        },
    )
    found = scan(tmp_path)
    for name in ("worker", "cron"):
        assert found[("compose.yaml", "XP-PRIV-002", f"service/{name}")] == [f"shared/base.yml:4  $.services.{name}.privileged  privileged: true -> no privileged mode"]
        assert found[("compose.yaml", "COMPOSE-REF-001", f"service/{name}")] == []


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("    extends: {file: missing.yml, service: base}\n", "compose.yaml:3  $.services.app.extends  unresolved: extends missing.yml: no such file in the repository"),
        ("    extends: {file: ../../outside.yml, service: base}\n", "compose.yaml:3  $.services.app.extends  unresolved: extends ../../outside.yml: outside the repository; not read"),
        ("    extends: nothere\n", "compose.yaml:3  $.services.app.extends  unresolved: extends nothere: no service nothere"),
        ("    extends: app\n", "compose.yaml:3  $.services.app.extends  unresolved: extends app: extends itself (a cycle)"),
        ("    env_file: /etc/app.env\n", "compose.yaml:3  $.services.app.env_file  unresolved: env_file /etc/app.env: an absolute path, outside the repository; not read"),
        ("    env_file: [ok.env, ../../../etc/passwd]\n", "compose.yaml:3  $.services.app.env_file[1]  unresolved: env_file ../../../etc/passwd: outside the repository; not read"),
    ],
)
def test_references_that_cannot_be_followed_are_located(tmp_path: Path, service: str, expected: str) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  app:\n" + service + "    image: app:1.0.0\n", "ok.env": "A=1\n"})
    (violation,) = scan(tmp_path)[("compose.yaml", "COMPOSE-REF-001", "service/app")]
    assert violation.startswith(expected + " -> ")


def test_a_missing_env_file_is_low_severity_unless_marked_optional(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: a:1.0.0\n    env_file: .env\n  b:\n    image: b:1.0.0\n    env_file: [{path: .env, required: false}]\n"})
    found = scan(tmp_path)
    assert found[("compose.yaml", "COMPOSE-REF-002", "service/a")] == [
        "compose.yaml:4  $.services.a.env_file  missing: true -> the env file in the repository, or `required: false`"
    ]
    assert found[("compose.yaml", "COMPOSE-REF-002", "service/b")] == []
    assert ("compose.yaml", "COMPOSE-REF-001", "service/a") not in found  # REF-002's case only


def test_a_file_without_references_gives_plain_resources(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": BASE})
    parsed = parse_text("compose.yaml", "yaml", (tmp_path / "compose.yaml").read_text())
    parsed.root = tmp_path
    (resource,) = Compose().resources(parsed.documents[0])
    assert not isinstance(resource, ComposeService)


def test_odd_shapes_give_located_findings_not_crashes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": """
                services:
                  a:
                    extends: [1, 2]
                    env_file: 5
                  b:
                    extends: {file: 7, service: [x]}
                    env_file: [{path: null}, {required: false}, null, [1]]
                    environment: "oops"
                  c: null
                  d:
                    extends: {service: c}
                    volumes: [5, {target: /x}, "named:/y"]
                    ports: [null, {published: 80}]
                volumes: [1, 2]
                """,
            "compose.override.yaml": "services:\n  a: [1, 2]\n  b:\n    environment: [X=1, 7, null]\n    labels: !reset\n  f: 3\nvolumes:\n  named: {driver_opts: bad}\n",
        },
    )
    found = scan(tmp_path)
    assert found[("compose.yaml", "COMPOSE-REF-001", "service/a")] == [
        "compose.yaml:3  $.services.a.extends  unresolved: extends [1, 2]: names no service -> a file and service inside the repository",
        "compose.yaml:4  $.services.a.env_file  unresolved: env_file 5: not a file path -> a file and service inside the repository",
    ]
    assert len(found[("compose.yaml", "COMPOSE-REF-001", "service/b")]) == 5
    assert found[("compose.yaml", "COMPOSE-REF-001", "service/d")] == []
    assert {key[2] for key in found} == {"service/a", "service/b", "service/c", "service/d", "service/f"}


# --- merge rules ------------------------------------------------------------------


def merged(base: str, over: str) -> dict:
    documents = [parse_text(f"{n}.yaml", "yaml", textwrap.dedent(t)).documents[0] for n, t in (("base", base), ("over", over))]
    a, b = (wrap(d, d.data, ()) for d in documents)
    from pytest_paassec.platforms.compose_project import flatten

    return flatten(merge(a, b))[0]


def test_merge_rules_follow_the_compose_specification() -> None:
    result = merged(
        """
        command: [serve, --base]
        environment: [A=1, B=2]
        labels: {team: web}
        ports: ["80:80", "443:443"]
        volumes: ["./a:/data", "logs:/logs"]
        cap_add: [CHOWN]
        healthcheck: {test: [CMD, a], interval: 10s}
        build: .
        """,
        """
        command: [serve, --over]
        environment: {B: "3", C: "4"}
        labels: [tier=front]
        ports: ["443:443", "8080:8080"]
        volumes: ["./b:/data", {type: volume, source: logs, target: /logs, read_only: true}]
        cap_add: [CHOWN, NET_BIND_SERVICE]
        healthcheck: {test: [CMD, b]}
        build: {dockerfile: Dockerfile.dev}
        """,
    )
    assert result == {
        "command": ["serve", "--over"],
        "environment": {"A": "1", "B": "3", "C": "4"},
        "labels": {"team": "web", "tier": "front"},
        "ports": ["80:80", "443:443", "8080:8080"],
        "volumes": ["./b:/data", {"type": "volume", "source": "logs", "target": "/logs", "read_only": True}],
        "cap_add": ["CHOWN", "NET_BIND_SERVICE"],
        "healthcheck": {"test": ["CMD", "b"], "interval": "10s"},
        "build": {"context": ".", "dockerfile": "Dockerfile.dev"},
    }


def test_reset_and_override_tags() -> None:
    result = merged("ports: ['80:80']\nuser: app\nprivileged: true\n", "ports: !override ['8080:80']\nuser: !reset null\n")
    assert result == {"ports": ["8080:80"], "privileged": True}


def test_env_file_lines() -> None:
    lines, values = parse_env("# c\n\nexport A=1\nB = 'two # not a comment'\nC=three # comment\nD\nnot a line\nE=\"x\"y\n")
    assert values == {"A": "1", "B": "two # not a comment", "C": "three", "D": None, "E": "x"}
    assert lines == {"A": 3, "B": 4, "C": 5, "D": 6, "E": 8}


def test_origins_survive_the_merge() -> None:
    base = parse_text("a.yaml", "yaml", "x:\n  y: 1\n").documents[0]
    over = parse_text("b.yaml", "yaml", "\n\nx:\n  z: 2\n").documents[0]
    node = merge(wrap(base, base.data, ()), wrap(over, over.data, ()))
    assert isinstance(node, Node)
    from pytest_paassec.platforms.compose_project import flatten, locate

    _, origins = flatten(node)
    assert locate(origins, ("x", "y")) == ("a.yaml", 2)
    assert locate(origins, ("x", "z")) == ("b.yaml", 4)
    assert locate(origins, ("x", "z", "deeper")) == ("b.yaml", 4)


# --- through pytest, with the files on different workers ------------------------------

PROJECT = {
    "app/compose.yaml": """
        services:
          web:
            image: registry.example.com/web:1.2.3
            env_file: web.env
            extends: {file: ../shared/base.yml, service: base}
          db:
            image: postgres:16.4
        """,
    "app/compose.override.yaml": "services:\n  db:\n    privileged: true\n",
    "app/web.env": "API_TOKEN=tok-8f2a9c3e1b7d4f60\n",
    "shared/base.yml": "services:\n  base:\n    image: base:1.0.0\n    cap_add: [SYS_ADMIN]\n",
    "pytest.ini": "[pytest]\naddopts = -p no:randomly\n",
}


def outcomes(xml: Path) -> dict[str, tuple[str, str]]:
    found = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        failure = case.find("failure")
        found[f"{case.get('classname')}::{case.get('name')}"] = ("failed" if failure is not None else "passed", failure.text if failure is not None else "")
    return found


def test_the_same_outcomes_when_the_files_sit_on_different_workers(pytester: pytest.Pytester) -> None:
    write(pytester.path, PROJECT)
    pytester.runpytest("--junitxml=plain.xml")
    pytester.runpytest("-n", "2", "--dist", "load", "--junitxml=xdist.xml")
    plain, spread = outcomes(pytester.path / "plain.xml"), outcomes(pytester.path / "xdist.xml")
    assert {k: v[0] for k, v in spread.items()} == {k: v[0] for k, v in plain.items()}
    web = {name.split("::")[-1]: value for name, value in plain.items() if name.startswith("app.compose.yaml")}
    assert web["XP-SEC-001[service/web]"][0] == "failed" and "app/web.env:1" in web["XP-SEC-001[service/web]"][1]
    assert "tok-8f2a9c3e1b7d4f60" not in web["XP-SEC-001[service/web]"][1]
    assert "app/compose.override.yaml:3" in web["XP-PRIV-002[service/db]"][1]
    assert "shared/base.yml:4" in web["COMPOSE-PRIV-004[service/web]"][1]
    override = {name.split("::")[-1]: value[0] for name, value in plain.items() if name.startswith("app.compose.override.yaml")}
    assert override == {"COMPOSE-REF-003[override-of/compose.yaml]": "passed"}


def test_an_override_run_without_its_base_says_it_was_not_checked(pytester: pytest.Pytester) -> None:
    write(pytester.path, PROJECT)
    pytester.runpytest("--junitxml=alone.xml", "app/compose.override.yaml")
    found = {name.split("::")[-1]: value for name, value in outcomes(pytester.path / "alone.xml").items()}
    assert list(found) == ["COMPOSE-REF-003[override-of/compose.yaml]"]
    outcome, text = found["COMPOSE-REF-003[override-of/compose.yaml]"]
    assert outcome == "failed" and "app/compose.yaml is not in this run" in text
