"""The Fly.io adapter: detection, the app resource and its subjects."""

from __future__ import annotations

import pytest
from platform_helpers import AdapterHelper, entries, line_of, line_with

from pytest_paassec.platforms.flyio import FlyIo

PLATFORM = FlyIo()

HELPER = AdapterHelper(PLATFORM, "fly.toml", "toml")
document = HELPER.document
app = HELPER.resource


# --- detection and resources ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'app = "hello"\n',
        # a template with no app name (fly-apps/grpc-service web-proxy)
        "[[services]]\n  internal_port = 8080\n  protocol = \"tcp\"\n",
        '[mount]\nsource = "data"\ndestination = "/data"\n',
    ],
)
def test_detects_fly_configs(text: str) -> None:
    assert PLATFORM.detect(document(text))


@pytest.mark.parametrize(
    "text",
    [
        "",
        '[tool.black]\nline-length = 100\n',
        'title = "Not Fly"\n[owner]\nname = "x"\n',
    ],
)
def test_rejects_toml_of_other_tools(text: str) -> None:
    assert not PLATFORM.detect(document(text, "fly.tool.toml"))


def test_one_app_named_by_app_key() -> None:
    resource = app('app = "shop-web"\nprimary_region = "ams"\n')
    assert (resource.platform, resource.kind, resource.name, resource.ref) == ("flyio", "app", "shop-web", "app/shop-web")
    assert resource.path == ()


def test_app_without_name_is_named_after_its_folder() -> None:
    resource = app('[[services]]\n  internal_port = 8080\n', "web-proxy/fly.template.toml")
    assert resource.name == "web-proxy"


# --- env and build args --------------------------------------------------------

ENV = """
app = "api"

[build]
  dockerfile = "Dockerfile"
  [build.args]
    NODE_VERSION = "20"
    NPM_TOKEN = "npm_abc"

[env]
  PORT = 8080
  LOG_LEVEL = "info"
  DATABASE_URL = "${DATABASE_URL}"
  DEBUG = false
"""


def test_env_entries_are_literals_unless_placeholders() -> None:
    resource = app(ENV)
    found = entries(resource, "env")
    assert found == [
        (("env", "PORT"), {"name": "PORT", "value": "8080", "reference": False}),
        (("env", "LOG_LEVEL"), {"name": "LOG_LEVEL", "value": "info", "reference": False}),
        (("env", "DATABASE_URL"), {"name": "DATABASE_URL", "value": None, "reference": True}),
        (("env", "DEBUG"), {"name": "DEBUG", "value": "false", "reference": False}),
    ]
    assert line_of(resource, ("env", "LOG_LEVEL")) == line_with(resource, "LOG_LEVEL")
    assert line_of(resource, ("env", "DEBUG")) == line_with(resource, "DEBUG =")


def test_build_args_are_their_own_subject() -> None:
    resource = app(ENV)
    found = entries(resource, "build_args")
    assert [path for path, _ in found] == [("build", "args", "NODE_VERSION"), ("build", "args", "NPM_TOKEN")]
    assert found[1][1] == {"name": "NPM_TOKEN", "value": "npm_abc", "reference": False}
    assert line_of(resource, found[1][0]) == line_with(resource, "NPM_TOKEN")
    assert all(name != "NPM_TOKEN" for _, entry in entries(resource, "env") for name in [entry["name"]])


def test_no_env_section_means_no_entries() -> None:
    resource = app('app = "api"\n')
    assert entries(resource, "env") == []
    assert entries(resource, "build_args") == []


# --- images ------------------------------------------------------------------------


def test_build_image_is_split() -> None:
    resource = app('app = "hello"\n\n[build]\n  image = "registry.fly.io/hello:v3"\n')
    ((path, image),) = entries(resource, "images")
    assert path == ("build", "image")
    assert image == {
        "image": "registry.fly.io/hello:v3",
        "registry": "registry.fly.io",
        "repository": "hello",
        "tag": "v3",
        "digest": None,
    }
    assert line_of(resource, path) == line_with(resource, "image =")


def test_builder_and_dockerfile_builds_have_no_image() -> None:
    resource = app('app = "hello"\n[build]\n  builder = "heroku/builder:24"\n  dockerfile = "Dockerfile"\n')
    assert entries(resource, "images") == []


