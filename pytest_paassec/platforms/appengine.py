"""Google App Engine app.yaml (standard and flexible): one service per file.

Subjects besides the normalized ones:

``handlers``
    every entry of ``handlers[]`` (``url``, ``script``/``static_dir``/
    ``static_files``, ``secure``, ``login``, ``http_headers``...).
"""

from __future__ import annotations

import re
from typing import Any

from ..model.resources import Resource, SubjectEntries
from ..model.workload import endpoint_entry, env_from_mapping, workload_entry
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, FileRule, Platform, Sniff, file_stem, mapping, yaml_keys

# Runtime ids App Engine has used: python27, python312, go111, java8,
# nodejs20, php55, ruby33; the flexible language runtimes (python, nodejs...)
# and custom; the flexible ``-compat`` runtimes.
_RUNTIME = re.compile(r"^(python|java|go|nodejs|php|ruby|custom|aspnetcore|dotnet|vm)[0-9.]*(-compat)?$")
# Top-level keys of a DigitalOcean App Platform spec; never in an app.yaml.
_DIGITALOCEAN_KEYS = frozenset(
    ("services", "static_sites", "workers", "jobs", "functions", "databases", "ingress", "alerts")
)
# Keys only app.yaml uses: a service file not named app.yaml needs one of
# them besides ``runtime`` (Knative's func.yaml also has ``runtime: go``).
_APP_YAML_KEYS = frozenset(
    (
        "service", "module", "handlers", "instance_class", "entrypoint", "env_variables",
        "build_env_variables", "automatic_scaling", "manual_scaling", "basic_scaling",
        "runtime_config", "api_version", "threadsafe", "vpc_access_connector", "service_account",
        "inbound_services", "beta_settings", "liveness_check", "readiness_check", "skip_files",
        "libraries", "default_expiration", "app_engine_apis", "endpoints_api_service", "error_handlers",
    )
)
FLEXIBLE = ("flex", "flexible")
# First-generation runtimes size their instance classes differently.
_FIRST_GENERATION = frozenset(("python27", "python25", "java7", "java8", "go111", "php55"))
# Second-generation instance class memory, as documented per class.
_CLASS_MEMORY = {
    "F1": "384Mi",
    "F2": "768Mi",
    "F4": "1536Mi",
    "F4_1G": "3072Mi",
    "B1": "384Mi",
    "B2": "768Mi",
    "B4": "1536Mi",
    "B4_1G": "3072Mi",
    "B8": "3072Mi",
}
_FORWARDED_PORT = re.compile(r"^\s*(\d+)(?::\d+)?(?:/(tcp|udp))?\s*$", re.IGNORECASE)


def is_flexible(data: dict) -> bool:
    return data.get("env") in FLEXIBLE or data.get("vm") is True


def handlers(resource: Resource) -> SubjectEntries:
    items = mapping(resource.data).get("handlers")
    if not isinstance(items, list):
        return []
    return [(("handlers", index), item) for index, item in enumerate(items) if isinstance(item, dict)]


def env(resource: Resource) -> SubjectEntries:
    data = mapping(resource.data)
    return env_from_mapping(data.get("env_variables"), ("env_variables",)) + env_from_mapping(
        data.get("build_env_variables"), ("build_env_variables",)
    )


def images(resource: Resource) -> SubjectEntries:
    # app.yaml names no image: a custom runtime builds the Dockerfile beside it.
    return []


def endpoints(resource: Resource) -> SubjectEntries:
    data = mapping(resource.data)
    entries: SubjectEntries = []
    # Ingress settings and IAP live outside app.yaml: public stays unknown.
    if is_flexible(data):
        entries.append(((), endpoint_entry(None, "http", None, None)))
        network = mapping(data.get("network"))
        internal = str(network.get("instance_ip_mode", "")).lower() == "internal"
        ports = network.get("forwarded_ports")
        if isinstance(ports, list):
            for index, item in enumerate(ports):
                match = _FORWARDED_PORT.match(str(item))
                if match:
                    protocol = (match.group(2) or "tcp").lower()
                    # Without an external IP the VM port is reachable from the VPC only.
                    public = False if internal else None
                    view = endpoint_entry(match.group(1), protocol, public, False)
                    if "instance_ip_mode" in network:
                        view.sourced(public=("network", "instance_ip_mode"))
                    entries.append((("network", "forwarded_ports", index), view))
        return entries
    found = handlers(resource)
    if not found:
        # No handler: every URL reaches the app with the default ``secure: optional``.
        return [((), endpoint_entry(None, "http", None, False))]
    for path, handler in found:
        view = endpoint_entry(None, "http", None, handler.get("secure") == "always")
        entries.append((path, view.sourced(tls=path + ("secure",)) if "secure" in handler else view))
    return entries


