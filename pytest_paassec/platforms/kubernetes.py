"""Kubernetes, OpenShift and Knative / Cloud Run manifests."""

from __future__ import annotations

from typing import Any

from ..documents import Document
from ..resources import Resource, SubjectEntries
from .base import Platform, mapping
from .kubernetes_security import SECURITY_SUBJECTS

# Where the pod spec sits, by kind.
POD_SPEC_PATHS: dict[str, tuple] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "DeploymentConfig": ("spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Service": ("spec", "template", "spec"),  # Knative Service only (see pod_spec)
    "Revision": ("spec",),
    "Configuration": ("spec", "template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def platform_of(api_version: str) -> str:
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    if group.endswith("knative.dev"):
        return "knative"
    if group.endswith("openshift.io"):
        return "openshift"
    return "kubernetes"


def pod_spec(resource: Resource) -> SubjectEntries:
    path = POD_SPEC_PATHS.get(resource.kind)
    if path is None or (resource.kind == "Service" and resource.platform != "knative"):
        return []
    node: Any = resource.data
    for step in path:
        if not isinstance(node, dict) or not isinstance(node.get(step), dict):
            return []
        node = node[step]
    return [(path, node)]


def containers(resource: Resource) -> SubjectEntries:
    entries: SubjectEntries = []
    for path, spec in pod_spec(resource):
        for list_name in CONTAINER_LISTS:
            items = spec.get(list_name)
            if isinstance(items, list):
                for index, container in enumerate(items):
                    if isinstance(container, dict):
                        entries.append((path + (list_name, index), container))
    return entries


class Kubernetes(Platform):
    name = "kubernetes"
    title = "Kubernetes, OpenShift and Knative"
    subjects = {"pod_spec": pod_spec, "containers": containers, **SECURITY_SUBJECTS}

    def detect(self, document: Document) -> bool:
        data = document.data
        return (
            isinstance(data, dict)
            and isinstance(data.get("apiVersion"), str)
            and isinstance(data.get("kind"), str)
        )

    def resources(self, document: Document) -> list[Resource]:
        return list(self._cut(document, document.data, ()))

    def _cut(self, document: Document, data: dict, path: tuple):  # type: ignore[no-untyped-def]
        kind = data.get("kind")
        # A List, or an OpenShift Template, holds resources of its own.
        nested_key = "items" if kind == "List" or str(kind).endswith("List") else "objects" if kind == "Template" else None
        nested = data.get(nested_key) if nested_key else None
        if isinstance(nested, list):
            if kind == "Template":
                yield self._one(document, data, path)
            for index, item in enumerate(nested):
                if isinstance(item, dict) and isinstance(item.get("kind"), str):
                    yield from self._cut(document, item, path + (nested_key, index))
            return
        yield self._one(document, data, path)

    def _one(self, document: Document, data: dict, path: tuple) -> Resource:
        metadata = mapping(data.get("metadata"))
        name = metadata.get("name") or metadata.get("generateName") or "unnamed"
        resource = self.resource(
            document,
            kind=str(data.get("kind")),
            name=name,
            data=data,
            path=path,
            scope=metadata.get("namespace") if isinstance(metadata.get("namespace"), str) else None,
        )
        resource.platform = platform_of(str(data.get("apiVersion", "")))
        return resource
