"""The normalized workload view: the same shape on every platform.

Each platform adapter offers these subjects (see ``Platform.subjects``):

``env``
    one entry per environment variable or app setting::

        {name, value, reference}

    ``value`` is the literal string (``None`` when the setting is a reference
    or has no value); ``reference`` is true for ``secretKeyRef``, ``${VAR}``,
    ``((var))``, Key Vault references, ``generateValue``, ``sync: false``,
    ``type: SECRET``... anything that is not a value written in the file.

``images``
    one entry per container image reference::

        {image, registry, repository, tag, digest}

``endpoints``
    one entry per way in from outside the platform's private network::

        {port, protocol, public, tls}

    ``public`` and ``tls`` are true, false or null (unknown).

``workload``
    one entry per runnable unit (container, init or sidecar container, app,
    process, service)::

        {memory_bytes, cpu_millicores, instances, max_instances,
         run_as_root, privileged, health_check, runtime,
         capabilities_added, host_network, host_pid, host_ipc, devices,
         docker_socket, service_account, managed_identity, instance_profile}

    ``capabilities_added`` lists the Linux capabilities added to the default
    set, upper-case and without the ``CAP_`` prefix (``[]`` when the file
    adds none).  ``host_network``, ``host_pid`` and ``host_ipc`` are true when
    the workload shares that namespace with its host.  ``devices`` lists the
    host devices mapped in (``[]`` when none).  ``docker_socket`` is true when
    a host mount exposes a container runtime socket (Docker, containerd,
    CRI-O, Podman), derived from ``mounts``.  The identity fields name who
    the workload acts as, as written: ``service_account`` (Kubernetes,
    Knative / Cloud Run, App Engine), ``managed_identity`` (Azure: the
    identity ``type``, ``"None"`` when the app has none) and
    ``instance_profile`` (Elastic Beanstalk's EC2 instance profile); null
    when the file names none.

``mounts``
    one entry per file system mounted into a workload::

        {source, target, host, read_only}

    ``source`` is the host path when ``host`` is true (``/`` collapsed, no
    trailing slash), else the volume's name; ``target`` is the path inside
    the container (null when the platform does not say); ``read_only`` is
    true only when the mount says so.  A platform may add keys of its own
    (compose: ``type``).

Unknown is ``None``, never a guess: a control decides what unknown means
(``missing: pass`` or the default, fail), and ``when: {path: FIELD, exists:
true}`` keeps a control to the platforms that can express the field.

Entries are :class:`View` objects paired with the path of the source node
they came from, so a violation points at the real file and line; a finding's
path inside a view (``value``, ``tag``...) is not a path in the file and is
not appended.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from ..masking import is_reference
from .quantity import parse_quantity

NORMALIZED_SUBJECTS = ("env", "images", "endpoints", "workload", "mounts")


class View(dict):  # type: ignore[type-arg]
    """A normalized record; its keys are not paths in the source file.

    ``sources`` may map a key to the path (relative to the resource data) of
    the field it came from, so a finding on that key points at that field's
    line; keys without a source point at the entry itself.
    """

    __slots__ = ("sources", "notes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources: dict[str, tuple] = {}
        self.notes: dict[str, str] | None = None

    def sourced(self, **sources: tuple) -> View:
        """Record where keys came from; returns self for chaining."""
        self.sources.update(sources)
        return self

    def noted(self, **notes: str) -> View:
        """Say how a value came about, in words a failure shows instead of
        the bare value ("no USER instruction: the base image's user applies")."""
        if self.notes is None:
            self.notes = {}
        self.notes.update(notes)
        return self

    def note(self, key: str) -> str:
        return self.notes.get(key, "") if self.notes else ""


# How failures name a view's fields; others read as the key with spaces.
FIELD_LABELS = {
    "value": "literal value",
    "run_as_root": "runs as root",
    "memory_bytes": "memory limit",
    "cpu_millicores": "CPU limit",
    "health_check": "health check",
    "capabilities_added": "capabilities added",
    "docker_socket": "container runtime socket",
    "host": "host path",
    "tls": "TLS",
    "read_only": "read-only",
    "host_network": "host network",
    "host_pid": "host PID namespace",
    "host_ipc": "host IPC namespace",
    # repository facts (platforms/*_repository.py): the value says the rest
    "no_default_deny_ingress": "ingress isolation",
    "no_default_deny_egress": "egress isolation",
    "undeclared_service_account": "service account",
    "mounted_token": "API token",
    "unused_token": "API token",
    "privileged_backends": "routes to",
    "workloads_with_broad_rights": "workloads holding these rights",
}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


def env_entry(name: Any, value: Any, reference: bool = False) -> View:
    """An environment variable; a literal that is a placeholder counts as a reference."""
    if value is not None and not isinstance(value, str):
        value = str(value).lower() if isinstance(value, bool) else str(value)
    if not reference and isinstance(value, str) and value.strip() and is_reference(value):
        reference = True
    return View(name=str(name), value=None if reference else value, reference=reference)


_DIGEST = re.compile(r"@(sha256:[0-9a-fA-F]{64})$")


def image_entry(reference: Any) -> View:
    """Split ``registry/repository:tag@digest``; Docker Hub when no registry is named."""
    text = str(reference).strip() if reference is not None else ""
    digest = None
    match = _DIGEST.search(text)
    if match:
        digest = match.group(1)
        text = text[: match.start()]
    registry = None
    first, sep, rest = text.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, text = first, rest
    tag = None
    name, colon, maybe_tag = text.rpartition(":")
    if colon and "/" not in maybe_tag:
        text, tag = name, maybe_tag
    return View(
        image=str(reference) if reference is not None else "",
        registry=registry or "docker.io",
        repository=text,
        tag=tag,
        digest=digest,
    )


def endpoint_entry(port: Any, protocol: str | None = None, public: bool | None = None, tls: bool | None = None) -> View:
    try:
        number: Any = int(port) if port is not None else None
    except (TypeError, ValueError):
        number = str(port)
    return View(port=number, protocol=protocol, public=public, tls=tls)


def workload_entry(
    *,
    memory: Any = None,
    cpu: Any = None,
    instances: Any = None,
    max_instances: Any = None,
    run_as_root: bool | None = None,
    privileged: bool | None = None,
    health_check: bool | None = None,
    runtime: str | None = None,
    memory_unit: str = "",
    capabilities_added: Any = None,
    host_network: bool | None = None,
    host_pid: bool | None = None,
    host_ipc: bool | None = None,
    devices: list | None = None,
    docker_socket: bool | None = None,
    service_account: str | None = None,
    managed_identity: str | None = None,
    instance_profile: str | None = None,
) -> View:
    """A runnable unit. ``memory`` and ``cpu`` accept quantities (``512Mi``, ``0.5``);
    ``capabilities_added`` any list of names (``CAP_NET_ADMIN``, ``sys_admin``)."""
    memory_bytes = None
    if memory is not None:
        value = parse_quantity(f"{memory}{memory_unit}" if isinstance(memory, (int, float)) and memory_unit else memory)
        memory_bytes = int(value) if value is not None else None
    cpu_millicores = None
    if cpu is not None:
        value = parse_quantity(cpu)
        cpu_millicores = int(value * 1000) if value is not None else None
    return View(
        memory_bytes=memory_bytes,
        cpu_millicores=cpu_millicores,
        instances=_int(instances),
        max_instances=_int(max_instances),
        run_as_root=run_as_root,
        privileged=privileged,
        health_check=health_check,
        runtime=runtime,
        capabilities_added=capability_names(capabilities_added),
        host_network=host_network,
        host_pid=host_pid,
        host_ipc=host_ipc,
        devices=devices,
        docker_socket=docker_socket,
        service_account=service_account,
        managed_identity=managed_identity,
        instance_profile=instance_profile,
    )


def capability_names(values: Any) -> list[str] | None:
    """``[CAP_SYS_ADMIN, net_admin]`` -> ``[SYS_ADMIN, NET_ADMIN]``; None when not a list."""
    if not isinstance(values, list):
        return None
    names = []
    for value in values:
        text = str(value).strip().upper()
        names.append(text[4:] if text.startswith("CAP_") else text)
    return names


def mount_entry(source: Any, target: Any, host: bool | None, read_only: bool = False, **extra: Any) -> View:
    """A mount; a host path source is normalized (``//var/run/`` -> ``/var/run``)."""
    # Exactly str: a subclass marks text the platform has not resolved yet
    # (compose's unset variables), kept as written.
    if host and type(source) is str:
        source = normalize_host_path(source)
    return View(source=source, target=target, host=host, read_only=read_only, **extra)


def normalize_host_path(path: str) -> str:
    """Collapse repeated slashes and drop a trailing one from an absolute path."""
    if not path.startswith("/"):
        return path
    return re.sub(r"/+", "/", path).rstrip("/") or "/"


# Container runtime sockets and the run directories that hold them.
_RUNTIME_SOCKET = re.compile(
    r"((^|/)(docker|podman|containerd|crio|cri-dockerd)\.sock$)|(^/(var/)?run/(docker|containerd|crio|podman)(/|$))|(pipe[\\/]docker_engine$)"
)


def runtime_socket(source: Any) -> bool:
    """True when a host path is (or holds) a container runtime socket."""
    return isinstance(source, str) and _RUNTIME_SOCKET.search(source) is not None


def docker_socket(
    mounts: list[tuple[tuple, View]], unresolved: Callable[[Any], bool] = lambda source: False
) -> tuple[bool | None, tuple | None]:
    """Whether host mounts expose a runtime socket, and the first such mount's path.

    False when every host mount is known and none is a socket; None when a
    mount's kind or a host mount's source is unknown (``unresolved`` says
    which sources the platform has not resolved, e.g. an unset variable)."""
    unknown = False
    for path, mount in mounts:
        host, source = mount.get("host"), mount.get("source")
        if host is None or (host and (not isinstance(source, str) or unresolved(source))):
            unknown = True
        elif host and runtime_socket(source):
            return True, mount.sources.get("source", path)
    return (None if unknown else False), None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def env_from_mapping(mapping: Any, base: tuple) -> list[tuple[tuple, View]]:
    """``{NAME: value}`` env blocks (compose, App Engine, Cloud Foundry, fly...)."""
    if not isinstance(mapping, dict):
        return []
    return [(base + (name,), env_entry(name, value)) for name, value in mapping.items()]


def env_from_key_list(
    items: Any, base: tuple, is_reference: Any = lambda item: False
) -> list[tuple[tuple, View]]:
    """``[{key, value, ...}]`` env lists (Render, DigitalOcean): an item that
    ``is_reference`` says is one has no literal; one with a value points at it."""
    entries: list[tuple[tuple, View]] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or "key" not in item:
            continue
        path = base + (index,)
        if is_reference(item):
            entries.append((path, env_entry(item["key"], None, reference=True)))
        elif "value" in item:
            entries.append((path + ("value",), env_entry(item["key"], item["value"])))
        else:
            entries.append((path, env_entry(item["key"], None)))
    return entries
