"""Docker Compose files: one resource per service.

Normalized subjects (see ``workload.py``):

``env``
    ``environment`` in mapping and list form.  ``NAME:`` with no value and a
    bare ``- NAME`` take the value from the shell: references.  Interpolation
    (``${VAR}``, ``$VAR``, ``${VAR:?err}``, ``${VAR:-}``...) is a reference;
    a non-empty default written in the file (``${VAR:-value}``) is a literal,
    because it is what runs whenever the variable is unset.  The variables of
    ``env_file`` files are part of ``environment`` (compose_project.py), each
    located at its line of the env file.
``images``
    ``image`` of services that do not ``build``: with a ``build`` section the
    image is built from source and ``image`` only names the result.
``endpoints``
    every published port; ``port`` is the host port, or the container port
    when the host port is left to Docker.  ``public`` is false only for
    loopback bindings; ``tls`` is unknown (Compose cannot say).
``workload``
    the service: memory and CPU limits, replicas, root user, privileged mode,
    health check, ``cap_add``, ``network_mode`` / ``pid`` / ``ipc`` set to
    ``host``, ``devices`` and whether a bind mount exposes the Docker socket.
``mounts``
    every ``volumes`` entry ``{type, source, target, host, read_only}``
    (and ``propagation`` where one is set), short and long syntax; ``host`` is true for bind mounts,
    named pipes and named volumes whose ``driver_opts`` bind a host
    directory (``o: bind``, ``device: /srv/data``: source is the device).

Compose-only subjects:

``ports``
    every published port ``{published, target, host_ip, protocol, public,
    mode}``, short and long syntax, ranges expanded (up to 1024 ports).
``repository`` (override files only, compose_repository.py)
    ``base_not_in_run``: the base file gave no service to this run.
``references``
    every ``extends`` and ``env_file`` reference ``{reference, target,
    unresolved, missing}``: ``unresolved`` says why it cannot be followed
    (null when it can), ``missing`` that the file is simply not in the
    repository.

Services are built as ``docker compose`` runs them: override file,
``extends`` and ``env_file`` merged, each value located in the file it was
written in (see compose_project.py).  Only services of kind ``service``
have subject entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model.resources import Resource, SubjectEntries
from ..model.workload import View, capability_names, docker_socket, endpoint_entry, env_entry, image_entry, mount_entry, workload_entry
from ..parsing.documents import Document
from . import compose_project
from .base import ENDPOINT_FIELDS, ENV_FIELDS, HOST_NAMESPACE_FIELDS, IMAGE_FIELDS, MOUNT_FIELDS, FileRule, Platform, Sniff, mapping, yaml_keys
from .compose_repository import ComposeFacts

TOP_LEVEL_KEYS = frozenset(
    {"version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models"}
)

# The Compose specification's service attributes, and those of the v1/v2
# file formats.  Compose rejects any other key that does not start with x-.
SERVICE_KEYS = frozenset(
    """
    annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs
    container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime
    cpu_shares cpus cpuset credential_spec depends_on deploy develop device_cgroup_rules devices
    dns dns_opt dns_search dockerfile domainname driver_opts entrypoint env_file environment
    expose extends external_links extra_hosts gpus group_add healthcheck hostname image init ipc
    isolation label_file labels links log_driver log_opt logging mac_address mem_limit
    mem_reservation mem_swappiness memswap_limit models net network_mode networks
    oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop privileged
    profiles provider pull_policy pull_refresh_after read_only restart runtime scale secrets
    security_opt shm_size stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty
    ulimits use_api_socket user userns_mode uts volume_driver volumes volumes_from working_dir
    """.split()
)

# Ranges wider than this stay one entry instead of one per port.
MAX_EXPANDED_RANGE = 1024

_VARIABLE = re.compile(
    r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^${}]*))?\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)
_ESCAPED_DOLLAR = "\0"
_LOOPBACK = re.compile(r"^(127(\.\d{1,3}){3}|::1|localhost)$", re.IGNORECASE)
_ANY_ADDRESS = ("", "0.0.0.0", "::")
_PORT_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")
_BYTES = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?\s*$", re.IGNORECASE)
_BYTE_FACTORS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}
_ROOT_USER = re.compile(r"^(root|0)(:.*)?$")


class Unresolved(str):
    """Text that still holds interpolation with no default: unknown until deploy time."""

    __slots__ = ()


def interpolate(value: Any) -> Any:
    """A string as Compose would run it when no variable is set.

    ``${VAR:-default}`` and ``${VAR-default}`` become the default, ``$$`` a
    dollar sign; text with any other interpolation (an empty default too)
    comes back as :class:`Unresolved` (the raw text).  Non-strings pass
    through.
    """
    if not isinstance(value, str) or "$" not in value:
        return value
    text = value.replace("$$", _ESCAPED_DOLLAR)
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        if match.group("op") in (":-", "-") and match.group("arg"):
            return match.group("arg")
        unresolved = True
        return match.group(0)

    result = _VARIABLE.sub(replace, text)
    if unresolved or "$" in result:
        return Unresolved(value)
    return result.replace(_ESCAPED_DOLLAR, "$")


def service_keys_fit(service: Any) -> bool:
    """A service mapping whose attributes are mostly Compose attributes."""
    if service is None:
        return True
    if not isinstance(service, dict):
        return False
    keys = [k for k in service if not (isinstance(k, str) and k.startswith("x-"))]
    known = sum(1 for k in keys if k in SERVICE_KEYS)
    return not keys or known > len(keys) - known


# --- env ---------------------------------------------------------------------


def _env_value(name: Any, value: Any) -> View:
    if value is None:
        return env_entry(name, None, reference=True)
    resolved = interpolate(value)
    if isinstance(resolved, Unresolved):
        return env_entry(name, None, reference=True)
    return env_entry(name, resolved)


def env(resource: Resource) -> SubjectEntries:
    environment = _service(resource).get("environment")
    entries: SubjectEntries = []
    if isinstance(environment, dict):
        for name, value in environment.items():
            path = ("environment", name)
            entries.append((path, _env_value(name, value)))
    elif isinstance(environment, list):
        for index, item in enumerate(environment):
            if isinstance(item, str):
                name, sep, value = item.partition("=")
                entries.append((("environment", index), _env_value(name, value if sep else None)))
    return entries


# --- images ------------------------------------------------------------------


def images(resource: Resource) -> SubjectEntries:
    service = _service(resource)
    image = service.get("image")
    if "build" in service or not isinstance(image, str):
        return []
    resolved = interpolate(image)
    if isinstance(resolved, Unresolved) and _VARIABLE.fullmatch(image.strip()):
        return []  # the whole image is chosen at deploy time
    return [(("image",), image_entry(str(resolved).strip()))]


# --- ports and endpoints -----------------------------------------------------


def _bound_publicly(host_ip: Any) -> bool | None:
    if isinstance(host_ip, Unresolved):
        return None
    if host_ip is None:
        return True
    address = str(host_ip).strip().strip("[]")
    if address in _ANY_ADDRESS:
        return True
    return not _LOOPBACK.match(address)


def _port_range(text: Any) -> tuple[int, int] | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text, text
    match = _PORT_RANGE.match(str(text).strip()) if text is not None else None
    if not match:
        return None
    start = int(match.group(1))
    end = int(match.group(2) or start)
    return (start, end) if end >= start else None


def split_outside_variables(text: str, separator: str) -> list[str]:
    """Split on ``separator`` except inside ``${...}``."""
    parts, current, depth, index = [], [], 0, 0
    while index < len(text):
        char = text[index]
        if text.startswith("${", index):
            depth += 1
            current.append("${")
            index += 2
            continue
        if char == "}" and depth:
            depth -= 1
        if char == separator and not depth:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _split_short_port(text: str) -> tuple[Any, Any, Any, str]:
    """``[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`` as Docker splits it; each part interpolated."""
    spec, *rest = split_outside_variables(text, "/")
    protocol = interpolate(rest[0]) if rest else "tcp"
    parts = [interpolate(part) for part in split_outside_variables(spec, ":")]
    container = parts[-1]
    if len(parts) == 1:
        host_ip, published = None, None
    elif len(parts) == 2:
        host_ip, published = None, parts[0]
    else:
        host_ip, published = ":".join(parts[:-2]), parts[-2]
        if any(isinstance(p, Unresolved) for p in parts[:-2]):
            host_ip = Unresolved(host_ip)
    if isinstance(protocol, Unresolved) or not protocol:
        protocol = "tcp"
    return host_ip or None, published, container, protocol


def _port_views(published: Any, target: Any, host_ip: Any, protocol: str, mode: Any) -> list[View]:
    public = _bound_publicly(host_ip)
    host = None if host_ip is None else str(host_ip)
    proto = str(protocol).lower() if protocol else "tcp"
    published = None if published in (None, "") else published
    targets = _port_range(target)
    sources = _port_range(published) if published is not None else None

    def view(pub: Any, tgt: Any) -> View:
        return View(published=pub, target=tgt, host_ip=host, protocol=proto, public=public, mode=mode)

    if targets is None or (published is not None and sources is None):
        return [view(_as_port(published), _as_port(target))]
    count = targets[1] - targets[0] + 1
    if count == 1 and sources is not None and sources[0] != sources[1]:
        # "8000-8010:80": Docker picks one host port from the range.
        return [view(str(published), targets[0])]
    if count > MAX_EXPANDED_RANGE or (sources is not None and sources[1] - sources[0] + 1 != count):
        return [view(_as_port(published), _as_port(target))]
    return [
        view(sources[0] + offset if sources is not None else None, targets[0] + offset)
        for offset in range(count)
    ]


def _as_port(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value if isinstance(value, Unresolved) else str(value)


def ports(resource: Resource) -> SubjectEntries:
    items = _service(resource).get("ports")
    entries: SubjectEntries = []
    if not isinstance(items, list):
        return entries
    for index, item in enumerate(items):
        path = ("ports", index)
        if isinstance(item, dict):
            host_ip = interpolate(item.get("host_ip"))
            views = _port_views(
                interpolate(item.get("published")),
                interpolate(item.get("target")),
                host_ip if host_ip not in ("",) else None,
                str(interpolate(item.get("protocol")) or "tcp"),
                item.get("mode"),
            )
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            host_ip, published, target, protocol = _split_short_port(str(item))
            views = _port_views(published, target, host_ip, protocol, None)
        else:
            continue
        entries.extend((path, view) for view in views)
    return entries


def endpoints(resource: Resource) -> SubjectEntries:
    entries: SubjectEntries = []
    for path, port in ports(resource):
        published = port["published"]
        # A host port left to Docker: the container port is the one known.
        number = port["target"] if published is None else published
        if isinstance(number, Unresolved):
            number = None
        entries.append((path, endpoint_entry(number, port["protocol"], port["public"], None)))
    return entries


# --- mounts ------------------------------------------------------------------


def _mount_type(source: Any) -> str | None:
    if source is None:
        return "volume"  # an anonymous volume
    if isinstance(source, Unresolved):
        return None
    text = str(source)
    if text.startswith(("/", ".", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", text):
        return "bind"
    return "volume"


def _split_short_volume(text: str) -> tuple[Any, Any, str]:
    """``[SOURCE:]TARGET[:MODE]``; each part interpolated."""
    parts = split_outside_variables(text, ":")
    # A Windows drive letter ("C:\\data:/data") is part of the source.
    if len(parts) >= 3 and len(parts[0]) == 1 and parts[1][:1] in ("\\", "/"):
        parts = [parts[0] + ":" + parts[1]] + parts[2:]
    values = [interpolate(part) for part in parts]
    if len(values) == 1:
        return None, values[0], ""
    options = ":".join(str(v) for v in values[2:])
    return values[0], values[1], options


def _named_volumes(resource: Resource) -> dict:
    """The top-level ``volumes`` a service's named volumes are declared in."""
    if isinstance(resource, ComposeService):
        return resource.volumes
    data = resource.document.data
    return mapping(data.get("volumes")) if isinstance(data, dict) and isinstance(data.get("services"), dict) else {}


def _bound_device(declaration: Any) -> Any:
    """The host directory a named volume binds (``driver_opts: {o: bind, device: ...}``), else None."""
    options = mapping(mapping(declaration).get("driver_opts"))
    flags = str(options.get("o", "")).replace(" ", "").split(",")
    if "bind" not in flags and "rbind" not in flags:
        return None
    return interpolate(options.get("device")) if options.get("device") not in (None, "") else None


_PROPAGATIONS = ("shared", "rshared", "slave", "rslave", "private", "rprivate")


def mounts(resource: Resource) -> SubjectEntries:
    items = _service(resource).get("volumes")
    entries: SubjectEntries = []
    if not isinstance(items, list):
        return entries
    named = _named_volumes(resource)
    for index, item in enumerate(items):
        if isinstance(item, dict):
            source = interpolate(item.get("source"))
            kind = str(item["type"]) if item.get("type") is not None else _mount_type(source)
            target, read_only = item.get("target"), item.get("read_only") is True
            propagation = mapping(item.get("bind")).get("propagation")
        elif isinstance(item, str):
            source, target, options = _split_short_volume(item)
            kind, read_only = _mount_type(source), "ro" in options.split(",")
            propagation = next((o for o in options.split(",") if o in _PROPAGATIONS), None)
        else:
            continue
        if kind == "volume" and isinstance(source, str) and not isinstance(source, Unresolved):
            device = _bound_device(named.get(source))
            if device is not None:
                source, kind = device, "bind"  # a named volume over a host directory
        # A bind mount or a named pipe reaches into the host; unknown type, unknown.
        host = None if kind is None else kind in ("bind", "npipe")
        extra = {"propagation": propagation} if propagation is not None else {}
        view = mount_entry(source, target, host, read_only, type=kind, **extra)
        entries.append((("volumes", index), view))
    return entries


def references(resource: Resource) -> SubjectEntries:
    if not isinstance(resource, ComposeService):
        return []
    return [
        (
            path,
            View(
                reference=reference.reference,
                target=reference.target,
                unresolved=f"{reference.reference} {reference.target}: {reference.problem}" if reference.problem else None,
                missing=reference.missing,
            ),
        )
        for path, reference in resource.references
    ]


# --- workload ----------------------------------------------------------------


def _bytes(value: Any) -> int | None:
    """Docker's byte values: a plain number of bytes or 512m, 1g, 1.5gb (binary)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    match = _BYTES.match(str(value))
    if not match:
        return None
    return int(float(match.group(1)) * _BYTE_FACTORS[match.group(2).lower()])


def _run_as_root(user: Any) -> bool | None:
    if user is None:
        return None
    resolved = interpolate(str(user))
    if isinstance(resolved, Unresolved):
        return None
    return bool(_ROOT_USER.match(resolved.strip()))


def _health(healthcheck: Any) -> bool | None:
    if not isinstance(healthcheck, dict):
        return None
    test = healthcheck.get("test")
    if healthcheck.get("disable") is True or (isinstance(test, list) and test[:1] == ["NONE"]):
        return False
    return True if test not in (None, "", []) else None


def _instances(service: dict, deploy: dict) -> tuple[int | None, tuple | None]:
    """Replicas and where they are set; one when nothing says otherwise."""
    if deploy.get("mode") in ("global", "global-job"):
        return None, ("deploy", "mode")
    for path in (("deploy", "replicas"), ("scale",)):
        value = deploy.get("replicas") if path[0] == "deploy" else service.get("scale")
        if value is not None:
            return (value if isinstance(value, int) and not isinstance(value, bool) else None), path
    return 1, None


def workload(resource: Resource) -> SubjectEntries:
    if resource.kind != "service":
        return []
    service = mapping(resource.data)
    deploy = mapping(service.get("deploy"))
    limits = mapping(mapping(deploy.get("resources")).get("limits"))
    limits_path = ("deploy", "resources", "limits")
    sources: dict[str, tuple] = {}

    memory = _bytes(limits.get("memory"))
    if memory is not None:
        sources["memory_bytes"] = limits_path + ("memory",)
    else:
        memory = _bytes(service.get("mem_limit"))
        if memory is not None:
            sources["memory_bytes"] = ("mem_limit",)

    cpu: Any = None
    for path, value in ((limits_path + ("cpus",), limits.get("cpus")), (("cpus",), service.get("cpus"))):
        if value is not None and not isinstance(value, bool):
            cpu = value
            sources["cpu_millicores"] = path
            break
    quota, period = service.get("cpu_quota"), service.get("cpu_period", 100000)
    if cpu is None and isinstance(quota, int) and isinstance(period, int) and quota > 0 and period > 0:
        cpu = quota / period
        sources["cpu_millicores"] = ("cpu_quota",)

    instances, instances_path = _instances(service, deploy)
    if instances_path is not None:
        sources["instances"] = instances_path
    for key, path in (
        ("run_as_root", ("user",)),
        ("privileged", ("privileged",)),
        ("health_check", ("healthcheck",)),
        ("capabilities_added", ("cap_add",)),
        ("host_network", ("network_mode",)),
        ("host_pid", ("pid",)),
        ("host_ipc", ("ipc",)),
        ("devices", ("devices",)),
    ):
        if path[0] in service:
            sources[key] = path
    if "net" in service and "network_mode" not in service:
        sources["host_network"] = ("net",)  # the v1 file format's name
    socket, socket_source = docker_socket(mounts(resource), unresolved=lambda source: isinstance(source, Unresolved))
    if socket_source is not None:
        sources["docker_socket"] = socket_source
    elif service.get("use_api_socket") is True:
        # Compose mounts the engine's API socket into the container itself.
        socket, sources["docker_socket"] = True, ("use_api_socket",)

    entry = workload_entry(
        memory=memory,
        cpu=cpu,
        instances=instances,
        run_as_root=_run_as_root(service.get("user")),
        privileged=service.get("privileged") is True,
        health_check=_health(service.get("healthcheck")),
        capabilities_added=_capabilities(service.get("cap_add")),
        host_network=_host_mode(service.get("network_mode", service.get("net"))),
        host_pid=_host_mode(service.get("pid")),
        host_ipc=_host_mode(service.get("ipc")),
        devices=_devices(service.get("devices")),
        docker_socket=socket,
    )
    return [((), entry.sourced(**sources))]


def _capabilities(cap_add: Any) -> list[str] | None:
    if cap_add is None:
        return []
    if not isinstance(cap_add, list) or any(isinstance(interpolate(c), Unresolved) for c in cap_add):
        return None
    return capability_names([interpolate(c) for c in cap_add])


def _host_mode(value: Any) -> bool | None:
    """``network_mode``, ``pid`` or ``ipc`` set to ``host``; unset is the container's own."""
    if value is None:
        return False
    resolved = interpolate(str(value))
    if isinstance(resolved, Unresolved):
        return None
    return resolved.strip() == "host"


def _devices(devices: Any) -> list[str] | None:
    """Host device paths: ``/dev/x[:/dev/y[:rwm]]``, the long form's ``source``,
    or a CDI name (``vendor.com/class=name``)."""
    if devices is None:
        return []
    if not isinstance(devices, list):
        return None
    found: list[str] = []
    for item in devices:
        if isinstance(item, dict):
            source = item.get("source")
        else:
            text = str(item)
            source = text if "=" in text else split_outside_variables(text, ":")[0]
        resolved = interpolate(source)
        if resolved is None or isinstance(resolved, Unresolved):
            return None
        found.append(str(resolved))
    return found


def _service(resource: Resource) -> dict:
    return mapping(resource.data) if resource.kind == "service" else {}


@dataclass(eq=False)
class ComposeService(Resource):
    """A service built from several files: each value located where it is written."""

    origins: dict = field(default_factory=dict)
    references: list = field(default_factory=list)
    volumes: dict = field(default_factory=dict)

    def locate(self, path: tuple) -> tuple[str, int]:
        if path[: len(self.path)] == self.path:
            found = compose_project.locate(self.origins, path[len(self.path):])
            if found is not None:
                return found
        return super().locate(path)


class Compose(Platform):
    name = "compose"
    facts = ComposeFacts()
    title = "Docker Compose"
    file_rules = (FileRule(r"(docker-)?compose([.-][\w.-]*)?\.ya?ml", "yaml", rank=70),)
    sniffs = (Sniff("yaml", yaml_keys("services"), order=3),)
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"memory_bytes", "cpu_millicores", "instances", "run_as_root", "privileged", "health_check"})
        | HOST_NAMESPACE_FIELDS
        | {"capabilities_added", "devices", "docker_socket"},
        "mounts": MOUNT_FIELDS,
    }
    subjects = {
        "env": env,
        "images": images,
        "endpoints": endpoints,
        "workload": workload,
        "ports": ports,
        "mounts": mounts,
        "references": references,
    }

    def detect(self, document: Document) -> bool:
        data = document.data
        if not isinstance(data, dict) or not data:
            return False
        services = data.get("services")
        if isinstance(services, dict):
            extra = [k for k in data if k not in TOP_LEVEL_KEYS and not (isinstance(k, str) and k.startswith("x-"))]
            return not extra and all(service_keys_fit(s) for s in services.values())
        # Version 1 files: services at the top level, each with an image or a build.
        return all(
            isinstance(s, dict) and ("image" in s or "build" in s) and service_keys_fit(s)
            for s in data.values()
        )

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        services, base = (data["services"], ("services",)) if isinstance(data.get("services"), dict) else (data, ())
        role, other = compose_project.role(document)
        if role == "override" and other is not None:
            # Merged into the base file's services, and checked there.
            return [self.resource(document, compose_project.OVERRIDE_KIND, other.rsplit("/", 1)[-1], {"base": other}, ())]
        if role == "alone":
            other = None
        if document.file.root is None or not compose_project.needs_project(document, other):
            return [
                self.resource(document, "service", name, service or {}, base + (name,))
                for name, service in services.items()
            ]
        project = compose_project.build(document, other)
        return [
            ComposeService(
                platform=self.name,
                kind="service",
                name=str(service.name) if service.name not in (None, "") else "unnamed",
                document=document,
                data=service.data,
                path=base + (service.name,),
                subjects=self.subjects,
                facts=self.facts,
                origins=service.origins,
                references=service.references,
                volumes=project.volumes,
            )
            for service in project.services
        ]
