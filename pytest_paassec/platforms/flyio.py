"""Fly.io fly.toml: one app per file."""

from __future__ import annotations

import re
from typing import Any

from ..model.resources import Resource, SubjectEntries
from ..model.workload import endpoint_entry, env_from_mapping, image_entry, mount_entry, workload_entry
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, MOUNT_FIELDS, FileRule, Platform, folder_name, mapping

# Top-level keys flyctl reads (internal/appconfig); a fly.*.toml with none of
# them belongs to some other tool.
_FLY_KEYS = frozenset(
    (
        "app", "primary_region", "kill_signal", "kill_timeout", "swap_size_mb", "console_command",
        "experimental", "build", "deploy", "env", "processes", "mounts", "mount", "http_service",
        "services", "checks", "files", "host_dedication_id", "machine_checks", "restart", "vm",
        "statics", "metrics",
    )
)

# Machine size presets: (vCPUs, memory in MB), from Fly's machine sizing guide.
_SIZES = {
    "shared-cpu-1x": (1, 256),
    "shared-cpu-2x": (2, 512),
    "shared-cpu-4x": (4, 1024),
    "shared-cpu-8x": (8, 2048),
    "performance-1x": (1, 2048),
    "performance-2x": (2, 4096),
    "performance-4x": (4, 8192),
    "performance-8x": (8, 16384),
    "performance-16x": (16, 32768),
}


def _tables(value: Any) -> list[tuple[tuple, dict]]:
    """``[x]`` and ``[[x]]`` alike: (index path, table) pairs."""
    if isinstance(value, dict):
        return [((), value)]
    if isinstance(value, list):
        return [((i,), item) for i, item in enumerate(value) if isinstance(item, dict)]
    return []


def _handlers(port: dict) -> list[str]:
    handlers = port.get("handlers")
    return [str(h).lower() for h in handlers] if isinstance(handlers, list) else []


def env(resource: Resource) -> SubjectEntries:
    return env_from_mapping(resource.data.get("env"), ("env",))


def build_args(resource: Resource) -> SubjectEntries:
    """``[build.args]``: kept out of ``env`` because they exist only at build time."""
    return env_from_mapping(mapping(resource.data.get("build")).get("args"), ("build", "args"))


def images(resource: Resource) -> SubjectEntries:
    image = mapping(resource.data.get("build")).get("image")
    return [(("build", "image"), image_entry(image))] if isinstance(image, str) and image.strip() else []


def mounts(resource: Resource) -> SubjectEntries:
    """``[mounts]``: Fly volumes, never a path of the host."""
    return [
        (("mounts",) + index, mount_entry(table.get("source"), table.get("destination"), False))
        for index, table in _tables(resource.data.get("mounts"))
    ]


def endpoints(resource: Resource) -> SubjectEntries:
    # A new app with services gets a public Anycast IPv6 on first deploy; a
    # Flycast-only app is decided outside fly.toml, so services count as public.
    data = resource.data
    entries: SubjectEntries = []
    http_service = data.get("http_service")
    if isinstance(http_service, dict):
        entries.append((("http_service",), endpoint_entry(443, "https", public=True, tls=True)))
        # force_https answers plain HTTP with a redirect only: nothing reaches the app unencrypted.
        plain = endpoint_entry(80, "http", public=True, tls=http_service.get("force_https") is True)
        if "force_https" in http_service:
            plain.sourced(tls=("http_service", "force_https"))
        entries.append((("http_service",), plain))
    for index, service in _tables(data.get("services")):
        protocol = str(service.get("protocol") or "tcp").lower()
        for port_index, port in _tables(service.get("ports")):
            number = port.get("port")
            if number is None and port.get("start_port") is not None:
                number = f"{port.get('start_port')}-{port.get('end_port', port.get('start_port'))}"
            path = ("services",) + index + ("ports",) + port_index
            kind, tls = _protocol_and_tls(protocol, port)
            entry = endpoint_entry(number, kind, public=True, tls=tls)
            for key, field in (("port", "port"), ("protocol", "handlers"), ("tls", "handlers")):
                if field in port:
                    entry.sourced(**{key: path + (field,)})
            if kind == "http" and "force_https" in port:
                entry.sourced(tls=path + ("force_https",))
            entries.append((path, entry))
    return entries