def _health_check(data: dict) -> tuple[bool | None, tuple | None]:
    if not is_flexible(data):
        return None, None
    for key in ("liveness_check", "readiness_check"):
        if isinstance(data.get(key), dict):
            return True, (key,)
    legacy = data.get("health_check")
    if isinstance(legacy, dict) and isinstance(legacy.get("enable_health_check"), bool):
        return legacy["enable_health_check"], ("health_check", "enable_health_check")
    return None, None


def _first(data: dict, *paths: tuple) -> tuple[Any, tuple | None]:
    """The first of several settings that is given, and where."""
    for path in paths:
        node: Any = data
        for step in path:
            node = node.get(step) if isinstance(node, dict) else None
        if node is not None:
            return node, path
    return None, None


def workload(resource: Resource) -> SubjectEntries:
    data = mapping(resource.data)
    runtime = data.get("runtime") if isinstance(data.get("runtime"), str) else None
    sources: dict[str, tuple | None] = {"runtime": ("runtime",) if runtime else None}
    memory: Any = None
    cpu: Any = None
    if is_flexible(data):
        resources = mapping(data.get("resources"))
        size = resources.get("memory_gb")
        if isinstance(size, (int, float)) and not isinstance(size, bool):
            memory = f"{size}Gi"
            sources["memory_bytes"] = ("resources", "memory_gb")
        cpu = resources.get("cpu")
        sources["cpu_millicores"] = ("resources", "cpu") if cpu is not None else None
    elif runtime not in _FIRST_GENERATION:
        memory = _CLASS_MEMORY.get(str(data.get("instance_class", "")).upper())
        sources["memory_bytes"] = ("instance_class",) if memory else None
    if isinstance(data.get("manual_scaling"), dict):
        instances, sources["instances"] = _first(data, ("manual_scaling", "instances"))
        max_instances, sources["max_instances"] = instances, sources["instances"]
    else:
        instances, sources["instances"] = _first(
            data, ("automatic_scaling", "min_instances"), ("automatic_scaling", "min_num_instances")
        )
        max_instances, sources["max_instances"] = _first(
            data,
            ("automatic_scaling", "max_instances"),
            ("automatic_scaling", "max_num_instances"),
            ("basic_scaling", "max_instances"),
        )
    health_check, sources["health_check"] = _health_check(data)
    account = data.get("service_account")
    sources["service_account"] = ("service_account",) if isinstance(account, str) and account.strip() else None
    view = workload_entry(
        service_account=account.strip() if sources["service_account"] else None,
        memory=memory,
        cpu=cpu,
        instances=instances,
        max_instances=max_instances,
        health_check=health_check,
        runtime=runtime,
    )
    return [((), view.sourced(**{key: path for key, path in sources.items() if path is not None}))]


class AppEngine(Platform):
    name = "appengine"
    title = "Google App Engine"
    file_rules = (FileRule(r"app\.ya?ml", "yaml", rank=100, order=0),)
    sniffs = (Sniff("yaml", yaml_keys("runtime"), order=2),)
    # No memory_bytes: the instance class always bounds memory (F1 when none
    # is named), so a service that names no size is not missing a limit.
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"cpu_millicores", "instances", "max_instances", "run_as_root", "privileged", "health_check", "runtime", "service_account"}),
    }
    subjects = {
        "env": env,
        "images": images,
        "endpoints": endpoints,
        "workload": workload,
        "handlers": handlers,
    }

    def detect(self, document: Document) -> bool:
        data = document.data
        if not isinstance(data, dict) or not isinstance(data.get("runtime"), str):
            return False
        if "apiVersion" in data or "kind" in data or "applications" in data:
            return False
        if _DIGITALOCEAN_KEYS.intersection(data):
            return False
        if _RUNTIME.match(data["runtime"].strip()) is None:
            return False
        if file_stem(document).lower() in ("app.yaml", "app.yml"):
            return True
        return data.get("env") in FLEXIBLE + ("standard",) or not _APP_YAML_KEYS.isdisjoint(data)

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        name = data.get("service") or data.get("module") or "default"
        return [self.resource(document, "service", name, data)]
