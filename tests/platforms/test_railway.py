"""The Railway adapter: railway.json / railway.toml, the service and its environment overrides."""

from __future__ import annotations

import json

import pytest
from platform_helpers import AdapterHelper, entries, line_of

from pytest_paassec.platforms.railway import Railway
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_file

PLATFORM = Railway()
JSON = AdapterHelper(PLATFORM, "api/railway.json", "json")
TOML = AdapterHelper(PLATFORM, "api/railway.toml", "toml")


@pytest.mark.parametrize(
    "helper, text",
    [
        (JSON, '{"$schema": "https://railway.com/railway.schema.json"}'),
        (JSON, '{"build": {"builder": "DOCKERFILE"}, "deploy": {"numReplicas": 2}}'),
        (TOML, '[deploy]\nstartCommand = "npm start"\n'),
        (TOML, '[environments.staging.deploy]\nnumReplicas = 1\n'),
    ],
)
def test_detects_config_as_code(helper: AdapterHelper, text: str) -> None:
    assert PLATFORM.detect(helper.document(text))


@pytest.mark.parametrize(
    "helper, text",
    [(JSON, "{}"), (JSON, '{"name": "x", "deploy": {}}'), (JSON, "[1, 2]"), (TOML, 'title = "not railway"\n')],
)
def test_leaves_other_files_alone(helper: AdapterHelper, text: str) -> None:
    assert not PLATFORM.detect(helper.document(text))


def test_the_service_and_each_environment_are_resources() -> None:
    found = JSON.resources(
        """
        {
          "deploy": {"startCommand": "node server.js"},
          "environments": {"staging": {"deploy": {"numReplicas": 1}}, "pr": {"build": {"buildCommand": "make"}}, "bad": 3}
        }
        """
    )
    assert sorted(found) == ["environment/api/pr", "environment/api/staging", "service/api"]
    staging = found["environment/api/staging"]
    assert (staging.kind, staging.scope, staging.path) == ("environment", "api", ("environments", "staging"))
    assert staging.line == 3
    assert TOML.resource('[deploy]\nnumReplicas = 2\n', relpath="railway.toml").ref == "service/app"


def test_workload_view_of_the_service() -> None:
    service = TOML.resources('[deploy]\nhealthcheckPath = "/health"\nnumReplicas = 3\n\n[environments.staging.deploy]\nnumReplicas = 1\n')
    [(path, view)] = entries(service["service/api"], "workload")
    assert path == ("deploy",)
    assert (view["health_check"], view["instances"], view["run_as_root"], view["privileged"], view["memory_bytes"]) == (True, 3, None, None, None)
    workload = service["service/api"].select("workload")[0][1]
    assert line_of(service["service/api"], workload.sources["instances"]) == 3
    assert line_of(service["service/api"], workload.sources["health_check"]) == 2
    assert service["environment/api/staging"].select("workload") == []


@pytest.mark.parametrize(
    "deploy, health, instances",
    [
        ({}, None, None),  # left to the service settings: unknown
        ({"healthcheckPath": None}, False, None),  # null switches a dashboard check off
        ({"healthcheckPath": ""}, False, None),
        ({"healthcheckPath": "/ready", "cronSchedule": "0 3 * * *"}, None, None),  # a cron run is not checked
        ({"multiRegionConfig": {"us-west2": {"numReplicas": 2}, "europe-west4-drams3a": {"numReplicas": 1}}}, None, 3),
        ({"multiRegionConfig": {"us-west2": {"numReplicas": "two"}}}, None, None),
    ],
)
def test_workload_health_check_and_replicas(deploy: dict, health: object, instances: object) -> None:
    service = JSON.resource(json.dumps({"deploy": deploy}))
    [(_, view)] = entries(service, "workload")
    assert (view["health_check"], view["instances"]) == (health, instances)


def test_no_env_images_or_endpoints_in_the_file() -> None:
    service = JSON.resource('{"deploy": {"startCommand": "node server.js"}}')
    assert [service.select(name) for name in ("env", "images", "endpoints")] == [[], [], []]


def test_cross_platform_controls_run_where_the_view_has_their_fields(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "railway.toml").write_text('[deploy]\nstartCommand = "python nightly.py"\ncronSchedule = "0 3 * * *"\n')
    parsed, checks = scan_file(tmp_path / "railway.toml", "railway.toml", build_catalog([]))
    assert parsed is not None and parsed.error is None
    ran = sorted((control.id, not violations) for _, control, violations in checks)
    # A cron service needs no healthcheck path (RAILWAY-AVAIL-001) and pins no
    # replicas (RAILWAY-AVAIL-003); secrets, images and memory are not in the file.
    assert ran == [("RAILWAY-AVAIL-002", True), ("RAILWAY-PRIV-001", True), ("XP-PRIV-001", True), ("XP-PRIV-002", True)]
