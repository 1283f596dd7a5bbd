"""The Render adapter: detection, resources and the normalized subjects."""

from __future__ import annotations

import pytest
from platform_helpers import AdapterHelper, line_of, text_line

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.render import Render

PLATFORM = Render()

HELPER = AdapterHelper(PLATFORM, "render.yaml")
document = HELPER.document


def resources(text: str) -> dict[str, Resource]:
    return HELPER.resources(text)


BLUEPRINT = """
previews:
  generation: automatic
services:
  - type: web
    name: api
    runtime: python
    plan: standard
    healthCheckPath: /healthz
    scaling:
      minInstances: 2
      maxInstances: 5
      targetCPUPercent: 60
    envVars:
      - key: PYTHON_VERSION
        value: 3.12.4
      - key: API_BASE_URL
        value: https://api.example.com
      - key: JWT_SECRET
        generateValue: true
      - key: STRIPE_API_KEY
        sync: false
      - key: DATABASE_URL
        fromDatabase:
          name: main-db
          property: connectionString
      - key: MINIO_PASSWORD
        fromService:
          name: minio
          type: pserv
          envVarKey: MINIO_ROOT_PASSWORD
      - fromGroup: shared-settings
      - key: RETRIES
        value: 3
  - type: pserv
    name: minio
    runtime: image
    image:
      url: docker.io/minio/minio:RELEASE.2024-01-01T00-00-00Z
    numInstances: 1
  - type: web
    name: docs
    runtime: static
    buildCommand: mkdocs build
    staticPublishPath: ./site
  - type: keyvalue
    name: cache
    ipAllowList: []
  - type: redis
    name: legacy-cache
    ipAllowList:
      - source: 203.0.113.4/30
        description: office
databases:
  - name: main-db
    plan: basic-1gb
  - name: private-db
    ipAllowList: []
envVarGroups:
  - name: shared-settings
    envVars:
      - key: LOG_LEVEL
        value: info
"""


# --- detection ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        BLUEPRINT,
        "databases:\n  - name: db\n",
        "envVarGroups:\n  - name: shared\n    envVars: []\n",
        "projects:\n  - name: shop\n    environments:\n      - name: production\n",
        "ungrouped:\n  services:\n    - type: worker\n      name: jobs\n      runtime: go\n",
        "services:\n  - type: web\n    name: api\n    runtime: node\nversion: \"1\"\n",
    ],
    ids=["full", "databases-only", "env-groups-only", "projects", "ungrouped", "version-key"],
)
def test_detects_blueprints(text: str) -> None:
    assert PLATFORM.detect(document(text))


@pytest.mark.parametrize(
    "text",
    [
        # A DigitalOcean app spec: services without a type, app-level keys.
        "name: shop\nservices:\n  - name: api\n    http_port: 8080\n",
        # A DigitalOcean spec with only databases looks like a blueprint but names the app.
        "name: shop\nregion: fra\ndatabases:\n  - name: db\n    engine: PG\n",
        # docker compose: services is a mapping.
        "services:\n  web:\n    image: nginx:1.25\n",
        # Services of which one has no type.
        "services:\n  - type: web\n    name: api\n  - name: worker\n",
        "services: []\n",
        "applications:\n  - name: app\n",
        "- just\n- a list\n",
    ],
    ids=["do-app-spec", "do-databases-only", "compose", "untyped-service", "empty-services", "cloudfoundry", "list"],
)
def test_rejects_look_alikes(text: str) -> None:
    assert not PLATFORM.detect(document(text))


# --- resources ---------------------------------------------------------------


def test_resources_and_refs() -> None:
    found = resources(BLUEPRINT)
    assert list(found) == [
        "blueprint/render.yaml",
        "web/api",
        "pserv/minio",
        "web/docs",
        "keyvalue/cache",
        "redis/legacy-cache",
        "database/main-db",
        "database/private-db",
        "envVarGroup/shared-settings",
    ]
    assert found["web/api"].path == ("services", 0)
    assert found["database/private-db"].path == ("databases", 1)
    assert found["envVarGroup/shared-settings"].line == text_line(found["web/api"], "- name: shared-settings")
    assert found["blueprint/render.yaml"].data["previews"] == {"generation": "automatic"}


