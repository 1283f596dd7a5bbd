"""Render blueprints (render.yaml): services, databases, env groups, environments.

Resources: the blueprint itself (``blueprint``, for root settings such as
``previews``); every service under its ``type`` (``web``, ``pserv``,
``worker``, ``cron``, ``keyvalue``, ``redis``); every Postgres ``database``;
every ``envVarGroup``; and every ``environment`` of a project.  Services,
databases and groups are found at the root, under ``ungrouped`` and in each
``projects[].environments[]``.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..model.resources import Resource, SubjectEntries
from ..model.workload import endpoint_entry, env_entry, env_from_key_list, image_entry, mount_entry, workload_entry
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, MOUNT_FIELDS, FileRule, Platform, Sniff, file_stem, mapping, yaml_keys
from .paas_repository import RENDER_FACTS

_SECTIONS = (("services", None), ("databases", "database"), ("envVarGroups", "envVarGroup"))

# Top-level keys only a DigitalOcean app spec has: such a file is not a blueprint.
_APP_SPEC_KEYS = frozenset(
    {"name", "region", "static_sites", "workers", "jobs", "functions", "domains", "envs", "alerts", "ingress", "egress", "features", "spec"}
)

DATASTORE_KINDS = frozenset({"database", "keyvalue", "redis"})
# Kinds that run the user's code (static sites excluded in ``_is_static``).
RUNNABLE_KINDS = frozenset({"web", "pserv", "worker", "cron"})

# Instance types of services (Render pricing: CPU, memory).  ``free`` has no
# published size in the blueprint reference, so it stays unknown.
PLAN_SIZES: dict[str, tuple[str, str]] = {
    "starter": ("0.5", "512Mi"),
    "standard": ("1", "2Gi"),
    "pro": ("2", "4Gi"),
    "pro plus": ("4", "8Gi"),
    "pro max": ("4", "16Gi"),
    "pro ultra": ("8", "32Gi"),
}

# Literal env vars that choose the language version of a native runtime.
VERSION_VARIABLES = {"python": "PYTHON_VERSION", "node": "NODE_VERSION"}

DATASTORE_PORTS = {"database": (5432, "postgresql"), "keyvalue": (6379, "redis"), "redis": (6379, "redis")}


def _typed_services(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(s, dict) and "type" in s for s in value)


def _blueprint_lists(data: dict) -> bool:
    return (
        _typed_services(data.get("services"))
        or isinstance(data.get("databases"), list)
        or isinstance(data.get("envVarGroups"), list)
    )


def _is_static(service: dict) -> bool:
    return service.get("runtime") == "static" or service.get("env") == "static"


def _is_reference(item: dict) -> bool:
    return (
        item.get("generateValue") is True
        or item.get("sync") is False
        or isinstance(item.get("fromDatabase"), dict)
        or isinstance(item.get("fromService"), dict)
    )


def _env(resource: Resource) -> SubjectEntries:
    if resource.kind not in RUNNABLE_KINDS and resource.kind != "envVarGroup":
        return []
    items = resource.data.get("envVars")
    entries: SubjectEntries = [
        (("envVars", index, "fromGroup"), env_entry(item["fromGroup"], None, reference=True))
        for index, item in enumerate(items if isinstance(items, list) else [])
        if isinstance(item, dict) and "key" not in item and "fromGroup" in item
    ]
    entries.extend(env_from_key_list(items, ("envVars",), _is_reference))
    return sorted(entries, key=lambda entry: entry[0][1])  # file order


def _images(resource: Resource) -> SubjectEntries:
    if resource.kind not in RUNNABLE_KINDS:
        return []
    url = mapping(resource.data.get("image")).get("url")
    if not isinstance(url, str) or not url.strip():
        return []
    return [(("image", "url"), image_entry(url))]


def _endpoints(resource: Resource) -> SubjectEntries:
    data = resource.data
    if resource.kind == "web":
        # Render serves web services and static sites on its HTTPS edge only.
        return [(("type",), endpoint_entry(443, "https", public=True, tls=True))]
    if resource.kind in DATASTORE_KINDS:
        port, protocol = DATASTORE_PORTS[resource.kind]
        allow = data.get("ipAllowList")
        if isinstance(allow, list):
            if not allow:
                return []  # private network only
            return [(("ipAllowList",), endpoint_entry(port, protocol, public=True, tls=True))]
        # A database without a list accepts any source; a key value store
        # without one is an invalid blueprint, so its exposure is unknown.
        public = True if resource.kind == "database" else None
        return [((), endpoint_entry(port, protocol, public=public, tls=True))]
    return []


def _runtime(service: dict) -> str | None:
    runtime = service.get("runtime") or service.get("env")
    if not isinstance(runtime, str):
        return None
    variable = VERSION_VARIABLES.get(runtime)
    if variable:
        for item in service.get("envVars") or []:
            if isinstance(item, dict) and item.get("key") == variable and isinstance(item.get("value"), (str, int, float)):
                return f"{runtime}-{item['value']}"
    return runtime


def _workload(resource: Resource) -> SubjectEntries:
    data = resource.data
    if resource.kind not in RUNNABLE_KINDS or _is_static(data):
        return []
    cpu, memory = PLAN_SIZES.get(str(data.get("plan", "")).replace("_", " "), (None, None))
    sources: dict[str, tuple] = {}
    scaling = mapping(data.get("scaling"))
    if scaling:
        instances, max_instances = scaling.get("minInstances"), scaling.get("maxInstances")
        sources.update(instances=("scaling", "minInstances"), max_instances=("scaling", "maxInstances"))
    else:
        instances = max_instances = data.get("numInstances")
        sources.update(instances=("numInstances",), max_instances=("numInstances",))
    if "plan" in data:
        sources.update(memory_bytes=("plan",), cpu_millicores=("plan",))
    if "healthCheckPath" in data:
        sources["health_check"] = ("healthCheckPath",)
    runtime_key = next((key for key in ("runtime", "env") if key in data), None)
    if runtime_key:
        sources["runtime"] = (runtime_key,)
    health = bool(data.get("healthCheckPath")) if resource.kind == "web" else None
    view = workload_entry(
        memory=memory,
        cpu=cpu,
        instances=instances,
        max_instances=max_instances,
        health_check=health,
        runtime=_runtime(data),
    )
    return [((), view.sourced(**_present(data, sources)))]


def _mounts(resource: Resource) -> SubjectEntries:
    """A service's persistent ``disk``: a Render disk, never a path of the host."""
    data = mapping(resource.data)
    disk = data.get("disk")
    if resource.kind not in RUNNABLE_KINDS or _is_static(data) or not isinstance(disk, dict):
        return []
    return [(("disk",), mount_entry(disk.get("name"), disk.get("mountPath"), False))]


