"""The Docker Compose adapter: detection, one resource per service, subjects."""

from __future__ import annotations

import pytest
from platform_helpers import AdapterHelper, entries, line_of, line_with

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.compose import Compose, Unresolved, interpolate

PLATFORM = Compose()

HELPER = AdapterHelper(PLATFORM, "docker-compose.yml")
document = HELPER.document


def services(text: str) -> dict[str, Resource]:
    """Compose resources are keyed by service name, not ref."""
    return HELPER.resources(text, key="name")


def service(text: str) -> Resource:
    return HELPER.resource(text)


# --- detection ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "services:\n  web:\n    image: nginx:1.27\n",
        "version: '3.8'\nservices:\n  web:\n    build: .\nvolumes:\n  data:\nnetworks:\n  front:\n",
        # an override file: services with only a few attributes, or none
        "services:\n  proxy:\n    command: --config /etc/proxy.cfg\n  db:\n",
        # extension fields and anchors
        "x-common: &common\n  restart: always\nservices:\n  api:\n    <<: *common\n    image: api:1\n",
        "name: shop\nservices:\n  web:\n    image: nginx:1.27\n    x-note: internal\n",
        # version 1: services at the top level
        "web:\n  image: nginx:1.27\n  links: [db]\ndb:\n  image: postgres:9.6\n",
    ],
)
def test_detects_compose_files(text: str) -> None:
    assert PLATFORM.detect(document(text))


@pytest.mark.parametrize(
    "text",
    [
        "just text\n",
        "[]\n",
        # Render and DigitalOcean list their services
        "services:\n  - type: web\n    name: api\n",
        "name: app\nservices:\n  - name: api\n    image: {registry_type: DOCKER_HUB}\n",
        # a Vercel-style services map with foreign top-level keys
        "services:\n  web:\n    root: apps/web\n    framework: nextjs\nrewrites: []\n",
        # service attributes that Compose does not know
        "services:\n  go:\n    root: apps/go\n    framework: gin\n",
        # Kubernetes and GitHub Actions
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
        # services that are not mappings
        "services:\n  redis: redis:7\n",
        # v1 look-alike: a mapping of mappings without image or build
        "dev:\n  debug: true\nprod:\n  debug: false\n",
    ],
)
def test_rejects_look_alikes(text: str) -> None:
    assert not PLATFORM.detect(document(text, "services.yaml"))


def test_one_resource_per_service_with_its_path() -> None:
    found = services(
        """
        services:
          web:
            image: nginx:1.27
          db:
        """
    )
    assert [(r.ref, r.path, r.platform) for r in found.values()] == [
        ("service/web", ("services", "web"), "compose"),
        ("service/db", ("services", "db"), "compose"),
    ]
    assert found["db"].data == {}
    assert found["web"].line == 2


def test_version_1_services_sit_at_the_top_level() -> None:
    found = services("web:\n  image: nginx:1.27\nworker:\n  build: ./worker\n")
    assert [(r.ref, r.path, r.line) for r in found.values()] == [
        ("service/web", ("web",), 1),
        ("service/worker", ("worker",), 3),
    ]


# --- interpolation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "unresolved"),
    [
        ("plain", "plain", False),
        ("${TAG:-1.2}", "1.2", False),
        ("${TAG-1.2}", "1.2", False),
        ("app:${TAG:-1.2}-slim", "app:1.2-slim", False),
        ("pa$$word", "pa$word", False),
        ("${TAG}", "${TAG}", True),
        ("$TAG", "$TAG", True),
        ("${TAG:-}", "${TAG:-}", True),
        ("${TAG:?required}", "${TAG:?required}", True),
        ("${TAG:+set}", "${TAG:+set}", True),
        ("${A:-${B}}", "${A:-${B}}", True),
        ("u:${PW}@db", "u:${PW}@db", True),
    ],
)
def test_interpolation(raw: str, expected: str, unresolved: bool) -> None:
    result = interpolate(raw)
    assert result == expected
    assert isinstance(result, Unresolved) is unresolved


# --- env -----------------------------------------------------------------------