def test_projects_and_ungrouped_resources_are_scoped() -> None:
    found = resources(
        """
        projects:
          - name: shop
            environments:
              - name: production
                networking:
                  isolation: enabled
                services:
                  - type: web
                    name: storefront
                    runtime: node
                databases:
                  - name: orders
        ungrouped:
          envVarGroups:
            - name: loose
              envVars: []
        """
    )
    assert set(found) == {
        "blueprint/render.yaml",
        "environment/shop/production",
        "web/production/storefront",
        "database/production/orders",
        "envVarGroup/loose",
    }
    storefront = found["web/production/storefront"]
    assert storefront.path == ("projects", 0, "environments", 0, "services", 0)
    assert storefront.line == text_line(storefront, "name: storefront") - 1
    assert found["environment/shop/production"].data["networking"] == {"isolation": "enabled"}
    assert found["envVarGroup/loose"].path == ("ungrouped", "envVarGroups", 0)


# --- env ---------------------------------------------------------------------


def test_env_values_and_references() -> None:
    api = resources(BLUEPRINT)["web/api"]
    entries = {view["name"]: (path, view) for path, view in api.select("env")}
    assert {name: (view["value"], view["reference"]) for name, (_, view) in entries.items()} == {
        "PYTHON_VERSION": ("3.12.4", False),
        "API_BASE_URL": ("https://api.example.com", False),
        "JWT_SECRET": (None, True),
        "STRIPE_API_KEY": (None, True),
        "DATABASE_URL": (None, True),
        "MINIO_PASSWORD": (None, True),
        "shared-settings": (None, True),
        "RETRIES": ("3", False),
    }
    path, _ = entries["API_BASE_URL"]
    assert path == ("envVars", 1, "value")
    assert line_of(api, path) == text_line(api, "value: https://api.example.com")
    path, _ = entries["STRIPE_API_KEY"]
    assert line_of(api, path) == text_line(api, "key: STRIPE_API_KEY")
    path, _ = entries["shared-settings"]
    assert line_of(api, path) == text_line(api, "- fromGroup: shared-settings")


def test_env_of_groups_but_not_datastores() -> None:
    found = resources(BLUEPRINT)
    [(path, view)] = found["envVarGroup/shared-settings"].select("env")
    assert (view["name"], view["value"], view["reference"]) == ("LOG_LEVEL", "info", False)
    assert line_of(found["envVarGroup/shared-settings"], path) == text_line(found["web/api"], "value: info")
    assert found["keyvalue/cache"].select("env") == []
    assert found["database/main-db"].select("env") == []


def test_placeholder_literal_counts_as_reference() -> None:
    found = resources("services:\n  - type: worker\n    name: w\n    envVars:\n      - key: TOKEN\n        value: <set-me>\n")
    [(_, view)] = found["worker/w"].select("env")
    assert view["reference"] is True and view["value"] is None


# --- images ------------------------------------------------------------------


def test_images_from_image_url() -> None:
    found = resources(BLUEPRINT)
    minio = found["pserv/minio"]
    [(path, view)] = minio.select("images")
    assert path == ("image", "url")
    assert line_of(minio, path) == text_line(minio, "url: docker.io/minio/minio")
    assert view["registry"] == "docker.io"
    assert view["repository"] == "minio/minio"
    assert view["tag"] == "RELEASE.2024-01-01T00-00-00Z"
    assert view["digest"] is None
    assert found["web/api"].select("images") == []  # built from source, no image reference


# --- endpoints ---------------------------------------------------------------


def test_endpoints_web_and_datastores() -> None:
    found = resources(BLUEPRINT)
    [(path, view)] = found["web/api"].select("endpoints")
    assert dict(view) == {"port": 443, "protocol": "https", "public": True, "tls": True}
    assert path == ("type",)
    assert found["web/docs"].select("endpoints")[0][1]["public"] is True
    assert found["pserv/minio"].select("endpoints") == []  # private services have no public way in
    assert found["keyvalue/cache"].select("endpoints") == []  # ipAllowList: [] is private only
    assert found["database/private-db"].select("endpoints") == []

    [(path, view)] = found["redis/legacy-cache"].select("endpoints")
    assert dict(view) == {"port": 6379, "protocol": "redis", "public": True, "tls": True}
    assert path == ("ipAllowList",)

    # No list on a database: any source with credentials may connect.
    [(path, view)] = found["database/main-db"].select("endpoints")
    assert path == () and view["public"] is True and view["port"] == 5432


