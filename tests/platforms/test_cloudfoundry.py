"""The Cloud Foundry adapter: detection, resources and the subjects it offers."""

from __future__ import annotations

import pytest
from platform_helpers import NO_HOST_ACCESS_OR_IDENTITY, AdapterHelper, line_of, subject, text_line

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.cloudfoundry import CloudFoundry, cf_size

PLATFORM = CloudFoundry()
MI = 2**20

HELPER = AdapterHelper(PLATFORM, "manifest.yml")
document = HELPER.document


def resources(text: str) -> dict[str, Resource]:
    return HELPER.resources(text)


MANIFEST = """
---
applications:
- name: web
  memory: 512M
  disk_quota: 1G
  instances: 2
  stack: cflinuxfs4
  health-check-type: http
  health-check-http-endpoint: /health
  routes:
  - route: shop.example.com
  - route: shop.apps.internal
  - route: tcp.example.com:5432
  - route: api.((domain))
    protocol: http2
  env:
    RAILS_ENV: production
    DB_PASSWORD: ((db_password))
    DATABASE_URL: postgres://app:((db_password))@db.example.com/app
    PORT_OFFSET: 8082
    FEATURE_X: true
  services:
  - app-db
  sidecars:
  - name: proxy
    process_types: [web]
    command: ./proxy
    memory: 64M
- name: worker
  no-route: true
  docker:
    image: registry.example.com/team/worker:1.4.2
  memory: 1G
  processes:
  - type: web
    instances: 1
    health-check-type: process
  - type: worker
    instances: 3
    memory: 256M
    health-check-type: process
"""


# --- detection ---------------------------------------------------------------


def test_detects_a_list_of_applications() -> None:
    assert PLATFORM.detect(document(MANIFEST))


def test_detects_version_1_manifests_keyed_by_path() -> None:
    doc = document(
        """
        applications:
          target/appassembler/:
            name: batch
            mem: 512M
        """
    )
    assert PLATFORM.detect(doc)


@pytest.mark.parametrize(
    "text",
    [
        # a Kubernetes document that happens to carry an applications key
        "apiVersion: v1\nkind: ConfigMap\napplications: []\n",
        # compose, render and friends
        "services:\n  web:\n    image: nginx:1.27\n",
        # a mapping named applications that is not a list or mapping of apps
        "applications: my-app\n",
        "- name: not-a-manifest\n",
    ],
)
def test_rejects_look_alikes(text: str) -> None:
    assert not PLATFORM.detect(document(text))


# --- resources ---------------------------------------------------------------


def test_one_resource_per_application_with_refs_and_lines() -> None:
    found = resources(MANIFEST)
    assert list(found) == ["application/web", "application/worker"]
    web = found["application/web"]
    assert web.kind == "application" and web.platform == "cloudfoundry"
    assert web.path == ("applications", 0)
    assert web.line == text_line(web, "- name: web")


def test_unnamed_and_keyed_applications() -> None:
    unnamed = resources("applications:\n- env:\n    GOVERSION: latest\n")
    assert list(unnamed) == ["application/0"]
    keyed = resources("applications:\n  target/appassembler/:\n    name: batch\n    mem: 512M\n")
    (batch,) = keyed.values()
    assert batch.ref == "application/batch"
    assert batch.path == ("applications", "target/appassembler/")


# --- env ---------------------------------------------------------------------


def test_env_values_references_and_lines() -> None:
    web = resources(MANIFEST)["application/web"]
    env = {view["name"]: (path, view) for path, view in web.select("env")}
    assert env["RAILS_ENV"][1] == {"name": "RAILS_ENV", "value": "production", "reference": False}
    assert env["DB_PASSWORD"][1] == {"name": "DB_PASSWORD", "value": None, "reference": True}
    # A value built around a ((variable)) holds no secret of its own.
    assert env["DATABASE_URL"][1]["reference"] is True
    assert env["DATABASE_URL"][1]["value"] is None
    assert env["PORT_OFFSET"][1]["value"] == "8082"
    assert env["FEATURE_X"][1]["value"] == "true"
    path, _ = env["DB_PASSWORD"]
    assert path == ("env", "DB_PASSWORD")
    assert line_of(web, path) == text_line(web, "DB_PASSWORD:")


def test_bound_services_arrive_as_a_vcap_services_reference() -> None:
    web = resources(MANIFEST)["application/web"]
    env = {view["name"]: (path, view) for path, view in web.select("env")}
    path, view = env["VCAP_SERVICES"]
    assert view == {"name": "VCAP_SERVICES", "value": None, "reference": True}
    assert line_of(web, path) == text_line(web, "services:")
    worker = resources(MANIFEST)["application/worker"]
    assert worker.select("env") == []


# --- images ------------------------------------------------------------------


def test_docker_image_is_split_and_located() -> None:
    found = resources(MANIFEST)
    (entry,) = found["application/worker"].select("images")
    path, view = entry
    assert view["registry"] == "registry.example.com"
    assert view["repository"] == "team/worker"
    assert view["tag"] == "1.4.2" and view["digest"] is None
    assert line_of(found["application/worker"], path) == text_line(found["application/worker"], "image: registry")
    assert found["application/web"].select("images") == []


# --- endpoints ---------------------------------------------------------------