def test_env_mapping_form() -> None:
    resource = service(
        """
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_USER: app
              POSTGRES_PASSWORD: ${DB_PASSWORD}
              FROM_SHELL:
              PORT: 5432
              DEBUG: true
              TIMEOUT: 12:30
              FALLBACK: ${LEVEL:-info}
              EMPTY_DEFAULT: ${EMPTY:-}
        """
    )
    assert entries(resource, "env") == [
        (("environment", "POSTGRES_USER"), {"name": "POSTGRES_USER", "value": "app", "reference": False}),
        (("environment", "POSTGRES_PASSWORD"), {"name": "POSTGRES_PASSWORD", "value": None, "reference": True}),
        (("environment", "FROM_SHELL"), {"name": "FROM_SHELL", "value": None, "reference": True}),
        (("environment", "PORT"), {"name": "PORT", "value": "5432", "reference": False}),
        (("environment", "DEBUG"), {"name": "DEBUG", "value": "true", "reference": False}),
        # YAML 1.1 reads 12:30 as 750; Compose (YAML 1.2) reads the text.
        (("environment", "TIMEOUT"), {"name": "TIMEOUT", "value": "12:30", "reference": False}),
        (("environment", "FALLBACK"), {"name": "FALLBACK", "value": "info", "reference": False}),
        (("environment", "EMPTY_DEFAULT"), {"name": "EMPTY_DEFAULT", "value": None, "reference": True}),
    ]
    assert line_of(resource, ("environment", "POSTGRES_PASSWORD")) == line_with(resource, "POSTGRES_PASSWORD:")
    assert line_of(resource, ("environment", "FROM_SHELL")) == line_with(resource, "FROM_SHELL:")


def test_env_list_form() -> None:
    resource = service(
        """
        services:
          api:
            image: api:1
            environment:
              - DATABASE_URL=postgres://app:hunter2@db/app
              - API_TOKEN
              - SECRET=${SECRET:?set it}
              - EMPTY=
              - EQUALS=a=b
        """
    )
    assert entries(resource, "env") == [
        (("environment", 0), {"name": "DATABASE_URL", "value": "postgres://app:hunter2@db/app", "reference": False}),
        (("environment", 1), {"name": "API_TOKEN", "value": None, "reference": True}),
        (("environment", 2), {"name": "SECRET", "value": None, "reference": True}),
        (("environment", 3), {"name": "EMPTY", "value": "", "reference": False}),
        (("environment", 4), {"name": "EQUALS", "value": "a=b", "reference": False}),
    ]
    assert line_of(resource, ("environment", 1)) == line_with(resource, "- API_TOKEN")


def test_env_file_is_not_read_without_a_work_tree() -> None:
    # A text with no repository around it (the files it names are read in
    # a run: see test_compose_project.py).
    resource = service("services:\n  api:\n    image: api:1\n    env_file: [.env]\n")
    assert entries(resource, "env") == []


# --- images --------------------------------------------------------------------


def test_image_reference_is_split() -> None:
    resource = service("services:\n  web:\n    image: registry.example.com:5000/team/web:2.1@sha256:" + "a" * 64 + "\n")
    assert entries(resource, "images") == [
        (
            ("image",),
            {
                "image": "registry.example.com:5000/team/web:2.1@sha256:" + "a" * 64,
                "registry": "registry.example.com:5000",
                "repository": "team/web",
                "tag": "2.1",
                "digest": "sha256:" + "a" * 64,
            },
        )
    ]
    assert line_of(resource, ("image",)) == 3


def test_image_without_tag_and_with_default_tag() -> None:
    found = services("services:\n  a:\n    image: nginx\n  b:\n    image: nginx:${TAG:-latest}\n")
    assert entries(found["a"], "images")[0][1]["tag"] is None
    assert entries(found["b"], "images")[0][1]["tag"] == "latest"


@pytest.mark.parametrize(
    "text",
    [
        # built from source: image only names the result
        "services:\n  app:\n    build: .\n    image: acme/app\n",
        "services:\n  app:\n    build: {context: .}\n",
        # chosen entirely at deploy time
        "services:\n  app:\n    image: ${APP_IMAGE}\n",
    ],
)
def test_no_image_entry(text: str) -> None:
    assert entries(service(text), "images") == []


# --- ports and endpoints ---------------------------------------------------------


