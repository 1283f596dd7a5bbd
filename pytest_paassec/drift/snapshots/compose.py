"""``docker inspect`` of a Compose project's containers: one JSON array.

Containers are grouped by their ``com.docker.compose.project`` label into
one compose file per project (``{name, services}``), each service keyed by
``com.docker.compose.service``: image, environment (``Config.Env``, which
also holds the image's own ENV such as PATH; secrets concealed), ports
(published bindings as ``HOST:CONTAINER[/udp]``), privileged, cap_add,
cap_drop, read_only, user, volumes (``SOURCE:TARGET[:ro]``, named volumes
without the project prefix), network_mode (host, none, container:...),
restart, healthcheck (durations in seconds) and deploy.replicas when more
than one container runs.  A container without Compose labels is an error.
"""

from __future__ import annotations

from typing import Any

from ...platforms.compose import Compose
from ..live import LiveDocument
from .common import Reading, Snapshot, conceal

PLATFORM = Compose.name

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
_NANOS = 1_000_000_000


def _is_container(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("Id"), str) and isinstance(item.get("Config"), dict) and "HostConfig" in item


def read(snapshot: Snapshot) -> Reading | None:
    data = snapshot.documents[0].data
    if len(snapshot.documents) != 1 or not isinstance(data, list) or not data or not all(_is_container(i) for i in data):
        return None
    projects: dict[str, dict[str, list[dict]]] = {}
    lines: dict[str, int] = {}
    for index, container in enumerate(data):
        labels = container["Config"].get("Labels") or {}
        if not labels.get(PROJECT) or not labels.get(SERVICE):
            raise snapshot.error(
                f"container {container.get('Name', container['Id'][:12])} has no Compose project and service labels",
                "inspect only a project's containers: docker inspect $(docker compose -p PROJECT ps -q)",
                (index,),
            )
        projects.setdefault(labels[PROJECT], {}).setdefault(labels[SERVICE], []).append(container)
        lines.setdefault(labels[PROJECT], snapshot.line((index,)))
    found: Reading = []
    for project in sorted(projects):
        services = {name: _service(project, containers) for name, containers in sorted(projects[project].items())}
        found.append(LiveDocument(PLATFORM, "yaml", {"name": project, "services": services}, snapshot.relpath, lines[project]))
    return found


def _service(project: str, containers: list[dict]) -> dict[str, Any]:
    first = min(containers, key=lambda c: str(c.get("Name", "")))
    config, host = first["Config"], first.get("HostConfig") or {}
    out: dict[str, Any] = {"image": config.get("Image")}
    env = dict(item.split("=", 1) for item in config.get("Env") or [] if "=" in item)
    if env:
        out["environment"] = {key: conceal(key, value) for key, value in env.items()}
    ports = _ports(host.get("PortBindings") or {})
    if ports:
        out["ports"] = ports
    for key, target in (("Privileged", "privileged"), ("ReadonlyRootfs", "read_only")):
        if host.get(key):
            out[target] = True
    for key, target in (("CapAdd", "cap_add"), ("CapDrop", "cap_drop")):
        if host.get(key):
            out[target] = sorted(host[key])
    if config.get("User"):
        out["user"] = config["User"]
    volumes = [_volume(project, mount) for mount in first.get("Mounts") or [] if isinstance(mount, dict)]
    if volumes:
        out["volumes"] = sorted(volumes)
    mode = str(host.get("NetworkMode", ""))
    if mode in ("host", "none") or mode.startswith("container:"):
        out["network_mode"] = mode
    restart = _restart(host.get("RestartPolicy") or {})
    if restart:
        out["restart"] = restart
    health = _healthcheck(config.get("Healthcheck"))
    if health:
        out["healthcheck"] = health
    if len(containers) > 1:
        out["deploy"] = {"replicas": len(containers)}
    return out


def _ports(bindings: dict) -> list[str]:
    found = []
    for spec, binds in bindings.items():
        port, _, protocol = spec.partition("/")
        suffix = f"/{protocol}" if protocol and protocol != "tcp" else ""
        for bind in binds or []:
            host_ip = bind.get("HostIp") or ""
            prefix = f"{host_ip}:" if host_ip not in ("", "0.0.0.0", "::") else ""
            found.append(f"{prefix}{bind.get('HostPort')}:{port}{suffix}" if bind.get("HostPort") else f"{port}{suffix}")
    return sorted(set(found))


def _volume(project: str, mount: dict) -> str:
    source = mount.get("Source") if mount.get("Type") == "bind" else str(mount.get("Name", "")).removeprefix(f"{project}_")
    text = f"{source}:{mount.get('Destination')}" if source else str(mount.get("Destination"))
    return text + (":ro" if mount.get("RW") is False else "")


def _restart(policy: dict) -> str | None:
    name = policy.get("Name")
    if not name or name == "no":
        return None
    retries = policy.get("MaximumRetryCount")
    return f"{name}:{retries}" if name == "on-failure" and retries else name


def _healthcheck(check: Any) -> dict[str, Any] | None:
    if not isinstance(check, dict) or not check.get("Test"):
        return None
    out: dict[str, Any] = {"test": check["Test"]}
    if check["Test"] == ["NONE"]:
        return {"disable": True}
    for key, target in (("Interval", "interval"), ("Timeout", "timeout"), ("StartPeriod", "start_period")):
        if check.get(key):
            out[target] = f"{check[key] // _NANOS}s"
    if check.get("Retries"):
        out["retries"] = check["Retries"]
    return out
