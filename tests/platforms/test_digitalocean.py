"""The DigitalOcean App Platform adapter: detection, resources and subjects."""

from __future__ import annotations

import pytest
from platform_helpers import AdapterHelper, line_of, text_line

from pytest_paassec.platforms.digitalocean import DigitalOcean

PLATFORM = DigitalOcean()

HELPER = AdapterHelper(PLATFORM, ".do/app.yaml", "yaml")
document = HELPER.document
resources = HELPER.resources


SPEC = """
name: shop
region: fra
envs:
  - key: APP_ENV
    value: production
    scope: RUN_AND_BUILD_TIME
alerts:
  - rule: DEPLOYMENT_FAILED
domains:
  - domain: shop.example.com
    type: PRIMARY
    minimum_tls_version: "1.3"
ingress:
  rules:
    - match:
        path:
          prefix: /internal-api
      component:
        name: backend
      cors:
        allow_origins:
          - exact: https://admin.example.com
services:
  - name: api
    environment_slug: node-js
    instance_size_slug: apps-d-2vcpu-4gb
    http_port: 8080
    autoscaling:
      min_instance_count: 2
      max_instance_count: 6
    health_check:
      http_path: /healthz
    cors:
      allow_origins:
        - regex: ^https://.*\\.example\\.com$
    envs:
      - key: SESSION_SECRET
        type: SECRET
        value: EV[1:abc:ZGVm]
      - key: DATABASE_URL
        value: ${db.DATABASE_URL}
        scope: RUN_TIME
      - key: LOG_LEVEL
        value: info
      - key: FEATURE_FLAG
  - name: backend
    internal_ports: [3000]
    image:
      registry_type: DOCKER_HUB
      registry: acme
      repository: backend
      tag: 1.4.2
  - name: queue
    internal_ports: [5672]
    instance_count: 3
    instance_size_slug: professional-xs
    image:
      registry_type: DOCR
      repository: rabbit
      digest: sha256:4c1e8b8f0d5f7b3e2a9d6c1f0e8b7a6d5c4b3a29180f7e6d5c4b3a2918070605
workers:
  - name: mailer
    environment_slug: python
    liveness_health_check:
      http_path: /alive
jobs:
  - name: migrate
    kind: PRE_DEPLOY
    environment_slug: python
static_sites:
  - name: web
    output_dir: dist
functions:
  - name: hooks
    source_dir: functions
databases:
  - name: db
    engine: PG
    production: true
    cluster_name: shop-pg
"""


# --- detection ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        SPEC,
        "spec:\n  name: sample\n  services:\n    - name: web\n      git:\n        branch: main\n",
        "name: db-only\nregion: nyc\ndatabases:\n  - name: db\n    engine: PG\n",
        "name: site\nstatic_sites:\n  - name: web\n",
    ],
    ids=["full", "deploy-template", "databases-only", "static-only"],
)
def test_detects_app_specs(text: str) -> None:
    assert PLATFORM.detect(document(text))


@pytest.mark.parametrize(
    "text",
    [
        "services:\n  - type: web\n    name: api\n    runtime: node\n",  # a Render blueprint
        "services:\n  - type: web\n    name: api\n  - name: worker\n",  # a blueprint missing one type
        "runtime: python312\nhandlers:\n  - url: /.*\n    script: auto\n",  # App Engine app.yaml
        "name: just-a-name\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n",
        "- a\n- list\n",
    ],
    ids=["render", "render-partly-typed", "appengine", "name-only", "kubernetes", "list"],
)
def test_rejects_look_alikes(text: str) -> None:
    assert not PLATFORM.detect(document(text, "app.yaml"))


def test_detects_json_spec() -> None:
    found = resources('{\n  "name": "shop",\n  "services": [\n    {"name": "api", "http_port": 8080}\n  ]\n}\n', "app.json", "json")
    assert list(found) == ["app/shop", "service/api"]
    assert found["service/api"].line == 4


# --- resources ---------------------------------------------------------------