def test_short_port_syntax() -> None:
    resource = service(
        """
        services:
          web:
            image: web:1
            ports:
              - "3000"
              - "8080:80"
              - "127.0.0.1:5432:5432"
              - "[::1]:6379:6379"
              - "6060:6060/udp"
              - 22:22
              - "127.0.0.1::9000"
              - "10.0.0.5:8443:443"
        """
    )
    assert [view for _, view in entries(resource, "ports")] == [
        {"published": None, "target": 3000, "host_ip": None, "protocol": "tcp", "public": True, "mode": None},
        {"published": 8080, "target": 80, "host_ip": None, "protocol": "tcp", "public": True, "mode": None},
        {"published": 5432, "target": 5432, "host_ip": "127.0.0.1", "protocol": "tcp", "public": False, "mode": None},
        {"published": 6379, "target": 6379, "host_ip": "[::1]", "protocol": "tcp", "public": False, "mode": None},
        {"published": 6060, "target": 6060, "host_ip": None, "protocol": "udp", "public": True, "mode": None},
        {"published": 22, "target": 22, "host_ip": None, "protocol": "tcp", "public": True, "mode": None},
        {"published": None, "target": 9000, "host_ip": "127.0.0.1", "protocol": "tcp", "public": False, "mode": None},
        {"published": 8443, "target": 443, "host_ip": "10.0.0.5", "protocol": "tcp", "public": True, "mode": None},
    ]
    assert [path for path, _ in entries(resource, "ports")] == [("ports", i) for i in range(8)]
    assert line_of(resource, ("ports", 5)) == line_with(resource, "- 22:22")


def test_long_port_syntax() -> None:
    resource = service(
        """
        services:
          web:
            image: web:1
            ports:
              - target: 80
                published: "8080"
                protocol: TCP
                mode: host
              - target: 5432
                host_ip: 127.0.0.1
                published: 5432
              - target: 443
        """
    )
    assert [view for _, view in entries(resource, "ports")] == [
        {"published": 8080, "target": 80, "host_ip": None, "protocol": "tcp", "public": True, "mode": "host"},
        {"published": 5432, "target": 5432, "host_ip": "127.0.0.1", "protocol": "tcp", "public": False, "mode": None},
        {"published": None, "target": 443, "host_ip": None, "protocol": "tcp", "public": True, "mode": None},
    ]
    assert line_of(resource, ("ports", 1)) == line_with(resource, "- target: 5432")


def test_port_ranges() -> None:
    resource = service(
        """
        services:
          web:
            image: web:1
            ports:
              - "127.0.0.1:5000-5002:6000-6002"
              - "8000-8010:80"
              - "4000-4001"
              - "1-65535:1-65535"
        """
    )
    found = entries(resource, "ports")
    assert [(path, v["published"], v["target"], v["public"]) for path, v in found] == [
        (("ports", 0), 5000, 6000, False),
        (("ports", 0), 5001, 6001, False),
        (("ports", 0), 5002, 6002, False),
        (("ports", 1), "8000-8010", 80, True),
        (("ports", 2), None, 4000, True),
        (("ports", 2), None, 4001, True),
        # too wide to expand: one entry, kept as written
        (("ports", 3), "1-65535", "1-65535", True),
    ]


def test_interpolated_ports() -> None:
    resource = service(
        """
        services:
          db:
            image: postgres:16
            ports:
              - "${DB_BIND:-127.0.0.1}:5432:5432"
              - "${DB_BIND}:5433:5432"
              - "${WEB_PORT:-8080}:80"
              - "${WEB_PORT}:80"
        """
    )
    assert [(v["host_ip"], v["published"], v["target"], v["public"]) for _, v in entries(resource, "ports")] == [
        ("127.0.0.1", 5432, 5432, False),
        ("${DB_BIND}", 5433, 5432, None),
        (None, 8080, 80, True),
        (None, "${WEB_PORT}", 80, True),
    ]


def test_endpoints_give_the_way_in() -> None:
    resource = service(
        """
        services:
          web:
            image: web:1
            ports:
              - "127.0.0.1:8080:80"
              - "443"
              - "53:53/udp"
              - "${WEB_PORT}:80"
        """
    )
    assert entries(resource, "endpoints") == [
        (("ports", 0), {"port": 8080, "protocol": "tcp", "public": False, "tls": None}),
        (("ports", 1), {"port": 443, "protocol": "tcp", "public": True, "tls": None}),
        (("ports", 2), {"port": 53, "protocol": "udp", "public": True, "tls": None}),
        (("ports", 3), {"port": None, "protocol": "tcp", "public": True, "tls": None}),
    ]


def test_exposed_ports_are_not_endpoints() -> None:
    resource = service("services:\n  db:\n    image: postgres:16\n    expose: ['5432']\n")
    assert entries(resource, "endpoints") == []
    assert entries(resource, "ports") == []


# --- mounts --------------------------------------------------------------------


