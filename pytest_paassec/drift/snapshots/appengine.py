"""``gcloud app versions describe VERSION --service=SERVICE --format=json``.

The Admin API's Version resource (camelCase) becomes app.yaml's shape:
runtime, service (from the resource name), instance_class, env_variables
(secrets concealed), entrypoint, service_account, inbound_services,
automatic/basic/manual scaling, vpc_access_connector and handlers (url,
secure, script/static).  Server-only fields (id, servingStatus, createTime,
versionUrl, diskUsageBytes...) are left out; the serving status is a note.
"""

from __future__ import annotations

import re
from typing import Any

from ...platforms.appengine import AppEngine
from ..live import LiveDocument
from .common import Reading, Snapshot, conceal_map

PLATFORM = AppEngine.name

_NAME = re.compile(r"^apps/(?P<project>[^/]+)/services/(?P<service>[^/]+)/versions/(?P<version>[^/]+)$")
_SECURE = {"SECURE_ALWAYS": "always", "SECURE_OPTIONAL": "optional", "SECURE_NEVER": "never"}
_LOGIN = {"LOGIN_REQUIRED": "required", "LOGIN_ADMIN": "admin", "LOGIN_OPTIONAL": "optional"}
_EGRESS = {"ALL_TRAFFIC": "all-traffic", "PRIVATE_IP_RANGES": "private-ip-ranges"}
_SCALING = {
    "automaticScaling": (
        "automatic_scaling",
        {"maxConcurrentRequests": "max_concurrent_requests", "maxIdleInstances": "max_idle_instances",
         "minIdleInstances": "min_idle_instances", "maxPendingLatency": "max_pending_latency",
         "minPendingLatency": "min_pending_latency"},
        {"maxInstances": "max_instances", "minInstances": "min_instances",
         "targetCpuUtilization": "target_cpu_utilization", "targetThroughputUtilization": "target_throughput_utilization"},
    ),
    "basicScaling": ("basic_scaling", {"maxInstances": "max_instances", "idleTimeout": "idle_timeout"}, {}),
    "manualScaling": ("manual_scaling", {"instances": "instances"}, {}),
}


def read(snapshot: Snapshot) -> Reading | None:
    data = snapshot.documents[0].data
    if len(snapshot.documents) != 1 or not isinstance(data, dict) or not isinstance(data.get("runtime"), str):
        return None
    match = _NAME.match(str(data.get("name", "")))
    if match is None:
        return None
    app: dict[str, Any] = {"runtime": data["runtime"], "service": match["service"]}
    if data.get("env") == "flexible":
        app["env"] = "flex"
    simple = (("instanceClass", "instance_class"), ("serviceAccount", "service_account"), ("runtimeApiVersion", "api_version"))
    app.update({target: data[source] for source, target in simple if source in data})
    shell = (data.get("entrypoint") or {}).get("shell")
    if shell:
        app["entrypoint"] = shell
    if data.get("inboundServices"):
        app["inbound_services"] = [s.removeprefix("INBOUND_SERVICE_").lower() for s in data["inboundServices"]]
    for source, (target, fields, standard) in _SCALING.items():
        if isinstance(data.get(source), dict):
            app[target] = _scaling(data[source], fields, standard)
    connector = data.get("vpcAccessConnector")
    if isinstance(connector, dict) and connector.get("name"):
        app["vpc_access_connector"] = {"name": connector["name"]}
        if connector.get("egressSetting") in _EGRESS:
            app["vpc_access_connector"]["egress_setting"] = _EGRESS[connector["egressSetting"]]
    if isinstance(data.get("envVariables"), dict):
        app["env_variables"] = conceal_map(data["envVariables"])
    if isinstance(data.get("handlers"), list):
        app["handlers"] = [_handler(h) for h in data["handlers"] if isinstance(h, dict)]
    notes = {"version": match["version"], "project": match["project"], "servingStatus": data.get("servingStatus")}
    return [LiveDocument(PLATFORM, "yaml", app, snapshot.relpath, 1, notes)]


def _scaling(data: dict, fields: dict[str, str], standard: dict[str, str]) -> dict:
    out = {target: data[source] for source, target in fields.items() if source in data}
    settings = data.get("standardSchedulerSettings")
    if isinstance(settings, dict):
        out.update({target: settings[source] for source, target in standard.items() if source in settings})
    return out


def _handler(handler: dict) -> dict:
    out: dict[str, Any] = {"url": handler.get("urlRegex")}
    if handler.get("securityLevel") in _SECURE:
        out["secure"] = _SECURE[handler["securityLevel"]]
    if handler.get("login") in _LOGIN:
        out["login"] = _LOGIN[handler["login"]]
    script = handler.get("script")
    if isinstance(script, dict) and script.get("scriptPath"):
        out["script"] = script["scriptPath"]
    static = handler.get("staticFiles")
    if isinstance(static, dict):
        out["static_files"] = static.get("path")
        if static.get("uploadPathRegex"):
            out["upload"] = static["uploadPathRegex"]
    return out
