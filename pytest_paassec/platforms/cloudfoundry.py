"""Cloud Foundry application manifests: one resource per application.

Subjects besides the normalized ones:

``processes``
    every process of the application: the application itself standing for
    its ``web`` process (app-level attributes configure the web process)
    unless ``processes[]`` declares ``type: web``, in which case that entry,
    with the app-level attributes beneath it, stands for it; then every
    other ``processes[]`` entry as written.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.resources import Resource, SubjectEntries
from ..model.workload import endpoint_entry, env_entry, image_entry, workload_entry
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, FileRule, Platform, Sniff, mapping, yaml_keys

# ``((name))`` is resolved by ``cf push --vars-file`` or CredHub: whatever it
# stands for is not written in the manifest.
_VARIABLE = re.compile(r"\(\([^()]*\)\)")
_INTERNAL_DOMAIN = re.compile(r"(^|\.)apps\.internal$", re.IGNORECASE)
_TCP_ROUTE = re.compile(r":(\d+)$")
# Cloud Foundry counts M/MB and G/GB alike, in powers of two.
_CF_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*$", re.IGNORECASE)
_PROTOCOLS = {"http1": "http", "http2": "http2", "tcp": "tcp"}
_HEALTH_CHECKS = {"http": True, "port": True, "process": False, "none": False}


def cf_size(value: Any) -> str | None:
    """``512M`` -> ``512Mi``; a number without unit is megabytes (v1 ``mem: 512``)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return f"{value}Mi"
    match = _CF_SIZE.match(str(value))
    if not match:
        return None
    number, unit = match.groups()
    return f"{number}{unit.upper() or 'M'}i"


def _memory(node: dict) -> Any:
    return node.get("memory", node.get("mem"))


def processes(resource: Resource) -> SubjectEntries:
    app = mapping(resource.data)
    declared = app.get("processes")
    entries: SubjectEntries = []
    web_declared = False
    if isinstance(declared, list):
        for index, process in enumerate(declared):
            if not isinstance(process, dict):
                continue
            if process.get("type") == "web":
                web_declared = True
                merged = {k: v for k, v in app.items() if k not in ("processes", "sidecars")}
                merged.update(process)  # the process entry is the more specific one
                entries.append((("processes", index), merged))
            else:
                entries.append((("processes", index), process))
    if not web_declared:
        entries.insert(0, ((), app))
    return entries


def env(resource: Resource) -> SubjectEntries:
    app = mapping(resource.data)
    entries: SubjectEntries = []
    variables = app.get("env")
    if isinstance(variables, dict):
        for name, value in variables.items():
            partial = isinstance(value, str) and _VARIABLE.search(value) is not None
            entries.append((("env", name), env_entry(name, value, reference=partial)))
    services = app.get("services")
    if isinstance(services, (list, dict)) and services:
        # Bound services reach the app as VCAP_SERVICES, never as literals.
        entries.append((("services",), env_entry("VCAP_SERVICES", None, reference=True)))
    return entries


def images(resource: Resource) -> SubjectEntries:
    docker = mapping(mapping(resource.data).get("docker"))
    image = docker.get("image")
    if isinstance(image, str) and image.strip():
        return [(("docker", "image"), image_entry(image))]
    return []


def _route_endpoint(route: str, protocol: Any) -> Any:
    host = route.split("/", 1)[0]
    port_match = _TCP_ROUTE.search(host)
    if port_match:
        host = host[: port_match.start()]
    kind = _PROTOCOLS.get(str(protocol).lower()) if protocol is not None else None
    if kind is None:
        kind = "tcp" if port_match else "http"
    if _INTERNAL_DOMAIN.search(host):
        public: bool | None = False
    else:
        _, dot, domain = host.partition(".")
        public = None if not dot or _VARIABLE.search(domain) else True
    if kind == "tcp":
        # The TCP router passes bytes through: the platform terminates no TLS.
        return endpoint_entry(port_match.group(1) if port_match else None, "tcp", public, False)
    return endpoint_entry(None, kind, public, None)