def test_short_volume_syntax() -> None:
    resource = service(
        """
        services:
          app:
            image: app:1
            volumes:
              - /var/run/docker.sock:/var/run/docker.sock:ro
              - data:/var/lib/data
              - ./config:/etc/app:ro,Z
              - /cache
              - //etc//:/host/etc
              - ~/.aws:/root/.aws
              - ${DATA_DIR:-/srv/data}:/data
              - ${DATA_DIR}:/more
              - 'C:\\logs:/logs:rw'
        """
    )
    assert [view for _, view in entries(resource, "mounts")] == [
        {"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "host": True, "read_only": True},
        {"type": "volume", "source": "data", "target": "/var/lib/data", "host": False, "read_only": False},
        {"type": "bind", "source": "./config", "target": "/etc/app", "host": True, "read_only": True},
        {"type": "volume", "source": None, "target": "/cache", "host": False, "read_only": False},
        {"type": "bind", "source": "/etc", "target": "/host/etc", "host": True, "read_only": False},
        {"type": "bind", "source": "~/.aws", "target": "/root/.aws", "host": True, "read_only": False},
        {"type": "bind", "source": "/srv/data", "target": "/data", "host": True, "read_only": False},
        {"type": None, "source": "${DATA_DIR}", "target": "/more", "host": None, "read_only": False},
        {"type": "bind", "source": "C:\\logs", "target": "/logs", "host": True, "read_only": False},
    ]
    assert line_of(resource, ("volumes", 2)) == line_with(resource, "./config:/etc/app")


def test_long_volume_syntax() -> None:
    resource = service(
        """
        services:
          app:
            image: app:1
            volumes:
              - type: bind
                source: /
                target: /host
                read_only: true
              - type: volume
                source: data
                target: /data
              - type: tmpfs
                target: /tmp
        """
    )
    assert entries(resource, "mounts") == [
        (("volumes", 0), {"type": "bind", "source": "/", "target": "/host", "host": True, "read_only": True}),
        (("volumes", 1), {"type": "volume", "source": "data", "target": "/data", "host": False, "read_only": False}),
        (("volumes", 2), {"type": "tmpfs", "source": None, "target": "/tmp", "host": False, "read_only": False}),
    ]


# --- workload ------------------------------------------------------------------


def test_workload_from_deploy_section() -> None:
    resource = service(
        """
        services:
          api:
            image: api:1
            user: "0:0"
            deploy:
              replicas: 3
              resources:
                limits:
                  memory: 512M
                  cpus: "0.50"
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost/health"]
        """
    )
    ((path, view),) = resource.select("workload")
    assert path == ()
    assert dict(view) == {
        "memory_bytes": 512 * 2**20,
        "cpu_millicores": 500,
        "instances": 3,
        "max_instances": None,
        "run_as_root": True,
        "privileged": False,
        "health_check": True,
        "runtime": None,
        "capabilities_added": [],
        "host_network": False,
        "host_pid": False,
        "host_ipc": False,
        "devices": [],
        "docker_socket": False,
        "service_account": None,
        "managed_identity": None,
        "instance_profile": None,
    }
    assert line_of(resource, view.sources["memory_bytes"]) == line_with(resource, "memory: 512M")
    assert line_of(resource, view.sources["cpu_millicores"]) == line_with(resource, "cpus:")
    assert line_of(resource, view.sources["instances"]) == line_with(resource, "replicas: 3")
    assert line_of(resource, view.sources["run_as_root"]) == line_with(resource, "user:")


def test_workload_from_service_level_keys() -> None:
    resource = service(
        """
        services:
          worker:
            image: worker:1
            mem_limit: 1.5g
            cpu_quota: 50000
            user: app
            privileged: true
            scale: 2
            healthcheck:
              disable: true
        """
    )
    ((_, view),) = resource.select("workload")
    assert (view["memory_bytes"], view["cpu_millicores"], view["instances"]) == (int(1.5 * 2**30), 500, 2)
    assert (view["run_as_root"], view["privileged"], view["health_check"]) == (False, True, False)
    assert line_of(resource, view.sources["memory_bytes"]) == line_with(resource, "mem_limit:")
    assert line_of(resource, view.sources["privileged"]) == line_with(resource, "privileged:")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("512m", 512 * 2**20), ("1gb", 2**30), ("2G", 2 * 2**30), ("64k", 64 * 2**10), (1048576, 2**20), ("100b", 100)],
)
def test_memory_byte_units_are_binary(value: object, expected: int) -> None:
    resource = service(f"services:\n  a:\n    image: a:1\n    mem_limit: {value}\n")
    assert resource.select("workload")[0][1]["memory_bytes"] == expected


def test_workload_unknowns_stay_null() -> None:
    resource = service(
        """
        services:
          app:
            image: app:1
            user: ${APP_UID}
            deploy:
              mode: global
            healthcheck:
              interval: 10s
        """
    )
    ((_, view),) = resource.select("workload")
    assert view["memory_bytes"] is None
    assert view["cpu_millicores"] is None
    assert view["instances"] is None
    assert view["run_as_root"] is None
    assert view["health_check"] is None
    assert view["privileged"] is False
    assert "memory_bytes" not in view.sources