def test_routes_become_endpoints() -> None:
    web = resources(MANIFEST)["application/web"]
    endpoints = subject(web, "endpoints")
    assert endpoints[("routes", 0)] == {"port": None, "protocol": "http", "public": True, "tls": None}
    assert endpoints[("routes", 1)]["public"] is False  # apps.internal: container-to-container only
    assert endpoints[("routes", 2)] == {"port": 5432, "protocol": "tcp", "public": True, "tls": False}
    # The domain is a variable: whether it is public is not in the file.
    assert endpoints[("routes", 3)] == {"port": None, "protocol": "http2", "public": None, "tls": None}
    assert line_of(web, ("routes", 2)) == text_line(web, "tcp.example.com:5432")
    (view,) = [v for p, v in web.select("endpoints") if p == ("routes", 3)]
    assert line_of(web, view.sources["protocol"]) == text_line(web, "protocol: http2")


def test_no_route_means_no_endpoint() -> None:
    assert resources(MANIFEST)["application/worker"].select("endpoints") == []


def test_default_and_random_routes() -> None:
    found = resources(
        """
        applications:
        - name: plain
        - name: lucky
          random-route: true
        - name: legacy
          domains:
          - example.com
          - apps.internal
        """
    )
    assert found["application/plain"].select("endpoints") == [
        ((), {"port": None, "protocol": "http", "public": None, "tls": None})
    ]
    ((path, _),) = found["application/lucky"].select("endpoints")
    assert path == ("random-route",)
    legacy = subject(found["application/legacy"], "endpoints")
    assert legacy[("domains", 0)]["public"] is True
    assert legacy[("domains", 1)]["public"] is False


# --- processes ---------------------------------------------------------------


def test_the_application_is_its_web_process_when_none_is_declared() -> None:
    web = resources(MANIFEST)["application/web"]
    ((path, process),) = web.select("processes")
    assert path == () and process is web.data


def test_declared_web_process_takes_app_level_attributes_beneath_it() -> None:
    worker = resources(MANIFEST)["application/worker"]
    processes = subject(worker, "processes")
    assert list(processes) == [("processes", 0), ("processes", 1)]
    web = processes[("processes", 0)]
    assert web["memory"] == "1G"  # from the application
    assert web["instances"] == 1 and web["no-route"] is True
    assert processes[("processes", 1)]["memory"] == "256M"
    assert "no-route" not in processes[("processes", 1)]


# --- workload ----------------------------------------------------------------


def test_workload_of_a_single_process_app_with_a_sidecar() -> None:
    web = resources(MANIFEST)["application/web"]
    workload = subject(web, "workload")
    assert workload[()] == {
        "memory_bytes": 512 * MI,
        "cpu_millicores": None,
        "instances": 2,
        "max_instances": None,
        "run_as_root": None,
        "privileged": None,
        "health_check": True,
        "runtime": "cflinuxfs4",
        **NO_HOST_ACCESS_OR_IDENTITY,
    }
    assert workload[("sidecars", 0)]["memory_bytes"] == 64 * MI
    assert workload[("sidecars", 0)]["instances"] is None
    (view,) = [v for p, v in web.select("workload") if p == ()]
    assert line_of(web, view.sources["memory_bytes"]) == text_line(web, "memory: 512M")
    assert line_of(web, view.sources["runtime"]) == text_line(web, "stack: cflinuxfs4")


def test_workload_per_process() -> None:
    worker = resources(MANIFEST)["application/worker"]
    entries = dict(worker.select("workload"))
    web, background = entries[("processes", 0)], entries[("processes", 1)]
    assert web["memory_bytes"] == 1024 * MI and web["instances"] == 1 and web["health_check"] is False
    assert background["memory_bytes"] == 256 * MI and background["instances"] == 3
    # The web process's memory is written at app level; its instances on the process.
    assert line_of(worker, web.sources["memory_bytes"]) == text_line(worker, "memory: 1G")
    assert line_of(worker, web.sources["instances"]) == text_line(worker, "instances: 1")
    assert line_of(worker, background.sources["memory_bytes"]) == text_line(worker, "memory: 256M")


def test_a_worker_process_does_not_inherit_app_level_memory() -> None:
    app = resources(
        """
        applications:
        - name: jobs
          memory: 2G
          processes:
          - type: worker
            command: ./work
        """
    )["application/jobs"]
    entries = dict(app.select("workload"))
    assert entries[()]["memory_bytes"] == 2048 * MI
    assert entries[("processes", 0)]["memory_bytes"] is None
    assert "memory_bytes" not in entries[("processes", 0)].sources


def test_unknown_values_stay_unknown() -> None:
    app = resources("applications:\n- name: bare\n  memory: ((memory))\n")["application/bare"]
    ((_, view),) = app.select("workload")
    assert view["memory_bytes"] is None
    assert view["health_check"] is None and view["runtime"] is None and view["instances"] is None


def test_yaml_anchors_and_version_1_keys() -> None:
    found = resources(
        """
        version: 1
        defaults: &defaults
          memory: 768M
          stack: cflinuxfs3
        applications:
        - name: anchored
          <<: *defaults
          health-check-type: none
        """
    )
    ((_, view),) = found["application/anchored"].select("workload")
    assert view["memory_bytes"] == 768 * MI
    assert view["runtime"] == "cflinuxfs3"
    assert view["health_check"] is False
    legacy = resources("applications:\n  ./:\n    name: old\n    mem: 512\n    runtime: java\n")["application/old"]
    ((_, old),) = legacy.select("workload")
    assert old["memory_bytes"] == 512 * MI and old["runtime"] == "java"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("512M", "512Mi"), ("1G", "1Gi"), ("1024MB", "1024Mi"), ("2gb", "2Gi"), ("16K", "16Ki"), (512, "512Mi"),
     ("((memory))", None), (None, None), (True, None)],
)
def test_cf_sizes_are_binary(value: object, expected: str | None) -> None:
    assert cf_size(value) == expected