def test_keyvalue_without_allow_list_is_unknown_exposure() -> None:
    found = resources("services:\n  - type: keyvalue\n    name: cache\n")
    [(_, view)] = found["keyvalue/cache"].select("endpoints")
    assert view["public"] is None


def test_endpoint_lines() -> None:
    found = resources(BLUEPRINT)
    api, legacy = found["web/api"], found["redis/legacy-cache"]
    assert line_of(api, api.select("endpoints")[0][0]) == 4  # "- type: web" of api
    lines = legacy.document.file.text.splitlines()
    assert lines[line_of(legacy, legacy.select("endpoints")[0][0]) - 1].strip() == "ipAllowList:"


# --- workload ----------------------------------------------------------------


def test_workload_from_plan_scaling_and_runtime() -> None:
    found = resources(BLUEPRINT)
    [(path, view)] = found["web/api"].select("workload")
    assert path == ()
    assert view["memory_bytes"] == 2 * 1024**3
    assert view["cpu_millicores"] == 1000
    assert (view["instances"], view["max_instances"]) == (2, 5)
    assert view["health_check"] is True
    assert view["runtime"] == "python-3.12.4"
    assert view["run_as_root"] is None and view["privileged"] is None
    api = found["web/api"]
    assert view.sources == {
        "instances": ("scaling", "minInstances"),
        "max_instances": ("scaling", "maxInstances"),
        "memory_bytes": ("plan",),
        "cpu_millicores": ("plan",),
        "health_check": ("healthCheckPath",),
        "runtime": ("runtime",),
    }
    assert line_of(api, view.sources["max_instances"]) == text_line(api, "maxInstances: 5")
    assert line_of(api, view.sources["health_check"]) == text_line(api, "healthCheckPath: /healthz")


def test_workload_unknowns_stay_none() -> None:
    found = resources(BLUEPRINT)
    [(_, minio)] = found["pserv/minio"].select("workload")
    assert minio["memory_bytes"] is None  # no plan: an existing service keeps its own
    assert (minio["instances"], minio["max_instances"]) == (1, 1)
    assert minio["health_check"] is None  # private services cannot declare one
    assert minio["runtime"] == "image"
    assert minio.sources == {"instances": ("numInstances",), "max_instances": ("numInstances",), "runtime": ("runtime",)}
    assert found["web/docs"].select("workload") == []  # static sites run no code
    assert found["keyvalue/cache"].select("workload") == []
    assert found["database/main-db"].select("workload") == []


def test_web_without_health_check_path_and_legacy_env_key() -> None:
    found = resources("services:\n  - type: web\n    name: w\n    env: docker\n    plan: starter\n")
    [(_, view)] = found["web/w"].select("workload")
    assert view["health_check"] is False
    assert view["runtime"] == "docker"
    assert (view["memory_bytes"], view["cpu_millicores"]) == (512 * 1024**2, 500)
    assert view["instances"] is None
    assert "instances" not in view.sources and view.sources["runtime"] == ("env",)


def test_a_service_disk_is_a_render_disk_not_a_host_path() -> None:
    found = resources(
        """
        services:
          - type: pserv
            name: search
            runtime: docker
            disk: {name: index, mountPath: /var/lib/search, sizeGB: 10}
          - type: web
            name: site
            runtime: static
            disk: {name: ignored, mountPath: /x}
        """
    )
    search = found["pserv/search"]
    ((path, mount),) = search.select("mounts")
    assert path == ("disk",) and dict(mount) == {"source": "index", "target": "/var/lib/search", "host": False, "read_only": False}
    assert line_of(search, path) == text_line(search, "name: index")
    assert found["web/site"].select("mounts") == []