def _present(data: dict, sources: dict[str, tuple]) -> dict[str, tuple]:
    """Only sources whose field is in the file."""
    kept = {}
    for key, path in sources.items():
        node: Any = data
        for step in path:
            node = node.get(step) if isinstance(node, dict) else None
        if node is not None:
            kept[key] = path
    return kept


class Render(Platform):
    name = "render"
    title = "Render"
    file_rules = (FileRule(r"render\.ya?ml", "yaml", rank=80),)
    sniffs = (Sniff("yaml", yaml_keys("services", "databases", "envVarGroups", "projects", "ungrouped", "previews"), order=4),)
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"memory_bytes", "cpu_millicores", "instances", "max_instances", "run_as_root", "privileged", "health_check", "runtime"}),
        "mounts": MOUNT_FIELDS,
    }
    subjects = {"env": _env, "images": _images, "endpoints": _endpoints, "workload": _workload, "mounts": _mounts}
    # Env vars read from other services and databases (paas_repository.py).
    facts = RENDER_FACTS

    def detect(self, document: Document) -> bool:
        data = document.data
        if not isinstance(data, dict) or _APP_SPEC_KEYS & set(data):
            return False
        if "services" in data and not _typed_services(data["services"]):
            return False
        if _blueprint_lists(data):
            return True
        projects = data.get("projects")
        if isinstance(projects, list) and projects and all(
            isinstance(p, dict) and isinstance(p.get("environments"), list) for p in projects
        ):
            return True
        ungrouped = data.get("ungrouped")
        return isinstance(ungrouped, dict) and _blueprint_lists(ungrouped)

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        found = [self.resource(document, "blueprint", file_stem(document), data)]
        found.extend(self._sections(document, data, (), None))
        ungrouped = data.get("ungrouped")
        if isinstance(ungrouped, dict):
            found.extend(self._sections(document, ungrouped, ("ungrouped",), None))
        projects = data.get("projects")
        for p_index, project in enumerate(projects if isinstance(projects, list) else []):
            if not isinstance(project, dict):
                continue
            environments = project.get("environments")
            for e_index, environment in enumerate(environments if isinstance(environments, list) else []):
                if not isinstance(environment, dict):
                    continue
                path = ("projects", p_index, "environments", e_index)
                project_name = project.get("name")
                found.append(
                    self.resource(
                        document, "environment", environment.get("name"), environment, path, str(project_name) if project_name else None
                    )
                )
                found.extend(self._sections(document, environment, path, environment.get("name")))
        return found

    def _sections(self, document: Document, data: dict, base: tuple, scope: Any) -> Iterator[Resource]:
        for section, kind in _SECTIONS:
            items = data.get(section)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield self.resource(
                        document,
                        kind or str(item.get("type", "service")),
                        item.get("name"),
                        item,
                        base + (section, index),
                        str(scope) if scope else None,
                    )