# --- endpoints -----------------------------------------------------------------------

HTTP_SERVICE = """
app = "web"

[http_service]
  internal_port = 8080
  force_https = {force}
  auto_stop_machines = "stop"
"""


def test_http_service_publishes_443_and_80() -> None:
    resource = app(HTTP_SERVICE.format(force="true"))
    found = resource.select("endpoints")
    assert [dict(view) for _, view in found] == [
        {"port": 443, "protocol": "https", "public": True, "tls": True},
        {"port": 80, "protocol": "http", "public": True, "tls": True},
    ]
    (secure_path, _), (plain_path, plain) = found
    assert secure_path == plain_path == ("http_service",)
    assert line_of(resource, plain_path) == line_with(resource, "[http_service]")
    assert line_of(resource, plain.sources["tls"]) == line_with(resource, "force_https")


def test_http_service_without_force_https_lets_plain_http_through() -> None:
    resource = app(HTTP_SERVICE.format(force="false"))
    assert dict(resource.select("endpoints")[1][1])["tls"] is False
    unset = app('app = "web"\n[http_service]\n  internal_port = 8080\n')
    (_, plain) = unset.select("endpoints")[1]
    assert plain["tls"] is False
    assert "tls" not in plain.sources


SERVICES = """
app = "multi"

[[services]]
  protocol = "tcp"
  internal_port = 4000

  [[services.ports]]
    port = "80"
    handlers = ["http"]

  [[services.ports]]
    port = 443
    handlers = ["tls", "http"]

[[services]]
  protocol = "tcp"
  internal_port = 5432

  [[services.ports]]
    port = 5432
    handlers = ["pg_tls"]

  [[services.ports]]
    port = 10000

  [[services.ports]]
    handlers = ["tls"]
    start_port = 8080
    end_port = 8085

[[services]]
  protocol = "udp"
  internal_port = 5000

  [[services.ports]]
    port = 5000

[[services]]
  internal_port = 8080

  [[services.ports]]
    port = 8081
    handlers = ["http"]
    force_https = true
"""


def test_service_ports_become_endpoints() -> None:
    resource = app(SERVICES)
    found = [(path, dict(view)) for path, view in resource.select("endpoints")]
    assert found == [
        (("services", 0, "ports", 0), {"port": 80, "protocol": "http", "public": True, "tls": False}),
        (("services", 0, "ports", 1), {"port": 443, "protocol": "https", "public": True, "tls": True}),
        (("services", 1, "ports", 0), {"port": 5432, "protocol": "tls", "public": True, "tls": True}),
        (("services", 1, "ports", 1), {"port": 10000, "protocol": "tcp", "public": True, "tls": None}),
        (("services", 1, "ports", 2), {"port": "8080-8085", "protocol": "tls", "public": True, "tls": True}),
        (("services", 2, "ports", 0), {"port": 5000, "protocol": "udp", "public": True, "tls": None}),
        (("services", 3, "ports", 0), {"port": 8081, "protocol": "http", "public": True, "tls": True}),
    ]


def test_service_port_entries_point_at_their_fields() -> None:
    resource = app(SERVICES)
    views = resource.select("endpoints")
    path, view = views[0]
    assert line_of(resource, path) == line_with(resource, "[[services.ports]]", 0)
    assert line_of(resource, view.sources["port"]) == line_with(resource, 'port = "80"')
    assert line_of(resource, view.sources["tls"]) == line_with(resource, 'handlers = ["http"]', 0)
    path, view = views[3]
    assert line_of(resource, view.sources["port"]) == line_with(resource, "port = 10000")
    assert "tls" not in view.sources  # no handlers key: the table is where it points
    path, view = views[-1]
    assert line_of(resource, view.sources["tls"]) == line_with(resource, "force_https = true")


def test_no_services_means_no_endpoints() -> None:
    resource = app('app = "worker"\n[processes]\n  worker = "bin/worker"\n')
    assert resource.select("endpoints") == []


# --- services ---------------------------------------------------------------------------


