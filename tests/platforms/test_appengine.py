"""The App Engine adapter: detection, resources and the subjects it offers."""

from __future__ import annotations

import pytest
from platform_helpers import NO_HOST_ACCESS_OR_IDENTITY, AdapterHelper, line_of, text_line

from pytest_paassec.platforms.appengine import AppEngine

PLATFORM = AppEngine()
MI = 2**20

HELPER = AdapterHelper(PLATFORM, "app.yaml")
document = HELPER.document
service = HELPER.resource


STANDARD = """
runtime: python312
service: api
instance_class: F2
service_account: api@my-project.iam.gserviceaccount.com
automatic_scaling:
  min_instances: 1
  max_instances: 10
env_variables:
  BUCKET: my-bucket
  API_TOKEN: abc123xyz
  TRACKING_ID: <your-tracking-id>
  WORKERS: 4
build_env_variables:
  GOOGLE_PYTHON_VERSION: "3.12"
handlers:
- url: /static
  static_dir: static
  secure: always
- url: /admin/.*
  script: auto
  login: admin
- url: /.*
  script: auto
  secure: optional
"""

FLEXIBLE = """
runtime: custom
env: flex
service: worker
resources:
  cpu: 2
  memory_gb: 1.5
manual_scaling:
  instances: 3
liveness_check:
  path: /live
network:
  name: default
  forwarded_ports:
    - 8081/tcp
    - 5432
    - 9000:9001/udp
    - not-a-port
"""


# --- detection ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "relpath"),
    [
        ("runtime: nodejs20\n", "app.yaml"),
        ("runtime: python\nenv: flex\n", "app.yml"),
        ("runtime: go122\nservice: backend\n", "backend.yaml"),
        ("runtime: custom\nenv: flex\n", "services/worker.yaml"),
        ("runtime: java-compat\nenv: flex\n", "app.yaml"),
    ],
)
def test_detects_app_yaml(text: str, relpath: str) -> None:
    assert PLATFORM.detect(document(text, relpath))


@pytest.mark.parametrize(
    ("text", "relpath"),
    [
        # Knative Functions' func.yaml also has a top-level runtime
        ("specVersion: 0.36.0\nname: hello\nruntime: go\nregistry: ghcr.io/me\n", "func.yaml"),
        # a DigitalOcean App Platform spec named app.yaml
        ("name: sample\nservices:\n- name: web\n  github:\n    repo: me/app\n", "app.yaml"),
        ("name: sample\nruntime: python\nstatic_sites:\n- name: docs\n", "app.yaml"),
        # Kubernetes documents
        ("apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nruntime: runc\n", "app.yaml"),
        ("apiVersion: v1\nkind: ConfigMap\nruntime: python312\n", "app.yaml"),
        # not an App Engine runtime, or not a string
        ("runtime: docker\n", "app.yaml"),
        ("runtime:\n  name: python\n", "app.yaml"),
        # a generic values file with a plausible runtime and nothing else
        ("runtime: python\nreplicas: 2\n", "values.yaml"),
    ],
)
def test_rejects_look_alikes(text: str, relpath: str) -> None:
    assert not PLATFORM.detect(document(text, relpath))


# --- resources ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("runtime: nodejs20\n", "service/default"),
        ("runtime: nodejs20\nservice: api\n", "service/api"),
        ("runtime: python27\nmodule: legacy\napi_version: 1\n", "service/legacy"),
    ],
)
def test_one_service_per_file(text: str, ref: str) -> None:
    resource = service(text)
    assert resource.ref == ref
    assert resource.kind == "service" and resource.platform == "appengine"
    assert resource.path == () and resource.line == 1


# --- handlers ----------------------------------------------------------------


def test_handlers_subject_lists_each_handler_at_its_line() -> None:
    resource = service(STANDARD)
    handlers = resource.select("handlers")
    assert [path for path, _ in handlers] == [("handlers", 0), ("handlers", 1), ("handlers", 2)]
    assert handlers[1][1]["login"] == "admin"
    assert line_of(resource, ("handlers", 1)) == text_line(resource, "url: /admin/")
    assert service("runtime: nodejs20\n").select("handlers") == []


# --- env ---------------------------------------------------------------------


def test_env_variables_and_build_variables() -> None:
    resource = service(STANDARD)
    env = {view["name"]: (path, view) for path, view in resource.select("env")}
    assert env["BUCKET"][1] == {"name": "BUCKET", "value": "my-bucket", "reference": False}
    assert env["API_TOKEN"][1]["value"] == "abc123xyz"
    assert env["TRACKING_ID"][1] == {"name": "TRACKING_ID", "value": None, "reference": True}
    assert env["WORKERS"][1]["value"] == "4"
    assert env["GOOGLE_PYTHON_VERSION"][0] == ("build_env_variables", "GOOGLE_PYTHON_VERSION")
    assert line_of(resource, env["API_TOKEN"][0]) == text_line(resource, "API_TOKEN:")


