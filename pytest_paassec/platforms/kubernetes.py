"""Kubernetes, OpenShift and Knative / Cloud Run manifests."""

from __future__ import annotations

import re
from typing import Any

from ..model.resources import Resource, SubjectEntries
from ..model.workload import View, docker_socket, endpoint_entry, env_entry, image_entry, mount_entry, workload_entry
from ..parsing.documents import Document
from .base import (
    ENDPOINT_FIELDS,
    ENV_FIELDS,
    HOST_NAMESPACE_FIELDS,
    IMAGE_FIELDS,
    MOUNT_FIELDS,
    FileRule,
    Platform,
    Sniff,
    Variant,
    dig,
    json_keys,
    mapping,
    yaml_keys,
)
from .kubernetes_repository import KUBERNETES_FACTS
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
# A Cloud Run Job (run.googleapis.com/v1) nests a task template in an execution template.
CLOUD_RUN_POD_SPEC_PATHS: dict[str, tuple] = {
    "Job": ("spec", "template", "spec", "template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

# ``apiVersion: group/version`` or a bare core version; ARM resources and
# other look-alikes carry dates or free text there.
_API_VERSION = re.compile(r"^([a-z0-9]([a-z0-9.-]*[a-z0-9])?/)?v[0-9]+((alpha|beta)[0-9]*)?$")
_KIND = re.compile(r"^[A-Z][A-Za-z0-9]*$")

# OpenShift 3 served its own kinds under the bare ``v1`` version too; none
# of these exists in core Kubernetes, so the kind alone says OpenShift.
OPENSHIFT_LEGACY_KINDS = frozenset(
    {
        "DeploymentConfig",
        "Route",
        "Template",
        "ImageStream",
        "ImageStreamTag",
        "BuildConfig",
        "Build",
        "SecurityContextConstraints",
        "Project",
        "ProjectRequest",
    }
)

# Annotations and labels that make a Knative Service a Cloud Run one.
CLOUD_RUN_PREFIXES = ("run.googleapis.com/", "cloud.googleapis.com/")

# Service annotations that keep a LoadBalancer on the private network.
INTERNAL_LB_ANNOTATIONS: dict[str, tuple[str, ...]] = {
    "networking.gke.io/load-balancer-type": ("internal",),
    "cloud.google.com/load-balancer-type": ("internal",),
    "service.beta.kubernetes.io/aws-load-balancer-internal": ("true", "0.0.0.0/0"),
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ("internal",),
    "service.beta.kubernetes.io/azure-load-balancer-internal": ("true",),
    "service.beta.kubernetes.io/oci-load-balancer-internal": ("true",),
    "service.beta.kubernetes.io/openstack-internal-load-balancer": ("true",),
}

KNATIVE_VISIBILITY_LABELS = ("networking.knative.dev/visibility", "serving.knative.dev/visibility")
KNATIVE_HTTP_ANNOTATIONS = ("networking.knative.dev/http-protocol", "networking.knative.dev/http-option")
MAX_SCALE_ANNOTATIONS = ("autoscaling.knative.dev/max-scale", "autoscaling.knative.dev/maxScale")
MIN_SCALE_ANNOTATIONS = ("autoscaling.knative.dev/min-scale", "autoscaling.knative.dev/minScale")
REPLICATED_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"})
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def platform_of(api_version: str, kind: str = "") -> str:
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    if group.endswith("knative.dev") or group == "run.googleapis.com":
        return "knative"
    if group.endswith("openshift.io") or (not group and kind in OPENSHIFT_LEGACY_KINDS):
        return "openshift"
    return "kubernetes"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip() if value is not None else ""


def pod_spec(resource: Resource) -> SubjectEntries:
    path = POD_SPEC_PATHS.get(resource.kind)
    if is_cloud_run_api(resource):
        path = CLOUD_RUN_POD_SPEC_PATHS.get(resource.kind, path)
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


def is_cloud_run_api(resource: Resource) -> bool:
    return isinstance(resource.data, dict) and str(resource.data.get("apiVersion", "")).startswith("run.googleapis.com/")


def _knative_template_metadata(resource: Resource) -> dict:
    """The revision template's metadata (where autoscaling annotations live)."""
    return mapping(dig(resource.data, ("spec", "template", "metadata")))


def _first_key(mapping_: Any, keys: tuple[str, ...]) -> str | None:
    if isinstance(mapping_, dict):
        for key in keys:
            if key in mapping_:
                return key
    return None


def is_cloud_run(resource: Resource) -> bool:
    """A Knative resource written for Cloud Run: its API group or Google annotations say so."""
    if resource.platform != "knative":
        return False
    if is_cloud_run_api(resource):
        return True
    for metadata in (mapping(resource.data.get("metadata")), _knative_template_metadata(resource)):
        for key in ("annotations", "labels"):
            names = metadata.get(key)
            if isinstance(names, dict) and any(str(name).startswith(CLOUD_RUN_PREFIXES) for name in names):
                return True
    return False


def cloudrun(resource: Resource) -> SubjectEntries:
    """The resource itself, when it is a Cloud Run service or job."""
    if resource.kind in ("Service", "Job") and is_cloud_run(resource):
        return [((), resource.data)]
    return []


# --- normalized subjects ----------------------------------------------------


def env(resource: Resource) -> list[tuple[tuple, View]]:
    """Every container's env and envFrom; a ConfigMap's data keys, which
    reach pods as settings (envFrom, configMapKeyRef) and so get the same
    secret detectors."""
    if resource.kind == "ConfigMap":
        return _configmap_settings(resource)
    entries: list[tuple[tuple, View]] = []
    for path, container in containers(resource):
        items = container.get("env")
        if isinstance(items, list):
            for index, item in enumerate(items):
                if not isinstance(item, dict) or "name" not in item:
                    continue
                where = path + ("env", index)
                if "valueFrom" in item:
                    entries.append((where + ("valueFrom",), env_entry(item["name"], None, reference=True)))
                elif "value" in item:
                    entries.append((where + ("value",), env_entry(item["name"], item["value"] if item["value"] is not None else "")))
                else:
                    entries.append((where, env_entry(item["name"], "")))
        sources = container.get("envFrom")
        if isinstance(sources, list):
            for index, item in enumerate(sources):
                if isinstance(item, dict):
                    # A whole ConfigMap or Secret: its keys are not in this file.
                    entries.append((path + ("envFrom", index), env_entry(f"{_text(item.get('prefix'))}*", None, reference=True)))
    return entries


def _configmap_settings(resource: Resource) -> list[tuple[tuple, View]]:
    data = resource.data.get("data")
    if not isinstance(data, dict):
        return []
    # binaryData is base64 by definition: it would read as a generated token.
    return [
        (("data", key), env_entry(key, value if value is not None else ""))
        for key, value in data.items()
        if isinstance(key, str) and not isinstance(value, (dict, list))
    ]


def job_spec(resource: Resource) -> SubjectEntries:
    """The Job spec of a Job or of a CronJob's jobTemplate (not Cloud Run jobs)."""
    path = {"Job": ("spec",), "CronJob": ("spec", "jobTemplate", "spec")}.get(resource.kind)
    if path is None or resource.platform == "knative":
        return []
    node = dig(resource.data, path)
    return [(path, node)] if isinstance(node, dict) else []


def autoscaler(resource: Resource) -> SubjectEntries:
    """A HorizontalPodAutoscaler's bounds: ``{minReplicas, maxReplicas,
    inverted}``; ``minReplicas`` is 1 when unset (the API default),
    ``inverted`` a sentence present only when maxReplicas is below it."""
    spec = resource.data.get("spec") if resource.kind == "HorizontalPodAutoscaler" else None
    if not isinstance(spec, dict):
        return []
    view = View(minReplicas=spec.get("minReplicas", 1), maxReplicas=spec.get("maxReplicas"))
    view.sourced(**{key: ("spec", key) for key in ("minReplicas", "maxReplicas") if key in spec})
    low, high = view["minReplicas"], view["maxReplicas"]
    if all(isinstance(n, int) and not isinstance(n, bool) for n in (low, high)) and high < low:
        view["inverted"] = f"maxReplicas {high} is below minReplicas {low}: the API server rejects it"
        view.sources["inverted"] = ("spec", "maxReplicas")
    return [(("spec",), view)]


def images(resource: Resource) -> list[tuple[tuple, View]]:
    return [
        (path + ("image",), image_entry(container["image"]))
        for path, container in containers(resource)
        if isinstance(container.get("image"), str) and container["image"].strip()
    ]


def endpoints(resource: Resource) -> list[tuple[tuple, View]]:
    if resource.platform == "knative":
        if resource.kind in ("Service", "Route"):
            return _knative_endpoints(resource)
        return []
    if resource.kind == "Service":
        return _service_endpoints(resource)
    if resource.kind == "Ingress":
        return _ingress_endpoints(resource)
    if resource.kind == "Route" and resource.platform == "openshift":
        return _route_endpoints(resource)
    return _host_port_endpoints(resource)


def _service_endpoints(resource: Resource) -> list[tuple[tuple, View]]:
    spec = mapping(resource.data.get("spec"))
    kind = _text(spec.get("type")) or "ClusterIP"
    if kind == "ExternalName":
        return []  # an alias for something outside, not a way in
    annotations = mapping(dig(resource.data, ("metadata", "annotations")))
    public_source: tuple = ("spec", "type") if "type" in spec else ("spec",)
    if kind == "LoadBalancer":
        internal = [name for name, values in INTERNAL_LB_ANNOTATIONS.items() if _text(annotations.get(name)).lower() in values]
        public: bool | None = not internal
        if internal:
            public_source = ("metadata", "annotations", internal[0])
    elif kind == "NodePort":
        public = True
    else:
        public = bool(spec.get("externalIPs"))
        if public:
            public_source = ("spec", "externalIPs")
    ports = spec.get("ports")
    entries = []
    if isinstance(ports, list):
        for index, port in enumerate(ports):
            if isinstance(port, dict):
                where = ("spec", "ports", index) + (("port",) if "port" in port else ())
                view = endpoint_entry(port.get("port"), _text(port.get("protocol")) or "TCP", public=public)
                entries.append((where, view.sourced(public=public_source)))
    return entries


def _ingress_endpoints(resource: Resource) -> list[tuple[tuple, View]]:
    spec = mapping(resource.data.get("spec"))
    tls = spec.get("tls") if isinstance(spec.get("tls"), list) else []
    covered: set[str] = set()
    covers_all = False
    for item in tls:
        hosts = item.get("hosts") if isinstance(item, dict) else None
        if isinstance(hosts, list) and hosts:
            covered.update(str(h) for h in hosts)
        elif isinstance(item, dict):
            covers_all = True

    def entry(path: tuple, host: Any) -> tuple[tuple, View]:
        secure = covers_all or (host is not None and str(host) in covered)
        view = endpoint_entry(443 if secure else 80, "https" if secure else "http", public=True, tls=secure)
        return path, view.sourced(tls=("spec", "tls") if "tls" in spec else path)

    entries = []
    rules = spec.get("rules")
    if isinstance(rules, list):
        for index, rule in enumerate(rules):
            if isinstance(rule, dict):
                host = rule.get("host")
                entries.append(entry(("spec", "rules", index) + (("host",) if host is not None else ()), host))
    if not entries:
        for key in ("defaultBackend", "backend"):
            if isinstance(spec.get(key), dict):
                entries.append(entry(("spec", key), None))
                break
    return entries


def _route_endpoints(resource: Resource) -> list[tuple[tuple, View]]:
    spec = mapping(resource.data.get("spec"))
    where = ("spec", "host") if "host" in spec else ("spec",)
    tls = spec.get("tls")
    if not isinstance(tls, dict) or not tls.get("termination"):
        return [(where, endpoint_entry(80, "http", public=True, tls=False))]
    entries = [(where, endpoint_entry(443, "https", public=True, tls=True).sourced(tls=("spec", "tls", "termination")))]
    if _text(tls.get("insecureEdgeTerminationPolicy")) == "Allow":
        allow = ("spec", "tls", "insecureEdgeTerminationPolicy")
        entries.append((allow, endpoint_entry(80, "http", public=True, tls=False)))
    return entries


def _knative_endpoints(resource: Resource) -> list[tuple[tuple, View]]:
    metadata = mapping(resource.data.get("metadata"))
    annotations = mapping(metadata.get("annotations"))
    labels = mapping(metadata.get("labels"))
    where: tuple = ("metadata",) if metadata else ()
    sources: dict[str, tuple] = {}
    public: bool | None = True
    visibility = _first_key(labels, KNATIVE_VISIBILITY_LABELS)
    if visibility is not None:
        sources["public"] = ("metadata", "labels", visibility)
        if _text(labels[visibility]) == "cluster-local":
            public = False
    ingress = _text(annotations.get("run.googleapis.com/ingress"))
    if ingress and public:
        sources["public"] = ("metadata", "annotations", "run.googleapis.com/ingress")
        # Behind a Cloud Load Balancer that may face either way: unknown.
        public = {"all": True, "internal": False}.get(ingress)
    if is_cloud_run(resource):
        # Cloud Run serves HTTPS only and redirects plain HTTP.
        return [(where, endpoint_entry(443, "https", public=public, tls=True).sourced(**sources))]
    http = _first_key(annotations, KNATIVE_HTTP_ANNOTATIONS)
    option = _text(annotations.get(http)).lower() if http else ""
    if http:
        sources["tls"] = ("metadata", "annotations", http)
    if option == "redirected":
        view = endpoint_entry(443, "https", public=public, tls=True)
    elif option == "enabled":
        view = endpoint_entry(80, "http", public=public, tls=False)
    else:
        # Without the annotation the cluster's http-protocol setting decides.
        view = endpoint_entry(None, "http", public=public, tls=None)
    return [(where, view.sourced(**sources))]


def _host_port_endpoints(resource: Resource) -> list[tuple[tuple, View]]:
    """Container ports bound on the node: reachable where the node is."""
    entries = []
    for path, container in containers(resource):
        ports = container.get("ports")
        if isinstance(ports, list):
            for index, port in enumerate(ports):
                if isinstance(port, dict) and port.get("hostPort") not in (None, 0):
                    view = endpoint_entry(port["hostPort"], _text(port.get("protocol")) or "TCP")
                    entries.append((path + ("ports", index, "hostPort"), view))
    return entries


def _volume_sources(spec: dict, spec_path: tuple) -> dict[str, tuple[Any, bool, tuple]]:
    """Volume name -> (source, host, path of the source): a hostPath's path, else the name."""
    found: dict[str, tuple[Any, bool, tuple]] = {}
    volumes = spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if not isinstance(volume, dict) or not isinstance(volume.get("name"), str):
            continue
        where = spec_path + ("volumes", index)
        host_path = volume.get("hostPath")
        if isinstance(host_path, dict):
            path = host_path.get("path")
            source_path = where + ("hostPath",) + (("path",) if "path" in host_path else ())
            found[volume["name"]] = (path if isinstance(path, str) else None, True, source_path)
        else:
            found[volume["name"]] = (volume["name"], False, where)
    return found


def mounts(resource: Resource) -> list[tuple[tuple, View]]:
    """Each container's volumeMounts; a hostPath volume's finding points at its path."""
    specs = pod_spec(resource)
    if not specs:
        return []
    spec_path, spec = specs[0]
    volumes = _volume_sources(spec, spec_path)
    entries = []
    for path, container in containers(resource):
        items = container.get("volumeMounts")
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or item.get("name") not in volumes:
                continue  # a mount of an undeclared volume: the API server rejects it
            source, host, source_path = volumes[item["name"]]
            view = mount_entry(source, item.get("mountPath"), host, read_only=item.get("readOnly") is True)
            entries.append((path + ("volumeMounts", index), view.sourced(source=source_path)))
    return entries


def workload(resource: Resource) -> list[tuple[tuple, View]]:
    """One entry per container and init container (ephemeral debug containers
    take no limits or probes, so they are left out)."""
    specs = pod_spec(resource)
    if not specs:
        return []
    spec_path, spec = specs[0]
    pod_context = mapping(spec.get("securityContext"))
    pod: dict[str, Any] = {"service_account": None}
    sources: dict[str, tuple] = {}
    for field, key in (("host_network", "hostNetwork"), ("host_pid", "hostPID"), ("host_ipc", "hostIPC")):
        pod[field] = spec.get(key) is True
        if key in spec:
            sources[field] = spec_path + (key,)
    for key in ("serviceAccountName", "serviceAccount"):
        if isinstance(spec.get(key), str) and spec[key].strip():
            pod["service_account"] = spec[key].strip()
            sources["service_account"] = spec_path + (key,)
            break
    if resource.platform == "knative":
        template = ("spec", "template", "metadata", "annotations")
        annotations = mapping(dig(resource.data, template))
        for field, names in (("instances", MIN_SCALE_ANNOTATIONS), ("max_instances", MAX_SCALE_ANNOTATIONS)):
            key = _first_key(annotations, names)
            if key is not None:
                pod[field] = annotations[key]
                sources[field] = template + (key,)
    elif resource.kind == "Pod":
        pod["instances"] = 1
    elif resource.kind in REPLICATED_KINDS and "replicas" in mapping(resource.data.get("spec")):
        # Without ``replicas`` an autoscaler may own the count: unknown.
        pod["instances"] = resource.data["spec"]["replicas"]
        sources["instances"] = ("spec", "replicas")
    all_mounts = mounts(resource)
    entries = []
    # App containers first, so entry 0 stays the main container.
    for path, container in sorted(containers(resource), key=lambda entry: entry[0][-2] != "containers"):
        if path[-2] == "ephemeralContainers":
            continue
        own = dict(sources)
        limits = mapping(dig(container, ("resources", "limits")))
        for field, key in (("memory_bytes", "memory"), ("cpu_millicores", "cpu")):
            if key in limits:
                own[field] = path + ("resources", "limits", key)
        context = mapping(container.get("securityContext"))
        root, root_source = _runs_as_root(context, pod_context)
        if root_source is not None:
            own["run_as_root"] = (path if root_source[0] == "container" else spec_path) + ("securityContext",) + root_source[1:]
        if "privileged" in context:
            own["privileged"] = path + ("securityContext", "privileged")
        added = dig(context, ("capabilities", "add"))
        if added is not None:
            own["capabilities_added"] = path + ("securityContext", "capabilities", "add")
        socket, socket_source = docker_socket([m for m in all_mounts if m[0][: len(path)] == path])
        if socket_source is not None:
            own["docker_socket"] = socket_source
        health, health_source = _health(resource, path, container)
        if health_source is not None:
            own["health_check"] = health_source
        view = workload_entry(
            memory=limits.get("memory"),
            cpu=limits.get("cpu"),
            run_as_root=root,
            privileged=context.get("privileged") is True,
            health_check=health,
            capabilities_added=[] if added is None else added,
            docker_socket=socket,
            **pod,
        )
        entries.append((path, view.sourced(**own)))
    return entries


def _health(resource: Resource, path: tuple, container: dict) -> tuple[bool | None, tuple | None]:
    """Whether the container has a probe, and where.  An init container runs
    to completion before the pod serves (no probes allowed): unknown, unless
    it is a sidecar (``restartPolicy: Always``), which runs beside the app."""
    probes = [p for p in PROBES if isinstance(container.get(p), dict)]
    if probes:
        return True, path + (probes[0],)
    if path[-2] == "initContainers" and container.get("restartPolicy") != "Always":
        return None, None
    if resource.platform == "knative":
        return None, None  # Knative and Cloud Run add a default TCP probe
    return False, None


def _runs_as_root(container: dict, pod: dict) -> tuple[bool | None, tuple | None]:
    """Root when the effective UID is 0; not root when runAsNonRoot is enforced.

    Also says where the deciding field is: ``("container"|"pod", field)``.
    """
    for level, context in (("container", container), ("pod", pod)):
        user = context.get("runAsUser")
        if user is not None:
            if isinstance(user, int) and not isinstance(user, bool):
                return user == 0, (level, "runAsUser")
            break
    for level, context in (("container", container), ("pod", pod)):
        if "runAsNonRoot" in context:
            if context["runAsNonRoot"] is True:
                return False, (level, "runAsNonRoot")
            break
    return None, None  # the image's USER decides


class Kubernetes(Platform):
    name = "kubernetes"
    title = "Kubernetes"
    # Second choice for names other platforms use first; any generic file
    # with apiVersion and kind.
    file_rules = (
        FileRule(r"app\.ya?ml", "yaml", rank=100, order=2),
        FileRule(r"([\w.-]*[-_.])?manifest([-_.][\w.-]*)?\.ya?ml", "yaml", rank=110, order=1),
    )
    sniffs = (Sniff("yaml", yaml_keys("apiVersion", "kind"), order=0), Sniff("json", json_keys("apiVersion", "kind"), order=0))
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"memory_bytes", "cpu_millicores", "instances", "max_instances", "run_as_root", "privileged", "health_check"})
        | HOST_NAMESPACE_FIELDS
        | {"capabilities_added", "docker_socket", "service_account"},
        "mounts": MOUNT_FIELDS,
    }
    # platform_of() splits the documents: OpenShift's API groups and Knative
    # Services (Cloud Run's too) share the adapter and its view.
    variants = (Variant("openshift", "OpenShift", fields), Variant("knative", "Knative / Cloud Run", fields))
    subjects = {
        "pod_spec": pod_spec,
        "containers": containers,
        "cloudrun": cloudrun,
        "env": env,
        "images": images,
        "endpoints": endpoints,
        "workload": workload,
        "mounts": mounts,
        "job_spec": job_spec,
        "autoscaler": autoscaler,
        **SECURITY_SUBJECTS,
    }
    facts = KUBERNETES_FACTS

    def detect(self, document: Document) -> bool:
        data = document.data
        return (
            isinstance(data, dict)
            and isinstance(data.get("apiVersion"), str)
            and isinstance(data.get("kind"), str)
            and _API_VERSION.match(data["apiVersion"].strip()) is not None
            and _KIND.match(data["kind"].strip()) is not None
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
        resource.platform = platform_of(str(data.get("apiVersion", "")), str(data.get("kind", "")))
        return resource
