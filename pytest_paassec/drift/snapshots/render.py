"""Render's REST API: ``GET /v1/services/{id}`` and ``GET /v1/services/{id}/env-vars``.

The service JSON names itself (``id``, ``name``); the env-var list does
not, so its file is named ``<serviceId>.render-env-vars.json``.  Together
they become one render.yaml service (``{services: [...]}``): type (API
``web_service`` -> ``web``...), name, runtime, plan, region, repo, branch,
rootDir, autoDeploy, build/start commands, Docker paths, health check path,
instances, disk and envVars (secrets concealed).  The list endpoint's
``[{service, cursor}]`` is read as several services.
"""

from __future__ import annotations

from typing import Any

from ...platforms.render import Render
from ..live import LiveDocument
from .common import Part, Reading, Snapshot, conceal_list, key_from_name

PLATFORM = Render.name

ENV_SUFFIX = ".render-env-vars.json"
ROLES = ("service", "env-vars")
_TYPES = {"web_service": "web", "private_service": "pserv", "background_worker": "worker", "cron_job": "cron", "static_site": "web"}
_DETAILS = (
    ("plan", "plan"), ("region", "region"), ("numInstances", "numInstances"), ("healthCheckPath", "healthCheckPath"),
    ("schedule", "schedule"), ("publishPath", "staticPublishPath"), ("buildCommand", "buildCommand"),
    ("preDeployCommand", "preDeployCommand"),
)
_ENV_DETAILS = (
    ("buildCommand", "buildCommand"), ("startCommand", "startCommand"), ("dockerCommand", "dockerCommand"),
    ("dockerContext", "dockerContext"), ("dockerfilePath", "dockerfilePath"),
)


def _is_service(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("id"), str) and data.get("type") in _TYPES and "serviceDetails" in data


def read(snapshot: Snapshot) -> Reading | None:
    data = snapshot.documents[0].data
    if len(snapshot.documents) != 1:
        return None
    if _is_service(data):
        return [Part(PLATFORM, data["id"], "service", data, snapshot.relpath, 1)]
    if isinstance(data, list) and data and all(isinstance(i, dict) and _is_service(i.get("service")) for i in data):
        return [Part(PLATFORM, i["service"]["id"], "service", i["service"], snapshot.relpath, snapshot.line((n, "service"))) for n, i in enumerate(data)]
    if isinstance(data, list) and all(isinstance(i, dict) and isinstance(i.get("envVar"), dict) for i in data):
        key = key_from_name(snapshot, ENV_SUFFIX, "a Render env-vars list")
        env = conceal_list([dict(i["envVar"]) for i in data], "key", "value")
        return [Part(PLATFORM, key, "env-vars", env, snapshot.relpath, 1)]
    return None


def combine(parts: dict[str, Part]) -> LiveDocument:
    service = parts["service"].data
    details = service.get("serviceDetails") or {}
    out: dict[str, Any] = {"type": _TYPES[service["type"]], "name": service.get("name")}
    runtime = details.get("runtime") or details.get("env")
    if service["type"] == "static_site":
        runtime = "static"
    if runtime:
        out["runtime"] = runtime
    for key in ("repo", "branch", "rootDir"):
        if service.get(key):
            out[key] = service[key]
    if service.get("autoDeploy") in ("yes", "no"):
        out["autoDeploy"] = service["autoDeploy"] == "yes"
    out.update({target: details[source] for source, target in _DETAILS if details.get(source) not in (None, "")})
    specific = details.get("envSpecificDetails") or {}
    out.update({target: specific[source] for source, target in _ENV_DETAILS if specific.get(source) not in (None, "")})
    disk = details.get("disk")
    if isinstance(disk, dict):
        out["disk"] = {key: disk[key] for key in ("name", "mountPath", "sizeGB") if key in disk}
    out["envVars"] = parts["env-vars"].data
    notes = {key: service[key] for key in ("id", "suspended", "dashboardUrl") if key in service}
    return LiveDocument(PLATFORM, "yaml", {"services": [out]}, parts["service"].source, parts["service"].line, notes)