def test_services_subject_lists_http_service_then_services_as_written() -> None:
    resource = app(HTTP_SERVICE.format(force="true") + "\n[[services]]\n  internal_port = 9000\n  protocol = \"tcp\"\n")
    found = resource.select("services")
    assert [path for path, _ in found] == [("http_service",), ("services", 0)]
    assert found[0][1] is resource.data["http_service"]
    assert found[1][1]["internal_port"] == 9000
    assert line_of(resource, ("services", 0, "internal_port")) == line_with(resource, "internal_port = 9000")


# --- workload ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vm", "memory_mb", "millicores"),
    [
        ('memory = "1gb"\n  cpus = 1', 1024, 1000),
        ('memory = "512mb"', 512, None),
        ("memory = 2048\n  cpus = 2", 2048, 2000),
        ("memory_mb = 256", 256, None),
        ('size = "performance-2x"', 4096, 2000),
        ('size = "shared-cpu-1x"\n  memory = "2gb"', 2048, 1000),
        ('cpu_kind = "shared"', None, None),
    ],
)
def test_vm_sizes(vm: str, memory_mb: int | None, millicores: int | None) -> None:
    resource = app(f'app = "a"\n\n[[vm]]\n  {vm}\n')
    ((path, entry),) = resource.select("workload")
    assert path == ("vm", 0)
    assert entry["memory_bytes"] == (memory_mb * 2**20 if memory_mb else None)
    assert entry["cpu_millicores"] == millicores
    assert (entry["instances"], entry["max_instances"], entry["run_as_root"], entry["privileged"], entry["runtime"]) == (None,) * 5


def test_vm_fields_point_at_their_keys() -> None:
    resource = app('app = "a"\n\n[[vm]]\n  size = "shared-cpu-2x"\n  memory = "1gb"\n\n[[vm]]\n  size = "performance-1x"\n  processes = ["worker"]\n')
    (first_path, first), (second_path, second) = resource.select("workload")
    assert line_of(resource, first_path) == line_with(resource, "[[vm]]", 0)
    assert line_of(resource, first.sources["memory_bytes"]) == line_with(resource, 'memory = "1gb"')
    assert line_of(resource, first.sources["cpu_millicores"]) == line_with(resource, 'size = "shared-cpu-2x"')
    assert second_path == ("vm", 1)
    assert line_of(resource, second.sources["memory_bytes"]) == line_with(resource, 'size = "performance-1x"')
    assert second["memory_bytes"] == 2048 * 2**20


def test_no_vm_section_gives_one_unknown_size_entry_for_the_app() -> None:
    resource = app('app = "a"\n')
    ((path, entry),) = resource.select("workload")
    assert path == ()
    assert entry["memory_bytes"] is None and entry["cpu_millicores"] is None
    assert entry["health_check"] is False


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ('[checks]\n  [checks.alive]\n    port = 9090\n    type = "tcp"\n', True),
        ('[http_service]\n  internal_port = 8080\n  [[http_service.checks]]\n    path = "/healthz"\n', True),
        ('[[services]]\n  internal_port = 8080\n  [[services.tcp_checks]]\n    interval = "15s"\n', True),
        ('[[services]]\n  internal_port = 8080\n  [[services.http_checks]]\n    path = "/"\n', True),
        ('[[services]]\n  internal_port = 8080\n  http_checks = []\n  script_checks = []\n', False),
        ('[http_service]\n  internal_port = 8080\n', False),
    ],
)
def test_health_checks(checks: str, expected: bool) -> None:
    resource = app(f'app = "a"\n\n{checks}')
    assert [entry["health_check"] for _, entry in resource.select("workload")] == [expected]


def test_mounts_are_fly_volumes_not_host_paths() -> None:
    resource = app(
        """
        app = "api"

        [[mounts]]
        source = "data"
        destination = "/data"

        [[mounts]]
        source = "logs"
        destination = "/var/log/api"
        """
    )
    assert entries(resource, "mounts") == [
        (("mounts", 0), {"source": "data", "target": "/data", "host": False, "read_only": False}),
        (("mounts", 1), {"source": "logs", "target": "/var/log/api", "host": False, "read_only": False}),
    ]
    assert line_of(resource, ("mounts", 1)) == line_with(resource, "[[mounts]]", 1)
    single = app('app = "api"\n[mounts]\nsource = "data"\ndestination = "/data"\n')
    assert [path for path, _ in single.select("mounts")] == [("mounts",)]