def test_app_yaml_names_no_image() -> None:
    assert service(FLEXIBLE).select("images") == []


# --- endpoints ---------------------------------------------------------------


def test_standard_endpoints_follow_handler_secure() -> None:
    resource = service(STANDARD)
    endpoints = dict(resource.select("endpoints"))
    assert endpoints[("handlers", 0)] == {"port": None, "protocol": "http", "public": None, "tls": True}
    assert endpoints[("handlers", 1)]["tls"] is False  # no secure: the default optional serves HTTP
    assert endpoints[("handlers", 2)]["tls"] is False
    assert line_of(resource, endpoints[("handlers", 2)].sources["tls"]) == text_line(resource, "secure: optional")


def test_standard_service_without_handlers_serves_http() -> None:
    assert service("runtime: nodejs20\n").select("endpoints") == [
        ((), {"port": None, "protocol": "http", "public": None, "tls": False})
    ]


def test_flexible_endpoints_and_forwarded_ports() -> None:
    resource = service(FLEXIBLE)
    endpoints = dict(resource.select("endpoints"))
    assert endpoints[()] == {"port": None, "protocol": "http", "public": None, "tls": None}
    assert endpoints[("network", "forwarded_ports", 0)] == {"port": 8081, "protocol": "tcp", "public": None, "tls": False}
    assert endpoints[("network", "forwarded_ports", 1)]["port"] == 5432
    assert endpoints[("network", "forwarded_ports", 2)] == {"port": 9000, "protocol": "udp", "public": None, "tls": False}
    assert ("network", "forwarded_ports", 3) not in endpoints
    assert line_of(resource, ("network", "forwarded_ports", 1)) == text_line(resource, "- 5432")


def test_internal_ip_mode_keeps_forwarded_ports_private() -> None:
    resource = service(
        """
        runtime: custom
        env: flex
        network:
          instance_ip_mode: internal
          forwarded_ports: [6379]
        """
    )
    view = dict(resource.select("endpoints"))[("network", "forwarded_ports", 0)]
    assert view["public"] is False
    assert line_of(resource, view.sources["public"]) == text_line(resource, "instance_ip_mode")


# --- workload ----------------------------------------------------------------


def test_standard_workload() -> None:
    resource = service(STANDARD)
    ((path, view),) = resource.select("workload")
    assert path == ()
    assert view == {
        "memory_bytes": 768 * MI,
        "cpu_millicores": None,
        "instances": 1,
        "max_instances": 10,
        "run_as_root": None,
        "privileged": None,
        "health_check": None,
        "runtime": "python312",
        **NO_HOST_ACCESS_OR_IDENTITY,
        "service_account": "api@my-project.iam.gserviceaccount.com",
    }
    assert line_of(resource, view.sources["service_account"]) == text_line(resource, "service_account:")
    assert line_of(resource, view.sources["memory_bytes"]) == text_line(resource, "instance_class: F2")
    assert line_of(resource, view.sources["max_instances"]) == text_line(resource, "max_instances: 10")


def test_first_generation_instance_classes_are_not_sized() -> None:
    ((_, view),) = service("runtime: python27\ninstance_class: F2\nbasic_scaling:\n  max_instances: 2\n").select("workload")
    assert view["memory_bytes"] is None
    assert view["max_instances"] == 2 and view["instances"] is None


def test_flexible_workload() -> None:
    resource = service(FLEXIBLE)
    ((_, view),) = resource.select("workload")
    assert view["memory_bytes"] == int(1.5 * 2**30)
    assert view["cpu_millicores"] == 2000
    assert view["instances"] == 3 and view["max_instances"] == 3
    assert view["health_check"] is True
    assert view["runtime"] == "custom"
    assert line_of(resource, view.sources["cpu_millicores"]) == text_line(resource, "cpu: 2")
    assert line_of(resource, view.sources["instances"]) == text_line(resource, "instances: 3")


def test_flexible_health_check_switched_off_and_unknown() -> None:
    ((_, off),) = service("runtime: python\nenv: flex\nhealth_check:\n  enable_health_check: false\n").select("workload")
    assert off["health_check"] is False
    ((_, unknown),) = service("runtime: python\nenv: flex\nautomatic_scaling:\n  max_num_instances: 5\n").select("workload")
    assert unknown["health_check"] is None
    assert unknown["max_instances"] == 5
    assert unknown["memory_bytes"] is None


def test_no_service_account_is_the_default_identity_unnamed() -> None:
    ((_, view),) = service("runtime: python312\n").select("workload")
    assert view["service_account"] is None and "service_account" not in view.sources