def test_workload_defaults_when_nothing_is_said() -> None:
    ((_, view),) = service("services:\n  app:\n    image: app:1\n").select("workload")
    assert (view["instances"], view["run_as_root"], view["privileged"], view["health_check"]) == (1, None, False, None)
    assert view.sources == {}
    assert (
        service("services:\n  a:\n    image: a:1\n    healthcheck:\n      test: [NONE]\n").select("workload")[0][1]["health_check"]
        is False
    )


# --- host access ----------------------------------------------------------------


def test_workload_host_access() -> None:
    resource = service(
        """
        services:
          agent:
            image: agent:1
            cap_add: [CAP_SYS_ADMIN, net_admin]
            network_mode: host
            pid: host
            ipc: "service:db"
            devices:
              - /dev/fuse
              - /dev/sda:/dev/xvda:rwm
              - nvidia.com/gpu=all
              - source: /dev/kvm
                target: /dev/kvm
            volumes:
              - ./data:/data
              - //var/run//docker.sock:/var/run/docker.sock:ro
        """
    )
    ((_, view),) = resource.select("workload")
    assert view["capabilities_added"] == ["SYS_ADMIN", "NET_ADMIN"]
    assert (view["host_network"], view["host_pid"], view["host_ipc"]) == (True, True, False)
    assert view["devices"] == ["/dev/fuse", "/dev/sda", "nvidia.com/gpu=all", "/dev/kvm"]
    assert view["docker_socket"] is True
    for key, needle in (
        ("capabilities_added", "cap_add:"),
        ("host_network", "network_mode: host"),
        ("host_pid", "pid: host"),
        ("host_ipc", "ipc:"),
        ("devices", "devices:"),
        ("docker_socket", "docker.sock"),
    ):
        assert line_of(resource, view.sources[key]) == line_with(resource, needle), key


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("net: host", {"host_network": True}),
        ("network_mode: ${NET_MODE}", {"host_network": None}),
        ("cap_add: ['${EXTRA_CAP}']", {"capabilities_added": None}),
        ("devices: ['${DEVICE}']", {"devices": None}),
        ("use_api_socket: true", {"docker_socket": True}),
        ("volumes: ['${SOCKET}:/var/run/docker.sock']", {"docker_socket": None}),
        ("volumes: ['data:/var/run/docker.sock']", {"docker_socket": False}),
        ("volumes: [{type: bind, source: '${SOCKET}', target: /var/run/docker.sock}]", {"docker_socket": None}),
    ],
)
def test_workload_host_access_unknown_or_implied(keys: str, expected: dict) -> None:
    resource = service(f"services:\n  app:\n    image: app:1\n    {keys}\n")
    ((_, view),) = resource.select("workload")
    assert {key: view[key] for key in expected} == expected


def test_named_pipe_of_the_engine_is_a_host_socket() -> None:
    resource = service(
        """
        services:
          app:
            image: app:1
            volumes:
              - type: npipe
                source: \\\\.\\pipe\\docker_engine
                target: \\\\.\\pipe\\docker_engine
        """
    )
    ((_, mount),) = resource.select("mounts")
    assert mount["host"] is True
    ((_, view),) = resource.select("workload")
    assert view["docker_socket"] is True


def test_a_named_volume_binding_a_host_directory_is_a_host_mount() -> None:
    resource = service(
        """
        services:
          app:
            image: app:1
            volumes: [etc:/host/etc:ro, cache:/cache, nfs:/nfs]
        volumes:
          etc:
            driver_opts: {type: none, o: bind, device: /etc/}
          cache: {}
          nfs:
            driver_opts: {type: nfs, o: "addr=10.0.0.5,rw", device: ":/export"}
        """
    )
    views = [dict(view) for _, view in resource.select("mounts")]
    assert [(v["type"], v["source"], v["host"]) for v in views] == [("bind", "/etc", True), ("volume", "cache", False), ("volume", "nfs", False)]


def test_mount_propagation_in_short_and_long_syntax() -> None:
    resource = service(
        """
        services:
          app:
            image: app:1
            volumes:
              - /mnt/a:/a:ro,rshared
              - {type: bind, source: /mnt/b, target: /b, bind: {propagation: shared}}
              - /mnt/c:/c
        """
    )
    assert [view.get("propagation") for _, view in resource.select("mounts")] == ["rshared", "shared", None]
