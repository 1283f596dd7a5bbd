"""DigitalOcean App Platform specs: the app and each of its components."""

from __future__ import annotations

import re

from ..model.resources import Resource, SubjectEntries
from ..model.workload import endpoint_entry, env_from_key_list, image_entry, workload_entry
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, FileRule, Platform, Sniff, json_keys, mapping, yaml_keys
from .paas_repository import DIGITALOCEAN_FACTS

COMPONENTS = (("services", "service"), ("workers", "worker"), ("jobs", "job"), ("static_sites", "static_site"), ("functions", "function"))

# Components that run the user's code in containers (instance size and count).
RUNNABLE_KINDS = frozenset({"service", "worker", "job"})

# ``apps-s-1vcpu-0.5gb`` (shared) and ``apps-d-2vcpu-4gb`` (dedicated) name
# their size; legacy slugs (``basic-xxs``, ``professional-xs``) do not.
_SIZE_SLUG = re.compile(r"^apps-[sd]-(?P<cpu>\d+(?:\.\d+)?)vcpu-(?P<memory>\d+(?:\.\d+)?)gb$")

REGISTRY_HOSTS = {"DOCR": "registry.digitalocean.com", "DOCKER_HUB": "docker.io", "GHCR": "ghcr.io"}


def _spec(data: object) -> tuple[dict | None, tuple]:
    """The app spec, at the top or under ``spec`` (deploy templates)."""
    if isinstance(data, dict):
        if isinstance(data.get("spec"), dict):
            return data["spec"], ("spec",)
        return data, ()
    return None, ()


def _env(resource: Resource) -> SubjectEntries:
    # type SECRET is stored encrypted by the platform; the file holds EV[...] at most.
    return env_from_key_list(
        resource.data.get("envs"), ("envs",), lambda item: str(item.get("type", "")).upper() == "SECRET"
    )


def _images(resource: Resource) -> SubjectEntries:
    if resource.kind not in RUNNABLE_KINDS:
        return []
    image = resource.data.get("image")
    if not isinstance(image, dict) or not image.get("repository"):
        return []
    host = REGISTRY_HOSTS.get(str(image.get("registry_type", "")).upper())
    parts = [part for part in (host, image.get("registry"), image.get("repository")) if part]
    reference = "/".join(str(part) for part in parts)
    if image.get("tag"):
        reference += f":{image['tag']}"
    if image.get("digest"):
        reference += f"@{image['digest']}"
    view = image_entry(reference)
    if host is None:
        view["registry"] = None  # registry_type missing or unknown: no host to name
    fields = {"tag": "tag", "digest": "digest", "repository": "repository", "registry": "registry_type"}
    view.sourced(**{key: ("image", field) for key, field in fields.items() if image.get(field)})
    return [(("image",), view)]


def _routed_by_ingress(resource: Resource) -> bool:
    spec, _ = _spec(resource.document.data)
    rules = mapping(mapping(spec).get("ingress")).get("rules")
    return isinstance(rules, list) and any(
        isinstance(rule, dict) and mapping(rule.get("component")).get("name") == resource.name for rule in rules
    )


def _endpoints(resource: Resource) -> SubjectEntries:
    data = resource.data
    public_https = endpoint_entry(443, "https", public=True, tls=True)
    if resource.kind in ("static_site", "function"):
        return [((), public_https)]
    if resource.kind != "service":
        return []
    # A service is internal only when it lists internal_ports and has neither
    # an http_port nor a route; otherwise http_port (default 8080) is public.
    internal = bool(data.get("internal_ports")) and "http_port" not in data and not data.get("routes")
    if internal and not _routed_by_ingress(resource):
        return []
    source = next(((key,) for key in ("http_port", "routes") if key in data), ())
    return [(source, public_https)]