def _protocol_and_tls(protocol: str, port: dict) -> tuple[str, bool | None]:
    handlers = _handlers(port)
    if protocol == "udp":
        return "udp", None
    if "http" in handlers:
        if "tls" in handlers:
            return "https", True
        return "http", port.get("force_https") is True
    if "tls" in handlers or "pg_tls" in handlers:
        return "tls", True
    # Raw TCP pass-through: the app may terminate TLS itself; fly.toml cannot say.
    return protocol, None


def services(resource: Resource) -> SubjectEntries:
    """``[http_service]`` and every ``[[services]]`` table, as written."""
    data = resource.data
    entries: SubjectEntries = []
    if isinstance(data.get("http_service"), dict):
        entries.append((("http_service",), data["http_service"]))
    entries.extend((("services",) + index, service) for index, service in _tables(data.get("services")))
    return entries


def _has_health_check(data: dict) -> bool:
    if isinstance(data.get("checks"), dict) and any(isinstance(c, dict) for c in data["checks"].values()):
        return True
    if _tables(mapping(data.get("http_service")).get("checks")):
        return True
    return any(
        _tables(service.get(key))
        for _, service in _tables(data.get("services"))
        for key in ("http_checks", "tcp_checks", "script_checks", "checks")
    )


_SIZE_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_MB_PER_UNIT = {"": 1, "k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}


def _memory_mb(value: Any) -> int | None:
    """flyctl reads memory as binary units with MB as the default: 512, "512mb", "1gb", "2G"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    match = _SIZE_TEXT.match(str(value))
    if not match:
        return None
    return int(float(match.group(1)) * _MB_PER_UNIT[match.group(2).lower()])


def workload(resource: Resource) -> SubjectEntries:
    data = resource.data
    health = _has_health_check(data)
    vms = _tables(data.get("vm"))
    if not vms:
        return [((), workload_entry(health_check=health))]
    entries: SubjectEntries = []
    for index, vm in vms:
        path = ("vm",) + index
        sources: dict[str, tuple] = {}
        # Explicit keys win over the size preset, as in flyctl.
        cpus, memory_mb = _SIZES.get(str(vm.get("size", "")).lower(), (None, None))
        if memory_mb is not None:
            sources = {"memory_bytes": path + ("size",), "cpu_millicores": path + ("size",)}
        for key in ("memory_mb", "memory"):
            if vm.get(key) is not None:
                memory_mb = _memory_mb(vm[key])
                sources["memory_bytes"] = path + (key,)
        if vm.get("cpus") is not None:
            cpus = vm["cpus"]
            sources["cpu_millicores"] = path + ("cpus",)
        entry = workload_entry(memory=memory_mb, cpu=cpus, health_check=health, memory_unit="Mi")
        entries.append((path, entry.sourced(**sources)))
    return entries


class FlyIo(Platform):
    name = "flyio"
    title = "Fly.io"
    file_rules = (FileRule(r"fly\.(.*\.)?toml", "toml", rank=30),)  # fly.toml, fly.staging.toml
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"memory_bytes", "cpu_millicores", "run_as_root", "privileged", "health_check"}),
        "mounts": MOUNT_FIELDS,
    }
    subjects = {
        "env": env,
        "images": images,
        "endpoints": endpoints,
        "workload": workload,
        "mounts": mounts,
        "services": services,
        "build_args": build_args,
    }

    def detect(self, document: Document) -> bool:
        data = document.data
        return isinstance(data, dict) and bool(_FLY_KEYS & set(data))

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        return [self.resource(document, "app", data.get("app") or folder_name(document), data)]