def endpoints(resource: Resource) -> SubjectEntries:
    app = mapping(resource.data)
    if app.get("no-route") is True:
        return []
    entries: SubjectEntries = []
    routes = app.get("routes")
    if isinstance(routes, list):
        for index, item in enumerate(routes):
            if isinstance(item, dict) and isinstance(item.get("route"), str):
                view = _route_endpoint(item["route"], item.get("protocol"))
                protocol_path = ("routes", index, "protocol") if "protocol" in item else ("routes", index, "route")
                entries.append(
                    (("routes", index), view.sourced(port=("routes", index, "route"), protocol=protocol_path))
                )
        return entries
    # cf CLI v6 attributes, removed in v7: domains combined with the app name.
    domains: list[tuple[tuple, Any]] = []
    if isinstance(app.get("domain"), str):
        domains.append((("domain",), app["domain"]))
    if isinstance(app.get("domains"), list):
        domains.extend((("domains", i), d) for i, d in enumerate(app["domains"]) if isinstance(d, str))
    for path, domain in domains:
        entries.append((path, _route_endpoint(f"host.{domain}", None)))
    if entries:
        return entries
    # No route declared: cf push maps a default (or random) route on the
    # default shared domain, which the manifest does not name.
    path: tuple = ("random-route",) if app.get("random-route") is True else ()
    return [(path, endpoint_entry(None, "http", None, None))]


def _health(process: dict) -> bool | None:
    kind = process.get("health-check-type")
    return _HEALTH_CHECKS.get(str(kind).lower()) if kind is not None else None


def _runtime(app: dict) -> str | None:
    for key in ("stack", "runtime"):  # ``runtime`` is the v1 (pre-Diego) spelling
        if isinstance(app.get(key), str):
            return app[key]
    return None


def _field(resource: Resource, base: tuple, process: dict, *keys: str) -> tuple | None:
    """Where a process's attribute is written: on its entry, else (web) at app level."""
    node: Any = resource.data
    for step in base:
        node = node[step]
    for key in keys:
        if process.get(key) is not None:
            return base + (key,) if isinstance(node, dict) and node.get(key) is not None else (key,)
    return None


def _sourced(view: Any, **sources: tuple | None) -> Any:
    return view.sourced(**{key: path for key, path in sources.items() if path is not None})


def workload(resource: Resource) -> SubjectEntries:
    app = mapping(resource.data)
    runtime = _runtime(app)
    runtime_path = _field(resource, (), app, "stack", "runtime")
    entries: SubjectEntries = []
    for path, process in processes(resource):
        view = workload_entry(
            memory=cf_size(_memory(process)),
            instances=process.get("instances"),
            health_check=_health(process),
            runtime=runtime,
        )
        entries.append(
            (
                path,
                _sourced(
                    view,
                    memory_bytes=_field(resource, path, process, "memory", "mem"),
                    instances=_field(resource, path, process, "instances"),
                    health_check=_field(resource, path, process, "health-check-type"),
                    runtime=runtime_path,
                ),
            )
        )
    sidecars = app.get("sidecars")
    if isinstance(sidecars, list):
        for index, sidecar in enumerate(sidecars):
            if isinstance(sidecar, dict):
                view = workload_entry(memory=cf_size(sidecar.get("memory")), runtime=runtime)
                memory_path = ("sidecars", index, "memory") if sidecar.get("memory") is not None else None
                entries.append((("sidecars", index), _sourced(view, memory_bytes=memory_path, runtime=runtime_path)))
    return entries


class CloudFoundry(Platform):
    name = "cloudfoundry"
    title = "Cloud Foundry"
    file_rules = (FileRule(r"([\w.-]*[-_.])?manifest([-_.][\w.-]*)?\.ya?ml", "yaml", rank=110, order=0),)
    sniffs = (Sniff("yaml", yaml_keys("applications"), order=1),)
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"memory_bytes", "instances", "run_as_root", "privileged", "health_check", "runtime"}),
    }
    subjects = {
        "env": env,
        "images": images,
        "endpoints": endpoints,
        "workload": workload,
        "processes": processes,
    }

    def detect(self, document: Document) -> bool:
        data = document.data
        return (
            isinstance(data, dict)
            and isinstance(data.get("applications"), (list, dict))
            and not ("apiVersion" in data and "kind" in data)
        )

    def resources(self, document: Document) -> list[Resource]:
        apps = document.data["applications"]
        # Version 1 manifests keyed applications by path instead of listing them.
        entries = apps.items() if isinstance(apps, dict) else enumerate(apps)
        return [
            self.resource(document, "application", app.get("name") or key, app, ("applications", key))
            for key, app in entries
            if isinstance(app, dict)
        ]