def _workload(resource: Resource) -> SubjectEntries:
    data = resource.data
    if resource.kind not in RUNNABLE_KINDS:
        return []
    cpu = memory = None
    sources: dict[str, tuple] = {}
    size = _SIZE_SLUG.match(str(data.get("instance_size_slug", "")))
    if size:
        cpu, memory = size.group("cpu"), f"{size.group('memory')}Gi"
        sources.update(memory_bytes=("instance_size_slug",), cpu_millicores=("instance_size_slug",))
    autoscaling = mapping(data.get("autoscaling"))
    if autoscaling:
        instances, max_instances = autoscaling.get("min_instance_count"), autoscaling.get("max_instance_count")
        for key, field in (("instances", "min_instance_count"), ("max_instances", "max_instance_count")):
            if field in autoscaling:
                sources[key] = ("autoscaling", field)
    else:
        instances = max_instances = data.get("instance_count", 1)  # the spec's documented default
        if "instance_count" in data:
            sources.update(instances=("instance_count",), max_instances=("instance_count",))
    if "environment_slug" in data:
        sources["runtime"] = ("environment_slug",)
    # Without an HTTP path the platform only checks that the port accepts
    # TCP connections; health_check means an application-level check.
    checks = {"service": ("health_check", "liveness_health_check"), "worker": ("liveness_health_check",)}.get(resource.kind)
    health = None
    if checks is not None:
        health = any(mapping(data.get(key)).get("http_path") or mapping(data.get(key)).get("path") for key in checks)
        present = next((key for key in checks if isinstance(data.get(key), dict)), None)
        if present:
            sources["health_check"] = (present,)
    runtime = data.get("environment_slug")
    view = workload_entry(
        memory=memory,
        cpu=cpu,
        instances=instances,
        max_instances=max_instances,
        health_check=health,
        runtime=runtime if isinstance(runtime, str) else None,
    )
    return [((), view.sourced(**sources))]


def _cors(resource: Resource) -> SubjectEntries:
    """Every CORS policy: a component's own, and the app's ingress rules'."""
    entries: SubjectEntries = []
    if isinstance(resource.data.get("cors"), dict):
        entries.append((("cors",), resource.data["cors"]))
    if resource.kind == "app":
        rules = mapping(resource.data.get("ingress")).get("rules")
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule, dict) and isinstance(rule.get("cors"), dict):
                entries.append((("ingress", "rules", index, "cors"), rule["cors"]))
    return entries


class DigitalOcean(Platform):
    name = "digitalocean"
    title = "DigitalOcean App Platform"
    file_rules = (
        FileRule(r".*\.ya?ml", "yaml", rank=60, folder=".do"),
        FileRule(r".*\.json", "json", rank=60, folder=".do"),
        FileRule(r"app\.json", "json", rank=90, order=1),
        FileRule(r"app\.ya?ml", "yaml", rank=100, order=1),
    )
    sniffs = (
        Sniff("yaml", yaml_keys("services", "databases", "static_sites", "workers", "jobs"), order=5),
        Sniff("json", json_keys("static_sites") + r'|"(services|workers|jobs)"\s*:\s*\[', order=3),
    )
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"memory_bytes", "cpu_millicores", "instances", "max_instances", "run_as_root", "privileged", "health_check", "runtime"}),
    }
    subjects = {"env": _env, "images": _images, "endpoints": _endpoints, "workload": _workload, "cors": _cors}
    # Env vars read from other services and databases (paas_repository.py).
    facts = DIGITALOCEAN_FACTS

    def detect(self, document: Document) -> bool:
        spec, _ = _spec(document.data)
        if spec is None:
            return False
        services = spec.get("services")
        if isinstance(services, list) and any(isinstance(s, dict) and "type" in s for s in services):
            return False  # App Platform services have no type: a Render blueprint
        return any(isinstance(spec.get(section), list) for section, _ in COMPONENTS) or (
            "name" in spec and ("region" in spec or "databases" in spec or "domains" in spec)
        )

    def resources(self, document: Document) -> list[Resource]:
        spec, base = _spec(document.data)
        assert spec is not None
        found = [self.resource(document, "app", spec.get("name"), spec, base)]
        for section, kind in COMPONENTS:
            items = spec.get(section)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, dict):
                        found.append(self.resource(document, kind, item.get("name"), item, base + (section, index)))
        databases = spec.get("databases")
        for index, item in enumerate(databases if isinstance(databases, list) else []):
            if isinstance(item, dict):
                found.append(self.resource(document, "database", item.get("name"), item, base + ("databases", index)))
        return found