def test_resources_and_refs() -> None:
    found = resources(SPEC)
    assert list(found) == [
        "app/shop",
        "service/api",
        "service/backend",
        "service/queue",
        "worker/mailer",
        "job/migrate",
        "static_site/web",
        "function/hooks",
        "database/db",
    ]
    assert found["app/shop"].path == ()
    assert found["worker/mailer"].path == ("workers", 0)
    assert found["database/db"].line == text_line(found["app/shop"], "- name: db")


def test_deploy_template_paths_are_under_spec() -> None:
    found = resources("spec:\n  name: sample\n  services:\n    - name: web\n      envs:\n        - key: A\n          value: b\n")
    web = found["service/web"]
    assert found["app/sample"].path == ("spec",)
    assert web.path == ("spec", "services", 0)
    [(path, _)] = web.select("env")
    assert line_of(web, path) == 7


# --- env ---------------------------------------------------------------------


def test_env_secret_binding_and_general() -> None:
    found = resources(SPEC)
    api = found["service/api"]
    entries = {view["name"]: (path, view) for path, view in api.select("env")}
    assert {name: (view["value"], view["reference"]) for name, (_, view) in entries.items()} == {
        "SESSION_SECRET": (None, True),
        "DATABASE_URL": (None, True),
        "LOG_LEVEL": ("info", False),
        "FEATURE_FLAG": (None, False),
    }
    assert line_of(api, entries["SESSION_SECRET"][0]) == text_line(api, "key: SESSION_SECRET")
    assert line_of(api, entries["LOG_LEVEL"][0]) == text_line(api, "value: info")
    assert line_of(api, entries["DATABASE_URL"][0]) == text_line(api, "value: ${db.DATABASE_URL}")
    [(path, view)] = found["app/shop"].select("env")
    assert (view["name"], view["value"]) == ("APP_ENV", "production")
    assert line_of(found["app/shop"], path) == text_line(api, "value: production")


def test_secret_type_is_case_insensitive_and_hides_plain_values() -> None:
    found = resources("name: a\nworkers:\n  - name: w\n    envs:\n      - key: PASSWORD\n        type: secret\n        value: hunter2\n")
    [(_, view)] = found["worker/w"].select("env")
    assert view["reference"] is True and view["value"] is None


# --- images ------------------------------------------------------------------


def test_images_from_registry_fields() -> None:
    found = resources(SPEC)
    [(path, backend)] = found["service/backend"].select("images")
    assert path == ("image",)
    assert backend.sources["tag"] == ("image", "tag")
    assert line_of(found["service/backend"], backend.sources["tag"]) == text_line(found["app/shop"], "tag: 1.4.2")
    assert backend.sources["registry"] == ("image", "registry_type")
    assert "digest" not in backend.sources
    assert backend["image"] == "docker.io/acme/backend:1.4.2"
    assert (backend["registry"], backend["repository"], backend["tag"], backend["digest"]) == (
        "docker.io",
        "acme/backend",
        "1.4.2",
        None,
    )
    [(path, queue)] = found["service/queue"].select("images")
    assert line_of(found["service/queue"], queue.sources["digest"]) == text_line(found["app/shop"], "digest: sha256:")
    assert queue["registry"] == "registry.digitalocean.com"
    assert queue["repository"] == "rabbit"
    assert queue["tag"] is None
    assert queue["digest"].startswith("sha256:4c1e8b8f")
    assert found["service/api"].select("images") == []  # built from source


def test_image_without_tag_or_registry_type() -> None:
    found = resources("name: a\nworkers:\n  - name: w\n    image:\n      repository: worker\n")
    [(path, view)] = found["worker/w"].select("images")
    assert path == ("image",)
    assert set(view.sources) == {"repository"}
    assert (view["registry"], view["repository"], view["tag"], view["digest"]) == (None, "worker", None, None)


# --- endpoints ---------------------------------------------------------------


def test_endpoints_public_internal_and_ingress_routed() -> None:
    found = resources(SPEC)
    [(path, api)] = found["service/api"].select("endpoints")
    assert dict(api) == {"port": 443, "protocol": "https", "public": True, "tls": True}
    assert line_of(found["service/api"], path) == text_line(found["app/shop"], "http_port: 8080")
    # internal_ports only, but an ingress rule routes to it: public.
    assert found["service/backend"].select("endpoints")[0][1]["public"] is True
    # internal_ports only and no route: reachable on the app's network alone.
    assert found["service/queue"].select("endpoints") == []
    assert found["static_site/web"].select("endpoints")[0][1]["public"] is True
    assert found["function/hooks"].select("endpoints")[0][1]["public"] is True
    assert found["worker/mailer"].select("endpoints") == []
    assert found["job/migrate"].select("endpoints") == []
    assert found["database/db"].select("endpoints") == []


def test_service_without_ports_is_public_on_default_port() -> None:
    found = resources("name: a\nservices:\n  - name: web\n    internal_ports: []\n")
    [(path, view)] = found["service/web"].select("endpoints")
    assert path == () and view["public"] is True


# --- workload ----------------------------------------------------------------


def test_workload_sizes_counts_and_checks() -> None:
    found = resources(SPEC)
    [(path, api)] = found["service/api"].select("workload")
    assert path == ()
    assert (api["cpu_millicores"], api["memory_bytes"]) == (2000, 4 * 1024**3)
    assert (api["instances"], api["max_instances"]) == (2, 6)
    assert api["health_check"] is True
    assert api["runtime"] == "node-js"
    assert api.sources == {
        "memory_bytes": ("instance_size_slug",),
        "cpu_millicores": ("instance_size_slug",),
        "instances": ("autoscaling", "min_instance_count"),
        "max_instances": ("autoscaling", "max_instance_count"),
        "runtime": ("environment_slug",),
        "health_check": ("health_check",),
    }
    api_resource = found["service/api"]
    assert line_of(api_resource, api.sources["instances"]) == text_line(api_resource, "min_instance_count: 2")
    [(_, backend)] = found["service/backend"].select("workload")
    assert (backend["instances"], backend["max_instances"]) == (1, 1)  # documented default
    assert "instances" not in backend.sources  # the default has no line of its own
    assert backend["health_check"] is False
    assert backend["runtime"] is None
    [(_, queue)] = found["service/queue"].select("workload")
    assert queue["memory_bytes"] is None  # a legacy slug does not state its size
    assert queue["instances"] == 3
    assert line_of(found["service/queue"], queue.sources["instances"]) == text_line(found["app/shop"], "instance_count: 3")
    [(_, mailer)] = found["worker/mailer"].select("workload")
    assert mailer["health_check"] is True
    [(_, migrate)] = found["job/migrate"].select("workload")
    assert migrate["health_check"] is None
    for ref in ("static_site/web", "function/hooks", "database/db", "app/shop"):
        assert found[ref].select("workload") == []


def test_shared_half_gigabyte_slug() -> None:
    found = resources("name: a\nservices:\n  - name: web\n    instance_size_slug: apps-s-1vcpu-0.5gb\n")
    [(_, view)] = found["service/web"].select("workload")
    assert (view["cpu_millicores"], view["memory_bytes"]) == (1000, 512 * 1024**2)


# --- cors --------------------------------------------------------------------


def test_cors_policies_of_components_and_ingress_rules() -> None:
    found = resources(SPEC)
    [(path, policy)] = found["service/api"].select("cors")
    assert path == ("cors",)
    assert policy["allow_origins"] == [{"regex": "^https://.*\\.example\\.com$"}]
    [(path, policy)] = found["app/shop"].select("cors")
    assert path == ("ingress", "rules", 0, "cors")
    assert line_of(found["app/shop"], path + ("allow_origins", 0, "exact")) == text_line(
        found["app/shop"], "exact: https://admin.example.com"
    )
    assert found["service/backend"].select("cors") == []
